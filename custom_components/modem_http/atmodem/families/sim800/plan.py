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
from ...validation import check_url
from ..base import Limits
from ..httppara import (
    HttpparaRules,
    header_parameters,
    headers_with_if_range,
    httpdata_body,
    range_parameters,
)

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

HTTPPARA_RULES: Final = HttpparaRules(
    # No ACCEPT tag on this module: Accept goes into USERDATA with the other headers.
    mapped_headers={"content-type": "CONTENT", "user-agent": "UA"},
    max_field=MAX_FIELD,
    max_userdata=MAX_USERDATA,
    userdata_bound=f"the modem's command line leaves room for {MAX_USERDATA}",
)


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
    headers = headers_with_if_range(request)
    parameters = header_parameters(headers, request.content_type, HTTPPARA_RULES)
    parameters |= range_parameters(method, request.byte_range)
    body = httpdata_body(method, request.body, LIMITS.max_body, "sim800")
    https = parts.scheme.lower() == "https"
    return Checked(method, METHOD_CODES[method], url, https, parameters, body)


__all__ = ["LIMITS", "METHOD_CODES", "Checked", "check_request"]
