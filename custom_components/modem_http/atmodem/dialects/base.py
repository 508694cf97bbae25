"""What every HTTP dialect driver offers the Modem, and the request it is given.

A driver turns one HTTP request into its family's AT command sequence. Drivers validate every
field against their own manual's limits (RequestRejected, nothing sent) before the first command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..deadline import Deadline
from ..engine import AtEngine
from ..errors import ResponseTooLargeError
from ..response import HttpResponse

BodySink = Callable[[bytes], Awaitable[None]]
"""Receives the body piece by piece (for downloads streamed to a file)."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request as the caller asked for it, before any dialect limits are applied."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    timeout: float = 60.0
    byte_range: tuple[int, int | None] | None = None
    """(first, last) inclusive like an HTTP Range header; last None = to the end."""
    content_type: str | None = None
    body_sink: BodySink | None = field(default=None, compare=False)
    max_response_size: int | None = None
    """The largest body the caller takes; a larger announced length stops before the read."""


def check_announced_size(request: HttpRequest, length: int | None) -> None:
    """Refuse a body announced larger than the caller takes, before a byte of it is read.

    The modem tells the length in its result line (or its buffer), so nothing needs to cross
    the serial line, let alone sit in memory, to know it will not be accepted.
    """
    limit = request.max_response_size
    if limit is not None and length is not None and length > limit:
        raise ResponseTooLargeError(limit, length)


class HttpDriver(Protocol):
    """The operations a dialect implements."""

    name: str
    """The dialect name: simcom, httpcfg or quectel."""

    methods: frozenset[str]
    """HTTP methods this dialect can send."""

    max_body: int
    """Largest request body in bytes."""

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """Put the modem's HTTP stack in the state the driver relies on (after every re-init)."""

    async def request(
        self, engine: AtEngine, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse:
        """Perform one HTTP request; raises ModemHttpError, RequestRejected, ...

        Every step takes its time from `deadline`, the caller's budget for the whole operation
        (request.timeout is what the caller asked for; the deadline is what is left of it).
        """

    async def post_modem_file(
        self, engine: AtEngine, url: str, file_name: str, *, deadline: Deadline
    ) -> HttpResponse:
        """POST a file that is already in the modem's file system as the body."""

    async def download_to_modem_file(
        self, engine: AtEngine, url: str, file_name: str, *, deadline: Deadline
    ) -> HttpResponse:
        """GET url and store the body in the modem's file system under file_name."""


DriverFactory = Callable[[], HttpDriver]
