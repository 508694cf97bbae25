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
from ...validation import check_file_name, check_url
from ..base import Limits
from ..httppara import (
    HttpparaRules,
    header_parameters,
    headers_with_if_range,
    httpdata_body,
    range_parameters,
)

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

HTTPPARA_RULES: Final = HttpparaRules(
    mapped_headers={"content-type": "CONTENT", "accept": "ACCEPT", "user-agent": "UA"},
    max_field=MAX_FIELD,
    max_userdata=MAX_USERDATA,
    userdata_bound=f"the modem takes at most {MAX_USERDATA}",
)


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
    headers = headers_with_if_range(request)
    parameters = header_parameters(headers, request.content_type, HTTPPARA_RULES)
    parameters |= range_parameters(method, request.byte_range)
    body = httpdata_body(method, request.body, LIMITS.max_body, "simcom")
    return Checked(method, METHOD_CODES[method], target, parameters, body)


__all__ = [
    "LIMITS",
    "METHOD_CODES",
    "Checked",
    "Target",
    "check_module_file",
    "check_request",
    "check_target",
]
