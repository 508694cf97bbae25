"""The emulator's own SMS PDU codec: reads what a host submits, writes what the network delivers.

Written apart from the integration's codec on purpose: the emulator checks the host's PDUs, so
a mistake shared by both sides (a fill bit, a length) would otherwise go unnoticed. Formats from
3GPP TS 23.038 (GSM 7-bit alphabet and its extension table, septet packing, UCS-2) and 23.040
(SMS-SUBMIT 9.2.2.2, SMS-DELIVER 9.2.2.1, the concatenation element of the User Data Header
9.2.3.24.1, time stamps 9.2.3.11).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

_GSM_BASIC: Final = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED: Final = {
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
_ESCAPE: Final = 0x1B


class PduError(ValueError):
    """The host's PDU is not a well-formed SMS-SUBMIT."""


def gsm_septets(text: str) -> list[int] | None:
    """The GSM 7-bit septets of `text`, or None if a character has no code."""
    septets: list[int] = []
    reverse_extended = {char: code for code, char in _GSM_EXTENDED.items()}
    for char in text:
        code = _GSM_BASIC.find(char)
        if code >= 0 and code != _ESCAPE:
            septets.append(code)
        elif char in reverse_extended:
            septets += [_ESCAPE, reverse_extended[char]]
        else:
            return None
    return septets


def gsm_text(septets: list[int]) -> str:
    """The text of GSM 7-bit septets."""
    out: list[str] = []
    escaped = False
    for septet in septets:
        if escaped:
            out.append(_GSM_EXTENDED.get(septet, _GSM_BASIC[septet]))
            escaped = False
        elif septet == _ESCAPE:
            escaped = True
        else:
            out.append(_GSM_BASIC[septet])
    return "".join(out)


def pack(septets: list[int], shift: int) -> bytes:
    """Septets packed LSB first, starting `shift` bits into the first octet."""
    bits = 0
    for position, septet in enumerate(septets):
        bits |= septet << (shift + 7 * position)
    return bits.to_bytes((shift + 7 * len(septets) + 7) // 8, "little")


def unpack(data: bytes, count: int, shift: int) -> list[int]:
    """`count` septets packed in `data` after `shift` bits."""
    if shift + 7 * count > 8 * len(data):
        raise PduError("user data shorter than TP-UDL")
    bits = int.from_bytes(data, "little") >> shift
    return [(bits >> (7 * position)) & 0x7F for position in range(count)]


def _digits(data: bytes, count: int) -> str:
    text = "".join(f"{octet & 0x0F:X}{octet >> 4:X}" for octet in data)
    return text[:count]


def _semi_octets(digits: str) -> bytes:
    padded = digits + ("F" if len(digits) % 2 else "")
    return bytes(int(padded[i + 1] + padded[i], 16) for i in range(0, len(padded), 2))


def encode_address(number: str) -> bytes:
    """A TP-OA/DA field: international (`+`) as 0x91, other digits as 0x81, names as 0xD0."""
    if number.startswith("+") and number[1:].isdigit():
        digits = number[1:]
        return bytes((len(digits), 0x91)) + _semi_octets(digits)
    if number.isdigit():
        return bytes((len(number), 0x81)) + _semi_octets(number)
    septets = gsm_septets(number)
    if septets is None:
        raise ValueError("sender name must be GSM 7-bit text")
    packed = pack(septets, 0)
    return bytes(((7 * len(septets) + 3) // 4, 0xD0)) + packed


def encode_service_centre(number: str) -> bytes:
    """The SCA that opens a PDU as a modem lists it (`00` when none is set)."""
    if not number:
        return b"\x00"
    digits = number.lstrip("+")
    body = bytes((0x91 if number.startswith("+") else 0x81,)) + _semi_octets(digits)
    return bytes((len(body),)) + body


def encode_timestamp(moment: datetime) -> bytes:
    """A 23.040 time stamp: swapped semi-octets, time zone in quarter hours with a sign bit."""
    offset = moment.utcoffset() or timedelta(0)
    quarters = int(abs(offset.total_seconds()) // 900)
    values = [moment.year % 100, moment.month, moment.day, moment.hour, moment.minute]
    values += [moment.second, quarters]
    octets = bytearray(((value % 10) << 4) | (value // 10) for value in values)
    if offset < timedelta(0):
        octets[6] |= 0x08
    return bytes(octets)


def text_mode_time(moment: datetime) -> str:
    """The `<scts>` of text mode: `yy/MM/dd,hh:mm:ss±zz`, zz in quarter hours (27.005 3.3)."""
    offset = moment.utcoffset() or timedelta(0)
    quarters = int(offset.total_seconds() // 900)
    return f"{moment:%y/%m/%d,%H:%M:%S}{quarters:+03d}"


@dataclass(frozen=True)
class Submission:
    """What a host's SMS-SUBMIT says."""

    destination: str
    text: str
    encoding: str
    """"gsm7", "ucs2" or "8bit"."""
    concatenation: tuple[int, int, int] | None
    """(reference, total, sequence) when the message is one part of several."""
    status_report: bool


def decode_submit(tpdu: bytes) -> Submission:
    """Read an SMS-SUBMIT TPDU (no service centre octets); PduError if it is not one."""
    try:
        return _decode_submit(tpdu)
    except IndexError:
        raise PduError("SMS-SUBMIT cut short") from None


def _decode_submit(tpdu: bytes) -> Submission:
    first = tpdu[0]
    if first & 0x03 != 0x01:
        raise PduError("not an SMS-SUBMIT")
    digits, kind = tpdu[2], tpdu[3]
    address = tpdu[4 : 4 + (digits + 1) // 2]
    if len(address) != (digits + 1) // 2:
        raise PduError("destination cut short")
    number = _digits(address, digits)
    if not number.isdigit():
        raise PduError("destination is not a phone number")
    destination = ("+" if kind & 0x70 == 0x10 else "") + number
    position = 4 + len(address)
    dcs = tpdu[position + 1]
    position += 2
    position += {0b00: 0, 0b10: 1, 0b01: 7, 0b11: 7}[(first >> 3) & 0x03]
    length = tpdu[position]
    data = tpdu[position + 1 :]
    header = b""
    if first & 0x40:
        header = data[: data[0] + 1]
    concatenation = _concatenation(header[1:]) if header else None
    alphabet = (dcs >> 2) & 0x03 if dcs < 0x80 else 0
    if alphabet == 0:
        header_bits = 8 * len(header)
        shift = (7 - header_bits % 7) % 7
        count = length - (header_bits + shift) // 7
        text = gsm_text(unpack(data[len(header) :], count, shift))
        encoding = "gsm7"
    else:
        if length > len(data):
            raise PduError("user data shorter than TP-UDL")
        body = data[len(header) : length]
        if alphabet == 2:
            text, encoding = body.decode("utf-16-be", "surrogatepass"), "ucs2"
        else:
            text, encoding = body.decode("latin-1"), "8bit"
    return Submission(destination, text, encoding, concatenation, bool(first & 0x20))


def _concatenation(elements: bytes) -> tuple[int, int, int] | None:
    position = 0
    while position + 2 <= len(elements):
        identifier, size = elements[position], elements[position + 1]
        value = elements[position + 2 : position + 2 + size]
        if identifier == 0x00 and size == 3:
            return value[0], value[1], value[2]
        if identifier == 0x08 and size == 4:
            return (value[0] << 8) | value[1], value[2], value[3]
        position += 2 + size
    return None


def split_text(text: str, ucs2: bool, part_size: int | None = None) -> list[str]:
    """Cut `text` as a phone would: 160/153 septets or 70/67 UTF-16 units per part."""

    def cost(char: str) -> int:
        if ucs2:
            return 2 if ord(char) > 0xFFFF else 1
        return len(gsm_septets(char) or [0])

    single, per_part = (70, 67) if ucs2 else (160, 153)
    if part_size is not None:
        single = per_part = part_size
    if sum(cost(char) for char in text) <= single:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        if used + cost(char) > per_part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost(char)
    parts.append("".join(current))
    return parts


def encode_deliver(
    sender: str,
    text: str,
    moment: datetime,
    *,
    ucs2: bool,
    concatenation: tuple[int, int, int] | None = None,
) -> bytes:
    """An SMS-DELIVER TPDU (no service centre octets) as the network hands it to the modem."""
    header = b""
    if concatenation is not None:
        header = bytes((5, 0x00, 3, *concatenation))
    if ucs2:
        body = text.encode("utf-16-be", "surrogatepass")
        dcs, length, user_data = 0x08, len(header) + len(body), header + body
    else:
        septets = gsm_septets(text)
        if septets is None:
            raise ValueError("text is not GSM 7-bit; deliver it as UCS-2")
        header_bits = 8 * len(header)
        shift = (7 - header_bits % 7) % 7
        dcs = 0x00
        length = (header_bits + shift) // 7 + len(septets)
        user_data = header + pack(septets, shift)
    first = 0x04 | (0x40 if header else 0x00)  # TP-MMS: no more messages waiting
    return (
        bytes((first,))
        + encode_address(sender)
        + bytes((0x00, dcs))
        + encode_timestamp(moment)
        + bytes((length,))
        + user_data
    )
