"""The AT engine: one command at a time, every reply to its own caller, URCs to their handlers.

Why it is shaped this way:
- The engine is the asyncio Protocol of the serial transport, so bytes are parsed synchronously the
  moment they arrive; there is no reader task that could lag behind, and no line is ever parsed
  without knowing which command is in flight.
- Commands are serialised by a FIFO lock, so concurrent callers queue in order and a reply can only
  belong to the one command on the wire.
- A timed-out command leaves the modem in an unknown state (its late OK may still come), so the next
  command first resynchronises: `AT` until `OK`, then silence, and whatever was stale is dropped.
- A port that closes or a modem that restarts (`RDY`, `+CPIN: READY` out of the blue) fails the
  command in flight with ModemDisconnectedError; the engine reopens the port with backoff and
  re-initialises (echo off, numeric CME errors) before the next command runs.
- While the port is down a command waits for it until the link has been down for the link grace
  (and at least for one fresh attempt to reopen it), trying at once and then every few tenths of
  a second whatever the backoff has grown to; then it fails with ModemDisconnectedError naming the
  port. A pulled cable or a stopped ser2net is reported within seconds, not after the caller's
  whole timeout; a short blip goes unnoticed; and callers queued behind each other during an
  outage do not each wait a grace of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from .errors import (
    AtCommandError,
    ModemDisconnectedError,
    ModemError,
    ModemTimeoutError,
    cme_code_from_text,
)
from .framing import AtStreamParser, DataSpec
from .gate import FifoGate
from .transport import TransportOpener, open_serial_transport, redact_url

_LOGGER = logging.getLogger(__name__)

FINAL_OK: Final = "OK"
_ERROR_FINALS: Final = ("ERROR", "NO CARRIER", "NO DIALTONE", "BUSY", "NO ANSWER")
_CME_PREFIX: Final = "+CME ERROR:"
_CMS_PREFIX: Final = "+CMS ERROR:"
# Lines a restarting modem prints unasked. SIMCom prints RDY, +CPIN: READY, SMS DONE; Quectel
# prints RDY, +CFUN: 1, +CPIN: READY, +QUSIM: 1, +QIND: SMS DONE.
_RESET_LINES: Final = ("RDY",)
_RESET_WHEN_UNASKED: Final = ("+CPIN: READY",)
# Lines firmware only ever prints unasked (boot progress, bearer and SIM events): never part of a
# reply, even when nobody listens for them.
_ALWAYS_UNSOLICITED: Final = (
    "SMS DONE",
    "PB DONE",
    "+QIND:",
    "+QUSIM:",
    "+CGEV:",
    "+QIURC:",
    "+HTTP_PEER_CLOSED",
    "+HTTP_NONET_EVENT",
    # SMS indications (27.005 3.4.1): a message arrived or a status report was stored.
    "+CMTI:",
    "+CDSI:",
)
LINK_GRACE: Final = 3.0
"""Seconds a command waits for a serial link that is down to come back before it fails.

Long enough for a USB modem to re-enumerate or a ser2net/ESPHome proxy to accept again after a
blip; short enough that an automation learns within seconds that the modem is gone."""
_RETRY_WHILE_WANTED: Final = 0.25
"""How often the port is tried while a command waits for it (the backoff applies otherwise)."""
_FRESH_ATTEMPT: Final = 0.5
"""How long a command waits for a link that has been down longer than the grace: enough for the
reopen attempt it triggers (and one retry) to come back with the port."""
_BOOT_WINDOW: Final = 15.0
"""Seconds after RDY during which +CPIN: READY belongs to the same boot."""
_UNSAFE_COMMAND: Final = re.compile("[\r\n\x1a\x1b]")


class Prompt(StrEnum):
    """What the modem prints when it is ready for a command's payload."""

    CONNECT = "CONNECT"
    DOWNLOAD = "DOWNLOAD"
    GREATER_THAN = ">"


class ConnectionState(StrEnum):
    """Engine connection states reported to listeners."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RESET = "reset"


@dataclass(slots=True)
class AtReply:
    """What one command produced: its information lines, raw data and final result."""

    command: str
    lines: list[str] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    final: str | None = None
    after_final: list[str] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        """All raw data blocks joined, byte for byte."""
        return b"".join(self.chunks)

    def lines_with(self, prefix: str) -> list[str]:
        """Information lines starting with prefix, with the prefix and following space removed."""
        return [line[len(prefix) :].strip() for line in self.lines if line.startswith(prefix)]

    def first(self, prefix: str) -> str:
        """The first line with prefix (stripped of it); raises ModemError when absent."""
        found = self.lines_with(prefix)
        if not found:
            raise ModemError(f"{self.command}: no {prefix!r} line in reply {self.lines!r}")
        return found[0]


@dataclass(frozen=True, slots=True)
class Urc:
    """An unsolicited result code, with the raw data that followed it when it announces some."""

    line: str
    data: bytes | None = None


UrcHandler = Callable[[Urc], None]
DataAfter = Callable[[str], DataSpec]
Completion = Callable[[AtReply], bool]
StateListener = Callable[[ConnectionState], None]


@dataclass(slots=True)
class _Pending:
    """The command on the wire."""

    reply: AtReply
    own_prefix: str | None
    data_after: DataAfter | None
    complete: Completion | None
    prompt: Prompt | None
    future: asyncio.Future[AtReply]
    prompt_seen: asyncio.Event | None
    data_line_pending: bool = False


@dataclass(slots=True)
class _UrcRoute:
    prefix: str
    handler: UrcHandler
    data_after: DataAfter | None


class UrcWaiter:
    """Collects URCs with one prefix from the moment it is armed, so none can be missed."""

    def __init__(self, engine: AtEngine, prefix: str) -> None:
        """Arm at construction; the engine routes matching URCs into the queue."""
        self._queue: asyncio.Queue[Urc] = asyncio.Queue()
        self._engine = engine
        self.prefix = prefix
        self._remove = engine.on_urc(prefix, self._queue.put_nowait)

    async def wait(self, timeout: float) -> Urc:
        """The next matching URC, or ModemTimeoutError after timeout seconds."""
        try:
            async with asyncio.timeout(timeout):
                return await self._queue.get()
        except TimeoutError as err:
            raise ModemTimeoutError(f"no {self.prefix} within {timeout:g} s") from err

    def close(self) -> None:
        """Stop collecting."""
        self._remove()

    def __enter__(self) -> UrcWaiter:
        """Use as a context manager so the route is always removed."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Remove the route."""
        self.close()


@functools.lru_cache(maxsize=512)
def command_prefix(command: str) -> str | None:
    """The response prefix of an extended command: `AT+CSQ` -> `+CSQ:`, `AT+QHTTPGET=1` -> ...

    Lines with the command's own prefix are its information lines even if a URC shares the prefix.
    """
    body = command[2:] if command[:2].upper() == "AT" else command
    if not body or body[0] not in "+$^#":
        return None
    end = len(body)
    for stop in "=?;":
        index = body.find(stop)
        if 0 <= index < end:
            end = index
    return body[:end].upper() + ":"


class AtEngine(asyncio.Protocol):
    """Serial AT conversation with a modem."""

    def __init__(
        self,
        url: str,
        baudrate: int = 115200,
        *,
        opener: TransportOpener = open_serial_transport,
        init_commands: tuple[str, ...] = ("ATE0", "AT+CMEE=1"),
        write_chunk_size: int = 1024,
        write_chunk_delay: float = 0.0,
        reconnect: bool = True,
        reconnect_backoff: tuple[float, float] = (0.2, 30.0),
        resync_quiet: float = 0.05,
        link_grace: float | None = None,
    ) -> None:
        """Nothing is opened until `open()`; chunk size and delay pace payload writes.

        `link_grace` overrides LINK_GRACE (how long a command waits for a link that is down).
        """
        self.url = url
        self.port = redact_url(url)
        """The port's name as it may be shown to a user (credentials redacted)."""
        self.link_grace = LINK_GRACE if link_grace is None else link_grace
        self.baudrate = baudrate
        self._opener = opener
        self._init_commands = init_commands
        self.write_chunk_size = write_chunk_size
        self.write_chunk_delay = write_chunk_delay
        self._reconnect_enabled = reconnect
        self._backoff = reconnect_backoff
        self._resync_quiet = resync_quiet
        self._parser = AtStreamParser(self, self._data_after)
        self._transport: asyncio.WriteTransport | None = None
        self._gate = FifoGate()
        self._pending: _Pending | None = None
        self._routes: list[_UrcRoute] = []
        self._data_routes = 0
        """How many routes announce data; lets the parser skip the lookup for most lines."""
        self._urc_in_data: tuple[str, list[bytes]] | None = None
        self._listeners: list[StateListener] = []
        self._connected = asyncio.Event()
        self._can_write = asyncio.Event()
        self._can_write.set()
        self._needs_init = True
        self._needs_resync = False
        self._closing = False
        self._reconnect_task: asyncio.Task[None] | None = None
        self._reconnect_now = asyncio.Event()
        self._link_wanted = 0
        """Commands waiting for the port to come back; while any do, it is tried often."""
        self._down_since: float | None = None
        """Loop time the port went away (None while it is open)."""
        self._last_rx = time.monotonic()
        self._last_boot = -_BOOT_WINDOW
        self._decoded_raw: bytes | None = None
        self._decoded_text = ""
        self.generation = 0
        """Bumped at each (re)initialisation, so upper layers know to redo their own setup."""
        self.last_error: BaseException | None = None

    # ----------------------------------------------------------------- lifecycle

    @property
    def connected(self) -> bool:
        """True while the port is open."""
        return self._connected.is_set()

    async def open(self) -> None:
        """Open the port and initialise the modem; raises if either fails."""
        self._closing = False
        await self._open_transport()
        await self.command("AT", timeout=2.0)

    async def _open_transport(self) -> None:
        transport = await self._opener(lambda: self, self.url, self.baudrate)
        if not isinstance(transport, asyncio.WriteTransport):  # pragma: no cover - serialx always
            transport.close()
            raise ModemDisconnectedError("transport cannot write", port=self.port)

    async def close(self) -> None:
        """Close the port and stop reconnecting; pending commands fail as disconnected."""
        self._closing = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect_task
            self._reconnect_task = None
        transport = self._transport
        if transport is not None:
            transport.close()
            self._transport = None
        self._fail_pending(ModemDisconnectedError("closed", port=self.port))
        if self._connected.is_set():
            self._connected.clear()
            self._notify(ConnectionState.DISCONNECTED)
        # Give the transport's own close callbacks a turn so nothing is left scheduled.
        await asyncio.sleep(0)

    def add_listener(self, listener: StateListener) -> Callable[[], None]:
        """Be told of connects, disconnects and modem resets; returns a remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, state: ConnectionState) -> None:
        for listener in list(self._listeners):
            try:
                listener(state)
            except Exception:
                _LOGGER.exception("connection listener failed")

    # ------------------------------------------------------- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """The port is open: from now on commands may run (after initialisation)."""
        assert isinstance(transport, asyncio.WriteTransport)
        self._transport = transport
        self._parser.reset()
        self._needs_init = True
        self._down_since = None
        self._connected.set()
        self._can_write.set()
        _LOGGER.debug("connected to %s", redact_url(self.url))
        self._notify(ConnectionState.CONNECTED)

    def connection_lost(self, exc: Exception | None) -> None:
        """The port closed under us: fail the command in flight, then reconnect with backoff."""
        self._transport = None
        self._connected.clear()
        self._can_write.set()
        self._down_since = asyncio.get_running_loop().time()
        self._fail_pending(
            ModemDisconnectedError(
                f"connection to {self.port} lost: {exc or 'closed'}", port=self.port
            )
        )
        if self._closing:
            return
        _LOGGER.warning("lost connection to %s: %s", redact_url(self.url), exc or "closed")
        self._notify(ConnectionState.DISCONNECTED)
        if self._reconnect_enabled and self._reconnect_task is None:
            self._reconnect_task = asyncio.get_running_loop().create_task(
                self._reconnect_loop(), name="atmodem-reconnect"
            )

    def pause_writing(self) -> None:
        """The transport's buffer is full: payload writes wait."""
        self._can_write.clear()

    def resume_writing(self) -> None:
        """The transport drained: payload writes continue."""
        self._can_write.set()

    def data_received(self, data: bytes) -> None:
        """Parse at once; sink callbacks below route every piece."""
        self._last_rx = time.monotonic()
        self._parser.feed(data)

    def eof_received(self) -> bool | None:
        """Treat EOF as a close."""
        return None

    async def _reconnect_loop(self) -> None:
        delay, ceiling = self._backoff
        try:
            while not self._closing and not self.connected:
                wait = min(delay, _RETRY_WHILE_WANTED) if self._link_wanted else delay
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._reconnect_now.wait()
                self._reconnect_now.clear()
                try:
                    await self._open_transport()
                except ModemError as err:
                    _LOGGER.debug("reconnect to %s failed: %s", redact_url(self.url), err)
                    delay = min(delay * 2, ceiling)
        finally:
            self._reconnect_task = None

    # ------------------------------------------------------------ parser sink

    def _decode(self, raw_line: bytes) -> str:
        # The parser asks data_after and then on_line about the same line: decode it once.
        if raw_line is not self._decoded_raw:
            self._decoded_raw = raw_line
            self._decoded_text = raw_line.decode("latin-1").strip()
        return self._decoded_text

    def _data_after(self, raw_line: bytes) -> DataSpec:
        pending = self._pending
        if (pending is None or pending.data_after is None) and not self._data_routes:
            return None
        line = self._decode(raw_line)
        if pending is not None and pending.data_after is not None:
            spec = pending.data_after(line)
            if spec:
                pending.data_line_pending = True
                return spec
        for route in self._routes:
            if route.data_after is not None and line.startswith(route.prefix):
                spec = route.data_after(line)
                if spec:
                    self._urc_in_data = (line, [])
                    return spec
        return None

    def on_line(self, line: bytes) -> None:
        """Route a line: echo, URC, information line, final result code, or stale."""
        text = self._decode(line)
        if not text:
            return
        pending = self._pending
        if self._urc_in_data is not None and self._urc_in_data[0] == text:
            return  # its data follows; dispatched in on_data
        if pending is not None and pending.data_line_pending:
            pending.data_line_pending = False
            pending.reply.lines.append(text)
            return
        if text in _RESET_LINES or (
            text in _RESET_WHEN_UNASKED
            and (pending is None or pending.own_prefix != text.split(" ")[0])
        ):
            self._on_modem_reset(text)
            return
        if pending is not None:
            if self._is_echo(text, pending):
                return
            if not self._is_own_line(text, pending) and (
                self._dispatch_urc(text) or text.startswith(_ALWAYS_UNSOLICITED)
            ):
                return
            self._on_reply_line(text, pending)
            return
        if not self._dispatch_urc(text):
            _LOGGER.debug("dropped stale line %r", text)

    def on_data(self, data: bytes, *, final: bool) -> None:
        """Raw bytes belong to the command in flight, or to the URC that announced them."""
        if self._urc_in_data is not None:
            line, parts = self._urc_in_data
            parts.append(data)
            if final:
                self._urc_in_data = None
                self._dispatch_urc(line, b"".join(parts))
            return
        pending = self._pending
        if pending is not None:
            pending.reply.chunks.append(data)
            self._check_complete(pending)
        else:
            _LOGGER.debug("dropped %d stale data bytes", len(data))

    def on_prompt(self) -> None:
        """The `>` prompt: the command in flight may write its payload."""
        if self._pending is not None and self._pending.prompt_seen is not None:
            self._pending.prompt_seen.set()

    def _is_echo(self, text: str, pending: _Pending) -> bool:
        return text.upper() == pending.reply.command.upper() and not pending.reply.lines

    @staticmethod
    def _is_own_line(text: str, pending: _Pending) -> bool:
        return pending.own_prefix is not None and text.upper().startswith(pending.own_prefix)

    def _dispatch_urc(self, line: str, data: bytes | None = None) -> bool:
        # Most lines are replies, not URCs: build the Urc only once a route matches.
        urc: Urc | None = None
        handled = False
        for route in list(self._routes):
            if line.startswith(route.prefix):
                handled = True
                if urc is None:
                    urc = Urc(line, data)
                try:
                    route.handler(urc)
                except Exception:
                    _LOGGER.exception("URC handler for %s failed", route.prefix)
        return handled

    def _on_reply_line(self, text: str, pending: _Pending) -> None:
        reply = pending.reply
        if (
            pending.prompt is not None
            and pending.prompt_seen is not None
            and not pending.prompt_seen.is_set()
            and (text == pending.prompt.value or text.startswith(pending.prompt.value + " "))
        ):
            pending.prompt_seen.set()
            return
        if reply.final is not None:
            reply.after_final.append(text)
            reply.lines.append(text)
            self._check_complete(pending)
            return
        if text == FINAL_OK:
            reply.final = text
            self._check_complete(pending)
            return
        if text in _ERROR_FINALS or text.startswith((_CME_PREFIX, _CMS_PREFIX)):
            reply.final = text
            self._finish(pending, _error_for(reply.command, text))
            return
        reply.lines.append(text)
        self._check_complete(pending)

    def _check_complete(self, pending: _Pending) -> None:
        reply = pending.reply
        if pending.future.done() or self._parser.in_raw_data:
            return
        done = pending.complete(reply) if pending.complete is not None else reply.final is not None
        if done:
            self._finish(pending, reply)

    def _finish(self, pending: _Pending, outcome: AtReply | ModemError) -> None:
        """Settle the command and stop routing lines to it at once.

        Later lines in the same read (a result URC right after OK) must go to URC handlers, not to
        a command that is already answered.
        """
        if not pending.future.done():
            if isinstance(outcome, ModemError):
                pending.future.set_exception(outcome)
            else:
                pending.future.set_result(outcome)
        if pending.prompt_seen is not None:
            pending.prompt_seen.set()
        if self._pending is pending:
            self._pending = None
            self._parser.expect_prompt = False

    def _on_modem_reset(self, text: str) -> None:
        now = time.monotonic()
        if text != "RDY" and now - self._last_boot < _BOOT_WINDOW:
            # The rest of a boot already reported by RDY (+CPIN: READY follows it): one restart,
            # not two, so a command sent in between is not failed for nothing.
            self._dispatch_urc(text)
            return
        self._last_boot = now
        _LOGGER.warning("modem restarted (%s)", text)
        self._needs_init = True
        self._fail_pending(
            ModemDisconnectedError(f"modem restarted ({text})", port=self.port, restarted=True)
        )
        self._dispatch_urc(text)
        self._notify(ConnectionState.RESET)

    def _fail_pending(self, error: ModemError) -> None:
        pending = self._pending
        if pending is not None:
            self._finish(pending, error)

    # ------------------------------------------------------------- URC API

    def on_urc(
        self, prefix: str, handler: UrcHandler, *, data_after: DataAfter | None = None
    ) -> Callable[[], None]:
        """Call handler for every URC starting with prefix; returns a remover.

        `data_after(line)` lets a URC announce raw data that follows it (auto-output modes).
        """
        route = _UrcRoute(prefix, handler, data_after)
        self._routes.append(route)
        if data_after is not None:
            self._data_routes += 1

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._routes.remove(route)
                if data_after is not None:
                    self._data_routes -= 1

        return remove

    def expect_urc(self, prefix: str) -> UrcWaiter:
        """Arm a waiter before sending the command whose result arrives as a URC."""
        return UrcWaiter(self, prefix)

    async def wait_for_urc(self, prefix: str, timeout: float) -> Urc:
        """Wait for the next URC with prefix (arm with expect_urc when it could come sooner)."""
        with self.expect_urc(prefix) as waiter:
            return await waiter.wait(timeout)

    # --------------------------------------------------------- command API

    async def command(
        self,
        command: str,
        *,
        timeout: float = 5.0,
        payload: bytes | None = None,
        prompt: Prompt | None = None,
        data_after: DataAfter | None = None,
        complete: Completion | None = None,
    ) -> AtReply:
        """Send one command and return its reply, or raise its typed error.

        - `payload` with `prompt`: written (paced) once the modem prints the prompt.
        - `data_after(line)`: announce that raw bytes follow a line (exact count or terminator).
        - `complete(reply)`: for commands whose output goes on after OK (SIMCom `AT+HTTPREAD`
          prints OK, then the data, then `+HTTPREAD: 0`). Error finals always complete.
        """
        if _UNSAFE_COMMAND.search(command):
            raise ValueError("command text must not contain CR, LF, Ctrl-Z or ESC")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if not self._gate.try_acquire():
            await self._gate.wait()
        try:
            transport = self._transport
            if (
                payload is None
                and transport is not None
                and not self._needs_resync
                and not self._needs_init
            ):
                # Fast path (status polls, HTTP steps): one coroutine between caller and reply.
                pending = self._start(command, data_after, complete, None, None, loop)
                return await self._await_reply(transport, pending, deadline, resync=False)
            await self._wait_connected(command, deadline)
            if self._needs_resync:
                await self._resync(deadline)
            if self._needs_init:
                await self._initialise(deadline)
            return await self._execute(
                command,
                deadline=deadline,
                payload=payload,
                prompt=prompt,
                data_after=data_after,
                complete=complete,
            )
        finally:
            self._gate.release()

    async def wait_for_link(self, timeout: float) -> None:
        """Return once the port is open, waiting at most the link grace (and `timeout`).

        For operations that must know the link is there before they start (a restart, whose
        own port drop would otherwise look like part of the reboot). ModemDisconnectedError
        when it stays down.
        """
        await self._wait_connected(None, asyncio.get_running_loop().time() + timeout)

    async def _wait_connected(self, command: str | None, deadline: float) -> None:
        """Wait for a port that is down, but no longer than the link grace (or the deadline)."""
        if self.connected:
            return
        what = f"{command}: " if command else ""
        if self._closing:
            raise ModemDisconnectedError(
                f"{what}the connection to the modem at {self.port} is closed", port=self.port
            )
        if self._reconnect_task is not None:
            loop = asyncio.get_running_loop()
            now = loop.time()
            down_since = self._down_since if self._down_since is not None else now
            give_up = min(deadline, max(down_since + self.link_grace, now + _FRESH_ATTEMPT))
            self._link_wanted += 1
            self._reconnect_now.set()  # try now, not at the backoff's next step
            try:
                async with asyncio.timeout_at(give_up):
                    await self._connected.wait()
            except TimeoutError:
                pass
            finally:
                self._link_wanted -= 1
            if self._connected.is_set():
                return
        raise ModemDisconnectedError(
            f"{what}the modem at {self.port} is not connected (the serial link is down)",
            port=self.port,
        )

    async def _initialise(self, deadline: float) -> None:
        await self._resync(deadline)
        for init in self._init_commands:
            with contextlib.suppress(AtCommandError):
                await self._execute(init, deadline=deadline)
        self._needs_init = False
        self.generation += 1

    async def _resync(self, deadline: float) -> None:
        """Get back to a known state: `AT` answered with `OK`, then silence; drop the rest."""
        loop = asyncio.get_running_loop()
        attempts = 0
        while True:
            attempts += 1
            self._parser.reset()
            try:
                await self._execute("AT", deadline=min(deadline, loop.time() + 0.5), resync=True)
            except ModemDisconnectedError:
                # A restart while we resynchronise is what we are recovering from anyway; only a
                # closed port ends the attempt.
                if not self.connected or loop.time() >= deadline or attempts >= 10:
                    raise
                continue
            except ModemTimeoutError, AtCommandError:
                if loop.time() >= deadline or attempts >= 10:
                    raise ModemTimeoutError("modem does not answer AT") from None
                continue
            await self._wait_quiet(deadline)
            self._parser.reset()
            self._needs_resync = False
            return

    async def _wait_quiet(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < deadline:
            silent_for = time.monotonic() - self._last_rx
            if silent_for >= self._resync_quiet:
                return
            await asyncio.sleep(self._resync_quiet - silent_for)

    async def _execute(
        self,
        command: str,
        *,
        deadline: float,
        payload: bytes | None = None,
        prompt: Prompt | None = None,
        data_after: DataAfter | None = None,
        complete: Completion | None = None,
        resync: bool = False,
    ) -> AtReply:
        transport = self._transport
        if transport is None:
            raise ModemDisconnectedError(
                f"{command}: the modem at {self.port} is not connected", port=self.port
            )
        pending = self._start(
            command, data_after, complete, prompt, payload, asyncio.get_running_loop()
        )
        return await self._await_reply(transport, pending, deadline, resync=resync, payload=payload)

    def _start(
        self,
        command: str,
        data_after: DataAfter | None,
        complete: Completion | None,
        prompt: Prompt | None,
        payload: bytes | None,
        loop: asyncio.AbstractEventLoop,
    ) -> _Pending:
        """Make `command` the one in flight: from now on lines are routed to it."""
        pending = _Pending(
            reply=AtReply(command),
            own_prefix=command_prefix(command),
            data_after=data_after,
            complete=complete,
            prompt=prompt if payload is not None else None,
            future=loop.create_future(),
            prompt_seen=asyncio.Event() if payload is not None else None,
        )
        self._pending = pending
        self._parser.expect_prompt = pending.prompt is Prompt.GREATER_THAN
        return pending

    async def _await_reply(
        self,
        transport: asyncio.WriteTransport,
        pending: _Pending,
        deadline: float,
        *,
        resync: bool,
        payload: bytes | None = None,
    ) -> AtReply:
        """Send the command (and its payload after the prompt) and wait for the reply.

        One timer handle settles the future at the deadline instead of a timeout context: this is
        the hot path of every status poll, and it keeps the round trip close to a bare serial loop.
        """
        command = pending.reply.command
        handle = asyncio.get_running_loop().call_at(deadline, self._expire, pending)
        try:
            transport.write(command.encode("ascii") + b"\r")
            if payload is not None:
                if pending.prompt_seen is not None:
                    await pending.prompt_seen.wait()
                if not pending.future.done():
                    await self._write_payload(payload, pending.future)
            return await pending.future
        except _Expired:
            if not resync:
                self._needs_resync = True
            raise ModemTimeoutError(f"{command}: no reply within the timeout") from None
        except asyncio.CancelledError:
            # The caller gave up; the reply may still come, so resynchronise before the next one.
            self._needs_resync = True
            raise
        finally:
            handle.cancel()
            if self._pending is pending:
                self._pending = None
                self._parser.expect_prompt = False
            if not pending.future.done():
                pending.future.cancel()

    def _expire(self, pending: _Pending) -> None:
        self._finish(pending, _Expired())

    async def _write_payload(self, payload: bytes, answered: asyncio.Future[AtReply]) -> None:
        view = memoryview(payload)
        size = self.write_chunk_size
        for start in range(0, len(view), size):
            await self._can_write.wait()
            if answered.done():
                return  # expired, or the modem gave up on the input: stop feeding it
            transport = self._transport
            if transport is None:
                raise ModemDisconnectedError(
                    f"connection to {self.port} lost while sending the payload", port=self.port
                )
            transport.write(bytes(view[start : start + size]))
            if self.write_chunk_delay > 0 and start + size < len(view):
                await asyncio.sleep(self.write_chunk_delay)


class _Expired(ModemError):
    """Internal: a command's deadline passed (turned into ModemTimeoutError by its caller)."""


def _error_for(command: str, final: str) -> AtCommandError:
    if final.startswith(_CME_PREFIX):
        value = final[len(_CME_PREFIX) :].strip()
        if value.isdigit():
            return AtCommandError(command, final, cme_code=int(value))
        return AtCommandError(command, final, cme_code=cme_code_from_text(value), cme_text=value)
    if final.startswith(_CMS_PREFIX):
        value = final[len(_CMS_PREFIX) :].strip()
        return AtCommandError(command, final, cms_code=int(value) if value.isdigit() else None)
    return AtCommandError(command, final)


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout: float, step: float) -> bool:
    """Poll an async predicate until true or timeout; used for registration waits."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        if await predicate():
            return True
        if loop.time() + step > end:
            return False
        await asyncio.sleep(step)
