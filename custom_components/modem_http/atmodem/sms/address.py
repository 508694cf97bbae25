"""Phone numbers: E.164 validation and the address fields of 3GPP TS 23.040 section 9.1.2.5.

An address field is a length, a type-of-address octet and the digits as swapped semi-octets
(`+46708251358` is `0B 91 6407281553F8`: 11 digits, international ISDN numbering, a trailing F
filling the last octet). The length counts digits for TP-OA/TP-DA/TP-RA but octets for the
service centre address that opens a PDU (24.011 8.2.5.2). Senders may be alphanumeric (type of
number 101, "Vodafone", "InternetSMS"): their value is GSM-7 packed, the length counting the used
semi-octets.
"""

import re
from dataclasses import dataclass
from typing import Final

from .alphabet import decode_gsm7
from .errors import InvalidNumber, InvalidPdu
from .packing import unpack_septets

# ITU-T E.164: a country code (never starting with 0) and the national number, 15 digits at most.
_E164: Final = re.compile(r"\+[1-9][0-9]{1,14}")
INTERNATIONAL: Final = 0x91
"""Type of address: international number, ISDN/telephone numbering plan (the `145` of 27.005)."""
_TON_INTERNATIONAL: Final = 0x10
_TON_ALPHANUMERIC: Final = 0x50
_TBCD: Final = "0123456789*#abc"


def validate_e164(number: str) -> str:
    """`number` itself when E.164 (`+` and 2-15 digits, no spaces); InvalidNumber otherwise."""
    if not isinstance(number, str) or _E164.fullmatch(number) is None:
        raise InvalidNumber("not an E.164 number")
    return number


def encode_semi_octets(digits: str) -> bytes:
    """Decimal digits as swapped semi-octets, padded with F (`12345` -> `21 43 F5`)."""
    if not digits.isdecimal() or not digits.isascii():
        raise InvalidNumber("only digits can be encoded")
    padded = digits + "F" * (len(digits) % 2)
    return bytes.fromhex("".join(padded[i + 1] + padded[i] for i in range(0, len(padded), 2)))


def decode_semi_octets(data: bytes, digits: int | None = None) -> str:
    """Swapped semi-octets back to digits (TBCD: 0-9, *, #, a, b, c; F ends the number)."""
    out: list[str] = []
    for octet in data:
        for nibble in (octet & 0x0F, octet >> 4):
            if nibble == 0x0F:
                return "".join(out)
            out.append(_TBCD[nibble])
    return "".join(out[:digits]) if digits is not None else "".join(out)


def encode_destination(number: str) -> bytes:
    """The TP-DA field for an E.164 number: digit count, type 0x91, semi-octets."""
    digits = validate_e164(number)[1:]
    return bytes((len(digits), INTERNATIONAL)) + encode_semi_octets(digits)


@dataclass(frozen=True, slots=True)
class Address:
    """A decoded TP-OA/TP-DA/TP-RA address.

    `value` is `+` and digits for international numbers, the digits for others, the text for
    alphanumeric senders; `type_of_address` is as received.
    """

    value: str
    type_of_address: int

    @property
    def alphanumeric(self) -> bool:
        """Whether the sender is a name rather than a number (type of number 101)."""
        return self.type_of_address & 0x70 == _TON_ALPHANUMERIC


def decode_address(pdu: bytes, offset: int) -> tuple[Address, int]:
    """The address field at `offset` and the offset just after it."""
    if offset + 2 > len(pdu):
        raise InvalidPdu("address field cut short")
    semi_octets, type_of_address = pdu[offset], pdu[offset + 1]
    size = (semi_octets + 1) // 2
    body = pdu[offset + 2 : offset + 2 + size]
    if len(body) != size:
        raise InvalidPdu("address field cut short")
    ton = type_of_address & 0x70
    if ton == _TON_ALPHANUMERIC:
        # A name that fills its last octet exactly ends in a CR used as padding (23.038
        # 6.1.2.3.1), which is not part of the name.
        value = decode_gsm7(unpack_septets(body, semi_octets * 4 // 7)).removesuffix("\r")
    else:
        value = decode_semi_octets(body, semi_octets)
        if ton == _TON_INTERNATIONAL and value:
            value = "+" + value
    return Address(value, type_of_address), offset + 2 + size


def decode_service_centre(pdu: bytes) -> tuple[str | None, int]:
    """The service centre address that opens a PDU, and the offset of the TPDU after it.

    None when the address length is 0 (the modem was told to use the SIM's service centre).
    """
    if not pdu:
        raise InvalidPdu("empty PDU")
    octets = pdu[0]
    if octets == 0:
        return None, 1
    body = pdu[1 : 1 + octets]
    if len(body) != octets:
        raise InvalidPdu("service centre address cut short")
    number = decode_semi_octets(body[1:])
    if body[0] & 0x70 == _TON_INTERNATIONAL and number:
        number = "+" + number
    return number, 1 + octets
