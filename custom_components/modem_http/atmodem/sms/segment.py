"""How a text goes out: which alphabet, and how it is cut into parts.

GSM-7 where every character is in the default alphabet or its extension table, UCS-2 otherwise
(one emoji or Cyrillic letter makes the whole message UCS-2, as on phones). A single part holds
160 septets or 70 UCS-2 code units; a part of a concatenated message gives 6 octets to the header
(`05 00 03 ref total seq`), leaving 153 septets or 67 code units (23.040 9.2.3.24.1). Parts are
cut between characters, so an escape sequence (`€` is 1B 65) and a surrogate pair (an emoji) are
never split. A message may take at most `MAX_PARTS` parts: past that, phones and networks differ
in what they still join, and a runaway template should not send a hundred messages.

Texts are checked before anything is built (`check_text`): empty texts, control characters other
than line feed and carriage return, and lone surrogates are refused. The encoders themselves take
any text, which is what keeps the PDU payload free of raw control bytes whatever reaches them.
"""

import unicodedata
from dataclasses import dataclass
from typing import Final

from .alphabet import septets_for
from .coding import Encoding
from .errors import EmptyText, ForbiddenCharacter, MessageTooLong

MAX_PARTS: Final = 10
SINGLE_PART_SEPTETS: Final = 160
CONCATENATED_PART_SEPTETS: Final = 153
SINGLE_PART_UCS2_UNITS: Final = 70
CONCATENATED_PART_UCS2_UNITS: Final = 67
_ALLOWED_CONTROLS: Final = frozenset("\n\r")


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    """The alphabet of a message and the text of each of its parts, in order."""

    encoding: Encoding
    parts: tuple[str, ...]


def check_text(text: str) -> str:
    """`text` itself if it can be sent; EmptyText or ForbiddenCharacter (both InvalidText)."""
    if not isinstance(text, str) or not text:
        raise EmptyText("empty message")
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in _ALLOWED_CONTROLS) or category == "Cs":
            raise ForbiddenCharacter("message holds a control character or a lone surrogate")
    return text


def choose_encoding(text: str) -> Encoding:
    """GSM-7 if every character has a septet code, UCS-2 otherwise."""
    return Encoding.GSM7 if all(septets_for(char) for char in text) else Encoding.UCS2


def units_of(char: str, encoding: Encoding) -> int:
    """What `char` costs in a part: septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if encoding is Encoding.GSM7:
        septets = septets_for(char)
        if septets is None:
            raise ValueError("character is not GSM-7")
        return len(septets)
    return 2 if ord(char) > 0xFFFF else 1


def plan_segments(text: str, max_parts: int = MAX_PARTS) -> SegmentPlan:
    """The alphabet and parts for `text`; MessageTooLong if it needs more than `max_parts`."""
    if not text:
        raise EmptyText("empty message")
    encoding = choose_encoding(text)
    single, concatenated = (
        (SINGLE_PART_SEPTETS, CONCATENATED_PART_SEPTETS)
        if encoding is Encoding.GSM7
        else (SINGLE_PART_UCS2_UNITS, CONCATENATED_PART_UCS2_UNITS)
    )
    costs = [units_of(char, encoding) for char in text]
    if sum(costs) <= single:
        return SegmentPlan(encoding, (text,))
    parts: list[str] = []
    start = used = 0
    for index, cost in enumerate(costs):
        if used + cost > concatenated:
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    parts.append(text[start:])
    if len(parts) > max_parts:
        raise MessageTooLong(len(parts), max_parts)
    return SegmentPlan(encoding, tuple(parts))
