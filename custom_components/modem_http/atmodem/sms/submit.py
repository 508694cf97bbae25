"""Building SMS-SUBMIT PDUs for `AT+CMGS=<length>` in PDU mode (3GPP TS 23.040 9.2.2.2).

Each part is: `00` (no service centre address: the modem uses the SIM's, set by AT+CSCA), the
first octet (SMS-SUBMIT, +0x10 when a relative validity period follows, +0x20 to request a status
report, +0x40 when a User Data Header is present), TP-MR `00` (the modem numbers the message and
answers the number in `+CMGS: <mr>`), the destination in international format, TP-PID 00, TP-DCS
(00 GSM-7 / 08 UCS-2), the optional TP-VP, TP-UDL and the user data. The `<length>` given to
AT+CMGS counts the octets after the service centre address (27.005 3.5.1 / 4.3).

The payload written after the `> ` prompt is the PDU as upper-case hexadecimal digits and one
Ctrl-Z (0x1A). Because every octet of the message becomes two characters of `0-9A-F`, no byte of
any text can ever be a Ctrl-Z that ends the payload early or an ESC (0x1B) that cancels it: this
holds by construction, not by filtering.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from .address import encode_destination, validate_e164
from .alphabet import encode_gsm7
from .coding import DCS_GSM7, DCS_UCS2, Encoding
from .packing import fill_bits_after, header_septets, pack_septets
from .segment import MAX_PARTS, check_text, plan_segments
from .udh import concatenation_header

CTRL_Z: Final = b"\x1a"
"""Ends a PDU (or text) after the `> ` prompt and sends it (27.005 3.5.1)."""
ESC: Final = b"\x1b"
"""Cancels the message being entered after the `> ` prompt (27.005 3.5.1)."""

_MTI_SUBMIT: Final = 0x01
_VPF_RELATIVE: Final = 0x10
_SRR: Final = 0x20
_UDHI: Final = 0x40
_NO_SERVICE_CENTRE: Final = b"\x00"
_SHORTEST_VALIDITY: Final = timedelta(minutes=5)
_LONGEST_VALIDITY: Final = timedelta(weeks=63)


@dataclass(frozen=True, slots=True)
class SubmitPart:
    """One SMS-SUBMIT ready for AT+CMGS: part `sequence` of `total`."""

    sequence: int
    total: int
    pdu: bytes
    """The whole PDU, service centre octet (`00`) included."""

    @property
    def tpdu_length(self) -> int:
        """The `<length>` of `AT+CMGS=<length>`: the PDU without the service centre octet."""
        return len(self.pdu) - 1

    @property
    def hex(self) -> str:
        """The PDU as upper-case hexadecimal, as typed after the prompt."""
        return self.pdu.hex().upper()

    @property
    def command(self) -> str:
        """The command line that asks for the prompt (without `\\r`)."""
        return f"AT+CMGS={self.tpdu_length}"

    @property
    def payload(self) -> bytes:
        """What to write after `> `: the hexadecimal PDU and Ctrl-Z."""
        return self.hex.encode("ascii") + CTRL_Z


def encode_validity(period: timedelta) -> int:
    """The relative TP-VP octet (23.040 9.2.3.12.1) for at least `period` (rounded up)."""
    if not _SHORTEST_VALIDITY <= period <= _LONGEST_VALIDITY:
        raise ValueError("validity period must be between 5 minutes and 63 weeks")
    minutes = period.total_seconds() / 60
    if minutes <= 12 * 60:
        return math.ceil(minutes / 5) - 1
    if minutes <= 24 * 60:
        return 143 + math.ceil((minutes - 12 * 60) / 30)
    if minutes <= 30 * 24 * 60:
        return 166 + math.ceil(minutes / (24 * 60))
    return 192 + math.ceil(minutes / (7 * 24 * 60))


def decode_validity(octet: int) -> timedelta:
    """The period a relative TP-VP octet stands for."""
    if octet <= 143:
        return timedelta(minutes=5 * (octet + 1))
    if octet <= 167:
        return timedelta(hours=12, minutes=30 * (octet - 143))
    if octet <= 196:
        return timedelta(days=octet - 166)
    return timedelta(weeks=octet - 192)


def build_submit(
    destination: str,
    text: str,
    *,
    reference: int,
    validity: timedelta | None = None,
    request_status_report: bool = False,
    max_parts: int = MAX_PARTS,
) -> tuple[SubmitPart, ...]:
    """The SMS-SUBMIT parts that send `text` to `destination` (E.164).

    `reference` (0-255) ties the parts of a concatenated message together; callers keep a
    counter so that two long messages to the same phone never share one. Raises InvalidNumber,
    InvalidText (`check_text`) or MessageTooLong before building anything.
    """
    return encode_submit(
        destination,
        check_text(text),
        reference=reference,
        validity=validity,
        request_status_report=request_status_report,
        max_parts=max_parts,
    )


def encode_submit(
    destination: str,
    text: str,
    *,
    reference: int,
    validity: timedelta | None = None,
    request_status_report: bool = False,
    max_parts: int = MAX_PARTS,
) -> tuple[SubmitPart, ...]:
    """`build_submit` without the text check: any non-empty text, control characters included.

    It exists to show (and test) that the payload is safe by construction; callers use
    `build_submit`, which refuses such texts first.
    """
    address = encode_destination(validate_e164(destination))
    plan = plan_segments(text, max_parts)
    if not 0 <= reference <= 0xFF:
        raise ValueError("reference must be 0-255")
    first = _MTI_SUBMIT
    tail = b""
    if validity is not None:
        first |= _VPF_RELATIVE
        tail = bytes((encode_validity(validity),))
    if request_status_report:
        first |= _SRR
    total = len(plan.parts)
    if total > 1:
        first |= _UDHI
    dcs = DCS_GSM7 if plan.encoding is Encoding.GSM7 else DCS_UCS2
    parts: list[SubmitPart] = []
    for sequence, chunk in enumerate(plan.parts, start=1):
        header = concatenation_header(reference, total, sequence) if total > 1 else b""
        length, user_data = _user_data(chunk, plan.encoding, header)
        tpdu = bytes((first, 0x00)) + address + bytes((0x00, dcs)) + tail
        tpdu += bytes((length,)) + user_data
        parts.append(SubmitPart(sequence, total, _NO_SERVICE_CENTRE + tpdu))
    return tuple(parts)


def _user_data(chunk: str, encoding: Encoding, header: bytes) -> tuple[int, bytes]:
    """TP-UDL and TP-UD for one part: septets (GSM-7) or octets (UCS-2), header included."""
    if encoding is Encoding.GSM7:
        septets = encode_gsm7(chunk)
        packed = pack_septets(septets, fill_bits_after(len(header)))
        return header_septets(len(header)) + len(septets), header + packed
    body = chunk.encode("utf-16-be")
    return len(header) + len(body), header + body
