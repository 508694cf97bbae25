"""The serial line to a modem: open it, notice when it goes away, reopen it, write at its pace.

Why it is shaped this way:
- The link is the asyncio Protocol of the serial transport, so bytes are handed on synchronously
  the moment they arrive; there is no reader task that could lag behind.
- A port that closes is reopened with backoff, for as long as the link is not closed on purpose;
  connection listeners hear of every change (and of modem restarts, which the engine reports
  through the link, since for a listener both mean "the modem forgot its state").
- While the port is down a caller waits for it until the link has been down for the link grace
  (and at least for one fresh attempt to reopen it), trying at once and then every few tenths of
  a second whatever the backoff has grown to; then it fails with ModemDisconnectedError naming the
  port. A pulled cable or a stopped ser2net is reported within seconds, not after the caller's
  whole timeout; a short blip goes unnoticed; and callers queued behind each other during an
  outage do not each wait a grace of their own.
- Payloads (request bodies, certificates) are written in chunks, waiting whenever the transport's
  buffer is full, so a slow line is never flooded and a modem that gives up stops being fed.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Final, Protocol

from .errors import ModemDisconnectedError, ModemError
from .transport import TransportOpener, open_serial_transport, redact_url

_LOGGER = logging.getLogger(__name__)

LINK_GRACE: Final = 3.0
"""Seconds a caller waits for a serial link that is down to come back before it fails.

Long enough for a USB modem to re-enumerate or a ser2net/ESPHome proxy to accept again after a
blip; short enough that an automation learns within seconds that the modem is gone."""
RETRY_WHILE_WANTED: Final = 0.25
"""How often the port is tried while a caller waits for it (the backoff applies otherwise)."""
FRESH_ATTEMPT: Final = 0.5
"""How long a caller waits for a link that has been down longer than the grace: enough for the
reopen attempt it triggers (and one retry) to come back with the port."""
BITS_PER_BYTE: Final = 10
"""8N1: a start bit, eight data bits and a stop bit."""


class ConnectionState(StrEnum):
    """What connection listeners are told."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RESET = "reset"
    """The modem restarted: the line stayed, but the modem forgot everything."""


StateListener = Callable[[ConnectionState], None]


class LinkEvents(Protocol):
    """What the link tells its user (the engine) before any listener hears of it."""

    def link_up(self) -> None:
        """The port is open again: whatever the modem was told before may be forgotten."""

    def link_down(self, error: ModemDisconnectedError) -> None:
        """The port went away: nothing in flight will be answered."""


class SerialLink(asyncio.Protocol):
    """One serial port (device path or URL) and the transport open on it."""

    def __init__(
        self,
        url: str,
        baudrate: int,
        *,
        receive: Callable[[bytes], None],
        events: LinkEvents,
        opener: TransportOpener = open_serial_transport,
        reconnect: bool = True,
        reconnect_backoff: tuple[float, float] = (0.2, 30.0),
        link_grace: float | None = None,
        write_chunk_size: int = 1024,
        write_chunk_delay: float = 0.0,
    ) -> None:
        """Nothing is opened until `open()`; `receive` gets every byte read, in order.

        `link_grace` overrides LINK_GRACE (how long a caller waits for a link that is down).
        """
        self.url = url
        self.port = redact_url(url)
        """The port's name as it may be shown to a user (credentials redacted)."""
        self.baudrate = baudrate
        self.link_grace = LINK_GRACE if link_grace is None else link_grace
        self.write_chunk_size = write_chunk_size
        self.write_chunk_delay = write_chunk_delay
        self._receive = receive
        self._events = events
        self._opener = opener
        self._reconnect_enabled = reconnect
        self._backoff = reconnect_backoff
        self._transport: asyncio.WriteTransport | None = None
        self._listeners: list[StateListener] = []
        self._connected = asyncio.Event()
        self._can_write = asyncio.Event()
        self._can_write.set()
        self._closing = False
        self._reconnect_task: asyncio.Task[None] | None = None
        self._reconnect_now = asyncio.Event()
        self._wanted = 0
        """Callers waiting for the port to come back; while any do, it is tried often."""
        self._down_since: float | None = None
        """Loop time the port went away (None while it is open)."""
        self.last_received = time.monotonic()
        """When the modem last printed anything (monotonic clock)."""

    # ----------------------------------------------------------------- state

    @property
    def connected(self) -> bool:
        """True while the port is open."""
        return self._connected.is_set()

    def line_seconds(self, size: int) -> float:
        """How long `size` bytes take on this line at its speed."""
        return size * BITS_PER_BYTE / max(self.baudrate, 300)

    def add_listener(self, listener: StateListener) -> Callable[[], None]:
        """Be told of connects, disconnects and modem restarts; returns a remover."""
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    def notify(self, state: ConnectionState) -> None:
        """Tell every listener (a failing one is logged, the others still hear it)."""
        for listener in list(self._listeners):
            try:
                listener(state)
            except Exception:
                _LOGGER.exception("A connection listener failed.")

    # ------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        """Open the port; ModemDisconnectedError when it cannot be opened."""
        self._closing = False
        transport = await self._opener(lambda: self, self.url, self.baudrate)
        if not isinstance(transport, asyncio.WriteTransport):  # pragma: no cover - serialx always
            transport.close()
            raise ModemDisconnectedError("the transport cannot write", port=self.port)

    async def close(self) -> None:
        """Close the port and stop reopening it."""
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
        self._events.link_down(ModemDisconnectedError("closed", port=self.port))
        if self._connected.is_set():
            self._connected.clear()
            self.notify(ConnectionState.DISCONNECTED)
        # Give the transport's own close callbacks a turn so nothing is left scheduled.
        await asyncio.sleep(0)

    async def wait_connected(self, deadline: float, what: str = "") -> None:
        """Wait for a port that is down, but no longer than the link grace (or the deadline).

        `deadline` is in loop time; `what` names the operation in the error (ModemDisconnectedError
        when the port stays down or the link was closed).
        """
        if self.connected:
            return
        prefix = f"{what}: " if what else ""
        if self._closing:
            raise ModemDisconnectedError(
                f"{prefix}the connection to the modem at {self.port} is closed",
                port=self.port,
                stayed_down=True,
            )
        if self._reconnect_task is not None:
            now = asyncio.get_running_loop().time()
            down_since = self._down_since if self._down_since is not None else now
            give_up = min(deadline, max(down_since + self.link_grace, now + FRESH_ATTEMPT))
            self._wanted += 1
            self._reconnect_now.set()  # try now, not at the backoff's next step
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout_at(give_up):
                        await self._connected.wait()
            finally:
                self._wanted -= 1
            if self._connected.is_set():
                return
        raise ModemDisconnectedError(
            f"{prefix}the modem at {self.port} is not connected (the serial link is down)",
            port=self.port,
            stayed_down=True,
        )

    async def _reconnect_loop(self) -> None:
        delay, ceiling = self._backoff
        try:
            while not self._closing and not self.connected:
                wait = min(delay, RETRY_WHILE_WANTED) if self._wanted else delay
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._reconnect_now.wait()
                self._reconnect_now.clear()
                try:
                    await self.open()
                except ModemError as err:
                    _LOGGER.debug("reopening %s failed: %s", self.port, err)
                    delay = min(delay * 2, ceiling)
        finally:
            self._reconnect_task = None

    # --------------------------------------------------------------- writing

    def write(self, data: bytes) -> None:
        """Write a command line; ModemDisconnectedError when the port is not open."""
        transport = self._transport
        if transport is None:
            raise ModemDisconnectedError(
                f"the modem at {self.port} is not connected", port=self.port
            )
        transport.write(data)

    async def write_paced(
        self,
        payload: bytes,
        *,
        stop: Callable[[], bool],
        written: Callable[[int], None] | None = None,
    ) -> None:
        """Write a payload in chunks, as fast as the transport drains; stop early when `stop()`.

        `written(n)` hears how many bytes of the payload have gone to the line so far.
        """
        view = memoryview(payload)
        size = self.write_chunk_size
        for start in range(0, len(view), size):
            await self._can_write.wait()
            if stop():
                return  # the command ended (timed out, or the modem gave up on the input)
            transport = self._transport
            if transport is None:
                raise ModemDisconnectedError(
                    f"the connection to {self.port} was lost while sending the payload",
                    port=self.port,
                )
            transport.write(bytes(view[start : start + size]))
            if written is not None:
                written(min(start + size, len(view)))
            if self.write_chunk_delay > 0 and start + size < len(view):
                await asyncio.sleep(self.write_chunk_delay)

    # ------------------------------------------------------- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """The port is open."""
        assert isinstance(transport, asyncio.WriteTransport)
        self._transport = transport
        self._down_since = None
        self._connected.set()
        self._can_write.set()
        self._events.link_up()
        _LOGGER.debug("connected to %s", self.port)
        self.notify(ConnectionState.CONNECTED)

    def connection_lost(self, exc: Exception | None) -> None:
        """The port closed under us: reopen it with backoff (unless closed on purpose)."""
        self._transport = None
        self._connected.clear()
        self._can_write.set()
        self._down_since = asyncio.get_running_loop().time()
        self._events.link_down(
            ModemDisconnectedError(
                f"connection to {self.port} lost: {exc or 'closed'}", port=self.port
            )
        )
        if self._closing:
            return
        _LOGGER.warning("Lost the connection to the modem at %s (%s).", self.port, exc or "closed")
        self.notify(ConnectionState.DISCONNECTED)
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
        """Hand the bytes on at once."""
        self.last_received = time.monotonic()
        self._receive(data)

    def eof_received(self) -> bool | None:
        """Treat EOF as a close."""
        return None


__all__ = [
    "LINK_GRACE",
    "ConnectionState",
    "LinkEvents",
    "SerialLink",
    "StateListener",
]
