"""Which alphabet a message uses: the Data Coding Scheme (3GPP TS 23.038 section 4).

We send 0x00 (GSM 7-bit default alphabet) or 0x08 (UCS-2), both without a message class. On
receipt every coding group is read for its alphabet: general data coding (00xx, and 01xx "marked
for automatic deletion"), message waiting indication groups (1100/1101 GSM-7, 1110 UCS-2) and
data coding/message class (1111: bit 2 picks GSM-7 or 8-bit). Reserved alphabets and groups are
read as GSM-7, as 23.038 tells receivers to. Compressed text (bit 5 of the general groups) is not
supported by any module we drive; such a message is reported as undecodable data.

UCS-2 here means UTF-16BE: phones send characters outside the Basic Multilingual Plane (emoji) as
surrogate pairs, and so do we; a pair counts as two of the 70/67 characters of a part.
"""

from enum import StrEnum
from typing import Final

DCS_GSM7: Final = 0x00
DCS_UCS2: Final = 0x08


class Encoding(StrEnum):
    """The alphabet of a message's user data."""

    GSM7 = "gsm7"
    EIGHT_BIT = "8bit"
    UCS2 = "ucs2"
    COMPRESSED = "compressed"


def encoding_of(dcs: int) -> Encoding:
    """The alphabet that Data Coding Scheme `dcs` announces."""
    group = dcs >> 4
    if group <= 0x07:
        if dcs & 0x20:
            return Encoding.COMPRESSED
        return _GENERAL_ALPHABETS[(dcs >> 2) & 0x03]
    if group == 0x0E:
        return Encoding.UCS2
    if group == 0x0F:
        return Encoding.EIGHT_BIT if dcs & 0x04 else Encoding.GSM7
    return Encoding.GSM7


_GENERAL_ALPHABETS: Final = (Encoding.GSM7, Encoding.EIGHT_BIT, Encoding.UCS2, Encoding.GSM7)


def decode_ucs2(data: bytes) -> str:
    """UTF-16BE text; a trailing odd octet is dropped.

    Halves of a surrogate pair that a sender split across parts are kept (as lone surrogates) so
    joining the parts can mend them.
    """
    return data[: len(data) // 2 * 2].decode("utf-16-be", "surrogatepass")


def mend_surrogates(text: str) -> str:
    """Join surrogate halves that became neighbours and replace those left alone with U+FFFD."""
    return text.encode("utf-16-be", "surrogatepass").decode("utf-16-be", "replace")
