"""The AT lines around PDUs: listings, reads, new-message indications, send results, errors."""

import pytest

from custom_components.modem_http.atmodem.sms import (
    QUECTEL_CMS_CODES,
    SIMCOM_CMS_CODES,
    CmsErrorKind,
    InvalidPdu,
    MessageStatus,
    NewMessageIndication,
    SmsDeliver,
    cms_cause,
    parse_cmgl_header,
    parse_cmgr_header,
    parse_cmgs,
    parse_cms_error,
    parse_cmt_header,
    parse_cmti,
    parse_listing,
)

from . import vectors


def test_cmgl_headers_in_quectel_and_simcom_spelling() -> None:
    # Quectel leaves <alpha> empty (asterisk-chan-quectel sample), SIMCom quotes it (SIM7670G log).
    assert parse_cmgl_header("+CMGL: 0,1,,31") == (0, MessageStatus.RECEIVED_READ, 31)
    assert parse_cmgl_header('+CMGL: 2,1,"",159') == (2, MessageStatus.RECEIVED_READ, 159)
    assert parse_cmgl_header('+CMGL: 17,0,"Mum, home",24') == (
        17,
        MessageStatus.RECEIVED_UNREAD,
        24,
    )


def test_cmgr_cmt_cmti_and_cmgs_lines() -> None:
    assert parse_cmgr_header("+CMGR: 1,,31") == (MessageStatus.RECEIVED_READ, 31)
    assert parse_cmgr_header('+CMGR: 0,"",30') == (MessageStatus.RECEIVED_UNREAD, 30)
    assert parse_cmt_header("+CMT: ,24") == 24
    assert parse_cmt_header('+CMT: "",24') == 24
    assert parse_cmti('+CMTI: "SM",3') == NewMessageIndication("SM", 3)
    assert parse_cmti('+CMTI: "ME",0') == NewMessageIndication("ME", 0)
    assert parse_cmgs("+CMGS: 46") == 46
    assert parse_cmgs('+CMGS: 128,"24/05/01,10:00:00+08"') == 128


@pytest.mark.parametrize(
    "line",
    ['+CMGL: 1,"REC READ","+4915112345678",,"24/05/01,10:00:00+08"', "+CMGL: x,1,,3", "OK"],
)
def test_text_mode_or_broken_headers_are_not_pdu_listing_lines(line: str) -> None:
    with pytest.raises(InvalidPdu):
        parse_cmgl_header(line)


def test_a_listing_with_a_urc_in_between_and_an_unreadable_entry() -> None:
    lines = [
        "+CMGL: 0,1,,160",
        vectors.MTS_BALANCE_PART_1,
        '+CMTI: "SM",5',
        '+CMGL: 3,0,"",30',
        vectors.A7670G_DELIVER,
        "+CMGL: 4,1,,12",
        "ZZZZ",
        "+CMGL: 5,1,,12",
        "0791",
    ]
    entries = parse_listing(lines)
    assert [(entry.index, entry.status) for entry in entries] == [
        (0, MessageStatus.RECEIVED_READ),
        (3, MessageStatus.RECEIVED_UNREAD),
        (4, MessageStatus.RECEIVED_READ),
        (5, MessageStatus.RECEIVED_READ),
    ]
    assert isinstance(entries[1].pdu, SmsDeliver)
    assert entries[1].pdu.text == "1234 estado "
    assert entries[2].pdu is None
    assert isinstance(entries[2].error, InvalidPdu)
    assert entries[3].pdu is None
    assert isinstance(entries[3].error, InvalidPdu)


@pytest.mark.parametrize(
    ("line", "code", "kind"),
    [
        ("+CMS ERROR: 331", 331, CmsErrorKind.NO_NETWORK),
        ("+CMS ERROR: 330", 330, CmsErrorKind.SMSC_UNKNOWN),
        ("+CMS ERROR: 322", 322, CmsErrorKind.MEMORY_FULL),
        ("+CMS ERROR: 500", 500, CmsErrorKind.UNKNOWN),
        ("+CMS ERROR: 304", 304, CmsErrorKind.INVALID_PDU),
        ("+CMS ERROR: 310", 310, CmsErrorKind.SIM_MISSING),
        ("+CMS ERROR: 311", 311, CmsErrorKind.SIM_LOCKED),
        ("+CMS ERROR: 332", 332, CmsErrorKind.NETWORK_TIMEOUT),
        ("+CMS ERROR: 1", 1, CmsErrorKind.RECIPIENT_UNASSIGNED),
        ("+CMS ERROR: 50", 50, CmsErrorKind.SUBSCRIPTION),
        ("+CMS ERROR: 42", 42, CmsErrorKind.NETWORK_FAILURE),
        ("+CMS ERROR: 3", 3, CmsErrorKind.REJECTED),
        ("+CMS ERROR: 195", 195, CmsErrorKind.INVALID_DESTINATION),
        ("+CMS ERROR: 208", 208, CmsErrorKind.MEMORY_FULL),
        ("+CMS ERROR: 150", 150, CmsErrorKind.PROTOCOL_ERROR),
        ("+CMS ERROR: SMSC address unknown", 330, CmsErrorKind.SMSC_UNKNOWN),
        ("+CMS ERROR: no network service", 331, CmsErrorKind.NO_NETWORK),
        ("+CMS ERROR: No network", 331, CmsErrorKind.NO_NETWORK),
        ("+CMS ERROR: (U)SIM not inserted", 310, CmsErrorKind.SIM_MISSING),
        ("+CMS ERROR: memory full", 322, CmsErrorKind.MEMORY_FULL),
    ],
)
def test_cms_errors_map_to_kinds_by_number_or_text(
    line: str, code: int, kind: CmsErrorKind
) -> None:
    cause = parse_cms_error(line)
    assert cause is not None
    assert (cause.code, cause.kind) == (code, kind)


def test_vendor_codes_mean_different_things_per_family() -> None:
    assert cms_cause(513, QUECTEL_CMS_CODES).kind is CmsErrorKind.MESSAGE_TOO_LONG
    assert cms_cause(513, SIMCOM_CMS_CODES).kind is CmsErrorKind.BUSY
    assert cms_cause(531, QUECTEL_CMS_CODES).kind is CmsErrorKind.MEMORY_FULL
    assert cms_cause(528, SIMCOM_CMS_CODES).kind is CmsErrorKind.INVALID_PDU
    assert cms_cause(513).kind is CmsErrorKind.UNKNOWN
    assert cms_cause(9999).text == "unknown error"


def test_text_that_is_in_no_table_is_unknown_and_other_lines_are_not_errors() -> None:
    cause = parse_cms_error("+CMS ERROR: the moon is full")
    assert cause is not None
    assert (cause.code, cause.kind) == (None, CmsErrorKind.UNKNOWN)
    assert parse_cms_error("+CME ERROR: 10") is None
    assert parse_cms_error("OK") is None
