"""Reading AT+CSQ and AT+CESQ with 3GPP TS 27.007's tables."""

import pytest

from custom_components.modem_http.atmodem.readings import (
    Cesq,
    Csq,
    UnexpectedReply,
    ValueOutOfRange,
    parse_cesq,
    parse_csq,
)


@pytest.mark.parametrize(
    ("index", "dbm"),
    [(0, -113), (1, -111), (2, -109), (20, -73), (30, -53), (31, -51), (99, None)],
)
def test_csq_rssi_table(index: int, dbm: int | None) -> None:
    assert parse_csq([f"+CSQ: {index},99"]) == Csq(dbm, None)


@pytest.mark.parametrize(
    ("line", "csq"),
    [
        ("+CSQ: 21,99", Csq(-71, None)),  # luci-app-3ginfo-lite PR #32
        ("+CSQ:99,99", Csq(None, None)),  # obsy/packages issue #3, no space after the colon
        ("+CSQ: 28,0", Csq(-57, 0)),  # the example of Quectel's UGxx manual
        ("+CSQ: 14, 7", Csq(-85, 7)),
    ],
)
def test_csq_replies(line: str, csq: Csq) -> None:
    assert parse_csq([line]) == csq


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("+CSQ: 45,99", ValueOutOfRange),
        ("+CSQ: 100,99", ValueOutOfRange),  # TD-SCDMA's 100-191 is not 27.007's table
        ("+CSQ: 20,8", ValueOutOfRange),
        ("+CSQ: ,99", UnexpectedReply),
        ("+CSQ: 20", UnexpectedReply),
        ("+CSQ: -3,99", ValueOutOfRange),
    ],
)
def test_csq_outside_the_table_is_refused(line: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_csq([line])


def test_cesq_of_an_lte_modem() -> None:
    # obsy/packages issue #3: an LTE modem reports RSRQ and RSRP only.
    assert parse_cesq(["+CESQ:99,99,255,255,12,40"]) == Cesq(None, None, None, None, -14.0, -101)


@pytest.mark.parametrize(
    ("line", "cesq"),
    [
        ("+CESQ: 0,0,255,255,255,255", Cesq(-111, 0, None, None, None, None)),
        ("+CESQ: 63,7,255,255,255,255", Cesq(-48, 7, None, None, None, None)),
        ("+CESQ: 99,99,0,0,255,255", Cesq(None, None, -121, -24.5, None, None)),
        ("+CESQ: 99,99,96,49,255,255", Cesq(None, None, -25, 0.0, None, None)),
        ("+CESQ: 99,99,255,255,0,0", Cesq(None, None, None, None, -20.0, -141)),
        ("+CESQ: 99,99,255,255,34,97", Cesq(None, None, None, None, -3.0, -44)),
        ("+CESQ: 99,99,255,255,255,255", Cesq(None, None, None, None, None, None)),
    ],
)
def test_cesq_tables_at_their_ends(line: str, cesq: Cesq) -> None:
    assert parse_cesq([line]) == cesq


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("+CESQ: 99,99,255,255,35,40", ValueOutOfRange),
        ("+CESQ: 64,99,255,255,255,255", ValueOutOfRange),
        ("+CESQ: 99,99,255,255,12", UnexpectedReply),
        ("+CESQ: 99,99,255,255,12,forty", UnexpectedReply),
    ],
)
def test_cesq_outside_the_tables_is_refused(line: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_cesq([line])
