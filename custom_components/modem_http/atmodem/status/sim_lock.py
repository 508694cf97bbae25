"""The SIM's PIN as the host keeps it: entered at start and after every restart, never twice.

A SIM takes three wrong PINs, then locks itself until its PUK is entered (3GPP TS 31.102). So the
PIN a user gave is entered only when `AT+CPIN?` says `SIM PIN`, at most once per modem session
(a session ends when the modem restarts or the port reconnects), and a PIN the SIM refused is
never entered again until a new one is given: the caller is told (`SimStatus.pin_refused`) and
asks its user.

After a right PIN the module prints `+CPIN: READY` unasked (SIMCom then `SMS DONE`, `PB DONE`;
Quectel `+QUSIM: 1`, `+QIND: SMS DONE`...), which is also what a module that started over
prints: the engine is told to expect it, so it is not taken for a restart. `+CPIN:` lines the
module prints later (a SIM pulled out, put back, asking for its PIN) update the state at once.
"""

import asyncio
import logging
from typing import Final, Protocol

from ..bearer import NoDataConnectionError
from ..deadline import Deadline
from ..engine import AtEngine, Urc
from ..errors import AtCommandError, ModemError, RequestRejected
from ..readings import PinCounters, ReadingError, SimState, parse_cpin, sim_state_from_cme
from .model import SimStatus

_LOGGER = logging.getLogger(__name__)

READ_TIMEOUT: Final = 5.0
PIN_TIMEOUT: Final = 10.0
"""AT+CPIN=<pin>: the SIM checks it (SIM7600 manual: 5 s maximum response time)."""
READY_WINDOW: Final = 30.0
"""How long after a right PIN its `+CPIN: READY` is expected (modules print it within a second
or two; a SIM with a large phonebook takes longer for what follows, which is not a restart
line anyway)."""
_READY_LINE: Final = "+CPIN: READY"
_PIN_LENGTH: Final = (4, 8)


class PinCounterCommand(Protocol):
    """How a family reads the tries left (AT+SPIC, AT+QPINC); None where it has no command."""

    async def pin_counters(self, engine: AtEngine, deadline: Deadline) -> PinCounters | None:
        """The tries left, or None."""


class SimNotReadyError(NoDataConnectionError):
    """No data connection can come up: the SIM is missing, locked, or refused its PIN."""

    def __init__(self, status: SimStatus) -> None:
        """`status` is what the SIM said; the cause tells the user what to do."""
        self.status = status
        super().__init__(_cause(status))


class SmsSimNotReadyError(ModemError):
    """No SMS can be sent or read: the SIM is missing, locked, or refused its PIN.

    Not a NoDataConnectionError: an SMS needs the SIM and the network, never a data connection,
    and the caller must not be told that one is missing.
    """

    def __init__(self, status: SimStatus) -> None:
        """`status` is what the SIM said; the cause tells the user what to do."""
        self.status = status
        self.cause = _cause(status)
        super().__init__(self.cause)


def _cause(status: SimStatus) -> str:
    match status.state:
        case SimState.PIN_REQUIRED if status.pin_refused:
            return (
                "the SIM refused its PIN, which is therefore not entered again (three wrong "
                "PINs lock a SIM); give the right PIN"
            )
        case SimState.PIN_REQUIRED:
            return "the SIM asks for its PIN, and none was given"
        case SimState.PUK_REQUIRED:
            return "the SIM is locked after three wrong PINs and asks for its PUK"
        case SimState.NOT_INSERTED:
            return "no SIM card is inserted"
    return f"the SIM is not ready ({status.state.value})"


def check_code(field: str, code: str) -> str:
    """A PIN or PUK as a SIM takes it: 4 to 8 digits (RequestRejected otherwise)."""
    low, high = _PIN_LENGTH
    if not (code.isascii() and code.isdigit() and low <= len(code) <= high):
        raise RequestRejected(field, f"must be {low} to {high} digits")
    return code


class SimLock:
    """One modem's SIM: its state, and the PIN entered for it (see the module docstring)."""

    def __init__(self, engine: AtEngine, pin: str | None = None) -> None:
        """`pin` (4 to 8 digits) is entered when the SIM asks for it; None: never enter one."""
        self._engine = engine
        self.pin = None if pin is None else check_code("pin", pin)
        self.pin_refused = False
        self.state: SimState | None = None
        """The state last read or announced; None until then."""
        self.changes = 0
        """Bumped whenever the module announces its SIM (inserted, removed, unlocked)."""
        self._tried_session = -1
        self._ready_session = -1
        self._lock = asyncio.Lock()
        self._remove = engine.on_urc("+CPIN:", self._on_urc)

    def set_pin(self, pin: str | None) -> None:
        """A new PIN from the user: entered when the SIM next asks, even in this session."""
        self.pin = None if pin is None else check_code("pin", pin)
        self.pin_refused = False
        self._tried_session = -1

    def ready_in(self, session: int) -> bool:
        """The SIM was seen ready in this session and has announced nothing since."""
        return self._ready_session == session and self.state is not None and self.state.usable

    async def check(
        self, deadline: Deadline, counters: PinCounterCommand, session: int
    ) -> SimStatus | None:
        """Read the state; enter the PIN when the SIM asks for it and that is allowed.

        None when the modem answers AT+CPIN? with neither a state nor a SIM error.
        """
        async with self._lock:
            state = await self._read(deadline)
            if (
                state is SimState.PIN_REQUIRED
                and self.pin is not None
                and not self.pin_refused
                and self._tried_session != session
            ):
                state = await self._enter(deadline, session)
            return await self._status(state, deadline, counters, session)

    async def unlock(
        self, deadline: Deadline, counters: PinCounterCommand, session: int, pin: str
    ) -> SimStatus | None:
        """The user's own PIN, entered now if the SIM asks for one (kept for later sessions)."""
        self.set_pin(pin)
        return await self.check(deadline, counters, session)

    async def enter_puk(
        self, deadline: Deadline, counters: PinCounterCommand, session: int, puk: str, pin: str
    ) -> SimStatus | None:
        """`AT+CPIN=<puk>,<new pin>` when the SIM wants its PUK; the new PIN is kept.

        AtCommandError when the SIM refuses the PUK.
        """
        check_code("puk", puk)
        pin = check_code("pin", pin)  # kept for later starts, so checked whatever the state
        async with self._lock:
            state = await self._read(deadline)
            if state is SimState.PUK_REQUIRED:
                self._engine.expect_unasked(_READY_LINE, READY_WINDOW)
                await self._engine.command(
                    f'AT+CPIN="{puk}","{pin}"',
                    timeout=deadline.step(PIN_TIMEOUT),
                )
                state = SimState.READY
                self.changes += 1
            self.pin, self.pin_refused, self._tried_session = pin, False, session
            return await self._status(state, deadline, counters, session)

    def close(self) -> None:
        """Stop following the module's SIM announcements."""
        self._remove()

    async def _status(
        self,
        state: SimState | None,
        deadline: Deadline,
        counters: PinCounterCommand,
        session: int,
    ) -> SimStatus | None:
        self.state = state
        if state is None:
            return None
        if state.usable:
            self._ready_session = session
        tries: PinCounters | None = None
        if state in {SimState.PIN_REQUIRED, SimState.PUK_REQUIRED}:
            try:
                tries = await counters.pin_counters(self._engine, deadline)
            except AtCommandError, ReadingError:
                tries = None
        return SimStatus(
            state,
            pin_refused=self.pin_refused,
            pin_known=self.pin is not None,
            pin_tries=tries.pin if tries is not None else None,
            puk_tries=tries.puk if tries is not None else None,
        )

    async def _read(self, deadline: Deadline) -> SimState | None:
        """AT+CPIN?; without a SIM modules answer `+CME ERROR: 10` instead of a state.

        A `+CPIN:` line the module printed unasked while the command was on its way (a SIM
        just put in) shares the answer's prefix; the answer is the last one.
        """
        try:
            reply = await self._engine.command("AT+CPIN?", timeout=deadline.step(READ_TIMEOUT))
        except AtCommandError as err:
            return None if err.cme_code is None else sim_state_from_cme(err.cme_code)
        answers = [line for line in reply.lines if line.startswith("+CPIN:")]
        try:
            return parse_cpin(answers[-1:] or reply.lines)
        except ReadingError as err:
            _LOGGER.debug("Unreadable SIM state: %s", err)
            return None

    async def _enter(self, deadline: Deadline, session: int) -> SimState | None:
        """Enter the PIN once; any refusal means it is not entered again (the tries are few).

        A try whose outcome is unknown (the modem stopped answering, the link dropped) is not
        repeated in the same session either: the SIM may have counted it.
        """
        self._tried_session = session
        self._engine.expect_unasked(_READY_LINE, READY_WINDOW)
        try:
            await self._engine.command(f'AT+CPIN="{self.pin}"', timeout=deadline.step(PIN_TIMEOUT))
        except AtCommandError as err:
            self.pin_refused = True
            _LOGGER.warning(
                "The SIM refused its PIN (%s); it is not entered again until a new one is given",
                err.final,
            )
            return await self._read(deadline)
        self.changes += 1
        # It worked: if the SIM asks again in this session (re-seated), it may be entered again.
        self._tried_session = -1
        return SimState.READY

    def _on_urc(self, urc: Urc) -> None:
        try:
            state = parse_cpin([urc.line])
        except ReadingError:
            return
        if state is not self.state:
            self.changes += 1
        self.state = state
        if not state.usable:
            self._ready_session = -1


__all__ = ["PinCounterCommand", "SimLock", "SimNotReadyError", "check_code"]
