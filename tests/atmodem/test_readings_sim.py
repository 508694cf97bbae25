"""Reading the SIM's state and its retry counters from the lines modules print."""

import pytest

from custom_components.modem_http.atmodem.readings import (
    PinCounters,
    SimState,
    UnexpectedReply,
    ValueOutOfRange,
    parse_cpin,
    parse_qpinc,
    parse_spic,
    sim_state_from_cme,
)


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("+CPIN: READY", SimState.READY),
        # No space after the colon: a real modem in faucamp/python-gsmmodem issue #117.
        ("+CPIN:READY", SimState.READY),
        ("+CPIN: SIM PIN", SimState.PIN_REQUIRED),
        ("+CPIN: SIM PUK", SimState.PUK_REQUIRED),
        ("+CPIN: SIM PIN2", SimState.PIN2_REQUIRED),
        ("+CPIN: PH-SIM PIN", SimState.PHONE_LOCKED),
        # A7670E URCs (Xinyuan-LilyGO/LilyGo-Modem-Series issue #496).
        ("+CPIN: SIM REMOVED", SimState.NOT_INSERTED),
        ("+CPIN: SIM CRASH", SimState.FAILURE),
        # Quectel, after the card is pulled (AT+QSIMDET example).
        ("+CPIN: NOT READY", SimState.NOT_READY),
        ("+CPIN: NOT INSERTED", SimState.NOT_INSERTED),
    ],
)
def test_every_sim_state_a_module_prints(line: str, state: SimState) -> None:
    assert parse_cpin([line]) is state


def test_only_a_ready_sim_or_one_waiting_for_pin2_lets_the_modem_register() -> None:
    assert SimState.READY.usable
    assert SimState.PIN2_REQUIRED.usable
    assert not SimState.PIN_REQUIRED.usable
    assert not SimState.NOT_INSERTED.usable


@pytest.mark.parametrize(
    ("code", "state"),
    [
        (10, SimState.NOT_INSERTED),
        (11, SimState.PIN_REQUIRED),
        (12, SimState.PUK_REQUIRED),
        (13, SimState.FAILURE),
        (14, SimState.BUSY),
        (30, None),
    ],
)
def test_a_cme_error_to_a_sim_command_tells_the_sim_state(
    code: int, state: SimState | None
) -> None:
    assert sim_state_from_cme(code) is state


@pytest.mark.parametrize(
    "lines",
    [
        ["+CPIN: MAYBE"],
        [],
        ["+CPIN: READY", "+CPIN: READY"],
        ["READY"],
    ],
)
def test_a_reply_that_is_no_sim_state_is_refused(lines: list[str]) -> None:
    with pytest.raises(UnexpectedReply):
        parse_cpin(lines)


@pytest.mark.parametrize(
    ("line", "counters"),
    [
        # A SIM7600 in a public controller's tests; a SIMCom modem in another's.
        ("+SPIC: 3,10,0,10", PinCounters(3, 10, 0, 10)),
        ("+SPIC: 3,10,1,10", PinCounters(3, 10, 1, 10)),
        ("+SPIC: 0,9,3,10", PinCounters(0, 9, 3, 10)),
    ],
)
def test_simcom_retry_counters(line: str, counters: PinCounters) -> None:
    assert parse_spic([line]) == counters


def test_simcom_retry_counters_that_make_no_sense_are_refused() -> None:
    with pytest.raises(UnexpectedReply):
        parse_spic(["+SPIC: 3"])
    with pytest.raises(ValueOutOfRange):
        parse_spic(["+SPIC: 11,10,3,10"])
    with pytest.raises(UnexpectedReply):
        parse_spic(["+SPIC: three,10,3,10"])


def test_quectel_retry_counters_in_read_and_set_form() -> None:
    # Quectel (U)SIM commands, AT+QPINC: the read form lists SC and P2, the set form one.
    assert parse_qpinc(['+QPINC: "SC",3,10', '+QPINC: "P2",3,10']) == PinCounters(3, 10, 3, 10)
    assert parse_qpinc(['+QPINC: "SC",2,10']) == PinCounters(2, 10)
    with pytest.raises(UnexpectedReply):
        parse_qpinc(['+QPINC: "P2",3,10'])
    with pytest.raises(UnexpectedReply):
        parse_qpinc(['+QPINC: "SC",3'])
