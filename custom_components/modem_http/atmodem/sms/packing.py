"""Packing septets into octets and back (3GPP TS 23.038 section 6.1.2.1.1).

Septets are laid out least significant bit first: septet n occupies bits 7n..7n+6 of the bit
stream. When a User Data Header precedes the text, the text starts at the next septet boundary
after the header, so 0-6 fill bits (23.040 9.2.3.24) sit between them: `fill_bits` shifts the
whole text by that much.
"""

from collections.abc import Sequence

from .errors import InvalidPdu


def fill_bits_after(header_octets: int) -> int:
    """Fill bits needed after a header of `header_octets` octets to reach a septet boundary."""
    return (7 - (header_octets * 8) % 7) % 7


def header_septets(header_octets: int) -> int:
    """How many septets of the user data length a header of `header_octets` octets accounts for."""
    return (header_octets * 8 + 6) // 7


def pack_septets(septets: Sequence[int], fill_bits: int = 0) -> bytes:
    """Pack 7-bit values into octets, starting `fill_bits` bits into the first octet."""
    if not 0 <= fill_bits <= 6:
        raise ValueError("fill_bits must be 0-6")
    accumulator = 0
    for index, septet in enumerate(septets):
        if not 0 <= septet <= 0x7F:
            raise ValueError("a septet is 0-127")
        accumulator |= septet << (fill_bits + 7 * index)
    total_bits = fill_bits + 7 * len(septets)
    return accumulator.to_bytes((total_bits + 7) // 8, "little")


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """The `count` septets packed in `data` after `fill_bits` bits; InvalidPdu if data is short."""
    if fill_bits + 7 * count > 8 * len(data):
        raise InvalidPdu("user data shorter than its announced length")
    accumulator = int.from_bytes(data, "little") >> fill_bits
    return [(accumulator >> (7 * index)) & 0x7F for index in range(count)]
