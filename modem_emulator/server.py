"""Serving an `EmulatedModem` over TCP or a pseudo-terminal, paced like a serial line.

One modem, one host at a time, as on a UART: a new TCP client replaces the old one (whose socket is
closed) and the modem keeps its state across clients. Output produced while nobody is connected is
dropped, as bytes sent down an unplugged line would be.

The pseudo-terminal's slave side stays open in the emulator for its whole life (otherwise the master
reads as always-ready and the loop spins) and is put in raw mode at once, so the kernel neither
echoes the modem's output back to it nor rewrites CR before the host's serial library opens the
port.

Output pacing (`baud`): 8N1 carries baud/10 bytes per second. A token bucket refilled at that rate
and holding ~10 ms worth of bytes lets output out in slices, sleeping at least 5 ms between them,
so the host sees the throughput of a real line without a sleep per byte.
"""

import asyncio
import contextlib
import os
import threading
import tty
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any, Self

from modem_emulator.core import EmulatedModem

_MIN_SLEEP = 0.005
_BUCKET_SECONDS = 0.01
_SPLIT_PAUSE = 0.001
_READ_SIZE = 65536


class Pacer:
    """A token bucket that releases output at `baud / 10` bytes per second."""

    def __init__(self, baud: int) -> None:
        if baud <= 0:
            raise ValueError("baud must be positive")
        self.rate = baud / 10
        self.capacity = max(1.0, self.rate * _BUCKET_SECONDS)
        self._tokens = self.capacity
        self._stamp: float | None = None

    async def pace(self, data: bytes) -> AsyncIterator[bytes]:
        """Yield `data` in slices, each as soon as the line could have carried it."""
        loop = asyncio.get_running_loop()
        pos = 0
        while pos < len(data):
            now = loop.time()
            if self._stamp is not None:
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            allowed = int(self._tokens)
            if allowed < 1:
                await asyncio.sleep(max(_MIN_SLEEP, (1 - self._tokens) / self.rate))
                continue
            size = min(allowed, len(data) - pos)
            self._tokens -= size
            yield data[pos : pos + size]
            pos += size


class ModemServer:
    """Serves one modem over TCP (`start_tcp`) or a pseudo-terminal (`start_pty`).

    Use it in the test's own event loop::

        async with ModemServer(modem) as server:
            port = await server.start_tcp()          # serial URL: server.url
    """

    def __init__(
        self, modem: EmulatedModem, *, baud: int | None = None, close_modem: bool = True
    ) -> None:
        self.modem = modem
        self.baud = baud
        self._close_modem = close_modem
        self._pacer = Pacer(baud) if baud else None
        self._tcp: asyncio.Server | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._client_tasks: set[asyncio.Task[Any]] = set()
        self._client_event = asyncio.Event()
        self._master: int | None = None
        self._slave: int | None = None
        self._pty_path: str | None = None
        self._pump: asyncio.Task[None] | None = None
        self._silent_until = 0.0
        self._remove_drop_listener: Callable[[], None] | None = None
        self._written = 0
        """The modem's output position up to which the pump has written (or discarded) output."""
        self._drop_at: int | None = None
        """An output position after which the line is to drop (`drop_connection(after_output)`)."""
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.clients_served = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def url(self) -> str:
        """What the integration opens: `socket://127.0.0.1:<port>` or the pty's device path."""
        if self._pty_path is not None:
            return self._pty_path
        if self.port is not None:
            return f"socket://{self.host}:{self.port}"
        raise RuntimeError("server not started")

    @property
    def pty_path(self) -> str | None:
        """The slave device path when serving a pseudo-terminal."""
        return self._pty_path

    @property
    def client_connected(self) -> bool:
        """Whether a TCP client is attached (always True for a pty once started)."""
        return self._writer is not None or self._master is not None

    async def start_tcp(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on `host:port` (0 picks a free port) and return the port."""
        self._ensure_not_started()
        self._tcp = await asyncio.start_server(self._on_client, host, port)
        self.host = host
        self.port = int(self._tcp.sockets[0].getsockname()[1])
        self._begin()
        return self.port

    async def start_pty(self) -> str:
        """Create a pseudo-terminal and return the path of its slave side for the host to open."""
        self._ensure_not_started()
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self._pty_path = os.ttyname(slave)
        asyncio.get_running_loop().add_reader(master, self._on_pty_readable)
        self._begin()
        return self._pty_path

    async def wait_for_client(self, timeout: float = 5.0) -> None:
        """Wait until a TCP client is attached (output before that is dropped)."""
        async with asyncio.timeout(timeout):
            while self._writer is None:
                self._client_event.clear()
                await self._client_event.wait()

    def disconnect_client(self) -> None:
        """Close the current TCP client's socket (the host sees EOF)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    async def unplug(self) -> None:
        """Take the line away, as a pulled USB cable or a stopped ser2net or serial proxy does.

        The host's connection drops and new connections are refused until `replug()`; the modem
        keeps running with its state (a proxy going down does not power the module off). Over a
        pseudo-terminal both ends close, so the host's port reports a hang-up; a pty cannot be
        plugged back under the same path.
        """
        if self._master is not None:
            loop = asyncio.get_running_loop()
            loop.remove_reader(self._master)
            loop.remove_writer(self._master)
            os.close(self._master)
            self._master = None
            if self._slave is not None:
                os.close(self._slave)
                self._slave = None
            return
        if self._tcp is None:
            raise RuntimeError("nothing to unplug: the server is not serving")
        self._tcp.close()
        self.disconnect_client()
        if self._client_tasks:
            await asyncio.wait(self._client_tasks, timeout=2.0)
        await self._tcp.wait_closed()
        self._tcp = None

    async def replug(self) -> None:
        """Listen again on the same TCP port, as a ser2net or proxy that came back."""
        if self._tcp is not None or self.port is None or self._pty_path is not None:
            raise RuntimeError("only an unplugged TCP server can be plugged back")
        self._tcp = await asyncio.start_server(self._on_client, self.host, self.port)

    async def close(self) -> None:
        """Close the client first, then the listener, the pty and (by default) the modem."""
        if self._remove_drop_listener is not None:
            self._remove_drop_listener()
            self._remove_drop_listener = None
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
            self._pump = None
        self.disconnect_client()
        if self._tcp is not None:
            self._tcp.close()
        if self._client_tasks:
            await asyncio.wait(self._client_tasks, timeout=2.0)
        if self._tcp is not None:
            await self._tcp.wait_closed()
            self._tcp = None
        if self._master is not None:
            loop = asyncio.get_running_loop()
            loop.remove_reader(self._master)
            loop.remove_writer(self._master)
            os.close(self._master)
            self._master = None
        if self._slave is not None:
            os.close(self._slave)
            self._slave = None
        if self._close_modem:
            await self.modem.close()

    # --- internals --------------------------------------------------------------------------------

    def _ensure_not_started(self) -> None:
        if self._tcp is not None or self._master is not None:
            raise RuntimeError("this server already serves a transport")

    def _begin(self) -> None:
        self._written = self.modem.output_taken
        self._remove_drop_listener = self.modem.faults.add_drop_listener(self._on_drop)
        self.modem.start()
        self._pump = asyncio.get_running_loop().create_task(self._pump_output())

    def _silent(self) -> bool:
        return asyncio.get_running_loop().time() < self._silent_until

    def _on_drop(self, after_output: int | None) -> None:
        if after_output is not None and after_output > self._written:
            # Bytes before the drop point are still on their way: the pump drops the line once it
            # has written them.
            self._drop_at = after_output
            return
        self._drop_now()

    def _drop_now(self) -> None:
        if self._master is not None:
            self._silent_until = (
                asyncio.get_running_loop().time() + self.modem.faults.pty_drop_silence
            )
        else:
            self.disconnect_client()

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._client_tasks.add(task)
            task.add_done_callback(self._client_tasks.discard)
        self.disconnect_client()
        self._writer = writer
        self.clients_served += 1
        self._client_event.set()
        try:
            while data := await reader.read(_READ_SIZE):
                if self._writer is not writer:
                    break
                self.modem.feed(data)
        except OSError:
            pass
        finally:
            if self._writer is writer:
                self._writer = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    def _on_pty_readable(self) -> None:
        if self._master is None:
            return
        try:
            data = os.read(self._master, _READ_SIZE)
        except BlockingIOError, InterruptedError:
            return
        except OSError:
            # EIO: no slave open. We hold one, so this is transient; just wait for the next event.
            return
        if not self._silent():
            self.modem.feed(data)

    async def _pump_output(self) -> None:
        while True:
            data = await self.modem.read_output()
            end = self.modem.output_taken
            drop_at = self._drop_at
            dropping = drop_at is not None and drop_at <= end
            if drop_at is not None and dropping:
                # What the modem printed after the drop point goes down a dead line.
                data = data[: max(0, drop_at - (end - len(data)))]
            if not self._silent() and self.client_connected:
                await self._write_out(data)
            self._written = end
            if dropping:
                self._drop_at = None
                self._drop_now()

    async def _write_out(self, data: bytes) -> None:
        faults = self.modem.faults
        for piece in faults.split(data):
            if self._pacer is None:
                await self._write(piece)
            else:
                async for part in self._pacer.pace(piece):
                    await self._write(part)
            if faults.split_max_chunk is not None:
                await asyncio.sleep(_SPLIT_PAUSE)

    async def _write(self, data: bytes) -> None:
        if self._master is not None:
            await self._write_pty(data)
            return
        writer = self._writer
        if writer is None or writer.is_closing():
            return
        try:
            writer.write(data)
            await writer.drain()
        except OSError:
            if self._writer is writer:
                self._writer = None

    async def _write_pty(self, data: bytes) -> None:
        view = memoryview(data)
        while view and self._master is not None:
            master = self._master
            try:
                written = os.write(master, view)
            except BlockingIOError:
                await self._pty_writable(master)
                continue
            except OSError:
                return
            view = view[written:]

    @staticmethod
    async def _pty_writable(master: int) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_writer(master, wake)
        try:
            await ready
        finally:
            loop.remove_writer(master)


class ModemServerThread:
    """A `ModemServer` on its own event loop in a thread, for hosts outside the test's loop.

    `start()` returns the URL (or pty path); `call(fn)` runs `fn` in the emulator's loop (use it to
    arm faults or read state safely); `stop()` closes everything and joins the thread.
    """

    def __init__(
        self,
        modem_factory: Callable[[], EmulatedModem] = EmulatedModem,
        *,
        baud: int | None = None,
        pty: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._factory = modem_factory
        self._baud = baud
        self._pty = pty
        self._host = host
        self._port = port
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.modem: EmulatedModem | None = None
        self.server: ModemServer | None = None
        self.url: str | None = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self, timeout: float = 5.0) -> str:
        """Start the thread and return the serial URL (TCP) or device path (pty)."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._run, name="modem-emulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("emulator thread did not start")
        if self._error is not None:
            self._thread.join(timeout)
            raise RuntimeError("emulator thread failed to start") from self._error
        assert self.url is not None
        return self.url

    def call[T](self, fn: Callable[[], T], timeout: float = 5.0) -> T:
        """Run `fn()` in the emulator's event loop and return its result."""
        if self._loop is None:
            raise RuntimeError("not started")

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the server and modem, end the loop and join the thread."""
        if self._thread is None:
            return
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("emulator thread did not stop")
        self._thread = None

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as err:  # reported to start() in the other thread
            self._error = err
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.modem = self._factory()
        self.server = ModemServer(self.modem, baud=self._baud)
        try:
            if self._pty:
                self.url = await self.server.start_pty()
            else:
                await self.server.start_tcp(self._host, self._port)
                self.url = self.server.url
            self._ready.set()
            await self._stop.wait()
        finally:
            await self.server.close()
