"""Reading the SIM's IMSI and ICCID, and their absence, from what modules print."""

import pytest

from custom_components.modem_http.atmodem.readings import UnexpectedReply, parse_cimi, parse_iccid


def test_the_imsi_and_its_country() -> None:
    imsi = parse_cimi(["262011234567890"])
    assert imsi.value == "262011234567890"
    assert imsi.mcc == "262"
    assert parse_cimi(["+CIMI: 460001234567890"]).value == "460001234567890"


@pytest.mark.parametrize("lines", [[], ["26201abc"], ["12345"], ["262011234567890", "x"]])
def test_anything_but_one_imsi_is_refused(lines: list[str]) -> None:
    with pytest.raises(UnexpectedReply):
        parse_cimi(lines)


@pytest.mark.parametrize(
    ("lines", "command", "prefixes", "iccid"),
    [
        (["+ICCID: 89490200001234567890"], "AT+CICCID", ("+ICCID:",), "89490200001234567890"),
        # The example of Quectel's AT+QCCID.
        (["+QCCID: 89860025128306012474"], "AT+QCCID", ("+QCCID:",), "89860025128306012474"),
        # SIM800's bare answer with a filler nibble (vshymanskyy/TinyGSM issue #336).
        (["8944501810180244540f"], "AT+CCID", ("+CCID:",), "8944501810180244540F"),
        # A letter inside: a SIMCom controller's tests.
        (["+ICCID: 898600700907A6019125"], "AT+CICCID", ("+ICCID:",), "898600700907A6019125"),
        # No SIM, or a module without the command: a bare OK.
        ([], "AT+QCCID", ("+QCCID:",), None),
    ],
)
def test_iccid_in_each_spelling_and_none_for_a_bare_ok(
    lines: list[str], command: str, prefixes: tuple[str, ...], iccid: str | None
) -> None:
    assert parse_iccid(lines, command, *prefixes) == iccid


@pytest.mark.parametrize("line", ["+QCCID: ERROR", "+ICCID: 1234", "+ICCID: 12490200001234567890"])
def test_an_iccid_that_is_none_is_refused(line: str) -> None:
    with pytest.raises(UnexpectedReply):
        parse_iccid([line], "AT+CICCID", "+ICCID:", "+QCCID:")
