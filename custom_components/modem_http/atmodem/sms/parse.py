"""Reading the PDUs a modem lists (`+CMGL`, `+CMGR`) or pushes (`+CMT`) in PDU mode.

A PDU from the modem is the service centre address (its length octet first, `00` when absent)
followed by the TPDU; the `<length>` on the line before it counts the TPDU octets only. Three
TPDU types reach a host: SMS-DELIVER (an incoming message), SMS-STATUS-REPORT (a delivery
report) and SMS-SUBMIT (a message stored on the SIM to be sent, listed as "STO UNSENT"/"STO
SENT"). Layouts from 3GPP TS 23.040 9.2.2.1 (DELIVER), 9.2.2.2 (SUBMIT), 9.2.2.3 (STATUS-REPORT).
"""

import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

from .address import Address, decode_address, decode_service_centre
from .alphabet import decode_gsm7
from .coding import Encoding, decode_ucs2, encoding_of
from .errors import InvalidPdu
from .packing import fill_bits_after, header_septets, unpack_septets
from .submit import decode_validity
from .timestamp import decode_timestamp
from .udh import Concatenation, UserDataHeader, parse_header

_UDHI = 0x40
_MTI_DELIVER = 0x00
_MTI_SUBMIT = 0x01
_MTI_STATUS_REPORT = 0x02


@dataclass(frozen=True, slots=True)
class UserData:
    """The decoded user data of a DELIVER or SUBMIT."""

    encoding: Encoding
    text: str
    """The text of this part (8-bit data is shown octet per character, Latin-1)."""
    raw: bytes
    """The user data after the header, as received (packed septets for GSM-7)."""
    header: UserDataHeader | None

    @property
    def concatenation(self) -> Concatenation | None:
        """Which part of which concatenated message this is, if it is one."""
        return self.header.concatenation if self.header is not None else None


@dataclass(frozen=True, slots=True)
class SmsDeliver:
    """An incoming message (or one part of it)."""

    service_centre: str | None
    sender: Address
    timestamp: datetime | None
    protocol_identifier: int
    data_coding: int
    user_data: UserData

    @property
    def text(self) -> str:
        """The text of this part."""
        return self.user_data.text

    @property
    def concatenation(self) -> Concatenation | None:
        """Which part of which concatenated message this is, if it is one."""
        return self.user_data.concatenation


@dataclass(frozen=True, slots=True)
class SmsSubmit:
    """A message to be sent, as stored on the SIM (or as we built it)."""

    service_centre: str | None
    message_reference: int
    destination: Address
    protocol_identifier: int
    data_coding: int
    validity: timedelta | datetime | None
    status_report_requested: bool
    user_data: UserData

    @property
    def text(self) -> str:
        """The text of this part."""
        return self.user_data.text

    @property
    def concatenation(self) -> Concatenation | None:
        """Which part of which concatenated message this is, if it is one."""
        return self.user_data.concatenation


@dataclass(frozen=True, slots=True)
class SmsStatusReport:
    """A delivery report for a message we sent (TP-MR is the `+CMGS: <mr>` it answers)."""

    service_centre: str | None
    message_reference: int
    recipient: Address
    timestamp: datetime | None
    discharge_time: datetime | None
    status: int
    """TP-ST (23.040 9.2.3.15): 0x00-0x1F delivered, 0x20-0x3F still trying, 0x40+ failed."""

    @property
    def delivered(self) -> bool:
        """Whether the service centre reports the message as delivered."""
        return self.status < 0x20


type SmsPdu = SmsDeliver | SmsSubmit | SmsStatusReport


def parse_pdu(hex_pdu: str, tpdu_length: int | None = None) -> SmsPdu:
    """The message in `hex_pdu`; `tpdu_length` is the `<length>` of the line before it.

    With a length, a PDU that carries no service centre address at all (some firmware omits it)
    is recognised by its size. InvalidPdu for anything malformed.
    """
    try:
        pdu = binascii.unhexlify(hex_pdu.strip())
    except binascii.Error, ValueError:
        raise InvalidPdu("PDU is not hexadecimal") from None
    if tpdu_length is not None and len(pdu) == tpdu_length:
        service_centre, offset = None, 0
    else:
        service_centre, offset = decode_service_centre(pdu)
        if tpdu_length is not None and len(pdu) - offset != tpdu_length:
            raise InvalidPdu("PDU length differs from the announced length")
    if offset >= len(pdu):
        raise InvalidPdu("PDU holds no TPDU")
    first = pdu[offset]
    kind = first & 0x03
    if kind == _MTI_DELIVER:
        return _deliver(pdu, offset, service_centre)
    if kind == _MTI_SUBMIT:
        return _submit(pdu, offset, service_centre)
    if kind == _MTI_STATUS_REPORT:
        return _status_report(pdu, offset, service_centre)
    raise InvalidPdu("reserved message type")


def _octet(pdu: bytes, offset: int) -> int:
    if offset >= len(pdu):
        raise InvalidPdu("PDU cut short")
    return pdu[offset]


def _slice(pdu: bytes, offset: int, size: int) -> bytes:
    part = pdu[offset : offset + size]
    if len(part) != size:
        raise InvalidPdu("PDU cut short")
    return part


def _deliver(pdu: bytes, offset: int, service_centre: str | None) -> SmsDeliver:
    first = pdu[offset]
    sender, offset = decode_address(pdu, offset + 1)
    pid = _octet(pdu, offset)
    dcs = _octet(pdu, offset + 1)
    timestamp = decode_timestamp(_slice(pdu, offset + 2, 7))
    user_data = _user_data(pdu, offset + 9, dcs, has_header=bool(first & _UDHI))
    return SmsDeliver(service_centre, sender, timestamp, pid, dcs, user_data)


def _submit(pdu: bytes, offset: int, service_centre: str | None) -> SmsSubmit:
    first = pdu[offset]
    reference = _octet(pdu, offset + 1)
    destination, offset = decode_address(pdu, offset + 2)
    pid = _octet(pdu, offset)
    dcs = _octet(pdu, offset + 1)
    offset += 2
    validity: timedelta | datetime | None = None
    match (first >> 3) & 0x03:
        case 0b10:
            validity = decode_validity(_octet(pdu, offset))
            offset += 1
        case 0b11:
            validity = decode_timestamp(_slice(pdu, offset, 7))
            offset += 7
        case 0b01:
            _slice(pdu, offset, 7)  # enhanced format: present, not interpreted
            offset += 7
        case _:
            pass
    user_data = _user_data(pdu, offset, dcs, has_header=bool(first & _UDHI))
    return SmsSubmit(
        service_centre, reference, destination, pid, dcs, validity, bool(first & 0x20), user_data
    )


def _status_report(pdu: bytes, offset: int, service_centre: str | None) -> SmsStatusReport:
    reference = _octet(pdu, offset + 1)
    recipient, offset = decode_address(pdu, offset + 2)
    timestamp = decode_timestamp(_slice(pdu, offset, 7))
    discharge = decode_timestamp(_slice(pdu, offset + 7, 7))
    status = _octet(pdu, offset + 14)
    return SmsStatusReport(service_centre, reference, recipient, timestamp, discharge, status)


def _user_data(pdu: bytes, offset: int, dcs: int, *, has_header: bool) -> UserData:
    length = _octet(pdu, offset)
    data = pdu[offset + 1 :]
    encoding = encoding_of(dcs)
    header = parse_header(data) if has_header and length else None
    header_octets = header.octets if header is not None else 0
    if encoding is Encoding.GSM7:
        count = length - header_septets(header_octets)
        if count < 0:
            raise InvalidPdu("user data length shorter than its header")
        body = data[header_octets:]
        septets = unpack_septets(body, count, fill_bits_after(header_octets))
        raw = body[: (fill_bits_after(header_octets) + 7 * count + 7) // 8]
        return UserData(encoding, decode_gsm7(septets), bytes(raw), header)
    if length > len(data):
        raise InvalidPdu("user data shorter than its announced length")
    if header_octets > length:
        raise InvalidPdu("user data length shorter than its header")
    raw = bytes(data[header_octets:length])
    if encoding is Encoding.UCS2:
        return UserData(encoding, decode_ucs2(raw), raw, header)
    if encoding is Encoding.EIGHT_BIT:
        return UserData(encoding, raw.decode("latin-1"), raw, header)
    return UserData(encoding, "", raw, header)
