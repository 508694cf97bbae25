"""What a family's status member is, and the 3GPP TS 27.007 readings every module answers.

A family's `status` (families/base.py) tells the status reader (reader.py) which of its own
commands measure the serving cell and signal, read the module's temperature and data counters,
the SIM's retry counters and its ICCID; `StandardStatus` is the 27.007 answer to each, for the
families that have nothing better (and the base the others extend, falling back to it when a
module refuses its own command).
"""

from collections.abc import Mapping
from typing import ClassVar, Final, Protocol

from ..deadline import Deadline
from ..engine import AtEngine
from ..readings import (
    ACT_3GPP,
    DataCounters,
    PdpAddress,
    PinCounters,
    SignalQuality,
    Technology,
    parse_cesq,
    parse_cgpaddr,
)
from .model import RadioReading, Reading

READ_TIMEOUT: Final = 5.0
"""A status command answers at once (the manuals give 300 ms to a few seconds)."""

type IccidCommand = tuple[str, tuple[str, ...]]
"""An ICCID command and the prefixes its answer may carry (none: the bare digits)."""


class StatusCommands(Protocol):
    """How one family reads what the status reader cannot read the 27.007 way."""

    @property
    def readings(self) -> frozenset[Reading]:
        """The readings this family reports beyond the ones every family does."""

    @property
    def iccid_commands(self) -> tuple[IccidCommand, ...]:
        """The ICCID commands to try, in order."""

    @property
    def act_table(self) -> Mapping[int, Technology]:
        """What the family's modules mean by each 27.007 <AcT> number (technology.py)."""

    @property
    def technology_without_act(self) -> Technology | None:
        """What a registered module is on when its replies name no technology (2G-only ones)."""

    @property
    def registration_commands(self) -> tuple[str, ...]:
        """The registration reads in order; the next is asked only while not registered."""

    @property
    def session_commands(self) -> tuple[str, ...]:
        """Sent once per modem session so registration reads name the cell (27.007 <n>=2)."""

    async def address(self, engine: AtEngine, deadline: Deadline, cid: int) -> PdpAddress | None:
        """The address of the data connection the HTTP stack uses, None while it is down.

        AtCommandError or ReadingError when it cannot be read.
        """

    async def pin_counters(self, engine: AtEngine, deadline: Deadline) -> PinCounters | None:
        """The PIN and PUK tries left, or None where the family has no command for them."""

    async def radio(self, engine: AtEngine, deadline: Deadline) -> RadioReading:
        """Technology, serving cell and signal from the family's best command.

        AtCommandError or ReadingError when even the 27.007 fallback fails (the reader then
        reports what registration and AT+CSQ tell).
        """

    async def temperature(self, engine: AtEngine, deadline: Deadline) -> float | None:
        """The module's temperature in degrees Celsius, or None without a command for it."""

    async def data_counters(self, engine: AtEngine, deadline: Deadline) -> DataCounters | None:
        """The module's own byte counters, or None without a command for them."""


class StandardStatus:
    """27.007 only: AT+CESQ for the signal, no temperature, no counters, no retry counters."""

    readings: ClassVar[frozenset[Reading]] = frozenset(
        {Reading.RSRP, Reading.RSRQ, Reading.CELL_ID, Reading.AREA_CODE, Reading.OPERATOR}
    )
    """AT+CESQ measures RSRP and RSRQ (no SINR); the registration read with <n>=2 names the
    cell and its area; AT+COPS? the operator."""
    iccid_commands: ClassVar[tuple[IccidCommand, ...]] = (
        ("AT+CCID", ("+CCID:", "+ICCID:")),
        ("AT+ICCID", ("+ICCID:",)),
    )
    """27.007 has no ICCID command; these two are what most firmware answers."""
    act_table: ClassVar[Mapping[int, Technology]] = ACT_3GPP
    technology_without_act: ClassVar[Technology | None] = None
    registration_commands: ClassVar[tuple[str, ...]] = ("AT+CEREG?", "AT+CGREG?")
    """EPS first (LTE, LTE-M, NB-IoT, the anchor of 5G NSA), then GPRS for 2G/3G."""
    session_commands: ClassVar[tuple[str, ...]] = ("AT+CEREG=2", "AT+CGREG=2")

    async def address(self, engine: AtEngine, deadline: Deadline, cid: int) -> PdpAddress | None:
        """`AT+CGPADDR=<cid>`: the PDP context's address (0.0.0.0 or none while it is down)."""
        reply = await engine.command(f"AT+CGPADDR={cid}", timeout=deadline.step(READ_TIMEOUT))
        found = next((item for item in parse_cgpaddr(reply.lines) if item.cid == cid), None)
        return found if found is not None and found.connected else None

    async def pin_counters(self, engine: AtEngine, deadline: Deadline) -> PinCounters | None:
        """27.007 has no command for them."""
        return None

    async def radio(self, engine: AtEngine, deadline: Deadline) -> RadioReading:
        """AT+CESQ: RXLEV on GSM, RSCP and Ec/No on UMTS, RSRP and RSRQ on LTE."""
        reply = await engine.command("AT+CESQ", timeout=deadline.step(READ_TIMEOUT))
        cesq = parse_cesq(reply.lines)
        return RadioReading(
            signal=SignalQuality.measured(
                rssi_dbm=cesq.rxlev_dbm,
                rscp_dbm=cesq.rscp_dbm,
                ecio_db=cesq.ecno_db,
                rsrq_db=cesq.rsrq_db,
                rsrp_dbm=cesq.rsrp_dbm,
            )
        )

    async def temperature(self, engine: AtEngine, deadline: Deadline) -> float | None:
        """27.007 has no command for it."""
        return None

    async def data_counters(self, engine: AtEngine, deadline: Deadline) -> DataCounters | None:
        """27.007 has no command for them."""
        return None


__all__ = ["READ_TIMEOUT", "IccidCommand", "StandardStatus", "StatusCommands"]
