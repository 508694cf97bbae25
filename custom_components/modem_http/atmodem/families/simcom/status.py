"""SIMCom's status commands: AT+CPSI? (serving cell and signal), AT+CPMUTEMP, AT+SPIC, AT+CICCID.

AT+CPSI? answers in one line what 27.007 needs several commands for (system mode, PLMN, cell,
band, channel, RSRP, RSRQ, RSSI, SNR; readings/simcom.py has the layouts). A module that refuses
it (firmware without it) is not asked again: AT+CESQ takes over for the rest of its life.
"""

from collections.abc import Mapping
from typing import ClassVar

from ...deadline import Deadline
from ...engine import AtEngine
from ...errors import AtCommandError
from ...readings import (
    ACT_3GPP,
    PinCounters,
    SignalQuality,
    Technology,
    parse_cpmutemp,
    parse_cpsi,
    parse_spic,
)
from ...status import READ_TIMEOUT, IccidCommand, RadioReading, Reading, StandardStatus


class SimcomStatus(StandardStatus):
    """AT+CPSI? for the radio, AT+CPMUTEMP, AT+SPIC, AT+CICCID (`+ICCID: <iccid>`)."""

    readings: ClassVar[frozenset[Reading]] = frozenset(Reading) - {Reading.DATA_COUNTERS}
    """AT+CPSI? names everything about the serving cell; SIMCom has no data counter command."""
    iccid_commands: ClassVar[tuple[IccidCommand, ...]] = (("AT+CICCID", ("+ICCID:",)),)
    act_table: ClassVar[Mapping[int, Technology]] = ACT_3GPP
    """SIM7600/A76xx follow 27.007 (7 is E-UTRAN; they have no LTE-M of their own)."""

    def __init__(self) -> None:
        """AT+CPSI? is tried until a module refuses it."""
        self._cpsi = True

    async def pin_counters(self, engine: AtEngine, deadline: Deadline) -> PinCounters | None:
        """`+SPIC: <pin1>,<puk1>,<pin2>,<puk2>`."""
        reply = await engine.command("AT+SPIC", timeout=deadline.step(READ_TIMEOUT))
        return parse_spic(reply.lines)

    async def radio(self, engine: AtEngine, deadline: Deadline) -> RadioReading:
        """AT+CPSI?, or AT+CESQ on a module that refuses it."""
        if self._cpsi:
            try:
                reply = await engine.command("AT+CPSI?", timeout=deadline.step(READ_TIMEOUT))
            except AtCommandError:
                self._cpsi = False
            else:
                info = parse_cpsi(reply.lines)
                return RadioReading(info.technology, info.cell, info.signal or SignalQuality())
        return await super().radio(engine, deadline)

    async def temperature(self, engine: AtEngine, deadline: Deadline) -> float | None:
        """`+CPMUTEMP: <degrees C>`."""
        reply = await engine.command("AT+CPMUTEMP", timeout=deadline.step(READ_TIMEOUT))
        return float(parse_cpmutemp(reply.lines))


__all__ = ["SimcomStatus"]
