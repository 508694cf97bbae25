"""Status of the AT+HTTPCFG family: 27.007 for the seed manual's modules, Quectel's own commands.

The seed manual names no status commands, so its modules get the 27.007 readings
(status.StandardStatus). Quectel modules answer AT+QENG="servingcell" (serving cell and signal
in one reply), AT+QCSQ (signal only, on firmware without QENG), AT+QTEMP, AT+QGDCNT? (the
module's own byte counters), AT+QPINC and AT+QCCID; readings/quectel.py has the formats. A
command a module refuses is not asked again: the next in line takes over.
"""

from collections.abc import Mapping
from typing import ClassVar

from ...deadline import Deadline
from ...engine import AtEngine
from ...errors import AtCommandError
from ...readings import (
    ACT_LTE_M_AS_8,
    DataCounters,
    PinCounters,
    SignalQuality,
    Technology,
    parse_qcsq,
    parse_qeng_servingcell,
    parse_qgdcnt,
    parse_qpinc,
    parse_qtemp,
)
from ...status import READ_TIMEOUT, IccidCommand, RadioReading, Reading, StandardStatus

QENG_SERVINGCELL = 'AT+QENG="servingcell"'


class QuectelStatus(StandardStatus):
    """AT+QENG="servingcell" (then AT+QCSQ, then AT+CESQ), AT+QTEMP, AT+QGDCNT?, AT+QPINC."""

    readings: ClassVar[frozenset[Reading]] = frozenset(Reading)
    iccid_commands: ClassVar[tuple[IccidCommand, ...]] = (("AT+QCCID", ("+QCCID:",)),)
    act_table: ClassVar[Mapping[int, Technology]] = ACT_LTE_M_AS_8
    """BG96/BG95/BG77 print <AcT> 8 for LTE Cat-M1; EC2x never print 8 (no EC-GSM-IoT)."""

    def __init__(self) -> None:
        """Every radio command is tried until a module refuses it."""
        self._qeng = True
        self._qcsq = True

    async def pin_counters(self, engine: AtEngine, deadline: Deadline) -> PinCounters | None:
        """`+QPINC: "SC",<pin>,<puk>`."""
        reply = await engine.command('AT+QPINC="SC"', timeout=deadline.step(READ_TIMEOUT))
        return parse_qpinc(reply.lines)

    async def radio(self, engine: AtEngine, deadline: Deadline) -> RadioReading:
        """The first of AT+QENG="servingcell", AT+QCSQ, AT+CESQ the module answers."""
        if self._qeng:
            try:
                reply = await engine.command(QENG_SERVINGCELL, timeout=deadline.step(READ_TIMEOUT))
            except AtCommandError:
                self._qeng = False
            else:
                info = parse_qeng_servingcell(reply.lines)
                return RadioReading(info.technology, info.cell, info.signal or SignalQuality())
        if self._qcsq:
            try:
                reply = await engine.command("AT+QCSQ", timeout=deadline.step(READ_TIMEOUT))
            except AtCommandError:
                self._qcsq = False
            else:
                quality = parse_qcsq(reply.lines)
                return RadioReading(quality.technology, None, quality.signal or SignalQuality())
        return await super().radio(engine, deadline)

    async def temperature(self, engine: AtEngine, deadline: Deadline) -> float | None:
        """The hottest sensor `AT+QTEMP` names."""
        reply = await engine.command("AT+QTEMP", timeout=deadline.step(READ_TIMEOUT))
        return parse_qtemp(reply.lines).hottest_c

    async def data_counters(self, engine: AtEngine, deadline: Deadline) -> DataCounters | None:
        """`+QGDCNT: <bytes sent>,<bytes received>`."""
        reply = await engine.command("AT+QGDCNT?", timeout=deadline.step(READ_TIMEOUT))
        return parse_qgdcnt(reply.lines)


__all__ = ["QENG_SERVINGCELL", "QuectelStatus"]
