"""A caller's HTTP request as a value, and where the response body goes.

`HttpRequest` refuses what no family could send (a method that is not an HTTP token, a negative
response limit) the moment it is made; each family's `plan()` then checks it against that
family's own limits and turns it into what will be sent, so a request is checked exactly once.

`ResponseBody` is the one place a response body passes through on its way to the caller: it counts
every byte against the caller's `max_response_size`, refuses a body announced larger before a byte
of it is read, and hands pieces to the caller's sink (a download to a file) or collects them.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .errors import ModemDisconnectedError, RequestRejected, ResponseTooLargeError
from .validation import check_method

BodySink = Callable[[bytes], Awaitable[None]]
"""Receives the body piece by piece (for downloads streamed to a file)."""


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

    def __post_init__(self) -> None:
        """Refuse what no family could send; the method is kept upper-case."""
        object.__setattr__(self, "method", check_method(self.method).upper())
        limit = self.max_response_size
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise RequestRejected("max_response_size", "must be a whole number of bytes")
        if limit is not None and limit < 0:
            raise RequestRejected("max_response_size", "must not be negative")


class ResponseBody:
    """Where one response body goes: the caller's sink, or collected here; never past the limit."""

    def __init__(self, *, limit: int | None = None, sink: BodySink | None = None) -> None:
        """`limit` is the caller's max_response_size (None: any size)."""
        self.limit = limit
        self._sink = sink
        self._collected: list[bytes] = []
        self.delivered = 0
        """Bytes of body accepted so far in this attempt."""
        self._handed_over = 0
        """Bytes already handed to the caller's sink (they cannot be taken back)."""

    @property
    def streamed(self) -> bool:
        """True when the caller takes the body piece by piece (nothing is collected)."""
        return self._sink is not None

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

    async def write(self, piece: bytes) -> None:
        """Take the next piece of the body; ResponseTooLargeError once it passes the limit."""
        if not piece:
            return
        if not self.accepts(len(piece)):
            assert self.limit is not None
            raise ResponseTooLargeError(self.limit)
        self.delivered += len(piece)
        if self._sink is not None:
            self._handed_over += len(piece)
            await self._sink(piece)
        else:
            self._collected.append(piece)

    def collected(self) -> bytes:
        """The body collected so far (empty when it went to the caller's sink)."""
        return b"".join(self._collected)

    def restart(self, port: str) -> None:
        """Start the body afresh for a retry of the same request.

        What was only collected here is dropped; what already went to the caller's sink cannot
        be taken back, so the request is not retried then (ModemDisconnectedError), and nothing
        is written twice.
        """
        if self._handed_over:
            raise ModemDisconnectedError(
                f"the connection dropped after {self._handed_over} bytes of the body were "
                "delivered; not retried, so nothing is written twice",
                port=port,
            )
        self._collected.clear()
        self.delivered = 0


__all__ = ["BodySink", "HttpRequest", "ResponseBody"]
