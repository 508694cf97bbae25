"""A caller's HTTP request as a value, and where the response body goes.

`HttpRequest` refuses what no family could send (a method that is not an HTTP token, a negative
response limit) the moment it is made; each family's `plan()` then checks it against that
family's own limits and turns it into what will be sent, so a request is checked exactly once.

`ResponseBody` is the one place a response body passes through on its way to the caller: it counts
every byte against the caller's `max_response_size`, refuses a body announced larger before a byte
of it is read, and hands pieces to the caller's sink (a download to a file) or collects them.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Final

from .errors import RequestRejected, ResponseCutError, ResponseTooLargeError
from .progress import TransferProgress
from .validation import check_if_range, check_method

BodySink = Callable[[bytes], Awaitable[None]]
"""Receives the body piece by piece (for downloads streamed to a file)."""
HeadCheck = Callable[[int, Mapping[str, str], int | None], int | None]
"""Sees status, headers and announced body length before the body; returns where the body goes
in what the caller keeps (its offset), or None to leave the body unread."""
STREAM_PIECE: Final = 65536
"""How much of a streamed read gathers before it is written to the caller's sink."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request as the caller asked for it, before any family's limits are applied."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    byte_range: tuple[int, int | None] | None = None
    """(first, last) inclusive like an HTTP Range header; last None = to the end."""
    content_type: str | None = None
    max_response_size: int | None = None
    """The largest body the caller takes; a larger announced length stops before the read."""
    if_range: str | None = None
    """A resumed download's If-Range (a strong entity-tag or a date), for GET with a range."""

    def __post_init__(self) -> None:
        """Refuse what no family could send; the method is kept upper-case."""
        object.__setattr__(self, "method", check_method(self.method).upper())
        if self.if_range is not None:
            check_if_range(self.if_range)
            if self.byte_range is None or self.method != "GET":
                raise RequestRejected("if_range", "goes only with a GET that asks for a range")
        limit = self.max_response_size
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise RequestRejected("max_response_size", "must be a whole number of bytes")
        if limit is not None and limit < 0:
            raise RequestRejected("max_response_size", "must not be negative")


class ResponseBody:
    """Where one response body goes: the caller's sink, or collected here; never past the limit.

    Drivers hand the body over in one of two ways. `write(piece)` for what they have whole; or,
    for a long read, `feed` as the command's data sink inside `async with body.streaming()`:
    the pieces are counted (limit, progress) the moment they arrive and written to the caller's
    sink while the read goes on, and whatever arrived before a read fails is still written when
    it fails, so a cut loses nothing that came through.

    A caller that must see the response before its body is kept (a resumed download judging
    whether a 206 continues what it has) gives `head`; drivers call `begin()` between the
    response's head and its first body byte, and leave the body unread where `begin()` says
    it is not wanted.
    """

    def __init__(
        self,
        *,
        limit: int | None = None,
        sink: BodySink | None = None,
        head: HeadCheck | None = None,
        progress: TransferProgress | None = None,
        stall: float | None = None,
    ) -> None:
        """`limit` is the caller's max_response_size (None: any size).

        `stall` bounds how long a long read may go without a byte before it counts as cut
        (None: only the deadline bounds it).
        """
        self.limit = limit
        self._sink = sink
        self._head = head
        self.progress = progress
        self.stall = stall
        self._collected: list[bytes] = []
        self.delivered = 0
        """Bytes of body accepted so far in this attempt."""
        self._handed_over = 0
        """Bytes already handed to the caller's sink (they cannot be taken back)."""
        self.offset = 0
        """Where this body starts in what the caller keeps (a resumed download's bytes)."""
        self.wanted = True
        """False once `begin()` heard the caller does not want this body."""
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._more = asyncio.Event()
        self._sink_error: BaseException | None = None

    @property
    def streamed(self) -> bool:
        """True when the caller takes the body piece by piece (nothing is collected)."""
        return self._sink is not None

    def begin(self, status: int, headers: Mapping[str, str], length: int | None) -> bool:
        """The response's head is known, its body not yet read; False: leave the body unread.

        `length` is the body's length as the modem or the headers announced it.
        """
        if self._head is not None:
            offset = self._head(status, headers, length)
            self.wanted = offset is not None
            self.offset = offset or 0
        elif self.progress is not None:
            self.progress.expect(length)
        return self.wanted

    def check_announced(self, length: int | None) -> None:
        """Refuse a body announced larger than the caller takes, before a byte of it is read.

        The modem tells the length in its result line (or its buffer), so nothing needs to cross
        the serial line, let alone sit in memory, to know it will not be accepted.
        """
        if self.limit is not None and length is not None and length > self.limit:
            raise ResponseTooLargeError(self.limit, length)

    def accepts(self, size: int) -> bool:
        """Whether `size` more bytes of body stay within the limit."""
        return self.limit is None or self.delivered + size <= self.limit

    def feed(self, piece: bytes) -> None:
        """Take the next piece as it arrives (a command's data sink; synchronous).

        ResponseTooLargeError once it passes the limit (the engine then refuses the reply when
        the command ends). The piece reaches the caller's sink at the next `flush()`.
        """
        if not piece or not self.wanted:
            return
        if not self.accepts(len(piece)):
            assert self.limit is not None
            raise ResponseTooLargeError(self.limit)
        self.delivered += len(piece)
        if self.progress is not None:
            self.progress.received(self.offset + self.delivered)
        if self._sink is None:
            self._collected.append(piece)
            return
        self._pending.append(piece)
        self._pending_size += len(piece)
        if self._pending_size >= STREAM_PIECE:
            self._more.set()

    async def write(self, piece: bytes) -> None:
        """Take the next piece of the body; ResponseTooLargeError once it passes the limit."""
        self.feed(piece)
        await self.flush()

    async def flush(self) -> None:
        """Hand what was fed to the caller's sink, in order."""
        while self._pending:
            pieces, self._pending, self._pending_size = self._pending, [], 0
            data = b"".join(pieces)
            assert self._sink is not None
            self._handed_over += len(data)
            await self._sink(data)

    @contextlib.asynccontextmanager
    async def streaming(self) -> AsyncIterator[None]:
        """Write fed pieces to the caller's sink while a read goes on; all of them at the end.

        At the end means also when the read fails: what came through before a cut is kept. A
        sink that fails (a full disk) stops the writing; its error is raised when the read ends.
        """
        if self._sink is None:
            yield
            return
        closing = False

        async def pump() -> None:
            while not closing:
                await self._more.wait()
                self._more.clear()
                await self.flush()

        writer = asyncio.create_task(pump())
        try:
            yield
        finally:
            closing = True
            self._more.set()
            try:
                await writer
                await self.flush()
            except Exception as err:  # the sink's own failure: raised once the read ended
                self._sink_error = err
        if self._sink_error is not None:
            raise self._sink_error

    def collected(self) -> bytes:
        """The body collected so far (empty when it went to the caller's sink)."""
        return b"".join(self._collected)

    def restart(self, port: str) -> None:
        """Start the body afresh for a retry of the same request.

        What was only collected here is dropped; what already went to the caller's sink cannot
        be taken back, so the request is not retried then (ResponseCutError: a resumed download
        asks for the rest itself), and nothing is written twice.
        """
        if self._handed_over or (self._sink is not None and self.delivered):
            raise ResponseCutError(self.delivered, None, port=port)
        self._collected.clear()
        self.delivered = 0
        self.wanted = True


__all__ = ["STREAM_PIECE", "BodySink", "HeadCheck", "HttpRequest", "ResponseBody"]
