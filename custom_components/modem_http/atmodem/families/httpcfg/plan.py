"""Turning one HTTP request into what the AT+HTTPCFG family will be sent, checked in full first.

The family has two ways to send a request (seed manual 15.3/15.5, `requestheader`):
- body mode (`requestheader` 0): the module writes the request line and headers itself; the host
  sends only the URL and, for POST, the body. GET, ranged GET (HTTPGETEX) and POST only.
- raw mode (`requestheader` 1): the host sends the whole request, request line and headers
  included, and the module passes it through verbatim. That is how any method and any header can
  be sent: Quectel's own examples write `POST /path HTTP/1.1` by hand, and users send PUT, PATCH and
  DELETE the same way through AT+QHTTPPOST, since the module does not look at the request line.
  GET requests go through AT+HTTPGET (at most 2048 bytes), every other method through AT+HTTPPOST
  (at most 1,024,000 bytes).

Body mode is used whenever it can say everything the caller asked for (it costs the fewest bytes
and works on modules whose raw mode is limited); raw mode otherwise.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

from ...errors import RequestRejected
from ...request import HttpRequest
from ...validation import check_file_name, check_header, check_range, check_text, check_url
from ..base import Limits

METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
"""Body mode sends GET and POST; raw mode any method (the module does not read the request line)."""
MAX_GET_REQUEST: Final = 2048
"""AT+HTTPGET <data_length> 1-2048 (raw request, headers included)."""
MAX_POST: Final = 1_024_000
"""AT+HTTPPOST <data_length> 1-1024000."""
MAX_RANGE_VALUE: Final = 2**31 - 1

CONTENT_TYPE_CODES: Final[dict[str, int]] = {
    "application/x-www-form-urlencoded": 0,
    "text/plain": 1,
    "application/octet-stream": 2,
    "multipart/form-data": 3,
}
"""`contenttype` 0-3 (manual table 2); body mode can only say these four."""

STORAGE_PREFIXES: Final = ("UFS:", "RAM:", "EUFS:", "SD:")
"""Quectel file-system prefixes (`UFS:file.bin`); a bare name means UFS."""

_FORBIDDEN_HEADERS: Final = {
    "host": "the Host header is built from the URL (the module requires them to match)",
    "content-length": "Content-Length is computed from the body",
    "transfer-encoding": "the body is sent with a Content-Length",
}


class Command(StrEnum):
    """Which AT command carries the request."""

    GET = "GET"
    GETEX = "GETEX"
    POST = "POST"


@dataclass(frozen=True, slots=True)
class HttpcfgPlan:
    """A request, checked and turned into commands and bytes before anything is sent."""

    method: str
    url: str
    command: Command
    raw: bool
    """True: `requestheader` 1 and `payload` is the whole HTTP request."""
    payload: bytes | None
    """What follows CONNECT: the body (body mode) or the raw request; None for a plain GET."""
    content_type_code: int | None = None
    get_range: tuple[int, int] | None = None
    """HTTPGETEX (start, length)."""
    body_length: int = 0
    """Bytes of the caller's body (what HttpResponse.bytes_sent reports)."""
    without_content_type: HttpcfgPlan | None = None
    """The raw-mode plan for a module that refuses `contenttype`."""

    @property
    def expects_body(self) -> bool:
        """A HEAD response has headers only, whatever its Content-Length says."""
        return self.method != "HEAD"


def limits(*, default_ssl_context: int) -> Limits:
    """The family's limits (seed manual 000); the default SSL context differs by vendor."""
    return Limits(
        methods=METHODS,
        max_body=MAX_POST,
        max_url=2048,  # AT+HTTPURL <URL_length> 1-2048
        max_file_name=80,  # <file_name> at most 80 bytes
        ssl_contexts=(0, 5),  # `sslctxid` 0-5
        default_ssl_context=default_ssl_context,
    )


LIMITS: Final = limits(default_ssl_context=2)
"""The seed manual's note says its module needs context 2 for HTTPS."""


def plan_request(request: HttpRequest) -> HttpcfgPlan:
    """Check every field and choose body or raw mode; raises RequestRejected.

    A POST that body mode can send only with a `contenttype` the module may refuse (the seed
    module does) carries the raw-mode plan to fall back on, checked now as well.
    """
    plan = _plan(request, content_type_supported=True)
    if plan.content_type_code is not None:
        return replace(plan, without_content_type=_plan(request, content_type_supported=False))
    return plan


def _plan(request: HttpRequest, *, content_type_supported: bool) -> HttpcfgPlan:
    method = request.method
    if method not in METHODS:
        raise RequestRejected("method", f"{method} is not an HTTP method the modems know")
    url = check_request_url(request.url)
    headers = _checked_headers(request.headers)
    if request.if_range is not None:
        # Checked against its grammar (validation.check_if_range); it goes out in the raw
        # request, never inside a quoted AT argument, so an entity-tag's quotes are safe.
        if any(name.lower() == "if-range" for name, _ in headers):
            raise RequestRejected("if_range", "is given both as a field and as a header")
        headers = (*headers, ("If-Range", request.if_range))
    content_type = request.content_type
    if content_type is not None:
        check_text("content_type", content_type, max_length=256, allow_empty=False)
        if any(name.lower() == "content-type" for name, _ in headers):
            raise RequestRejected("content_type", "is given both as a field and as a header")
    body = _checked_body(method, request.body)
    get_range, range_header = _checked_range(method, request.byte_range, headers)

    if method == "GET" and not headers and content_type is None:
        if get_range is not None:
            return HttpcfgPlan(method, url, Command.GETEX, False, None, get_range=get_range)
        if range_header is None:
            return HttpcfgPlan(method, url, Command.GET, False, None)
    if method == "POST" and not headers and body:
        code = _body_mode_content_type(content_type, supported=content_type_supported)
        if content_type is None or code is not None:
            return HttpcfgPlan(
                method,
                url,
                Command.POST,
                False,
                body,
                content_type_code=code,
                body_length=len(body),
            )

    if range_header is not None:
        headers = (*headers, ("Range", range_header))
    raw = build_raw_request(method, url, headers, body, content_type)
    if method == "GET":
        if len(raw) > MAX_GET_REQUEST:
            raise RequestRejected(
                "headers",
                f"the GET request with its headers is {len(raw)} bytes; "
                f"the modem takes at most {MAX_GET_REQUEST}",
            )
        return HttpcfgPlan(method, url, Command.GET, True, raw)
    body_length = len(body or b"")
    if len(raw) > MAX_POST:
        raise RequestRejected(
            "body",
            f"the request with its headers is {len(raw)} bytes; the modem takes at most {MAX_POST}",
        )
    return HttpcfgPlan(method, url, Command.POST, True, raw, body_length=body_length)


def check_request_url(url: str) -> str:
    """An http(s) URL of at most 2048 bytes without credentials (they would be sent in clear)."""
    if not isinstance(url, str):
        raise RequestRejected("url", "must be a string")
    check_url(url, max_length=LIMITS.max_url)
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise RequestRejected("url", "must not carry credentials; use an Authorization header")
    return url


def check_modem_file_name(name: str) -> str:
    """A module file name, optionally with a storage prefix such as `UFS:`; at most 80 bytes."""
    if not isinstance(name, str):
        raise RequestRejected("file_name", "must be a string")
    check_text("file_name", name, max_length=LIMITS.max_file_name, allow_empty=False)
    bare = name
    for prefix in STORAGE_PREFIXES:
        if name.upper().startswith(prefix):
            bare = name[len(prefix) :]
            break
    check_file_name("file_name", bare, max_length=LIMITS.max_file_name)
    return name


def build_raw_request(
    method: str,
    url: str,
    headers: tuple[tuple[str, str], ...],
    body: bytes | None,
    content_type: str | None,
) -> bytes:
    """`METHOD /path?query HTTP/1.1`, Host from the URL, the caller's headers, Content-Length.

    Content-Length is written whenever there is a body, and for POST/PUT/PATCH even when empty,
    because servers answer 411 to a bodiless POST without it.
    """
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    host = parts.netloc.rpartition("@")[2]
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    head = "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("ascii") + (body or b"")


def _checked_headers(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    checked: list[tuple[str, str]] = []
    for item in headers:
        if not isinstance(item, tuple) or len(item) != 2:
            raise RequestRejected("headers", "must be name/value pairs")
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise RequestRejected("headers", "names and values must be strings")
        check_header(name, value)
        reason = _FORBIDDEN_HEADERS.get(name.lower())
        if reason is not None:
            raise RequestRejected("headers", f"{name}: {reason}")
        checked.append((name, value))
    return tuple(checked)


def _checked_body(method: str, body: bytes | None) -> bytes | None:
    if body is None:
        return None
    if not isinstance(body, bytes | bytearray | memoryview):
        raise RequestRejected("body", "must be bytes")
    data = bytes(body)
    if method in ("GET", "HEAD") and data:
        raise RequestRejected("body", f"a {method} request cannot carry a body")
    if len(data) > MAX_POST:
        raise RequestRejected("body", f"is {len(data)} bytes; the modem takes at most {MAX_POST}")
    return data


def _checked_range(
    method: str,
    byte_range: tuple[int, int | None] | None,
    headers: tuple[tuple[str, str], ...],
) -> tuple[tuple[int, int] | None, str | None]:
    """A closed range becomes HTTPGETEX (start, length); an open one a Range header."""
    if byte_range is None:
        return None, None
    if method != "GET":
        raise RequestRejected("byte_range", "only GET requests can ask for a range")
    if any(name.lower() == "range" for name, _ in headers):
        raise RequestRejected("byte_range", "is given both as a field and as a Range header")
    if not isinstance(byte_range, tuple) or len(byte_range) != 2:
        raise RequestRejected("byte_range", "must be (first, last) with last inclusive or None")
    first, last = byte_range
    check_range("byte_range", first, 0, MAX_RANGE_VALUE)
    if last is None:
        return None, f"bytes={first}-"
    check_range("byte_range", last, first, MAX_RANGE_VALUE)
    return (first, last - first + 1), f"bytes={first}-{last}"


def _body_mode_content_type(content_type: str | None, *, supported: bool) -> int | None:
    if content_type is None or not supported:
        return None
    return CONTENT_TYPE_CODES.get(content_type.strip().lower())
