"""The result of an HTTP request made by the modem, and parsing of raw response headers."""

from dataclasses import dataclass, field

from multidict import CIMultiDict, CIMultiDictProxy


def _empty_headers() -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict())


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """Status, headers (case-insensitive; empty where the modem cannot give them) and body."""

    status: int
    body: bytes = b""
    headers: CIMultiDictProxy[str] = field(default_factory=_empty_headers)
    reason: str = ""
    content_length: int | None = None
    """The length the modem announced (it may differ from len(body) for HEAD or ranged reads)."""
    elapsed: float = 0.0
    """Seconds the request had the modem: from its first command to the end of the response."""
    queued: float = 0.0
    """Seconds it waited before that, while the modem was busy with other operations."""
    bytes_sent: int = 0
    resumes: int = 0
    """Requests a download made after cuts to get the rest (0: it went through in one)."""

    @property
    def ok(self) -> bool:
        """True for 2xx statuses."""
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class ParsedHead:
    """A status line and header block as the server sent them."""

    status: int
    reason: str
    headers: CIMultiDictProxy[str]


def parse_response_head(raw: bytes) -> ParsedHead:
    """Parse `HTTP/1.1 200 OK` and the header lines after it (up to the blank line).

    Modems hand the header block over verbatim (SIMCom AT+HTTPHEAD, Quectel responseheader=1);
    lines may end in CRLF or LF, and folded continuation lines are joined.
    """
    text = raw.decode("latin-1")
    lines = text.replace("\r\n", "\n").split("\n")
    status, reason = 0, ""
    headers: CIMultiDict[str] = CIMultiDict()
    last_name: str | None = None
    for index, line in enumerate(lines):
        if index == 0 and line.startswith("HTTP/"):
            parts = line.split(" ", 2)
            if len(parts) >= 2 and parts[1].isdigit():
                status = int(parts[1])
            reason = parts[2].strip() if len(parts) == 3 else ""
            continue
        if not line.strip():
            if index > 0:
                break
            continue
        if line[0] in " \t" and last_name is not None:
            values = headers.getall(last_name)
            headers.popall(last_name)
            for value in values[:-1]:
                headers.add(last_name, value)
            headers.add(last_name, f"{values[-1]} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        last_name = name.strip()
        headers.add(last_name, value.strip())
    return ParsedHead(status, reason, CIMultiDictProxy(headers))
