"""Joining concatenated parts: any order, duplicates ignored, nothing lost if a part is missing."""

from datetime import UTC, datetime, timedelta

from custom_components.modem_http.atmodem.sms import (
    Reassembler,
    SmsDeliver,
    SmsSubmit,
    encode_submit,
    parse_pdu,
)
from custom_components.modem_http.atmodem.sms.address import Address
from custom_components.modem_http.atmodem.sms.coding import DCS_UCS2, Encoding
from custom_components.modem_http.atmodem.sms.parse import UserData
from custom_components.modem_http.atmodem.sms.udh import parse_header

from . import vectors

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _deliver(hex_pdu: str) -> SmsDeliver:
    pdu = parse_pdu(hex_pdu)
    assert isinstance(pdu, SmsDeliver)
    return pdu


def _part(sender: str, text: str, reference: int, total: int, sequence: int) -> SmsDeliver:
    header = parse_header(bytes((5, 0, 3, reference, total, sequence)))
    user_data = UserData(Encoding.UCS2, text, b"", header)
    return SmsDeliver(None, Address(sender, 0x91), NOW, 0, DCS_UCS2, user_data)


def test_a_single_part_message_comes_out_at_once() -> None:
    assembler: Reassembler[int] = Reassembler()
    message = assembler.add(_deliver(vectors.A7670G_DELIVER), 7, NOW)
    assert message is not None
    assert (message.sender, message.text, message.tags, message.complete) == (
        "+34626704066",
        "1234 estado ",
        (7,),
        True,
    )


def test_real_parts_arriving_in_reverse_order_are_joined_in_sequence() -> None:
    assembler: Reassembler[int] = Reassembler()
    assert assembler.add(_deliver(vectors.MM_MULTIPART_2), 11, NOW) is None
    assert assembler.waiting == 1
    message = assembler.add(_deliver(vectors.MM_MULTIPART_1), 10, NOW)
    assert message is not None
    assert message.text.startswith("This is a very long test")
    assert message.text.endswith("that the parts are related to one another. ")
    assert message.tags == (10, 11)
    assert (message.parts_received, message.parts_total) == (2, 2)
    assert message.timestamp is not None
    assert message.timestamp.isoformat() == "2012-04-25T19:56:50-04:00"
    assert assembler.waiting == 0


def test_duplicates_are_ignored_but_their_tags_are_handed_back_for_deletion() -> None:
    assembler: Reassembler[str] = Reassembler()
    assert assembler.add(_part("+491", "Hel", 9, 2, 1), "a", NOW) is None
    assert assembler.add(_part("+491", "Hel", 9, 2, 1), "a-again", NOW) is None
    message = assembler.add(_part("+491", "lo", 9, 2, 2), "b", NOW)
    assert message is not None
    assert message.text == "Hello"
    assert message.tags == ("a", "b", "a-again")
    assert assembler.add(_part("+491", "lo", 9, 2, 2), "b-late", NOW) is None
    assert assembler.take_discarded() == ["b-late"]
    assert assembler.take_discarded() == []
    assert assembler.waiting == 0


def test_same_reference_from_two_senders_are_two_messages() -> None:
    assembler: Reassembler[int] = Reassembler()
    assembler.add(_part("+491", "A1", 5, 2, 1), 1, NOW)
    assembler.add(_part("+492", "B1", 5, 2, 1), 2, NOW)
    done = assembler.add(_part("+492", "B2", 5, 2, 2), 3, NOW)
    assert done is not None
    assert (done.sender, done.text) == ("+492", "B1B2")
    assert assembler.waiting == 1


def test_a_message_missing_a_part_is_given_back_incomplete_after_a_while() -> None:
    assembler: Reassembler[int] = Reassembler()
    assembler.add(_part("+491", "start ", 1, 3, 1), 1, NOW)
    assembler.add(_part("+491", "end", 1, 3, 3), 3, NOW)
    assert assembler.take_incomplete(older_than=NOW) == []
    (partial,) = assembler.take_incomplete(older_than=NOW + timedelta(minutes=10))
    assert (partial.text, partial.complete, partial.parts_received, partial.parts_total) == (
        "start end",
        False,
        2,
        3,
    )
    assert partial.tags == (1, 3)
    assert assembler.waiting == 0


def test_an_emoji_split_across_parts_by_a_sender_is_mended_when_joined() -> None:
    # Some phones cut UCS-2 parts between the halves of a surrogate pair.
    halves = "😀".encode("utf-16-be")
    first = halves[:2].decode("utf-16-be", "surrogatepass")
    second = halves[2:].decode("utf-16-be", "surrogatepass")
    assembler: Reassembler[int] = Reassembler()
    assembler.add(_part("+491", "smile " + first, 3, 2, 1), 1, NOW)
    message = assembler.add(_part("+491", second + "!", 3, 2, 2), 2, NOW)
    assert message is not None
    assert message.text == "smile 😀!"


def test_our_own_long_message_reassembles_to_the_original_text() -> None:
    text = "Die Heizung meldet Störung 🔥 " * 6
    parts = encode_submit("+4915112345678", text, reference=200)
    assembler: Reassembler[int] = Reassembler()
    results = []
    for part in reversed(parts):
        submit = parse_pdu(part.hex)
        assert isinstance(submit, SmsSubmit)
        # The phone receives what we submitted: same user data, now from our number.
        deliver = SmsDeliver(None, submit.destination, NOW, 0, submit.data_coding, submit.user_data)
        results.append(assembler.add(deliver, part.sequence, NOW))
    assert results[:-1] == [None] * (len(parts) - 1)
    message = results[-1]
    assert message is not None
    assert message.text == text
