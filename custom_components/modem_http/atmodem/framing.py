"""Turn the modem's byte stream into lines, raw data blocks and prompts.

A modem interleaves text lines with binary payloads whose length is announced by the line before
them (`+HTTPREAD: DATA,10`, `CONNECT`). Only the party that knows the command in flight can tell
whether a line announces data, so the parser asks a callback synchronously, line by line, before it
looks at a single byte more. That keeps bodies containing `\\r\\nOK\\r\\n` or NUL bytes intact.

The parser is synchronous and does no I/O, so it can be fed a stream split at every byte in tests.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

# A line longer than this without any CR or LF is garbage (or a lost terminator): emit it as a line
# rather than buffer without bound.
MAX_LINE_BYTES = 8192

_EOL = re.compile(rb"[\r\n]")
_NOT_EOL = re.compile(rb"[^\r\n]")


@dataclass(frozen=True, slots=True)
class UntilTerminator:
    """Raw data of unknown length that ends right before `terminator` (which is then parsed).

    With `then`, the terminator belongs to the data and `then(block)` is asked, with the whole
    block, what raw data follows it directly (a count, another terminator, or nothing). That lets
    a reader take an HTTP header block up to its blank line, learn Content-Length from it, and
    read the body by exact length, all within one raw run that no line parsing interrupts.
    """

    terminator: bytes
    then: Callable[[bytes], DataSpec] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Counted:
    """Exactly `size` raw bytes, after which `then()` says what raw data follows directly.

    With UntilTerminator's `then`, it lets a reader walk a self-delimiting stream (HTTP chunked
    coding: a size line, that many bytes, the next size line...) within one raw run.
    """

    size: int
    then: Callable[[], DataSpec] = field(compare=False)


DataSpec = int | Counted | UntilTerminator | None
"""What follows a line: a byte count, data up to a terminator, or nothing (None or 0)."""


class FrameSink(Protocol):
    """Receives what the parser finds, in stream order."""

    def on_line(self, line: bytes) -> None:
        """A complete non-empty line without its CR/LF."""

    def on_data(self, data: bytes, *, final: bool) -> None:
        """A piece of a raw block; final is True on its last piece."""

    def on_prompt(self) -> None:
        """The `>` input prompt (it has no line terminator)."""


class AtStreamParser:
    """Incremental splitter of modem output; feed bytes as they arrive."""

    def __init__(self, sink: FrameSink, data_after: Callable[[bytes], DataSpec]) -> None:
        """`data_after(line)` says whether raw data follows that line."""
        self._sink = sink
        self._data_after = data_after
        self._buffer = bytearray()
        self._raw_remaining = 0
        self._raw_after_count: Callable[[], DataSpec] | None = None
        self._raw_until: bytes | None = None
        self._raw_then: Callable[[bytes], DataSpec] | None = None
        self._raw_block = bytearray()
        self._skip_lf = False
        self.expect_prompt = False

    @property
    def in_raw_data(self) -> bool:
        """True while a raw block is being delivered."""
        return self._raw_remaining > 0 or self._raw_until is not None

    def reset(self) -> None:
        """Forget partial input (after a resynchronisation or a reconnect)."""
        self._buffer.clear()
        self._raw_remaining = 0
        self._raw_after_count = None
        self._raw_until = None
        self._raw_then = None
        self._raw_block.clear()
        self._skip_lf = False
        self.expect_prompt = False

    def _start_raw(self, spec: DataSpec) -> None:
        if isinstance(spec, UntilTerminator):
            self._raw_until = spec.terminator
            self._raw_then = spec.then
        elif isinstance(spec, Counted):
            self._raw_remaining = spec.size
            self._raw_after_count = spec.then
            if spec.size <= 0:
                self._count_done()
        elif spec:
            self._raw_remaining = spec

    def _count_done(self) -> bool:
        """A counted run is complete: start what follows it; True when the raw data is over."""
        then = self._raw_after_count
        if then is not None:
            self._raw_after_count = None
            self._start_raw(then())
        return not self.in_raw_data

    def _take_counted(self, chunk: bytes) -> None:
        self._raw_remaining -= len(chunk)
        final = self._count_done() if self._raw_remaining == 0 else False
        self._sink.on_data(chunk, final=final)

    def feed(self, data: bytes) -> None:
        """Consume bytes; calls the sink for everything complete."""
        if self._raw_remaining and not self._buffer and not self._skip_lf:
            # Fast path for bulk bodies: hand the chunk straight on, no copy into the buffer.
            take = min(self._raw_remaining, len(data))
            self._take_counted(data[:take])
            data = data[take:]
            if not data:
                return
        self._buffer += data
        self._drain()

    def _drain(self) -> None:
        buf = self._buffer
        while buf:
            if self._skip_lf:
                self._skip_lf = False
                if buf[0] == 0x0A:
                    del buf[0]
                    continue
            if self._raw_remaining:
                take = min(self._raw_remaining, len(buf))
                chunk = bytes(buf[:take])
                del buf[:take]
                self._take_counted(chunk)
                continue
            if self._raw_until is not None:
                if not self._drain_until(buf, self._raw_until):
                    return
                continue
            if not self._drain_line(buf):
                return

    def _drain_until(self, buf: bytearray, terminator: bytes) -> bool:
        index = buf.find(terminator)
        then = self._raw_then
        if index < 0:
            keep = len(terminator) - 1
            if len(buf) > keep:
                chunk = bytes(buf[: len(buf) - keep])
                del buf[: len(buf) - keep]
                if then is not None:
                    self._raw_block += chunk
                self._sink.on_data(chunk, final=False)
            return False
        end = index if then is None else index + len(terminator)
        chunk = bytes(buf[:end])
        del buf[:end]
        self._raw_until = None
        self._raw_then = None
        if then is None:
            self._sink.on_data(chunk, final=True)
            return True
        block = bytes(self._raw_block) + chunk
        self._raw_block.clear()
        following = then(block)
        self._start_raw(following)
        self._sink.on_data(chunk, final=not self.in_raw_data)
        return True

    def _drain_line(self, buf: bytearray) -> bool:
        first = _NOT_EOL.search(buf)
        if first is None:
            buf.clear()
            return False
        start = first.start()
        if self.expect_prompt and buf[start] == 0x3E:  # '>'
            del buf[: start + 1]
            if buf[:1] == b" ":
                del buf[0]
            self.expect_prompt = False
            self._sink.on_prompt()
            return True
        eol = _EOL.search(buf, start)
        if eol is None:
            if start:
                del buf[:start]
            if len(buf) > MAX_LINE_BYTES:
                line = bytes(buf)
                buf.clear()
                self._sink.on_line(line)
            return False
        end = eol.start()
        line = bytes(buf[start:end])
        terminator = buf[end]
        del buf[: end + 1]
        spec = self._data_after(line)
        if spec:
            # The announced data starts after the full line ending; with CR seen, skip one LF.
            if terminator == 0x0D:
                self._skip_lf = True
            self._start_raw(spec)
        self._sink.on_line(line)
        return True
