"""SIM7070/SIM7080 status: AT+CPSI? for the serving cell, AT+CNACT? for the data connection.

- Serving cell and signal: `AT+CPSI?` in the LTE-M and NB-IoT layouts, whole dB and dBm
  (`+CPSI: LTE NB-IOT,Online,242-01,0xA411,18460008,457,EUTRAN-BAND20,6352,0,0,-7,-77,-70,14` in
  botletics/SIM7000-LTE-Shield issue #50; readings/simcom.py parses every layout), AT+CESQ for a
  module that refuses it, as in the SIM7600 family.
- Registration: `AT+CEREG?` first (an NB-IoT module reports no CS registration: +CREG 0,0 in
  the same issue's log). <AcT> 7 is LTE-M on these modules, which have no LTE Cat-1 radio
  (SIM7000 manual, AT+COPS <AcT> 7 "LTE M1"; 9 is NB-IoT).
- The data connection: the AT+SH* HTTP stack runs over application network 0, brought up with
  AT+CNACT, so its address is that network's: `AT+CNACT?` -> `+CNACT: <pdpidx>,<status>,"<ip>"`
  for each network, status 1 active (`+CNACT: 0,1,"10.155.118.146"` in botletics issue #243).
  Network <pdpidx> runs on PDP context <pdpidx>+1 (TinyGSM TinyGsmClientSIM7080.h).
- ICCID: `AT+CCID` (bare digits). No temperature or PIN retry counter command is used: no source
  at hand shows these modules' AT+CPMUTEMP or AT+SPIC replies.
"""

import ipaddress
from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

from ...deadline import Deadline
from ...engine import AtEngine
from ...readings import ACT_3GPP, PdpAddress, PinCounters, Technology, UnexpectedReply
from ...readings.fields import integer, payloads, split_fields
from ...status import READ_TIMEOUT, IccidCommand, Reading, StandardStatus
from ..simcom.status import SimcomStatus

CNACT_QUERY: Final = "AT+CNACT?"
ACT_CAT_M_AS_7: Final[Mapping[int, Technology]] = {**ACT_3GPP, 7: Technology.LTE_M}
"""27.007's table, but 7 (E-UTRAN) is LTE Cat-M on modules without LTE Cat-1."""


class Sim7080Status(SimcomStatus):
    """AT+CPSI? (then AT+CESQ), AT+CEREG, AT+CNACT? for the application network's address."""

    readings: ClassVar[frozenset[Reading]] = frozenset(Reading) - {
        Reading.TEMPERATURE,
        Reading.DATA_COUNTERS,
    }
    iccid_commands: ClassVar[tuple[IccidCommand, ...]] = StandardStatus.iccid_commands
    act_table: ClassVar[Mapping[int, Technology]] = ACT_CAT_M_AS_7

    async def pin_counters(self, engine: AtEngine, deadline: Deadline) -> PinCounters | None:
        """Not read: no source shows this family's retry counter reply."""
        return None

    async def temperature(self, engine: AtEngine, deadline: Deadline) -> float | None:
        """Not read: no source shows this family's temperature reply."""
        return None

    async def address(self, engine: AtEngine, deadline: Deadline, cid: int) -> PdpAddress | None:
        """The address of the application network that runs on PDP context `cid`."""
        reply = await engine.command(CNACT_QUERY, timeout=deadline.step(READ_TIMEOUT))
        return parse_cnact_address(reply.lines, cid)


def parse_cnact_address(lines: Sequence[str], cid: int) -> PdpAddress | None:
    """The address of network `cid - 1` while its status is 1 (active); None otherwise."""
    found = payloads(lines, "+CNACT:")
    if not found:
        raise UnexpectedReply(CNACT_QUERY, "no +CNACT line")
    for payload in found:
        fields = split_fields(payload)
        if len(fields) < 3:
            raise UnexpectedReply(CNACT_QUERY, "network, status and address expected", payload)
        if integer(fields[0], CNACT_QUERY, payload) + 1 != cid:
            continue
        if integer(fields[1], CNACT_QUERY, payload) != 1:
            return None
        try:
            address = ipaddress.IPv4Address(fields[2])
        except ValueError:
            raise UnexpectedReply(CNACT_QUERY, "an IPv4 address was expected", payload) from None
        return None if address.is_unspecified else PdpAddress(cid, ipv4=address)
    return None


__all__ = ["ACT_CAT_M_AS_7", "Sim7080Status", "parse_cnact_address"]
