"""The emulator's PDU codec and the integration's were written apart; they must agree on any text.

The integration builds what the emulator decodes (SMS-SUBMIT), and the emulator builds what the
integration parses (SMS-DELIVER), so a mistake made on one side only shows up here.
"""

from datetime import UTC, datetime, timedelta, timezone
from typing import Final, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.modem_http.atmodem.sms import (
    MessageTooLong,
    SmsDeliver,
    encode_submit,
    is_gsm7,
    parse_pdu,
)
from modem_emulator.sms_codec import decode_submit, encode_deliver, split_text

_SURROGATES: Final[list[Literal["Cs"]]] = ["Cs"]
TEXT = st.text(st.characters(exclude_categories=_SURROGATES), min_size=1, max_size=500)
GSM7_TEXT = st.text(
    st.sampled_from(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€"
    ),
    min_size=1,
    max_size=500,
)
NUMBER = st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True)
MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2068, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0)
)
ZONE = st.integers(-48, 56).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))


@settings(max_examples=120, deadline=None)
@given(NUMBER, st.one_of(TEXT, GSM7_TEXT), st.integers(0, 255))
def test_the_emulator_reads_every_part_the_integration_builds(
    number: str, text: str, reference: int
) -> None:
    try:
        parts = encode_submit(number, text, reference=reference)
    except MessageTooLong:
        return
    decoded = [decode_submit(part.pdu[1:]) for part in parts]
    assert all(item.destination == number for item in decoded)
    assert "".join(item.text for item in decoded) == text
    if len(parts) > 1:
        assert [item.concatenation for item in decoded] == [
            (reference, len(parts), sequence) for sequence in range(1, len(parts) + 1)
        ]


@settings(max_examples=120, deadline=None)
@given(NUMBER, st.one_of(TEXT, GSM7_TEXT), MOMENT, ZONE)
def test_the_integration_reads_every_part_the_emulator_delivers(
    sender: str, text: str, moment: datetime, zone: timezone
) -> None:
    ucs2 = not is_gsm7(text)
    stamped = moment.replace(tzinfo=zone)
    chunks = split_text(text, ucs2)
    received = []
    for sequence, chunk in enumerate(chunks, start=1):
        concatenation = (9, len(chunks), sequence) if len(chunks) > 1 else None
        tpdu = encode_deliver(sender, chunk, stamped, ucs2=ucs2, concatenation=concatenation)
        message = parse_pdu("00" + tpdu.hex(), len(tpdu))
        assert isinstance(message, SmsDeliver)
        assert message.sender.value == sender
        assert message.timestamp == stamped
        if concatenation is not None:
            assert message.concatenation is not None
            assert (message.concatenation.total, message.concatenation.sequence) == (
                len(chunks),
                sequence,
            )
        received.append(message.text)
    assert "".join(received) == text


def test_an_alphanumeric_sender_survives_the_trip() -> None:
    tpdu = encode_deliver("Heizung", "Störung", datetime(2026, 1, 1, tzinfo=UTC), ucs2=False)
    message = parse_pdu("00" + tpdu.hex())
    assert isinstance(message, SmsDeliver)
    assert (message.sender.value, message.sender.alphanumeric, message.text) == (
        "Heizung",
        True,
        "Störung",
    )
