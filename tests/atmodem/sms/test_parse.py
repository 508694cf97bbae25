"""Reading what modems list and push: real PDUs from networks and modules, decoded exactly."""

from datetime import datetime, timedelta, timezone

import pytest

from custom_components.modem_http.atmodem.sms import (
    Concatenation,
    Encoding,
    InvalidPdu,
    SmsDeliver,
    SmsStatusReport,
    SmsSubmit,
    parse_pdu,
)

from . import vectors


def _zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def _deliver(hex_pdu: str, length: int | None = None) -> SmsDeliver:
    pdu = parse_pdu(hex_pdu, length)
    assert isinstance(pdu, SmsDeliver)
    return pdu


def test_the_dreamfabric_deliver_example() -> None:
    message = _deliver(vectors.DREAMFABRIC_DELIVER)
    assert message.service_centre == "+27381000015"
    assert message.sender.value == "27838890001"  # type C8: national, not international
    assert message.timestamp == datetime(1999, 3, 29, 15, 16, 59, tzinfo=_zone(2))
    assert message.text == "hellohello"
    assert message.concatenation is None


def test_a_message_read_from_a_simcom_a7670g_in_pdu_mode() -> None:
    message = _deliver(vectors.A7670G_DELIVER, 30)
    assert message.service_centre == "+34642200050"
    assert message.sender.value == "+34626704066"
    assert message.timestamp == datetime(2025, 4, 27, 13, 39, 58, tzinfo=_zone(2))
    assert message.text == "1234 estado "


def test_extension_characters_and_a_negative_time_zone() -> None:
    message = _deliver(vectors.MM_EXTENDED_CHARACTERS)
    assert message.sender.value == "+16175927198"
    assert message.timestamp == datetime(2011, 2, 28, 11, 50, 50, tzinfo=_zone(-5))
    assert message.text == (
        "Here's a longer message [{with some extended characters}] "
        "thrown in, such as £ and ΩΠΨ and §¿ as well."
    )


def test_an_alphanumeric_sender_with_ucs2_text() -> None:
    message = _deliver(vectors.MM_ALPHANUMERIC_UCS2)
    assert message.sender.value == "InternetSMS"
    assert message.sender.alphanumeric
    assert message.user_data.encoding is Encoding.UCS2
    assert message.timestamp == datetime(2011, 3, 29, 19, 20, 4, tzinfo=_zone(4))
    assert message.text == "тест"


def test_an_alphanumeric_sender_padded_with_cr_and_a_concatenated_ucs2_part() -> None:
    message = _deliver(vectors.MTS_BALANCE_PART_1, 160)
    assert message.sender.value == "Balance"
    assert message.timestamp == datetime(2016, 7, 29, 20, 8, 8, tzinfo=_zone(6))
    assert message.concatenation == Concatenation(reference=0x55, total=2, sequence=1)
    assert message.text.startswith("Баланс:549,01р Слушайте любимую музыку")


def test_a_16_bit_concatenation_reference_from_a_real_network() -> None:
    message = _deliver(vectors.MM_KPN_WIDE_REFERENCE)
    assert message.sender.value == "1002"
    assert message.concatenation == Concatenation(
        reference=0x0010, total=2, sequence=1, wide_reference=True
    )
    assert message.text.startswith("Welkom, bel om uw Voicemail te beluisteren naar +31612001233")
    assert message.text.endswith("Voor gebruik van mobiel interne")


def test_both_parts_of_an_8_bit_reference_message() -> None:
    first, second = _deliver(vectors.MM_MULTIPART_1), _deliver(vectors.MM_MULTIPART_2)
    assert first.concatenation == Concatenation(0x4C, 2, 1)
    assert second.concatenation == Concatenation(0x4C, 2, 2)
    assert first.timestamp == datetime(2012, 4, 25, 19, 56, 50, tzinfo=_zone(-4))
    assert first.text + second.text == (
        "This is a very long test designed to exercise multi part capability. It should "
        "show up as one message, not as two, as the underlying encoding represents "
        "that the parts are related to one another. "
    )


def test_data_coding_group_f_class_1_is_gsm7() -> None:
    message = _deliver(vectors.MM_SFR_CLASS_1)
    assert message.data_coding == 0xF1
    assert message.user_data.encoding is Encoding.GSM7
    assert message.text.startswith("Info SFR - Confidentiel, à ne jamais transmettre -\r\n")


def test_8_bit_data_is_kept_as_octets() -> None:
    message = _deliver(vectors.MM_8BIT_DATA)
    assert message.user_data.encoding is Encoding.EIGHT_BIT
    assert message.user_data.raw == bytes.fromhex("E8329BFD4697D9EC37DE")


def test_user_data_shorter_than_announced_is_invalid() -> None:
    with pytest.raises(InvalidPdu, match="shorter"):
        parse_pdu(vectors.MM_TRUNCATED_USER_DATA)


def test_status_reports_give_reference_recipient_and_status() -> None:
    report = parse_pdu(vectors.GSMMODEM_STATUS_REPORT)
    assert isinstance(report, SmsStatusReport)
    assert report.service_centre is None
    assert report.message_reference == 214
    assert report.recipient.value == "+31628870634"
    assert report.delivered
    other = parse_pdu(vectors.MM_STATUS_REPORT)
    assert isinstance(other, SmsStatusReport)
    assert other.message_reference == 0x5A
    assert other.timestamp == datetime(2012, 9, 11, 7, 40, 36, tzinfo=_zone(2))
    assert other.status == 0x30
    assert not other.delivered


def test_a_message_stored_for_sending_is_read_as_a_submit() -> None:
    stored = parse_pdu(vectors.MM_STORED_SUBMIT)
    assert isinstance(stored, SmsSubmit)
    assert stored.destination.value == "639337937"
    assert stored.text == "你好你好你好你好你好你好你好你好你"
    relative = parse_pdu(vectors.GSMMODEM_UCS2_SUBMIT_WITH_SMSC)
    assert isinstance(relative, SmsSubmit)
    assert relative.service_centre == "+44000000000"
    assert relative.validity == timedelta(weeks=52)


@pytest.mark.parametrize(
    ("hex_pdu", "length", "message"),
    [
        ("0G", None, "not hexadecimal"),
        ("", None, "empty"),
        ("07914346", None, "cut short"),
        (vectors.A7670G_DELIVER, 31, "differs"),
        ("0003", None, "reserved"),
        ("0004", None, "cut short"),
    ],
)
def test_malformed_pdus_are_refused(hex_pdu: str, length: int | None, message: str) -> None:
    with pytest.raises(InvalidPdu, match=message):
        parse_pdu(hex_pdu, length)


def test_a_pdu_without_service_centre_is_recognised_by_its_announced_length() -> None:
    tpdu = vectors.A7670G_DELIVER[16:]
    message = _deliver(tpdu, len(tpdu) // 2)
    assert message.service_centre is None
    assert message.text == "1234 estado "


def test_an_impossible_time_stamp_keeps_the_message() -> None:
    broken = vectors.DREAMFABRIC_DELIVER.replace("99309251619580", "99009251619580")
    message = _deliver(broken)
    assert message.timestamp is None
    assert message.text == "hellohello"
