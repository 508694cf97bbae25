"""SIM800/SIM900 status: a 2G module, read with 27.007's GSM commands and its own bearer's address.

- Registration: `AT+CREG?` (then `AT+CGREG?` while not registered), with `AT+CREG=2` once per
  session so it names the cell: `+CREG: <n>,<stat>[,"<lac>","<ci>"]`, no <AcT> (SIM800 Series AT
  Command Manual V1.09, AT+CREG; `+CREG: 2,1,"07E6","D68F"` in public SIM800 drivers). These
  modules have no AT+CEREG; a registered one is on GSM.
- Signal: `AT+CSQ` only (the status reader asks it when the radio reading has no RSSI); SIM800
  has neither AT+CESQ nor AT+CPSI, so its radio reading sends nothing.
- The data connection: the module's HTTP stack runs over an AT+SAPBR bearer profile, not over a
  27.007 context the host activates, so its address is the profile's: `AT+SAPBR=2,<cid>` ->
  `+SAPBR: <cid>,<status>,"<ip>"`, status 1 connected, 3 closed (manual V1.09, AT+SAPBR;
  `+SAPBR: 1,1,"10.89.193.1"` in the SIM800 IP Application Note's example).
- ICCID: `AT+CCID` prints the bare digits (the 27.007 family's first ICCID command).
- No temperature, module counter or PIN retry counter command of theirs is used.
"""

import ipaddress
from collections.abc import Sequence
from typing import ClassVar, Final

from ...deadline import Deadline
from ...engine import AtEngine
from ...readings import PdpAddress, Technology, UnexpectedReply
from ...readings.fields import integer, payloads, split_fields
from ...status import READ_TIMEOUT, RadioReading, Reading, StandardStatus
from .bearer import CONNECTED, PROFILES

SAPBR_QUERY: Final = "AT+SAPBR=2"


class Sim800Status(StandardStatus):
    """AT+CREG (no <AcT>: GSM), AT+CSQ, AT+SAPBR=2 for the bearer's address."""

    readings: ClassVar[frozenset[Reading]] = frozenset(
        {Reading.CELL_ID, Reading.AREA_CODE, Reading.OPERATOR}
    )
    """The registration read names the cell and its area; AT+COPS? the operator."""
    technology_without_act: ClassVar[Technology | None] = Technology.GSM
    registration_commands: ClassVar[tuple[str, ...]] = ("AT+CREG?", "AT+CGREG?")
    session_commands: ClassVar[tuple[str, ...]] = ("AT+CREG=2",)

    async def radio(self, engine: AtEngine, deadline: Deadline) -> RadioReading:
        """Nothing to ask beyond AT+CSQ, which the status reader sends itself."""
        return RadioReading()

    async def address(self, engine: AtEngine, deadline: Deadline, cid: int) -> PdpAddress | None:
        """The bearer profile's address while it is connected; None for a profile it lacks."""
        low, high = PROFILES
        if not low <= cid <= high:
            return None
        reply = await engine.command(f"{SAPBR_QUERY},{cid}", timeout=deadline.step(READ_TIMEOUT))
        return parse_sapbr_address(reply.lines, cid)


def parse_sapbr_address(lines: Sequence[str], cid: int) -> PdpAddress | None:
    """`+SAPBR: <cid>,<status>,"<ip>"`: the address while status is 1 (connected)."""
    for payload in payloads(lines, "+SAPBR:"):
        fields = split_fields(payload)
        if len(fields) < 3:
            raise UnexpectedReply(SAPBR_QUERY, "profile, status and address expected", payload)
        if integer(fields[0], SAPBR_QUERY, payload) != cid:
            continue
        if integer(fields[1], SAPBR_QUERY, payload) != CONNECTED:
            return None
        address = _ipv4(fields[2], payload)
        return PdpAddress(cid, ipv4=address) if address is not None else None
    raise UnexpectedReply(SAPBR_QUERY, f"no +SAPBR line for profile {cid}")


def _ipv4(text: str, line: str) -> ipaddress.IPv4Address | None:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        raise UnexpectedReply(SAPBR_QUERY, "an IPv4 address was expected", line) from None
    return None if address.is_unspecified else address


__all__ = ["Sim800Status", "parse_sapbr_address"]
