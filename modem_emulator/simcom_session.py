"""What SIMCom's HTTP service remembers between commands, and the request it makes for real.

Kept apart from the command handlers (simcom.py) so the rules of one HTTP session - parameter
defaults, the headers the module adds, how a far-end failure becomes a 7xx code - sit in one place.
"""

from dataclasses import dataclass, field
from typing import Final

from modem_emulator.far_end import (
    BadRawRequest,
    BadUrl,
    ConnectFailed,
    ConnectTimeout,
    DnsFailure,
    FailureTable,
    FarEndError,
    FarEndResponse,
    ReadTimeout,
    ResponseError,
    TlsFailure,
    failure_number,
    perform_request,
)
from modem_emulator.tls import TlsState

METHODS: Final[dict[int, str]] = {0: "GET", 1: "POST", 2: "HEAD", 3: "DELETE"}
CA_DIRECTORY: Final = 4
"""HTTPREADFILE path 4 = /mssl_cert/, where CA files for SSL verification go."""

# SIMCom 13.3.2 error numbers for each way the far end can fail (A76XX library header names them:
# 705 timeout, 706 receive/send socket data failed, 708 invalid parameter, 713 get DNS failed,
# 714 connect socket failed, 715 handshake failed).
FAILURE_CODES: Final[FailureTable] = (
    (DnsFailure, 713),
    (ConnectFailed, 714),
    (ConnectTimeout, 714),
    (TlsFailure, 715),
    (ReadTimeout, 705),
    (ResponseError, 706),
    (BadRawRequest, 708),
    (BadUrl, 708),
)
NO_NETWORK: Final = 717
FILE_ERROR: Final = 707


def failure_code(error: FarEndError) -> int:
    """The 7xx number the module prints for a far-end failure (702, unknown error, otherwise)."""
    return failure_number(error, FAILURE_CODES, 702)


@dataclass
class Parameters:
    """AT+HTTPPARA values with the manual's defaults; they live until AT+HTTPTERM."""

    url: str | None = None
    connect_timeout: int = 120
    receive_timeout: int = 10
    content_type: str = "text/plain"
    accept: str = "*/*"
    user_agent: str | None = None
    ssl_cfg: int = 0
    user_data: str = ""
    break_start: int = 0
    break_end: int = 0

    def headers(self, method: str) -> list[tuple[str, str]]:
        """What the module's own request carries besides Host and Content-Length."""
        headers: list[tuple[str, str]] = [("Accept", self.accept)]
        if self.user_agent:
            headers.append(("User-Agent", self.user_agent))
        if method == "POST":
            headers.append(("Content-Type", self.content_type))
        if method == "GET" and (range_value := self.range()) is not None:
            headers.append(("Range", range_value))
        headers.extend(user_data_headers(self.user_data))
        return headers

    def range(self) -> str | None:
        """BREAK/BREAKEND as a Range header: both 0 off, BREAKEND below BREAK means to the end."""
        if self.break_start == 0 and self.break_end == 0:
            return None
        if self.break_end < self.break_start:
            return f"bytes={self.break_start}-"
        return f"bytes={self.break_start}-{self.break_end}"


def user_data_headers(user_data: str) -> list[tuple[str, str]]:
    """The custom headers of USERDATA.

    The literal four characters `\\r\\n` separate headers (a real CR/LF cannot be inside a quoted
    AT argument); a trailing separator, as public sketches send, is allowed.
    """
    headers: list[tuple[str, str]] = []
    for line in user_data.replace("\\r\\n", "\n").replace("\\n", "\n").split("\n"):
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.append((name.strip(), value.strip()))
    return headers


@dataclass
class StoredResponse:
    """The last response, kept for AT+HTTPHEAD, AT+HTTPREAD and AT+HTTPREADFILE."""

    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes

    @classmethod
    def from_far_end(cls, response: FarEndResponse, *, keep_body: bool) -> StoredResponse:
        """Keep what HTTPHEAD/HTTPREAD will print (a HEAD response has no body to keep)."""
        return cls(
            response.status,
            response.reason,
            response.http_version,
            list(response.headers),
            response.body if keep_body else b"",
        )

    def head_block(self) -> bytes:
        """Status line and headers as received, then the blank line: what HTTPHEAD prints."""
        lines = [f"HTTP/{self.http_version} {self.status} {self.reason}".rstrip()]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


@dataclass
class HttpSession:
    """One AT+HTTPINIT .. AT+HTTPTERM session."""

    parameters: Parameters = field(default_factory=Parameters)
    post_data: bytes | None = None
    response: StoredResponse | None = None
    read_position: int = 0
    busy: bool = False


async def perform(
    session: HttpSession,
    tls: TlsState,
    method: str,
    *,
    body: bytes | None = None,
    raw_request: bytes | None = None,
) -> StoredResponse | int:
    """Make the request the session's parameters describe; a 7xx number when it fails."""
    parameters = session.parameters
    assert parameters.url is not None
    https = parameters.url.lower().startswith("https:")
    context = tls.ssl_context(parameters.ssl_cfg) if https else None
    try:
        response = await perform_request(
            method,
            parameters.url,
            parameters.headers(method),
            body,
            connect_timeout=parameters.connect_timeout,
            read_timeout=parameters.receive_timeout,
            ssl_context=context,
            raw_request=raw_request,
        )
    except FarEndError as err:
        return failure_code(err)
    return StoredResponse.from_far_end(response, keep_body=method != "HEAD")
