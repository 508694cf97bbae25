"""The one path every public operation of a modem takes.

An operation (an HTTP request, a restart, a status read...) is given the caller's timeout as one
Deadline the moment it is called. The path then:

1. waits for a serial link that is down, within the link grace, side by side with every other
   caller (so an outage fails them all within seconds, not one grace after another);
2. queues for the modem behind other operations, within the deadline (status reads skip this:
   real modules answer them between the steps of a request in flight);
3. for HTTP and the data connection, makes sure the SIM is ready (entering its PIN once per
   session where it asks for one; a SIM that is not ready fails the operation at once with
   SimNotReadyError rather than after a registration wait), sets the family's HTTP stack up
   again when the modem restarted or reconnected since it was last set up, and brings the data
   connection up (or recovers it once); for SMS, makes sure of the SIM the same way
   and puts the SMS settings (PDU mode, storage, indications) back after a restart;
4. runs the work, every step of which takes its time from the same deadline;
5. turns a step that ran out of time into one ModemTimeoutError for the operation, and notes on
   every error (and on HTTP responses) how long the operation queued and how long it ran.

A restart or reconnect in the middle of an HTTP operation does not fail a command, but the modem
then forgot what the HTTP stack was told, so whatever the operation produced is refused rather
than handed over mangled.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from enum import Enum, auto

from .connection import DataConnection
from .deadline import Deadline
from .engine import AtEngine, ConnectionState
from .errors import ModemDisconnectedError, ModemError, ModemTimeoutError
from .families import Family, RequestPlan
from .request import ResponseBody
from .response import HttpResponse
from .status import SimLock, SimNotReadyError, SmsSimNotReadyError


class Access(Enum):
    """What an operation needs of the modem."""

    SHARED = auto()
    """Reads that may run between the steps of other operations (status)."""
    EXCLUSIVE = auto()
    """The modem to itself (a restart, a raw command, a certificate upload)."""
    CONNECTED = auto()
    """The modem to itself and the data connection up (bringing it up is the work)."""
    HTTP = auto()
    """The modem to itself, its HTTP stack set up and the data connection up."""
    SMS = auto()
    """The modem to itself and its SMS settings in place (no data connection needed)."""


class _Setup:
    """When a part of the modem (its HTTP stack, its SMS settings) was last set up.

    The engine re-initialises lazily, at its next command, so its generation alone would let an
    operation start on state the modem has lost; the restarts and reconnects seen count too.
    """

    __slots__ = ("generation", "restarts")

    def __init__(self) -> None:
        self.restarts = -1
        self.generation = -1

    def needed(self, restarts: int, generation: int) -> bool:
        return self.restarts != restarts or self.generation != generation

    def done(self, restarts: int, generation: int) -> None:
        self.restarts = restarts
        self.generation = generation

    def forget(self) -> None:
        self.restarts = -1


class OperationPath:
    """Runs operations on one modem: link, queue, set-up, data connection, deadline."""

    def __init__(
        self, engine: AtEngine, family: Family, connection: DataConnection, sim: SimLock
    ) -> None:
        """The path of one modem; nothing is sent until an operation runs."""
        self.engine = engine
        self.family = family
        self.connection = connection
        self.sim = sim
        self._lock = asyncio.Lock()
        self._restarts = 0
        """Reconnects and restarts seen."""
        self._http_setup = _Setup()
        self._sms_setup = _Setup()
        engine.add_listener(self._on_connection_state)

    def _on_connection_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.DISCONNECTED:
            self._restarts += 1
        self.connection.forget()

    @property
    def session(self) -> int:
        """Which modem session this is: a restart or a reconnect starts a new one."""
        return self._restarts

    async def ensure_sim(self, deadline: Deadline) -> None:
        """The SIM lets the modem register (PIN entered if allowed); SimNotReadyError if not.

        A SIM seen ready in this session is trusted until the module announces otherwise.
        An answer that names no state lets the operation go on (the bearer then finds out).
        """
        if self.sim.ready_in(self._restarts):
            return
        status = await self.sim.check(deadline, self.family.status, self._restarts)
        if status is not None and not status.ready:
            raise SimNotReadyError(status)

    def forget_setup(self) -> None:
        """The modem's state is unknown (a raw command may have changed it): set it up anew."""
        self._http_setup.forget()
        self._sms_setup.forget()

    async def run[T](
        self, deadline: Deadline, work: Callable[[], Awaitable[T]], access: Access
    ) -> T:
        """Run `work` the way `access` says, within `deadline`."""
        if access is Access.SHARED:
            return await self._timed(deadline, work)
        try:
            await self.engine.wait_for_link(deadline.left())
            async with asyncio.timeout_at(deadline.end):
                await self._lock.acquire()
        except ModemDisconnectedError as err:
            deadline.account(err)
            raise
        except TimeoutError:
            raise deadline.timed_out("it never got the modem") from None
        try:
            if access is Access.HTTP:
                return await self._timed(deadline, lambda: self._with_http(deadline, work))
            if access is Access.SMS:
                return await self._timed(deadline, lambda: self._with_sms(deadline, work))
            if access is Access.CONNECTED:
                return await self._timed(deadline, lambda: self._connected(deadline, work))
            return await self._timed(deadline, work)
        finally:
            self._lock.release()

    async def http(self, plan: RequestPlan, deadline: Deadline, body: ResponseBody) -> HttpResponse:
        """Execute a planned request; the response says how long it queued and ran."""

        async def attempt() -> HttpResponse:
            # A retry after a lost bearer starts the body afresh (or is refused when part of
            # it already went to the caller's sink).
            body.restart(self.engine.port)
            return await plan.execute(self.engine, deadline, body)

        response = await self.run(deadline, attempt, Access.HTTP)
        return replace(response, elapsed=deadline.elapsed, queued=deadline.queued)

    async def _timed[T](self, deadline: Deadline, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` on the modem; errors say where the time went.

        Every step of `work` takes its time from the deadline (cleanup after it has passed gets
        a few hundredths of a second), so the work ends within it without a timer of its own.
        A step that timed out becomes one ModemTimeoutError for the operation that keeps the
        step's cause and tells queueing and time on the modem apart; every other error keeps its
        type and cause (a link that is down, an unregistered modem, a refused APN).
        """
        deadline.got_modem()
        try:
            return await work()
        except ModemTimeoutError as err:
            raise deadline.timed_out(str(err), type(err)) from err
        except ModemError as err:
            deadline.account(err)
            raise
        except TimeoutError as err:
            raise deadline.timed_out("a step ran out of time") from err

    async def _connected[T](self, deadline: Deadline, work: Callable[[], Awaitable[T]]) -> T:
        await self.ensure_sim(deadline)
        return await self.connection.run(work, deadline)

    async def _with_http[T](self, deadline: Deadline, work: Callable[[], Awaitable[T]]) -> T:
        # A link that comes back within the grace reconnects before anything is sent: that is
        # not a reconnect during the operation.
        await self.engine.wait_for_link(deadline.left())
        await self.ensure_sim(deadline)
        restarts = self._restarts
        if self._http_setup.needed(restarts, self.engine.generation) or self.engine.needs_init:
            await self.family.http.setup(self.engine, deadline)
            self._http_setup.done(restarts, self.engine.generation)
        result = await self.connection.run(work, deadline)
        if self._restarts != restarts:
            raise ModemDisconnectedError(
                "the modem restarted or reconnected during the request",
                port=self.engine.port,
                restarted=True,
            )
        return result

    async def _with_sms[T](self, deadline: Deadline, work: Callable[[], Awaitable[T]]) -> T:
        # As for HTTP: a link back within the grace is set up before anything is sent, and a SIM
        # that waits for its PIN fails the message at once with the reason (which, for an SMS,
        # is the SIM itself, not a data connection).
        await self.engine.wait_for_link(deadline.left())
        try:
            await self.ensure_sim(deadline)
        except SimNotReadyError as err:
            raise SmsSimNotReadyError(err.status) from err
        restarts = self._restarts
        if self._sms_setup.needed(restarts, self.engine.generation) or self.engine.needs_init:
            await self.family.sms.setup(self.engine, deadline)
            self._sms_setup.done(restarts, self.engine.generation)
        return await work()


__all__ = ["Access", "OperationPath"]
