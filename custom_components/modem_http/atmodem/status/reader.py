"""One status poll: a short sequence of commands, the same order for every family.

1. `AT+CPIN?` (sim_lock.py): a SIM that is not ready ends the poll here, since nothing after it
   can be: the tries left are read instead (AT+SPIC, AT+QPINC) where the family can.
2. `AT+CEREG?`, and `AT+CGREG?` only when the modem is not registered on EPS (a 2G/3G cell, or
   none): registration, roaming, and with <n>=2 the cell, its area and the <AcT> (a 2G-only
   family reads `AT+CREG?` instead, which names no <AcT>).
3. The family's serving-cell command (AT+CPSI?, AT+QENG="servingcell"; AT+CESQ by 27.007):
   technology, cell identity, RSRP, RSRQ, SINR, RSSI.
4. `AT+CSQ` only when step 3 left the RSSI unknown (UMTS, or a family with only AT+CESQ).
5. The data connection's address, which says whether it is up: `AT+CGPADDR=<cid>`, or the
   family's own bearer read where its HTTP stack runs over one (AT+SAPBR=2, AT+CNACT?).
6. On demand, each only when the caller wants it: `AT+COPS?` (operator name), the family's
   temperature (AT+CPMUTEMP, AT+QTEMP) and data counters (AT+QGDCNT?).

What does not change is not asked every time: the ICCID is read once with the identity, the IMSI
once per SIM (again after the module announces a SIM change or restarts), and `AT+CEREG=2` /
`AT+CGREG=2` (the family's; so the registration read carries the cell) once per modem session.
A command the module refuses leaves its reading unknown; a reply that is not in its format too
(logged at debug level); a modem that stops answering or a link that drops fails the poll.
"""

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from ..deadline import Deadline
from ..engine import AtEngine
from ..errors import AtCommandError
from ..readings import (
    Imsi,
    PdpAddress,
    ReadingError,
    Registration,
    ServingCell,
    Technology,
    parse_cimi,
    parse_cops,
    parse_csq,
    parse_registration,
    technology_from_act,
)
from .model import ModemStatus, RadioReading, Reading
from .sim_lock import SimLock
from .standard import READ_TIMEOUT, StatusCommands

_LOGGER = logging.getLogger(__name__)


class StatusReader:
    """Reads one modem's status with its family's commands; keeps what needs no re-reading."""

    def __init__(self, engine: AtEngine, commands: StatusCommands, sim: SimLock) -> None:
        """Nothing is sent until `read`."""
        self._engine = engine
        self._commands = commands
        self._sim = sim
        self._setup_session = -1
        self._imsi: Imsi | None = None
        self._imsi_for: tuple[int, int] | None = None

    async def read(
        self, deadline: Deadline, session: int, cid: int, wanted: frozenset[Reading]
    ) -> ModemStatus:
        """One poll (the module docstring lists its commands)."""
        sim = await self._sim.check(deadline, self._commands, session)
        if sim is not None and not sim.ready:
            return ModemStatus(sim=sim, data_active=False)
        if self._setup_session != session:
            await self._set_up(deadline)
            self._setup_session = session
        imsi = await self._imsi_of_this_sim(deadline, session)
        registration = await self._registration(deadline)
        radio = await self._radio(deadline)
        technology = radio.technology
        if technology is None and registration is not None and registration.state.registered:
            technology = (
                technology_from_act(registration.act, self._commands.act_table)
                or self._commands.technology_without_act
            )
        cell = radio.cell or _cell_from(registration, technology)
        signal = radio.signal
        if signal.rssi_dbm is None:
            csq = await self._read("AT+CSQ", parse_csq, deadline)
            if csq is not None:
                signal = replace(signal, rssi_dbm=csq.rssi_dbm)
        read, address = await self._address(deadline, cid)
        return ModemStatus(
            sim=sim,
            registration=registration.state if registration is not None else None,
            technology=technology,
            signal=signal,
            cell=cell,
            data_active=address is not None if read else None,
            address=address,
            operator=await self._operator(deadline) if Reading.OPERATOR in wanted else None,
            temperature_c=await self._on_demand(
                Reading.TEMPERATURE, wanted, self._commands.temperature, deadline
            ),
            data_counters=await self._on_demand(
                Reading.DATA_COUNTERS, wanted, self._commands.data_counters, deadline
            ),
            imsi=imsi,
        )

    async def _set_up(self, deadline: Deadline) -> None:
        for command in self._commands.session_commands:
            try:
                await self._engine.command(command, timeout=deadline.step(READ_TIMEOUT))
            except AtCommandError as err:
                _LOGGER.debug("%s refused (%s); registration reads carry no cell", command, err)

    async def _imsi_of_this_sim(self, deadline: Deadline, session: int) -> Imsi | None:
        """The IMSI, read once per SIM: again only after a restart or a SIM announcement."""
        key = (session, self._sim.changes)
        if self._imsi_for != key:
            self._imsi = await self._read("AT+CIMI", parse_cimi, deadline)
            self._imsi_for = key
        return self._imsi

    async def _registration(self, deadline: Deadline) -> Registration | None:
        found: Registration | None = None
        for command in self._commands.registration_commands:
            registration = await self._read(
                command, functools.partial(parse_registration, command=command), deadline
            )
            if registration is None:
                continue
            if found is None or registration.state.registered:
                found = registration
            if registration.state.registered:
                break
        return found

    async def _radio(self, deadline: Deadline) -> RadioReading:
        try:
            return await self._commands.radio(self._engine, deadline)
        except AtCommandError as err:
            _LOGGER.debug("The serving cell could not be read: %s", err)
        except ReadingError as err:
            _LOGGER.debug("Unreadable serving cell: %s", err)
        return RadioReading()

    async def _address(self, deadline: Deadline, cid: int) -> tuple[bool, PdpAddress | None]:
        """Whether it could be read, and the data connection's address (None while it is down)."""
        try:
            return True, await self._commands.address(self._engine, deadline, cid)
        except AtCommandError as err:
            _LOGGER.debug("The data connection's address could not be read: %s", err)
        except ReadingError as err:
            _LOGGER.debug("Unreadable address: %s", err)
        return False, None

    async def _operator(self, deadline: Deadline) -> str | None:
        operator = await self._read("AT+COPS?", parse_cops, deadline)
        return operator.name if operator is not None else None

    async def _on_demand[T](
        self,
        reading: Reading,
        wanted: frozenset[Reading],
        read: Callable[[AtEngine, Deadline], Awaitable[T | None]],
        deadline: Deadline,
    ) -> T | None:
        """A reading of the family's own that costs a command: only when wanted."""
        if reading not in wanted or reading not in self._commands.readings:
            return None
        try:
            return await read(self._engine, deadline)
        except AtCommandError as err:
            _LOGGER.debug("The %s could not be read: %s", reading, err)
        except ReadingError as err:
            _LOGGER.debug("Unreadable %s: %s", reading, err)
        return None

    async def _read[T](
        self, command: str, parse: Callable[[list[str]], T], deadline: Deadline
    ) -> T | None:
        """Send `command` and parse its lines; None when refused or not in its format."""
        try:
            reply = await self._engine.command(command, timeout=deadline.step(READ_TIMEOUT))
            return parse(reply.lines)
        except AtCommandError as err:
            _LOGGER.debug("%s refused: %s", command, err)
        except ReadingError as err:
            _LOGGER.debug("Unreadable reply: %s", err)
        return None


def _cell_from(
    registration: Registration | None, technology: Technology | None
) -> ServingCell | None:
    """The cell a registration read with <n>=2 names, when the family's command named none."""
    if (
        registration is None
        or technology is None
        or (registration.cell_id is None and registration.area_code is None)
    ):
        return None
    return ServingCell(
        technology,
        mcc=None,
        mnc=None,
        area_code=registration.area_code,
        cell_id=registration.cell_id,
        physical_id=None,
        band=None,
        channel=None,
    )
