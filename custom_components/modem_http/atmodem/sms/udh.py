"""The User Data Header (3GPP TS 23.040 section 9.2.3.24) and its concatenation elements.

A header is its length octet (UDHL) followed by information elements, each an identifier, a
length and data. Two elements say "part n of m of message r": 00 with an 8-bit reference
(`05 00 03 r m n`, the one we send) and 08 with a 16-bit reference (`06 08 04 rr rr m n`).
Other elements (ports, national language tables...) are kept but not interpreted.
"""

from dataclasses import dataclass
from typing import Final

from .errors import InvalidPdu

CONCAT_8BIT: Final = 0x00
CONCAT_16BIT: Final = 0x08


@dataclass(frozen=True, slots=True)
class Concatenation:
    """Part `sequence` (1-based) of `total` parts of message `reference`."""

    reference: int
    total: int
    sequence: int
    wide_reference: bool = False
    """True for the 16-bit reference element (IEI 08)."""


@dataclass(frozen=True, slots=True)
class InformationElement:
    """One element of a header, as received."""

    identifier: int
    data: bytes


@dataclass(frozen=True, slots=True)
class UserDataHeader:
    """A parsed header; `octets` is its size including the length octet."""

    elements: tuple[InformationElement, ...]
    octets: int

    @property
    def concatenation(self) -> Concatenation | None:
        """The concatenation element, if the header has a well-formed one."""
        for element in self.elements:
            data = element.data
            if element.identifier == CONCAT_8BIT and len(data) == 3:
                return _concatenation(data[0], data[1], data[2], wide=False)
            if element.identifier == CONCAT_16BIT and len(data) == 4:
                return _concatenation((data[0] << 8) | data[1], data[2], data[3], wide=True)
        return None


def _concatenation(
    reference: int, total: int, sequence: int, *, wide: bool
) -> Concatenation | None:
    # 23.040: a sequence of 0 or above the total means the element is to be ignored.
    if total == 0 or not 1 <= sequence <= total:
        return None
    return Concatenation(reference, total, sequence, wide)


def concatenation_header(reference: int, total: int, sequence: int) -> bytes:
    """The 6-octet header of part `sequence` of `total` with an 8-bit reference."""
    if not 0 <= reference <= 0xFF:
        raise ValueError("an 8-bit concatenation reference is 0-255")
    if not 1 <= sequence <= total <= 0xFF:
        raise ValueError("part number must be within 1..total (at most 255)")
    return bytes((5, CONCAT_8BIT, 3, reference, total, sequence))


def parse_header(user_data: bytes) -> UserDataHeader:
    """The header at the start of `user_data` (whose first octet is the UDHL)."""
    if not user_data:
        raise InvalidPdu("user data header missing")
    length = user_data[0]
    body = user_data[1 : 1 + length]
    if len(body) != length:
        raise InvalidPdu("user data header longer than the user data")
    elements: list[InformationElement] = []
    position = 0
    while position < length:
        if position + 2 > length:
            raise InvalidPdu("information element cut short")
        identifier, size = body[position], body[position + 1]
        data = body[position + 2 : position + 2 + size]
        if len(data) != size:
            raise InvalidPdu("information element longer than the header")
        elements.append(InformationElement(identifier, bytes(data)))
        position += 2 + size
    return UserDataHeader(tuple(elements), length + 1)
