"""The emulated modem: line discipline, command dispatch, output framing and the plug-in API.

The modem is transport-free. A transport (`server.py`, or a test directly) hands received bytes to
`feed()` and takes what the modem prints from `read_output()`. One processor task reads the input
the way firmware does: in command mode it echoes every byte as received (ATE1), assembles a line up
to CR, ignores one LF after a CR, honours backspace, runs `A/` at once (V.250: no CR needed); then
it runs the commands of that line one after the other, so input that arrives while a handler works
is buffered and handled afterwards, in order. A handler may switch to data mode with
`receive_payload()`; nothing is echoed or parsed then.

Writing a dialect (the plug-in API)::

    async def httppara(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        if req.kind != "set":
            raise PlainError            # -> "ERROR"
        modem.send_line("+X: 1")        # information response, \\r\\n+X: 1\\r\\n
        return None                     # -> the core prints OK after the line's last command

    def install(modem: EmulatedModem) -> None:
        modem.register("+HTTPPARA", httppara)
        modem.on_reset(lambda: ...)     # forget dialect state when the modem reboots

A handler raises `CmeError(n)` for `+CME ERROR` (printed per AT+CMEE), or returns `NO_FINAL` after
printing its own final code with `send_final()` / `send_error()` (or when it wants none). Work that
goes on after the reply (an HTTP request whose result is a URC) runs in `spawn()`; a reset cancels
it.

Output written by a processor generation that a reset has ended is dropped (a context variable tags
each processor and what it spawns), so a handler that was busy when the modem rebooted cannot print
into the new session.
"""

import asyncio
import contextvars
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from modem_emulator import basic
from modem_emulator.basic import Identity, NetworkState
from modem_emulator.commands import (
    NO_FINAL,
    AtRequest,
    CmeError,
    CommandSyntaxError,
    FinalSent,
    PayloadTimeout,
    PlainError,
    parse_command_line,
)
from modem_emulator.faults import FaultPlan
from modem_emulator.filesystem import ModemFileSystem
from modem_emulator.radio import RadioControl
from modem_emulator.sms import SmsState

_LOGGER = logging.getLogger(__name__)

type CommandHandler = Callable[[EmulatedModem, AtRequest], Awaitable[FinalSent | None]]

_CR: Final = 0x0D
_LF: Final = 0x0A
_BACKSPACE: Final = frozenset({0x08, 0x7F})
_SLASH: Final = ord("/")
_AT_RE: Final = re.compile("AT|at")
# V.250 table 1: the numeric form of final result codes under ATV0.
_NUMERIC_CODES: Final[dict[str, int]] = {
    "OK": 0,
    "CONNECT": 1,
    "RING": 2,
    "NO CARRIER": 3,
    "ERROR": 4,
    "NO DIALTONE": 6,
    "BUSY": 7,
    "NO ANSWER": 8,
}
_DEFAULT_FINALS: Final = (b"\r\nOK\r\n", b"ERROR\r\n", b"\r\n+CME ERROR: ")

# Which processor generation the running code belongs to (None: tests, transports, boot).
_GENERATION: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "modem_emulator_generation", default=None
)


def _logging(handler: CommandHandler, log: list[str]) -> CommandHandler:
    async def run(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        log.append(req.raw)
        return await handler(modem, req)

    return run


def _as_bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else bytes(text)


@dataclass
class _Reply:
    """Fault state of the reply being produced for one command line."""

    urcs: list[bytes]
    capture: bytearray | None = None
    lines: int = 0


class EmulatedModem:
    """A modem as a host sees it through its AT port; see the module docstring for the API."""

    def __init__(
        self,
        *,
        identity: Identity | str = "simcom",
        network: NetworkState | None = None,
        fs: ModemFileSystem | None = None,
        faults: FaultPlan | None = None,
        echo: bool = True,
        boot_delay: float = 0.5,
        boot_step: float = 0.02,
        max_line_length: int = 4096,
        response_delay: float = 0.0,
    ) -> None:
        self.identity: Identity = basic.profile(identity) if isinstance(identity, str) else identity
        self.network: NetworkState = network if network is not None else NetworkState()
        self.fs: ModemFileSystem = fs if fs is not None else ModemFileSystem()
        self.faults: FaultPlan = faults if faults is not None else FaultPlan()
        self.factory_echo = echo
        self.boot_delay = boot_delay
        self.boot_step = boot_step
        self.max_line_length = max_line_length
        self.response_delay = response_delay
        """Seconds before each command line is answered: USB modules take their time."""
        self.lines_run = 0
        """Command lines run since the modem was made (what a host had to send)."""
        self.echo = echo
        self.cmee = 0
        self.verbose = True
        self.quiet = False
        self.ipr = 115200
        self.s_registers: dict[int, int] = {}
        self.last_line: str | None = None
        self.reset_count = 0
        self.dialect: str | None = None
        self.dialect_error: str | None = None
        self._handlers: dict[str, CommandHandler] = {}
        self._reset_hooks: list[Callable[[], None]] = []
        self._inbuf = bytearray()
        self._input_event = asyncio.Event()
        self._out = bytearray()
        self._out_event = asyncio.Event()
        self.output_position = 0
        """Bytes printed so far, ever (where the next byte goes in the output stream)."""
        self.output_taken = 0
        """Bytes a transport has taken from the output so far (`take_output`)."""
        self._line = bytearray()
        self._line_overflow = False
        self._skip_lf = False
        self._generation = 0
        self._processor: asyncio.Task[None] | None = None
        self._boot: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._booting = False
        self._closed = False
        self._reply: _Reply | None = None
        self.data_mode = False
        self.sms: SmsState = SmsState()
        self.radio = RadioControl(self)
        """Knobs for coverage, technology, signal, roaming and the SIM (see radio.py)."""
        basic.install(self)

    # --- plug-in API: registration --------------------------------------------------------------

    def register(self, name: str, handler: CommandHandler) -> None:
        """Route every form (exec, `=`, `?`, `=?`) of command `name` (`+HTTPPARA`) to `handler`.

        Registering a name again replaces the previous handler, so dialects can override basics.
        Basic V.250 commands are registered by letter (`E`, `&F`) and get `E0`, `E1`, `&F0` too.
        """
        self._handlers[name.upper()] = handler

    def register_all(
        self, handlers: Mapping[str, CommandHandler], *, log: list[str] | None = None
    ) -> None:
        """Register a dialect's commands; with `log`, every request's text is appended to it first.

        Dialect services keep such a log so tests can check exactly what reached the module.
        """
        for name, handler in handlers.items():
            self.register(name, handler if log is None else _logging(handler, log))

    def handler_for(self, name: str) -> CommandHandler | None:
        """The handler that would run for a request named `name` (None: the modem says ERROR)."""
        handler = self._handlers.get(name)
        if handler is None and name[:1] not in "+$^*%#!":
            handler = self._handlers.get(name.rstrip("0123456789"))
        return handler

    def on_reset(self, hook: Callable[[], None]) -> None:
        """Call `hook` whenever the modem reboots, so a dialect forgets its session state."""
        self._reset_hooks.append(hook)

    # --- plug-in API: output ----------------------------------------------------------------------

    def send_line(self, text: str | bytes) -> None:
        """Print an information response line: `\\r\\n<text>\\r\\n` (ATV0: `<text>\\r\\n`)."""
        reply = self._reply
        if reply is not None and reply.urcs and reply.lines >= 1:
            self._emit(self._frame_urc(reply.urcs.pop(0)))
        self._emit(self._frame_info(_as_bytes(text)))
        if reply is not None:
            reply.lines += 1

    def send_lines(self, lines: Iterable[str | bytes]) -> None:
        """Print several information lines as one block: `\\r\\nA\\r\\nB\\r\\n`.

        Firmware frames a multi-line answer (ATI, `+CGDCONT?` with several contexts) this way, with
        no blank line between the lines, unlike consecutive `send_line` calls.
        """
        items = [_as_bytes(line) for line in lines]
        if not items:
            return
        reply = self._reply
        if reply is not None and reply.urcs and (reply.lines >= 1 or len(items) >= 2):
            cut = 0 if reply.lines >= 1 else 1
            if cut:
                self._emit(self._frame_block(items[:cut]))
            self._emit(self._frame_urc(reply.urcs.pop(0)))
            self._emit(self._frame_block(items[cut:]))
        else:
            self._emit(self._frame_block(items))
        if reply is not None:
            reply.lines += len(items)

    def send_raw(self, data: bytes, *, urc_split_ok: bool = False) -> None:
        """Print bytes exactly as given (bodies, `\\r\\n>` or `\\r\\nCONNECT\\r\\n` prompts).

        `urc_split_ok` marks a data block where the module could interleave a URC (a `urc_in_reply`
        fault then lands in its middle); leave it False for binary data with a announced length.
        """
        reply = self._reply
        if urc_split_ok and reply is not None and reply.urcs and len(data) >= 2:
            half = len(data) // 2
            self._emit(data[:half])
            self._emit(self._frame_urc(reply.urcs.pop(0)))
            self._emit(data[half:])
            return
        self._emit(bytes(data))

    def send_urc(self, text: str | bytes) -> None:
        """Print an unsolicited result code now: `\\r\\n<text>\\r\\n`."""
        self._emit(self._frame_urc(_as_bytes(text)))

    def push_urc(self, text: str | bytes) -> None:
        """For tests: print a URC now (same as `send_urc`)."""
        self.send_urc(text)

    def urc_later(self, delay: float, text: str | bytes) -> asyncio.Task[None]:
        """Print a URC after `delay` seconds, unless the modem resets or closes first."""

        async def later() -> None:
            await asyncio.sleep(delay)
            self.send_urc(text)

        return self.spawn(later())

    def send_final(self, result: str = "OK") -> None:
        """Print a final result code (`OK`, `ERROR`, `+CME ERROR: 3`...) per ATV and ATQ.

        For handlers that return `NO_FINAL`; the core calls it for everyone else.
        """
        reply = self._reply
        if reply is not None:
            while reply.urcs:
                self._emit(self._frame_urc(reply.urcs.pop(0)))
        if self.quiet:
            return
        if self.verbose:
            self._emit(b"\r\n" + result.encode() + b"\r\n")
        elif result in _NUMERIC_CODES:
            self._emit(f"{_NUMERIC_CODES[result]}\r".encode())
        else:
            self._emit(result.encode() + b"\r")

    def send_error(self, error: CmeError | None = None) -> None:
        """Print `ERROR`, or a `+CME ERROR` in the form AT+CMEE selects."""
        if error is None or self.cmee == 0:
            self.send_final("ERROR")
        elif self.cmee == 1:
            self.send_final(f"+CME ERROR: {error.code}")
        else:
            self.send_final(f"+CME ERROR: {error.text}")

    # --- plug-in API: input and background work ---------------------------------------------------

    async def receive_payload(self, size: int, timeout: float) -> bytes:
        """Take exactly `size` raw bytes from the host (data mode) within `timeout` seconds overall.

        Raises `PayloadTimeout` (with `.partial`) when fewer arrive in time; what arrived is
        consumed. Bytes that follow the payload stay for command mode. A single LF straight after
        the command's CR is dropped, as in command mode, so hosts that end lines with CR LF do not
        corrupt payloads.
        """
        reply = self._reply
        if reply is not None and reply.capture:
            # The prompt must reach the host or it will never send the payload.
            self._emit_uncaptured(bytes(reply.capture))
            reply.capture.clear()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        received = bytearray()
        self.data_mode = True
        try:
            while len(received) < size:
                if self._inbuf:
                    if self._skip_lf and not received and self._inbuf[0] == _LF:
                        del self._inbuf[0]
                    self._skip_lf = False
                    take = min(size - len(received), len(self._inbuf))
                    received += self._inbuf[:take]
                    del self._inbuf[:take]
                    continue
                self._input_event.clear()
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise PayloadTimeout(bytes(received), size)
                try:
                    async with asyncio.timeout(remaining):
                        await self._input_event.wait()
                except TimeoutError:
                    raise PayloadTimeout(bytes(received), size) from None
        finally:
            self.data_mode = False
        return bytes(received)

    def spawn[T](self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run `coro` in the background for as long as the modem lives (a reset cancels it)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- lifecycle --------------------------------------------------------------------------------

    def restore_settings(self) -> None:
        """Back to the settings of a freshly booted modem (ATZ, AT&F and reboots do this)."""
        self.echo = self.factory_echo
        self.verbose = True
        self.quiet = False
        self.cmee = 0
        self.s_registers.clear()

    def reset(self) -> None:
        """Reboot as on AT+CFUN=1,1: forget settings and work, then print the boot URCs.

        Input is ignored until `RDY` (after `boot_delay`); the remaining boot URCs follow
        `boot_step` apart. Background tasks and a busy handler are cancelled.
        """
        loop = asyncio.get_running_loop()
        self._generation += 1
        self.reset_count += 1
        for task in list(self._tasks):
            task.cancel()
        if self._boot is not None:
            self._boot.cancel()
        if self._processor is not None:
            self._processor.cancel()
            self._processor = None
        self._inbuf.clear()
        self._line.clear()
        self._line_overflow = False
        self._skip_lf = False
        self._reply = None
        self.data_mode = False
        self.restore_settings()
        self.network.after_reset()
        for hook in self._reset_hooks:
            hook()
        self._booting = True
        self._boot = loop.create_task(self._boot_sequence(), context=contextvars.Context())

    async def wait_booted(self) -> None:
        """Return once the last reset's boot sequence has printed every line (at once if none)."""
        while self._boot is not None and not self._boot.done():
            await asyncio.wait([self._boot])

    @property
    def booting(self) -> bool:
        """True between a reset and its `RDY`, while input is ignored."""
        return self._booting

    def start(self) -> None:
        """Start reading input (transports call this; `feed` does it too)."""
        if self._processor is None and not self._booting and not self._closed:
            self._processor = asyncio.get_running_loop().create_task(
                self._process(self._generation), context=contextvars.Context()
            )

    async def close(self) -> None:
        """Stop everything the modem runs and wait for it to end."""
        self._closed = True
        tasks = [*self._tasks, *(t for t in (self._boot, self._processor) if t is not None)]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._processor = self._boot = None

    # --- transport side ---------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Bytes from the host; dropped while booting, closed, or told to stop answering."""
        if self._closed or self._booting or not self.faults.answering or not data:
            return
        self._inbuf += data
        self._input_event.set()
        self.start()

    async def read_output(self) -> bytes:
        """Wait for and take everything the modem has printed since the last call."""
        while not self._out:
            self._out_event.clear()
            await self._out_event.wait()
        return self.take_output()

    def take_output(self) -> bytes:
        """Take what the modem has printed so far, without waiting."""
        data = bytes(self._out)
        self._out.clear()
        self.output_taken += len(data)
        return data

    async def exchange(
        self, data: bytes, *, until: tuple[bytes, ...] = _DEFAULT_FINALS, timeout: float = 2.0
    ) -> bytes:
        """For tests without a transport: feed `data`, collect output until it contains `until`."""
        self.feed(data)
        collected = bytearray()
        async with asyncio.timeout(timeout):
            while not any(marker in collected for marker in until):
                collected += await self.read_output()
            if b"+CME ERROR: " in collected and not collected.endswith(b"\r\n"):
                while not collected.endswith(b"\r\n"):
                    collected += await self.read_output()
        return bytes(collected)

    # --- internals --------------------------------------------------------------------------------

    def _frame_info(self, data: bytes) -> bytes:
        return b"\r\n" + data + b"\r\n" if self.verbose else data + b"\r\n"

    def _frame_block(self, items: list[bytes]) -> bytes:
        if self.verbose:
            return b"\r\n" + b"\r\n".join(items) + b"\r\n"
        return b"".join(item + b"\r\n" for item in items)

    def _frame_urc(self, data: bytes) -> bytes:
        return b"\r\n" + data + b"\r\n" if self.verbose else data + b"\r\n"

    def _stale(self) -> bool:
        generation = _GENERATION.get()
        return generation is not None and generation != self._generation

    def _emit(self, data: bytes) -> None:
        if self._stale() or self._closed:
            return
        reply = self._reply
        if reply is not None and reply.capture is not None:
            reply.capture += data
            return
        self._out += data
        self.output_position += len(data)
        self._out_event.set()

    def _emit_uncaptured(self, data: bytes) -> None:
        if self._stale() or self._closed or not data:
            return
        self._out += data
        self.output_position += len(data)
        self._out_event.set()

    async def _boot_sequence(self) -> None:
        from modem_emulator import sim_commands  # noqa: PLC0415 - it imports this module's users

        await asyncio.sleep(self.boot_delay)
        for index, urc in enumerate(sim_commands.boot_urcs(self)):
            if index:
                await asyncio.sleep(self.boot_step)
            self.send_urc(urc)
            if index == 0:
                # Firmware takes commands from RDY on, while it still reports SIM and SMS readiness.
                self._booting = False
        self._booting = False

    async def _process(self, generation: int) -> None:
        _GENERATION.set(generation)
        while True:
            line = await self._next_line()
            if line is not None:
                await self._execute(line)

    async def _next_line(self) -> str | None:
        """Wait for the next complete command line; None for a line that is not an AT command."""
        while not self._inbuf:
            self._input_event.clear()
            await self._input_event.wait()
        chunk = bytes(self._inbuf)
        self._inbuf.clear()
        echo_end = len(chunk)
        finished: bytes | None = None
        repeat = False
        for index, byte in enumerate(chunk):
            if byte == _LF and self._skip_lf:
                self._skip_lf = False
                continue
            self._skip_lf = False
            if byte == _CR:
                finished = bytes(self._line)
                self._skip_lf = True
            elif byte in _BACKSPACE:
                if self._line:
                    self._line.pop()
            elif byte == _SLASH and bytes(self._line).strip() in {b"A", b"a"}:
                repeat = True
            elif len(self._line) < self.max_line_length:
                self._line.append(byte)
            else:
                self._line_overflow = True
            if finished is not None or repeat:
                echo_end = index + 1
                self._inbuf[0:0] = chunk[echo_end:]
                break
        if self.echo:
            self._emit(chunk[:echo_end])
        if repeat:
            self._line.clear()
            return self.last_line
        if finished is None:
            return None
        self._line.clear()
        overflow, self._line_overflow = self._line_overflow, False
        # Firmware waits for "AT" (or "at") and ignores what came before it on the line, which is
        # how a host resynchronises after line noise.
        text = finished.decode("utf-8", "surrogateescape")
        start = _AT_RE.search(text)
        if start is None:
            return None
        text = text[start.start() :]
        if overflow:
            self.send_error()
            return None
        return text

    async def _execute(self, line: str) -> None:
        self.last_line = line
        self.lines_run += 1
        delay = self.response_delay + self.faults.reply_delay
        if delay > 0:
            await asyncio.sleep(delay)
        for garbage in self.faults.take_garbage():
            self._emit(b"\r\n" + garbage + b"\r\n")
        capture = bytearray() if self.faults.take_reset_mid_reply() else None
        reply = _Reply(urcs=self.faults.take_reply_urcs(), capture=capture)
        self._reply = reply
        try:
            await self._run_commands(line[2:])
        finally:
            if self._reply is reply:
                self._reply = None
        if reply.capture is not None:
            self._emit_uncaptured(bytes(reply.capture[: len(reply.capture) // 2]))
            self.reset()

    async def _run_commands(self, body: str) -> None:
        try:
            requests = parse_command_line(body)
        except CommandSyntaxError:
            self.send_error()
            return
        for request in requests:
            handler = self.handler_for(request.name)
            if handler is None:
                self.send_error()
                return
            try:
                outcome = await handler(self, request)
            except CmeError as error:
                self.send_error(error)
                return
            except PlainError, PayloadTimeout:
                self.send_error()
                return
            except Exception:
                _LOGGER.exception("emulated command %s failed", request.raw)
                self.send_error()
                return
            if outcome is NO_FINAL:
                return
        self.send_final("OK")
