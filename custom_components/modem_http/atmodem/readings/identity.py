"""What the SIM is: its IMSI (AT+CIMI) and ICCID (AT+CICCID, AT+QCCID, AT+CCID, AT+ICCID).

AT+CIMI prints the bare IMSI (3GPP TS 27.007 section 5.6; some firmware prefixes `+CIMI: `).
ICCID commands print `+ICCID: ` (SIMCom), `+QCCID: ` (Quectel), `+CCID: ` or the bare digits
(SIM800 `AT+CCID` -> `8944501810180244540f`, vshymanskyy/TinyGSM issue #336); ICCIDs may end in
a hexadecimal filler (`f`) or carry a letter (`898600700907A6019125` in a public SIMCom
controller's tests). A module without a SIM (or without the command) may answer a bare `OK`:
that is "no ICCID", not an error.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .errors import UnexpectedReply

_HEX_DIGITS: Final = frozenset("0123456789ABCDEF")


@dataclass(frozen=True, slots=True)
class Imsi:
    """The subscriber identity; `mcc` is its first three digits (the home network's country)."""

    value: str

    @property
    def mcc(self) -> str:
        """The home network's mobile country code."""
        return self.value[:3]


def _single_line(lines: Sequence[str], command: str) -> str | None:
    texts = [line.strip() for line in lines if line.strip()]
    if len(texts) > 1:
        raise UnexpectedReply(command, f"{len(texts)} lines, one expected")
    return texts[0] if texts else None


def parse_cimi(lines: Sequence[str]) -> Imsi:
    """The IMSI: 6 to 15 digits (3GPP TS 23.003 section 2.2)."""
    command = "AT+CIMI"
    text = _single_line(lines, command)
    if text is None:
        raise UnexpectedReply(command, "no IMSI in the reply")
    value = text.removeprefix("+CIMI:").strip().strip('"')
    if not (value.isascii() and value.isdigit() and 6 <= len(value) <= 15):
        raise UnexpectedReply(command, "an IMSI of 6 to 15 digits was expected", text)
    return Imsi(value)


def parse_iccid(lines: Sequence[str], command: str, *prefixes: str) -> str | None:
    """The ICCID (upper case), or None for a bare `OK`; `prefixes` are the family's spellings."""
    text = _single_line(lines, command)
    if text is None:
        return None
    value = text
    for prefix in prefixes:
        if text.startswith(prefix):
            value = text[len(prefix) :]
            break
    value = value.strip().strip('"').upper()
    if not (18 <= len(value) <= 22 and set(value) <= _HEX_DIGITS and value[:2] == "89"):
        raise UnexpectedReply(command, "an ICCID (89 and 16 to 20 more digits) was expected", text)
    return value
