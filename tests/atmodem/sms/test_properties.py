"""Round trips over arbitrary texts: what we build decodes to what was meant, part by part."""

from typing import Final, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.modem_http.atmodem.sms import (
    CTRL_Z,
    Encoding,
    MessageTooLong,
    SmsSubmit,
    encode_submit,
    pack_septets,
    parse_pdu,
    plan_segments,
    unpack_septets,
)
from custom_components.modem_http.atmodem.sms.alphabet import _BASIC_CODES, _EXTENSION_CODES
from custom_components.modem_http.atmodem.sms.segment import units_of

GSM7_CHARS = st.sampled_from(sorted({*_BASIC_CODES, *_EXTENSION_CODES}))
GSM7_TEXT = st.text(GSM7_CHARS, min_size=1, max_size=700)
_SURROGATES: Final[list[Literal["Cs"]]] = ["Cs"]
# Any code point UTF-16 can carry, control characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=_SURROGATES), min_size=1, max_size=400)
NUMBER = st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True)


@given(st.lists(st.integers(0, 127), max_size=300), st.integers(0, 6))
def test_packing_then_unpacking_gives_the_septets_back(septets: list[int], fill: int) -> None:
    assert unpack_septets(pack_septets(septets, fill), len(septets), fill) == septets


@settings(max_examples=150, deadline=None)
@given(NUMBER, st.one_of(GSM7_TEXT, ANY_TEXT), st.integers(0, 255))
def test_every_part_decodes_and_the_parts_join_to_the_text(
    number: str, text: str, reference: int
) -> None:
    try:
        parts = encode_submit(number, text, reference=reference)
    except MessageTooLong:
        return
    plan = plan_segments(text)
    joined = []
    for part in parts:
        assert part.payload.endswith(CTRL_Z)
        assert set(part.payload[:-1]) <= set(b"0123456789ABCDEF")
        submit = parse_pdu(part.hex, part.tpdu_length)
        assert isinstance(submit, SmsSubmit)
        assert submit.destination.value == number
        assert submit.user_data.encoding is plan.encoding
        concat = submit.concatenation
        if len(parts) == 1:
            assert concat is None
        else:
            assert concat is not None
            assert (concat.reference, concat.total, concat.sequence) == (
                reference,
                len(parts),
                part.sequence,
            )
        joined.append(submit.text)
    assert "".join(joined) == text


@settings(max_examples=150, deadline=None)
@given(st.one_of(GSM7_TEXT, ANY_TEXT))
def test_no_part_exceeds_its_room_and_gsm7_is_used_whenever_possible(text: str) -> None:
    try:
        plan = plan_segments(text)
    except MessageTooLong:
        return
    all_gsm7 = all(char in _BASIC_CODES or char in _EXTENSION_CODES for char in text)
    assert (plan.encoding is Encoding.GSM7) == all_gsm7
    room = (160, 153) if plan.encoding is Encoding.GSM7 else (70, 67)
    limit = room[0] if len(plan.parts) == 1 else room[1]
    for part in plan.parts:
        assert sum(units_of(char, plan.encoding) for char in part) <= limit
