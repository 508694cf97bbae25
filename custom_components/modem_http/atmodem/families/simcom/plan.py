"""Turning one HTTP request into SIMCom AT+HTTPPARA values, checked in full before anything is sent.

Every field is checked against the manual (seed manual 002, AT+HTTPPARA) and turned into the
parameters it needs: Content-Type, Accept and User-Agent have parameters of their own, every other
header goes into USERDATA, a byte range into BREAK/BREAKEND. The URL, the timeouts and the SSL
context are added when the request is sent (the timeouts depend on what is left of the caller's
time then).
"""

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from ...errors import RequestRejected
from ...request import HttpRequest
from ...validation import check_file_name, check_header, check_range, check_text, check_url
from ..base import Limits

METHOD_CODES: Final = {"GET": 0, "POST": 1, "HEAD": 2, "DELETE": 3}
"""AT+HTTPACTION=<method>: 0 GET, 1 POST, 2 HEAD, 3 DELETE (`+HTTPACTION: (0-3)`)."""

LIMITS: Final = Limits(
    methods=frozenset(METHOD_CODES),
    max_body=153600,  # AT+HTTPDATA <size> is 1-153600 bytes
    # The manual gives no URL limit; 4000 keeps the whole `AT+HTTPPARA="URL","..."` line within
    # the 4 KiB command line SIMCom firmware buffers (an assumption, not a documented figure).
    max_url=4000,
    max_file_name=64,  # HTTPPOSTFILE / HTTPREADFILE <filename>: max length 64
    ssl_contexts=(0, 9),  # AT+HTTPPARA="SSLCFG",<sslcfg_id>: 0-9, default 0
    default_ssl_context=0,
)

MAX_FIELD: Final = 256
"""CONTENT, ACCEPT and UA: string, max length 256."""
MAX_USERDATA: Final = 512
"""USERDATA (custom headers): string, max length 512."""
USERDATA_SEPARATOR: Final = "\\r\\n"
"""Four characters, backslash r backslash n: a real CR/LF would end the AT command, so SIMCom
firmware takes this escape between custom headers (seen in public code for SIM800 and A7670
sending `AT+HTTPPARA="USERDATA","Name: v\\r\\nOther: w"`)."""
MAX_BREAK: Final = 2**31 - 1

_MAPPED_HEADERS: Final = {"content-type": "CONTENT", "accept": "ACCEPT", "user-agent": "UA"}
_FORBIDDEN_HEADERS: Final = {
    "content-length": "the modem sets Content-Length from the body itself",
    "transfer-encoding": "the modem frames the body itself",
}


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL: what AT+HTTPPARA="URL" gets, and whether it needs the SSL context."""

    url: str
    https: bool


@dataclass(frozen=True, slots=True)
class Checked:
    """A request turned into what will be sent (the URL, timeouts and SSL context aside)."""

    method: str
    method_code: int
    target: Target
    parameters: dict[str, str]
    """AT+HTTPPARA tag -> value as written (`"text/plain"` quoted, `5` bare)."""
    body: bytes | None


def check_target(url: str) -> Target:
    """A URL the module can take, without credentials (they would go out in clear)."""
    check_url(url, max_length=LIMITS.max_url)
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise RequestRejected("url", "must not carry credentials; use an Authorization header")
    return Target(url, parts.scheme.lower() == "https")


def check_module_file(file_name: str) -> str:
    """A file name for HTTPPOSTFILE / HTTPREADFILE (a plain name: the path is a number)."""
    return check_file_name("file_name", file_name, max_length=LIMITS.max_file_name)


def check_request(request: HttpRequest) -> Checked:
    """Check every field against the manual and build the HTTPPARA values (or RequestRejected)."""
    method = request.method
    if method not in METHOD_CODES:
        allowed = ", ".join(sorted(METHOD_CODES))
        raise RequestRejected("method", f"the simcom dialect can send {allowed}, not {method}")
    target = check_target(request.url)
    headers = request.headers
    if request.if_range is not None:
        if '"' in request.if_range:
            raise RequestRejected(
                "if_range", "an entity-tag's quotes would end the quoted USERDATA parameter"
            )
        if any(name.lower() == "if-range" for name, _ in headers if isinstance(name, str)):
            raise RequestRejected("if_range", "is given both as a field and as a header")
        headers = (*headers, ("If-Range", request.if_range))
    parameters = _header_parameters(headers, request.content_type)
    parameters |= _range_parameters(method, request.byte_range)
    body = request.body
    if body:
        if method != "POST":
            raise RequestRejected("body", "only POST can carry a body in the simcom dialect")
        if len(body) > LIMITS.max_body:
            raise RequestRejected(
                "body", f"is {len(body)} bytes; AT+HTTPDATA takes at most {LIMITS.max_body}"
            )
        body = bytes(body)
    else:
        body = None
    return Checked(method, METHOD_CODES[method], target, parameters, body)


def _header_parameters(
    headers: tuple[tuple[str, str], ...], content_type: str | None
) -> dict[str, str]:
    """Content-Type/Accept/User-Agent go to their own parameters, the rest to USERDATA."""
    mapped: dict[str, str] = {}
    custom: list[str] = []
    for name, value in headers:
        if not isinstance(name, str) or not isinstance(value, str):
            raise RequestRejected("headers", "names and values must be strings")
        check_header(name, value)
        key = name.lower()
        if key in _FORBIDDEN_HEADERS:
            raise RequestRejected("headers", f"{name}: {_FORBIDDEN_HEADERS[key]}")
        if key in _MAPPED_HEADERS:
            parameter = _MAPPED_HEADERS[key]
            if parameter in mapped:
                raise RequestRejected("headers", f"{name} is given more than once")
            mapped[parameter] = check_text(name, value, max_length=MAX_FIELD)
            continue
        if "\\" in name or "\\" in value:
            # The modem turns backslash escapes in USERDATA into CR/LF: a backslash could
            # smuggle a header line of its own.
            raise RequestRejected("headers", f"{name}: a backslash cannot be sent in USERDATA")
        custom.append(f"{name}: {value}")
    if content_type is not None:
        if "CONTENT" in mapped and mapped["CONTENT"] != content_type:
            raise RequestRejected("content_type", "differs from the Content-Type header")
        mapped["CONTENT"] = check_text("content_type", content_type, max_length=MAX_FIELD)
    parameters = {parameter: f'"{value}"' for parameter, value in mapped.items()}
    if custom:
        user_data = USERDATA_SEPARATOR.join(custom)
        if len(user_data) > MAX_USERDATA:
            raise RequestRejected(
                "headers",
                f"custom headers take {len(user_data)} characters in USERDATA; "
                f"the modem takes at most {MAX_USERDATA}",
            )
        parameters["USERDATA"] = f'"{user_data}"'
    return parameters


def _range_parameters(method: str, byte_range: tuple[int, int | None] | None) -> dict[str, str]:
    """BREAK/BREAKEND: both 0 disables; BREAKEND below BREAK means "from BREAK to the end"."""
    if byte_range is None:
        return {}
    if method != "GET":
        raise RequestRejected("byte_range", "the modem resumes transfers for GET only")
    first, last = byte_range
    check_range("byte_range", first, 0, MAX_BREAK)
    if last is None:
        if first == 0:
            return {}  # the whole body: no range at all
        return {"BREAK": str(first), "BREAKEND": "0"}
    check_range("byte_range", last, 0, MAX_BREAK)
    if last <= first:
        # Equal values are neither "to breakend" nor "to the end"; 0-0 disables resuming.
        raise RequestRejected("byte_range", "the last byte must be after the first")
    return {"BREAK": str(first), "BREAKEND": str(last)}


__all__ = [
    "LIMITS",
    "METHOD_CODES",
    "USERDATA_SEPARATOR",
    "Checked",
    "Target",
    "check_module_file",
    "check_request",
    "check_target",
]
