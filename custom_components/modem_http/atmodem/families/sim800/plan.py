"""Turning one HTTP request into SIM800 AT+HTTPPARA values, checked in full before anything is sent.

The limits are the SIM800 Series AT Command Manual V1.09's: AT+HTTPACTION knows GET, POST and HEAD
(0-2); AT+HTTPDATA takes 1-319488 bytes; a command line is at most 556 characters (manual 1.4.4),
which bounds the URL and the custom headers, since each goes out in one AT+HTTPPARA line. The
module has no AT+HTTPPARA tag for Accept (the manual lists CID, URL, UA, PROXY, PROXYPORT, REDIR,
BREAK, BREAKEND, TIMEOUT, CONTENT, USERDATA), so every header but Content-Type and User-Agent goes
into USERDATA. The module's TLS never verifies the server, has one context, and its firmware has no
file system for HTTP: there is no SSL context to pick and no module file to post or download into.
"""

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from ...errors import RequestRejected
from ...request import HttpRequest
from ...validation import check_header, check_range, check_text, check_url
from ..base import Limits

METHOD_CODES: Final = {"GET": 0, "POST": 1, "HEAD": 2}
"""AT+HTTPACTION=<method>: 0 GET, 1 POST, 2 HEAD."""
COMMAND_LINE: Final = 556
"""The longest command line the module takes (manual 1.4.4)."""
_URL_LINE: Final = len('AT+HTTPPARA="URL",""')
_USERDATA_LINE: Final = len('AT+HTTPPARA="USERDATA",""')

LIMITS: Final = Limits(
    methods=frozenset(METHOD_CODES),
    max_body=319488,  # AT+HTTPDATA <size>: 1-319488 bytes
    max_url=COMMAND_LINE - _URL_LINE,
    max_file_name=0,  # no file system the HTTP commands can use
    ssl_contexts=(0, 0),  # one fixed TLS setup, switched on with AT+HTTPSSL=1
    default_ssl_context=0,
)

MAX_FIELD: Final = COMMAND_LINE - len('AT+HTTPPARA="CONTENT",""')
"""CONTENT and UA: the manual gives no length of their own; the command line bounds them."""
MAX_USERDATA: Final = COMMAND_LINE - _USERDATA_LINE
USERDATA_SEPARATOR: Final = "\\r\\n"
"""The four characters backslash r backslash n between custom headers in USERDATA (public SIM800
sketches send `AT+HTTPPARA="USERDATA","Authorization: Basic ...\\r\\nX: y"`): a real CR/LF would
end the command."""
MAX_BREAK: Final = 2**31 - 1

_MAPPED_HEADERS: Final = {"content-type": "CONTENT", "user-agent": "UA"}
_FORBIDDEN_HEADERS: Final = {
    "content-length": "the modem sets Content-Length from the body itself",
    "transfer-encoding": "the modem frames the body itself",
}


@dataclass(frozen=True, slots=True)
class Checked:
    """A request turned into what will be sent (CID, URL, timeout and HTTPSSL aside)."""

    method: str
    method_code: int
    url: str
    https: bool
    parameters: dict[str, str]
    """AT+HTTPPARA tag -> value as written (`"text/plain"` quoted, `5` bare)."""
    body: bytes | None


def check_request(request: HttpRequest) -> Checked:
    """Check every field against the manual and build the HTTPPARA values (or RequestRejected)."""
    method = request.method
    if method not in METHOD_CODES:
        allowed = ", ".join(sorted(METHOD_CODES))
        raise RequestRejected("method", f"the sim800 dialect can send {allowed}, not {method}")
    url = check_url(request.url, max_length=LIMITS.max_url)
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise RequestRejected("url", "must not carry credentials; use an Authorization header")
    headers = request.headers
    if request.if_range is not None:
        # USERDATA is a quoted AT string: an entity-tag's quotes would end it (a date has none).
        if '"' in request.if_range:
            raise RequestRejected(
                "if_range", "an entity-tag's quotes would end the quoted USERDATA parameter"
            )
        if any(name.lower() == "if-range" for name, _ in headers if isinstance(name, str)):
            raise RequestRejected("if_range", "is given both as a field and as a header")
        headers = (*headers, ("If-Range", request.if_range))
    parameters = _header_parameters(headers, request.content_type)
    parameters |= _range_parameters(method, request.byte_range)
    body = bytes(request.body) if request.body else None
    if body is not None:
        if method != "POST":
            raise RequestRejected("body", "only POST can carry a body in the sim800 dialect")
        if len(body) > LIMITS.max_body:
            raise RequestRejected(
                "body", f"is {len(body)} bytes; AT+HTTPDATA takes at most {LIMITS.max_body}"
            )
    https = parts.scheme.lower() == "https"
    return Checked(method, METHOD_CODES[method], url, https, parameters, body)


def _header_parameters(
    headers: tuple[tuple[str, str], ...], content_type: str | None
) -> dict[str, str]:
    """Content-Type and User-Agent go to their own parameters, the rest to USERDATA."""
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
            # The module turns backslash escapes in USERDATA into line breaks: a backslash
            # could smuggle a header line of its own.
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
                f"the modem's command line leaves room for {MAX_USERDATA}",
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
            return {}
        return {"BREAK": str(first), "BREAKEND": "0"}
    check_range("byte_range", last, 0, MAX_BREAK)
    if last <= first:
        raise RequestRejected("byte_range", "the last byte must be after the first")
    return {"BREAK": str(first), "BREAKEND": str(last)}


__all__ = ["LIMITS", "METHOD_CODES", "Checked", "check_request"]
