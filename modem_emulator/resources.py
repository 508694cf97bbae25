"""Web resources for downloads that are cut and resumed: ranges, validators, changes on command.

The emulated modem performs its requests for real; tests of resumed downloads need a far end that
answers ranged and conditional requests the way RFC 9110 says, can change a resource between two
requests, can be a server without range support, and tells what it sent. `answer()` is that
behaviour as a pure function (the echo server's `/files/` route uses it too); `ResourceServer`
serves `Resource`s with it over aiohttp and records every request.

What it answers, with the RFC 9110 sections:
- GET of a resource: 200, the whole representation with Content-Length (or chunked, for a
  resource whose length is not announced), `ETag` (strong `"<tag>"`, weak `W/"<tag>"`, or none),
  `Last-Modified` (or none) and `Accept-Ranges: bytes`. HEAD: the same without the body; a Range
  on HEAD is ignored (14.2: range handling is defined for GET only).
- One byte range (14.1.2: `bytes=a-b`, `bytes=a-`, `bytes=-n`): 206 with
  `Content-Range: bytes a-b/<length>` and the validators a 200 carries (15.3.7 requires the
  ETag on a 206). A range that starts at or after the end, a zero suffix, or any range of an empty
  representation: 416 with `Content-Range: bytes */<length>` (15.5.17). A Range that is not valid
  or asks for several ranges is ignored and the whole representation sent (14.2 lets a server
  ignore Range; multipart/byteranges is not needed here).
- If-Range (13.1.5), looked at only with a Range (13.2.2 orders it first): the range is served
  only when the If-Range matches, else 200 with everything. An entity-tag matches by strong
  comparison (8.8.3.2), so a weak ETag never does; an HTTP-date matches when it equals the
  Last-Modified exactly. Last-Modified is always a strong validator here (8.8.2.2): each version's
  date lies a day before the server started, so before every response's Date by far more than
  the 60 seconds a client needs to send it in If-Range (and the second a server needs).
- `RangeSupport.IGNORED`: a server without range support (Range and If-Range ignored, always 200,
  no Accept-Ranges); `RangeSupport.DECLARED_NONE` also says `Accept-Ranges: none` (14.3).
- A resource changes on command (`Resource.replace`) or when its n-th request arrives
  (`Resource.replace_on_request`): new bytes, new length, a new ETag and a later Last-Modified.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from enum import StrEnum
from types import TracebackType
from typing import Final, Literal, Self

from aiohttp import web

type EtagKind = Literal["strong", "weak", "none"]

_WRITE_PIECE: Final = 65536
_SINGLE_RANGE: Final = re.compile(r"bytes=(?:(\d+)-(\d*)|-(\d+))", re.IGNORECASE)


class RangeSupport(StrEnum):
    """Whether the server honours Range, and what its Accept-Ranges says."""

    BYTES = "bytes"
    """Ranges served; `Accept-Ranges: bytes`."""
    IGNORED = "ignored"
    """Range and If-Range ignored, always 200; no Accept-Ranges header."""
    DECLARED_NONE = "none"
    """Range and If-Range ignored, always 200; `Accept-Ranges: none`."""


@dataclass(frozen=True, slots=True)
class Representation:
    """One version of a resource: its bytes and the validators the server sends with them."""

    content: bytes
    etag: str | None = None
    """The ETag field value as sent (`"v1-..."` or `W/"v1-..."`), or None for no ETag."""
    last_modified: datetime | None = None
    length_announced: bool = True
    """False: a 200 goes out chunked, without Content-Length (a 206 always has one)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server sends back for one request."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    chunked: bool = False

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive), or None."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


def answer(
    representation: Representation,
    method: str,
    request_headers: Mapping[str, str],
    *,
    ranges: RangeSupport = RangeSupport.BYTES,
) -> Answer:
    """The response to a GET or HEAD of `representation`, per the module docstring.

    `request_headers` must look names up case-insensitively (aiohttp's request headers do).
    """
    method = method.upper()
    if method not in {"GET", "HEAD"}:
        return Answer(405, (("Allow", "GET, HEAD"),), b"")
    content = representation.content
    described: list[tuple[str, str]] = []
    if representation.etag is not None:
        described.append(("ETag", representation.etag))
    if representation.last_modified is not None:
        described.append(("Last-Modified", http_date(representation.last_modified)))
    if ranges is not RangeSupport.IGNORED:
        described.append(("Accept-Ranges", ranges.value))
    base = (("Content-Type", "application/octet-stream"), *described)
    whole = Answer(
        200,
        base,
        content if method == "GET" else b"",
        chunked=not representation.length_announced and method == "GET",
    )
    range_value = request_headers.get("Range")
    if method != "GET" or ranges is not RangeSupport.BYTES or range_value is None:
        return whole
    if_range = request_headers.get("If-Range")
    if if_range is not None and not if_range_matches(if_range, representation):
        return whole
    span = _satisfiable_span(range_value, len(content))
    if span is None:
        return whole  # not a single valid byte range: ignored
    if not span:
        return Answer(416, (("Content-Range", f"bytes */{len(content)}"),), b"")
    first, last = span.start, span.stop - 1
    return Answer(
        206,
        (*base, ("Content-Range", f"bytes {first}-{last}/{len(content)}")),
        content[first : last + 1],
    )


def if_range_matches(value: str, representation: Representation) -> bool:
    """Whether an If-Range value lets the range be served (RFC 9110 13.1.5)."""
    value = value.strip()
    if value.startswith(('"', "W/")):
        etag = representation.etag
        return (
            etag is not None
            and not etag.startswith("W/")
            and not value.startswith("W/")
            and value == etag
        )
    modified = representation.last_modified
    if modified is None:
        return False
    try:
        date = parsedate_to_datetime(value)
    except TypeError, ValueError:
        return False
    if date.tzinfo is None:
        return False  # an HTTP-date is always GMT; a date without a zone is no HTTP-date
    return date == modified.replace(microsecond=0)


def _satisfiable_span(value: str, length: int) -> range | None:
    """The byte positions of a single byte range (empty: unsatisfiable); None: to be ignored."""
    match = _SINGLE_RANGE.fullmatch(value.strip())
    if match is None:
        return None
    first_text, last_text, suffix_text = match.groups()
    if suffix_text is not None:
        return range(max(0, length - int(suffix_text)), length)  # `-0` and length 0: empty
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # 14.1.1: a range whose last position is below its first is invalid
    last = min(int(last_text), length - 1) if last_text else length - 1
    return range(first, last + 1)  # empty when it starts at or after the end


def http_date(moment: datetime) -> str:
    """The IMF-fixdate form of `moment` (`Sun, 06 Nov 1994 08:49:37 GMT`)."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


@dataclass(frozen=True, slots=True)
class ServedRequest:
    """One request a resource received, and what went back."""

    method: str
    range: str | None
    if_range: str | None
    status: int
    body_bytes: int
    """Body bytes written to the connection (fewer than the body when the client went away)."""


def _epoch_now() -> datetime:
    # A day back: every version's Last-Modified then lies well before any response's Date.
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


@dataclass
class Resource:
    """A resource on the server; tests change it and read what it served."""

    path: str
    representation: Representation
    ranges: RangeSupport = RangeSupport.BYTES
    etag_kind: EtagKind = "strong"
    with_last_modified: bool = True
    length_announced: bool = True
    version: int = 1
    requests: list[ServedRequest] = field(default_factory=list)
    _epoch: datetime = field(default_factory=_epoch_now, repr=False)
    _changes: dict[int, bytes] = field(default_factory=dict, repr=False)

    @property
    def content(self) -> bytes:
        """The bytes the resource has now."""
        return self.representation.content

    @property
    def bytes_served(self) -> int:
        """Body bytes written for every request so far."""
        return sum(request.body_bytes for request in self.requests)

    def replace(self, content: bytes) -> None:
        """Change the resource now: new bytes, a new ETag and a later Last-Modified."""
        self.version += 1
        self.representation = _representation(
            content,
            self.version,
            self.etag_kind,
            self.with_last_modified,
            self._epoch,
            length_announced=self.length_announced,
        )

    def replace_on_request(self, number: int, content: bytes) -> None:
        """Change the resource just before its `number`-th request (counting from 1) is answered."""
        if number <= len(self.requests):
            raise ValueError(f"request {number} has been answered already")
        self._changes[number] = content

    def answer(self, method: str, headers: Mapping[str, str]) -> Answer:
        """Apply a change due now, then answer (the caller records what was written)."""
        due = self._changes.pop(len(self.requests) + 1, None)
        if due is not None:
            self.replace(due)
        return answer(self.representation, method, headers, ranges=self.ranges)


def _representation(
    content: bytes,
    version: int,
    etag_kind: EtagKind,
    with_last_modified: bool,
    epoch: datetime,
    *,
    length_announced: bool,
) -> Representation:
    tag = f'"v{version}-{hashlib.sha256(content).hexdigest()[:16]}"'
    etag = {"strong": tag, "weak": f"W/{tag}", "none": None}[etag_kind]
    modified = epoch + timedelta(seconds=version) if with_last_modified else None
    return Representation(content, etag, modified, length_announced)


class ResourceServer:
    """Serves `Resource`s on 127.0.0.1 (or mounts them in another app via `app()`).

    ::

        async with ResourceServer() as server:
            item = server.add("/big.bin", data)
            await server.start()
            url = server.url("/big.bin")
            ...
            item.replace(other_data)          # the next request sees a new version
            assert item.requests[-1].status == 206
    """

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self._runner: web.AppRunner | None = None
        self._base: str | None = None

    def add(
        self,
        path: str,
        content: bytes,
        *,
        etag: EtagKind = "strong",
        last_modified: bool = True,
        ranges: RangeSupport = RangeSupport.BYTES,
        length_announced: bool = True,
    ) -> Resource:
        """Put a resource at `path` (version 1)."""
        if not path.startswith("/"):
            raise ValueError("a resource path starts with /")
        resource = Resource(
            path,
            Representation(b""),
            ranges=ranges,
            etag_kind=etag,
            with_last_modified=last_modified,
            length_announced=length_announced,
            version=0,
        )
        resource.replace(content)
        self.resources[path] = resource
        return resource

    def app(self) -> web.Application:
        """An aiohttp application serving the resources (any path not added is a 404)."""
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen (port 0 picks a free one) and return the base URL."""
        if self._runner is not None:
            raise RuntimeError("already started")
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        bound = runner.addresses[0][1]
        self._base = f"http://{host}:{bound}"
        return self._base

    def url(self, path: str) -> str:
        """The full URL of `path` on the running server."""
        if self._base is None:
            raise RuntimeError("server not started")
        return self._base + path

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        resource = self.resources.get(request.path)
        if resource is None:
            raise web.HTTPNotFound
        reply = resource.answer(request.method, request.headers)
        written = 0
        try:
            response = web.StreamResponse(status=reply.status, headers=list(reply.headers))
            if reply.chunked:
                response.enable_chunked_encoding()
            elif request.method.upper() == "HEAD":
                if resource.length_announced:
                    response.content_length = len(resource.content)
            else:
                response.content_length = len(reply.body)
            await response.prepare(request)
            for start in range(0, len(reply.body), _WRITE_PIECE):
                piece = reply.body[start : start + _WRITE_PIECE]
                await response.write(piece)
                written += len(piece)
            await response.write_eof()
            return response
        finally:
            resource.requests.append(
                ServedRequest(
                    request.method.upper(),
                    request.headers.get("Range"),
                    request.headers.get("If-Range"),
                    reply.status,
                    written,
                )
            )
