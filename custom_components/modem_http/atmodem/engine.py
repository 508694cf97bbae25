"""The AT engine: one command at a time, every reply to its own caller, URCs to their handlers.

The engine joins the serial link (serial_link.py) and the reply router (router.py) and adds the
conversation's rules:
- Commands are serialised by a FIFO gate, so concurrent callers queue in order and a reply can only
  belong to the one command on the wire. Every command takes the same path: wait for the link if
  it is down, get the modem back in step if needed, then write the command and wait for its reply.
- A timed-out command leaves the modem in an unknown state (its late OK may still come), so the next
  command first resynchronises: `AT` until `OK`, then silence, and whatever was stale is dropped.
- A payload command given up before its payload went out may leave the module taking bytes as
  its payload (abandoned_input.py): the resynchronisation writes nothing until that input ended.
- A port that reopens or a modem that restarts (RDY, `+CPIN: READY` out of the blue, but not the
  one that answers a PIN the engine was told it entered) fails the command in flight with
  ModemDisconnectedError; the engine re-initialises the modem (echo off, numeric CME errors)
  before the next command runs, and bumps `generation` so upper layers know to redo their own
  setup.
"""

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from .abandoned_input import UNANNOUNCED_INPUT_WINDOW, AbandonedInput
from .errors import (
    AtCommandError,
    ModemDisconnectedError,
    ModemError,
    ModemTimeoutError,
)
from .gate import FifoGate
from .router import (
    STANDARD_LINES,
    AtReply,
    Completion,
    DataAfter,
    DataSink,
    Exchange,
    LineTables,
    Prompt,
    ReplyRouter,
    Urc,
    UrcHandler,
)
from .serial_link import (
    ConnectionState,
    SerialLink,
    StateListener,
)
from .transport import TransportOpener, open_serial_transport

_LOGGER = logging.getLogger(__name__)

INIT_COMMANDS: Final = ("ATE0", "AT+CMEE=1")
"""Echo off, numeric +CME ERROR codes: what the router and the error types rely on."""
STALL_PEEK: Final = 0.5
"""Silence after which a stalled read is looked at for the module's own lines (see `command`)."""
RESYNC_STEP: Final = 0.5
"""How long one `AT` of a resynchronisation waits for its OK."""
RESYNC_ATTEMPTS: Final = 10
_UNSAFE_COMMAND: Final = re.compile("[\r\n\x1a\x1b]")


class UrcWaiter:
    """Collects URCs with any of its prefixes from the moment it is armed, so none can be missed.

    `on_urc` runs synchronously as a matching URC is parsed, before the next line is, for callers
    that must react before the modem prints more (arming a capture of the output that follows).
    """

    def __init__(self, engine: AtEngine, *prefixes: str, on_urc: UrcHandler | None = None) -> None:
        """Arm at construction; the engine routes matching URCs into the queue."""
        self._queue: asyncio.Queue[Urc] = asyncio.Queue()
        self._on_urc = on_urc
        self.prefixes = prefixes
        self._removers = [engine.on_urc(prefix, self._put) for prefix in prefixes]

    def _put(self, urc: Urc) -> None:
        if self._on_urc is not None:
            self._on_urc(urc)
        self._queue.put_nowait(urc)

    async def wait(self, timeout: float) -> Urc:
        """The next matching URC, or ModemTimeoutError after timeout seconds."""
        try:
            async with asyncio.timeout(timeout):
                return await self._queue.get()
        except TimeoutError as err:
            raise ModemTimeoutError(
                f"no {' or '.join(self.prefixes)} within {timeout:g} s"
            ) from err

    def close(self) -> None:
        """Stop collecting."""
        for remove in self._removers:
            remove()
        self._removers = []

    def __enter__(self) -> UrcWaiter:
        """Use as a context manager so the routes are always removed."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Remove the routes."""
        self.close()


@dataclass(slots=True)
class _InFlight:
    """The command on the wire, as its caller waits for it."""

    exchange: Exchange
    future: asyncio.Future[AtReply]
    prompted: asyncio.Event | None
    stalled: bool = False
    """Expired because nothing arrived for its `stall` seconds, not at its deadline."""


class AtEngine:
    """Serial AT conversation with a modem."""

    def __init__(
        self,
        url: str,
        baudrate: int = 115200,
        *,
        opener: TransportOpener = open_serial_transport,
        init_commands: tuple[str, ...] = INIT_COMMANDS,
        write_chunk_size: int = 1024,
        write_chunk_delay: float = 0.0,
        reconnect: bool = True,
        reconnect_backoff: tuple[float, float] = (0.2, 30.0),
        resync_quiet: float = 0.05,
        link_grace: float | None = None,
        lines: LineTables = STANDARD_LINES,
    ) -> None:
        """Nothing is opened until `open()`; `lines` are the unsolicited lines to expect.

        `link_grace` overrides serial_link.LINK_GRACE (how long a command waits for a link that
        is down).
        """
        self._router = ReplyRouter(self, lines)
        self.link = SerialLink(
            url,
            baudrate,
            receive=self._router.feed,
            events=self,
            opener=opener,
            reconnect=reconnect,
            reconnect_backoff=reconnect_backoff,
            link_grace=link_grace,
            write_chunk_size=write_chunk_size,
            write_chunk_delay=write_chunk_delay,
        )
        self._init_commands = init_commands
        self._resync_quiet = resync_quiet
        self._gate = FifoGate()
        self._in_flight: _InFlight | None = None
        self._needs_init = True
        self._needs_resync = False
        self._abandoned_input: AbandonedInput | None = None
        self.generation = 0
        """Bumped at each (re)initialisation, so upper layers know to redo their own setup."""

    # ------------------------------------------------------------------ state

    @property
    def connected(self) -> bool:
        """True while the port is open."""
        return self.link.connected

    @property
    def needs_init(self) -> bool:
        """The modem is initialised again before the next command (generation then moves on)."""
        return self._needs_init

    @property
    def url(self) -> str:
        """The serial port's device path or URL, as configured."""
        return self.link.url

    @property
    def port(self) -> str:
        """The port's name as it may be shown to a user (credentials redacted)."""
        return self.link.port

    @property
    def lines(self) -> LineTables:
        """The unsolicited lines the engine expects."""
        return self._router.tables

    @lines.setter
    def lines(self, tables: LineTables) -> None:
        self._router.tables = tables

    async def open(self) -> None:
        """Open the port and initialise the modem; raises if either fails."""
        await self.link.open()
        await self.command("AT", timeout=2.0)

    async def close(self) -> None:
        """Close the port and stop reconnecting; a command in flight fails as disconnected."""
        await self.link.close()

    def add_listener(self, listener: StateListener) -> Callable[[], None]:
        """Be told of connects, disconnects and modem restarts; returns a remover."""
        return self.link.add_listener(listener)

    async def wait_for_link(self, timeout: float) -> None:
        """Return once the port is open, waiting at most the link grace (and `timeout`).

        ModemDisconnectedError when it stays down.
        """
        await self.link.wait_connected(asyncio.get_running_loop().time() + timeout)

    # -------------------------------------------------------------------- URCs

    def on_urc(
        self, prefix: str, handler: UrcHandler, *, data_after: DataAfter | None = None
    ) -> Callable[[], None]:
        """Call handler for every URC starting with prefix; returns a remover.

        `data_after(line)` lets a URC announce raw data that follows it (auto-output modes).
        """
        return self._router.on_urc(prefix, handler, data_after=data_after)

    def expect_unasked(self, line: str, within: float) -> None:
        """The next `line` within `within` s answers what we just did: not a restart.

        For `+CPIN: READY` after a right PIN (router.ReplyRouter.expect).
        """
        self._router.expect(line, within)

    def expect_urc(self, *prefixes: str, on_urc: UrcHandler | None = None) -> UrcWaiter:
        """Arm a waiter before sending the command whose result arrives as a URC."""
        return UrcWaiter(self, *prefixes, on_urc=on_urc)

    # ---------------------------------------------------------------- commands

    async def command(
        self,
        command: str,
        *,
        timeout: float = 5.0,
        payload: bytes | None = None,
        prompt: Prompt | None = None,
        data_after: DataAfter | None = None,
        complete: Completion | None = None,
        data_sink: DataSink | None = None,
        stall: float | None = None,
        payload_sent: Callable[[int], None] | None = None,
        cancel: bytes | None = None,
        input_window: float | None = None,
    ) -> AtReply:
        """Send one command and return its reply, or raise its typed error.

        - `payload` with `prompt`: written (paced) once the modem prints the prompt.
        - `data_after(line)`: announce that raw bytes follow a line (exact count or terminator).
        - `complete(reply)`: for commands whose output goes on after OK (SIMCom `AT+HTTPREAD`
          prints OK, then the data, then `+HTTPREAD: 0`). Error finals always complete.
        - `data_sink(piece)`: takes the raw data as it arrives instead of the reply; a ModemError
          it raises refuses the reply once the command has ended (the data goes on being read,
          so the conversation stays in step, but is no longer kept anywhere).
        - `stall`: fail (ModemTimeoutError) once nothing at all has arrived for that many
          seconds, however much of `timeout` is left: a long read whose output stopped. Raw data
          that stopped on a line the modem prints on its own (its error, a network URC, a boot
          line, counted as data) fails it after STALL_PEEK already.
        - `payload_sent(n)`: hears how many bytes of the payload have gone out so far.
        - `cancel`: written when the command is given up (timeout, cancellation) before its
          reply came, for prompts that would otherwise take the next command as payload (ESC
          after AT+CMGS's `> `).
        - `input_window`: the seconds the command told the module to wait for the payload after
          its prompt; given up before the payload went out whole (and without `cancel`), the
          engine writes nothing until that input has ended (abandoned_input.py).
        """
        if _UNSAFE_COMMAND.search(command):
            raise ValueError("command text must not contain CR, LF, Ctrl-Z or ESC")
        deadline = asyncio.get_running_loop().time() + timeout
        gate = self._gate
        if not gate.try_acquire():
            await gate.wait()
        try:
            if self._needs_init or self._needs_resync or not self.link.connected:
                await self._get_in_step(command, deadline)
            exchange = Exchange.of(
                command,
                data_after=data_after,
                complete=complete,
                prompt=prompt if payload is not None else None,
                data_sink=data_sink,
            )
            return await self._exchange(
                exchange,
                deadline,
                payload,
                stall=stall,
                payload_sent=payload_sent,
                cancel=cancel,
                input_window=input_window,
            )
        finally:
            gate.release()

    async def _get_in_step(self, command: str, deadline: float) -> None:
        """Wait for the link, resynchronise and initialise, as far as each is needed."""
        await self.link.wait_connected(deadline, command)
        if self._needs_resync or self._needs_init:
            await self._resync(deadline)
        if self._needs_init:
            for init in self._init_commands:
                with contextlib.suppress(AtCommandError):
                    await self._exchange(Exchange.of(init), deadline)
            self._needs_init = False
            self.generation += 1

    async def _resync(self, deadline: float) -> None:
        """Get back to a known state: `AT` answered with `OK`, then silence; drop the rest."""
        loop = asyncio.get_running_loop()
        attempts = 0
        while True:
            attempts += 1
            await self._wait_for_abandoned_input(deadline)
            self._router.reset()
            try:
                step = min(deadline, loop.time() + RESYNC_STEP)
                await self._exchange(Exchange.of("AT"), step, resync=True)
            except ModemDisconnectedError:
                # A restart while we resynchronise is what we are recovering from anyway; only a
                # closed port ends the attempt.
                if (
                    not self.link.connected
                    or loop.time() >= deadline
                    or attempts >= RESYNC_ATTEMPTS
                ):
                    raise
                continue
            except ModemTimeoutError, AtCommandError:
                if loop.time() >= deadline or attempts >= RESYNC_ATTEMPTS:
                    raise ModemTimeoutError("modem does not answer AT") from None
                continue
            await self._wait_quiet(deadline)
            self._router.reset()
            self._needs_resync = False
            return

    async def _wait_for_abandoned_input(self, deadline: float) -> None:
        """Write nothing while a given-up payload command's input may be open (see `command`)."""
        pending = self._abandoned_input
        if pending is None:
            return
        await pending.wait_closed(deadline)
        self._forget_abandoned_input()

    def _forget_abandoned_input(self) -> None:
        self._abandoned_input = None
        self._router.watch_abandoned(None)

    async def _wait_quiet(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < deadline:
            silent_for = time.monotonic() - self.link.last_received
            if silent_for >= self._resync_quiet:
                return
            await asyncio.sleep(self._resync_quiet - silent_for)

    async def _exchange(
        self,
        exchange: Exchange,
        deadline: float,
        payload: bytes | None = None,
        *,
        resync: bool = False,
        stall: float | None = None,
        payload_sent: Callable[[int], None] | None = None,
        cancel: bytes | None = None,
        input_window: float | None = None,
    ) -> AtReply:
        """Write the command (and its payload after the prompt) and wait for the reply.

        One timer handle settles the future at the deadline instead of a timeout context: this is
        the path of every command, and it keeps the round trip close to a bare serial loop. With
        `stall` a second one looks at when the last byte came, and is set again for as long as
        bytes keep coming (the command's output, not the payload it writes).
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[AtReply] = loop.create_future()
        in_flight = _InFlight(exchange, future, asyncio.Event() if payload is not None else None)
        command = exchange.reply.command
        self.link.write(command.encode("ascii") + b"\r")
        self._in_flight = in_flight
        self._router.begin(exchange)
        handles = [loop.call_at(deadline, self._expire, in_flight)]
        payload_unsent = payload is not None
        given_up = False

        def sent(count: int) -> None:
            nonlocal payload_unsent
            payload_unsent = payload is not None and count < len(payload)
            if payload_sent is not None:
                payload_sent(count)

        if stall is not None:
            written_at = time.monotonic()
            peek = min(stall, STALL_PEEK)

            def check() -> None:
                now = loop.time()
                quiet = time.monotonic() - max(written_at, self.link.last_received)
                cut_short = quiet >= peek and self._router.raw_data_ends_in_a_line()
                if quiet < stall and not cut_short:
                    # Looked at every `peek` seconds: the module's lines may come later than the
                    # data stopped (a boot's RDY follows the restart by its boot time).
                    wait = min(stall - quiet, peek - quiet if quiet < peek else peek)
                    handles[1] = loop.call_at(min(deadline, now + wait), check)
                    return
                in_flight.stalled = True
                self._expire(in_flight)

            handles.append(loop.call_at(min(deadline, loop.time() + peek), check))
        try:
            if payload is not None and in_flight.prompted is not None:
                await in_flight.prompted.wait()
                if not future.done():
                    await self.link.write_paced(payload, stop=future.done, written=sent)
            return await future
        except _Expired:
            given_up = True
            if not resync:
                self._needs_resync = True
            if in_flight.stalled:
                raise ModemTimeoutError(f"{command}: nothing arrived for {stall:g} s") from None
            raise ModemTimeoutError(f"{command}: no reply within the timeout") from None
        except asyncio.CancelledError:
            # The caller gave up; the reply may still come, so resynchronise before the next one.
            given_up = True
            self._needs_resync = True
            raise
        finally:
            for handle in handles:
                handle.cancel()
            self._router.end(exchange)
            if self._in_flight is in_flight:
                self._in_flight = None
            if not future.done():
                future.cancel()
            if given_up:
                self._abandon(exchange, cancel, payload_unsent=payload_unsent, window=input_window)

    def _abandon(
        self,
        exchange: Exchange,
        cancel: bytes | None,
        *,
        payload_unsent: bool,
        window: float | None,
    ) -> None:
        """Leave a command given up unanswered, ending or remembering an input it may have opened.

        A modem at AT+CMGS's `> ` prompt takes every byte as the message, the `AT` of the next
        resynchronisation included, and waits for Ctrl-Z; ESC ends that input without sending
        anything (27.005 3.5.1). Written after a payload that went out in full, or before a
        prompt that never came, it is a byte the command parser ignores. Inputs with no such
        byte end only when the module's input time runs out: remembered, so that nothing is
        written into them (abandoned_input.py).
        """
        if exchange.answered:
            return
        if cancel is not None:
            if self.link.connected:
                self.link.write(cancel)
            return
        if exchange.prompt is None or not payload_unsent:
            return
        now = asyncio.get_running_loop().time()
        self._abandoned_input = AbandonedInput(
            exchange,
            UNANNOUNCED_INPUT_WINDOW if window is None else window,
            given_up_at=now,
            prompted_at=now if exchange.prompted else None,
        )
        self._router.watch_abandoned(exchange)

    def _expire(self, in_flight: _InFlight) -> None:
        if self._router.in_raw_data:
            # Lines that came while raw data was expected were taken as data: a restart's boot
            # lines among them would go unseen, so the modem is initialised again before the
            # next command (and upper layers see a new generation).
            self._needs_init = True
        self._router.end(in_flight.exchange)
        self._settle(in_flight, _Expired())

    @staticmethod
    def _settle(in_flight: _InFlight, outcome: AtReply | ModemError) -> None:
        if not in_flight.future.done():
            if isinstance(outcome, ModemError):
                in_flight.future.set_exception(outcome)
            else:
                in_flight.future.set_result(outcome)
        if in_flight.prompted is not None:
            in_flight.prompted.set()

    # ----------------------------------------------------------- router events

    def answered(self, exchange: Exchange, outcome: AtReply | ModemError) -> None:
        """The router settled the exchange in flight (or ended a given-up command's input)."""
        abandoned = self._abandoned_input
        if abandoned is not None and exchange is abandoned.exchange:
            abandoned.input_ended()
            return
        in_flight = self._in_flight
        if in_flight is not None and in_flight.exchange is exchange:
            self._settle(in_flight, outcome)

    def prompted(self, exchange: Exchange) -> None:
        """The modem asks for the payload of the exchange in flight (or of a given-up one)."""
        abandoned = self._abandoned_input
        if abandoned is not None and exchange is abandoned.exchange:
            abandoned.prompt_arrived(asyncio.get_running_loop().time())
            return
        in_flight = self._in_flight
        if in_flight is not None and in_flight.exchange is exchange and in_flight.prompted:
            in_flight.prompted.set()

    def restarted(self, line: str) -> None:
        """The modem rebooted: the command in flight is lost, the session settings too."""
        _LOGGER.warning("The modem at %s restarted (it printed %s).", self.port, line)
        self._needs_init = True
        self._forget_abandoned_input()  # a module that started over takes commands again
        self._router.fail(
            ModemDisconnectedError(f"modem restarted ({line})", port=self.port, restarted=True)
        )
        self.link.notify(ConnectionState.RESET)

    # ------------------------------------------------------------- link events

    def link_up(self) -> None:
        """The port (re)opened: start from a clean parser and initialise before the next command."""
        self._router.reset()
        self._needs_init = True

    def link_down(self, error: ModemDisconnectedError) -> None:
        """The port went away: the command in flight fails with `error`."""
        self._router.fail(error)


class _Expired(ModemError):
    """Internal: a command's deadline passed (turned into ModemTimeoutError by its caller)."""


__all__ = [
    "AtEngine",
    "AtReply",
    "ConnectionState",
    "Prompt",
    "Urc",
    "UrcWaiter",
]
