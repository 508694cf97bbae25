"""One HTTP request as SIM7070/SIM7080 AT+SH* commands, checked in full before anything is sent.

The module keeps one connection to one server: AT+SHCONF takes scheme, host and port (at most 64
bytes: SIM7000 AT manual's AT+SHCONF as copied on momoiot.co.kr; botletics/SIM7000-LTE-Shield issue
#149 and LilyGo-Modem-Series issue #368 report longer ones refused), and each AT+SHREQ names a
path on it. So a URL is split here into the connection it needs and the path it asks for.

Limits (docs/families/sim800_sim7080.md, 2.9): AT+SHREQ types 1 GET, 2 PUT, 3 POST, 4 PATCH, 5
HEAD (no DELETE); a request body is at most BODYLEN, 4096 bytes on SIM7080 firmware (public drivers
set it "to the max values"); request headers together at most HEADERLEN, 350, counted as
`name: value` plus CR LF (the emulator's reading of the manual). The module adds only Host and
Content-Length of its own, so every header the caller gives goes out with AT+SHAHEAD, Content-Type
and a byte range (`Range: bytes=a-b`, as a public OTA downloader for this module does) included.
"""

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from ...errors import RequestRejected
from ...request import HttpRequest
from ...validation import check_header, check_range, check_text, check_url
from ..base import Limits

METHOD_CODES: Final = {"GET": 1, "PUT": 2, "POST": 3, "PATCH": 4, "HEAD": 5}
"""AT+SHREQ="<path>",<type>."""
BODY_METHODS: Final = frozenset({"PUT", "POST", "PATCH"})
MAX_BASE_URL: Final = 64
"""AT+SHCONF="URL": scheme, host and port, at most 64 bytes."""
MAX_PATH: Final = 1024
"""The path and query of AT+SHREQ. No source gives a figure; this is the bound the emulator
takes, an assumption to confirm on hardware."""
MAX_HEADERS: Final = 350
"""AT+SHCONF="HEADERLEN": at most 350 (manual)."""

LIMITS: Final = Limits(
    methods=frozenset(METHOD_CODES),
    max_body=4096,  # AT+SHCONF="BODYLEN": at most 4096 on SIM7080 firmware
    max_url=MAX_BASE_URL + MAX_PATH,
    max_file_name=64,  # certificate files: the SSL commands' name, as every family takes
    ssl_contexts=(0, 5),  # `+SHSSL: (0-5)` (manual)
    default_ssl_context=1,
)

_FORBIDDEN_HEADERS: Final = {
    "content-length": "the modem sets Content-Length from the body itself",
    "transfer-encoding": "the modem frames the body itself",
    "host": "the modem sets Host from the URL itself",
}


@dataclass(frozen=True, slots=True)
class Server:
    """What AT+SHCONF="URL" names: the one server the module's connection goes to."""

    url: str
    """`scheme://host[:port]`, the port always given (some 1951 firmware does not infer it)."""
    host: str
    https: bool


@dataclass(frozen=True, slots=True)
class Checked:
    """A request turned into what will be sent."""

    method: str
    method_code: int
    server: Server
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None


def check_request(request: HttpRequest) -> Checked:
    """Check every field against the module's limits (RequestRejected) and split the URL."""
    method = request.method
    if method not in METHOD_CODES:
        allowed = ", ".join(sorted(METHOD_CODES))
        raise RequestRejected("method", f"the sim7080 dialect can send {allowed}, not {method}")
    server, path = split_url(request.url)
    headers = _headers(request.headers, request.content_type)
    headers += _range_header(method, request.byte_range)
    headers += _if_range_header(request)
    size = sum(len(name) + len(value) + 4 for name, value in headers)
    if size > MAX_HEADERS:
        raise RequestRejected(
            "headers", f"take {size} bytes; the module's HEADERLEN is at most {MAX_HEADERS}"
        )
    body = bytes(request.body) if request.body else None
    if body is not None:
        if method not in BODY_METHODS:
            raise RequestRejected("body", f"{method} cannot carry a body in the sim7080 dialect")
        if len(body) > LIMITS.max_body:
            raise RequestRejected(
                "body", f"is {len(body)} bytes; the module's BODYLEN is at most {LIMITS.max_body}"
            )
    return Checked(method, METHOD_CODES[method], server, path, headers, body)


def split_url(url: str) -> tuple[Server, str]:
    """The server AT+SHCONF names and the path AT+SHREQ asks for (RequestRejected if too long)."""
    check_url(url, max_length=LIMITS.max_url)
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise RequestRejected("url", "must not carry credentials; use an Authorization header")
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    shown_host = f"[{host}]" if ":" in host else host
    base = f"{scheme}://{shown_host}:{port}"
    if len(base) > MAX_BASE_URL:
        raise RequestRejected(
            "url",
            f"names a server of {len(base)} characters (scheme, host and port); the module's "
            f"AT+SHCONF takes at most {MAX_BASE_URL}",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    check_text("url", path, max_length=MAX_PATH)
    return Server(base, host, scheme == "https"), path


def _headers(
    headers: tuple[tuple[str, str], ...], content_type: str | None
) -> tuple[tuple[str, str], ...]:
    checked: list[tuple[str, str]] = []
    given_type: str | None = None
    for name, value in headers:
        if not isinstance(name, str) or not isinstance(value, str):
            raise RequestRejected("headers", "names and values must be strings")
        check_header(name, value)
        key = name.lower()
        if key in _FORBIDDEN_HEADERS:
            raise RequestRejected("headers", f"{name}: {_FORBIDDEN_HEADERS[key]}")
        if key == "content-type":
            if given_type is not None:
                raise RequestRejected("headers", f"{name} is given more than once")
            given_type = value
        checked.append((name, value))
    if content_type is not None:
        check_text("content_type", content_type, max_length=MAX_HEADERS)
        if given_type is None:
            checked.append(("Content-Type", content_type))
        elif given_type != content_type:
            raise RequestRejected("content_type", "differs from the Content-Type header")
    return tuple(checked)


def _range_header(
    method: str, byte_range: tuple[int, int | None] | None
) -> tuple[tuple[str, str], ...]:
    if byte_range is None:
        return ()
    if method != "GET":
        raise RequestRejected("byte_range", "the modem resumes transfers for GET only")
    first, last = byte_range
    check_range("byte_range", first, 0, 2**63 - 1)
    if last is None:
        return () if first == 0 else (("Range", f"bytes={first}-"),)
    check_range("byte_range", last, 0, 2**63 - 1)
    if last <= first:
        raise RequestRejected("byte_range", "the last byte must be after the first")
    return (("Range", f"bytes={first}-{last}"),)


def _if_range_header(request: HttpRequest) -> tuple[tuple[str, str], ...]:
    """If-Range as a header of its own, so the server sends the whole of a changed resource.

    The module reports no response headers, so nothing after the answer could tell two versions
    apart: the validator has to go with the request. AT+SHAHEAD takes it as a quoted AT string,
    where an entity-tag's quotes would end it; a date has none.
    """
    if request.if_range is None:
        return ()
    if '"' in request.if_range:
        raise RequestRejected(
            "if_range", "an entity-tag's quotes would end AT+SHAHEAD's quoted value; give a date"
        )
    if any(name.lower() == "if-range" for name, _ in request.headers if isinstance(name, str)):
        raise RequestRejected("if_range", "is given both as a field and as a header")
    return (("If-Range", request.if_range),)


__all__ = ["BODY_METHODS", "LIMITS", "METHOD_CODES", "Checked", "Server", "check_request"]
