"""The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 section 6.2.1).

A character of the basic table is one septet; a character of the extension table is two, the
escape 0x1B followed by its code, which is why `€`, `[`, `]`, `{`, `}`, `\\`, `^`, `~` and `|`
count twice against the 160 septets of a message. Characters in neither table make a message go
out in UCS-2.

Mapping choices: 0x09 is `Ç` (capital, as in the standard and the Unicode consortium's mapping),
so a lower-case `ç` is not GSM-7 and sends the message as UCS-2 rather than changing its case.
When decoding, an escape followed by a code the extension table does not define shows the basic
table's character for that code, and an escape at the very end shows a space (23.038 6.2.1.1).
"""

from typing import Final

ESCAPE: Final = 0x1B

# 23.038 section 6.2.1, in code order (0x00-0x7F); the escape position holds a placeholder.
_BASIC_TABLE: Final = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x00ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# 23.038 section 6.2.1.1: the characters reached through the escape.
_EXTENSION_TABLE: Final[dict[int, str]] = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}

_BASIC_CODES: Final[dict[str, int]] = {
    char: code for code, char in enumerate(_BASIC_TABLE) if code != ESCAPE
}
_EXTENSION_CODES: Final[dict[str, int]] = {char: code for code, char in _EXTENSION_TABLE.items()}


def septets_for(char: str) -> tuple[int, ...] | None:
    """The septets of one character: one (basic table), two (escape + code), None (not GSM-7)."""
    code = _BASIC_CODES.get(char)
    if code is not None:
        return (code,)
    extended = _EXTENSION_CODES.get(char)
    if extended is not None:
        return (ESCAPE, extended)
    return None


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the basic or the extension table."""
    return all(char in _BASIC_CODES or char in _EXTENSION_CODES for char in text)


def gsm7_length(text: str) -> int:
    """How many septets `text` takes; ValueError if a character is not GSM-7."""
    total = 0
    for char in text:
        septets = septets_for(char)
        if septets is None:
            raise ValueError("text is not in the GSM 7-bit alphabet")
        total += len(septets)
    return total


def encode_gsm7(text: str) -> list[int]:
    """The septets of `text` (escapes included); ValueError if a character is not GSM-7."""
    encoded: list[int] = []
    for char in text:
        septets = septets_for(char)
        if septets is None:
            raise ValueError("text is not in the GSM 7-bit alphabet")
        encoded.extend(septets)
    return encoded


def decode_gsm7(septets: list[int] | bytes) -> str:
    """The text of a septet sequence, resolving escapes as 23.038 6.2.1.1 asks."""
    chars: list[str] = []
    escaped = False
    for septet in septets:
        code = septet & 0x7F
        if escaped:
            escaped = False
            if code == ESCAPE:
                # Reserved for a further extension table: receivers show a space.
                chars.append(" ")
            else:
                chars.append(_EXTENSION_TABLE.get(code, _BASIC_TABLE[code]))
        elif code == ESCAPE:
            escaped = True
        else:
            chars.append(_BASIC_TABLE[code])
    if escaped:
        chars.append(" ")
    return "".join(chars)
