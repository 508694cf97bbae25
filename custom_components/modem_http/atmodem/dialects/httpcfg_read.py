"""Reading a response of the AT+HTTPCFG family: result URCs and the HTTPREAD output.

AT+QHTTPREAD prints `CONNECT`, the response, then `OK`, a blank line and `+QHTTPREAD: <err>`
(`CONNECT\\r\\n<body>\\r\\nOK\\r\\n\\r\\n+QHTTPREAD: 0\\r\\n`, as parsed by LooUQ's LTEmC BGx
library, which looks for `\\r\\nOK\\r\\n\\r\\n` then `+QHTTPREAD: `, and as logged on an EG800K:
CONNECT, 559 bytes of HTML, OK, `+QHTTPREAD: 0`). Nothing in that output says how long the
response is, so the reader decides it from what it already knows, in this order:

1. With response headers on, the header block is read up to its blank line, and Content-Length
   in it gives the exact body length (UntilTerminator's `then`), so a body is read byte-exact
   even if it contains `\\r\\nOK\\r\\n`.
2. Without headers, the `<content_length>` of the result URC gives the exact length.
3. Otherwise (chunked responses: the URC then has no length) the body runs up to the trailer
   `\\r\\nOK\\r\\n\\r\\n+QHTTPREAD: `. Limitation: a body that itself contains that exact trailer
   is cut short there. Chunked bodies passed through verbatim (headers on) are de-chunked.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import AtReply
from ..errors import ModemError
from ..framing import DataSpec, UntilTerminator
from ..response import ParsedHead, parse_response_head

HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class RequestResult:
    """`+HTTPGET: <err>[,<httprspcode>[,<content_length>]]` and its siblings."""

    err: int
    status: int | None
    content_length: int | None


def parse_result(text: str) -> RequestResult:
    """Parse the fields after the URC prefix (`0,200,5`, `0,200`, `702`)."""
    fields = [field.strip() for field in text.split(",")]
    try:
        numbers = [int(field) for field in fields if field]
    except ValueError as err:
        raise ModemError(f"unexpected result {text!r}") from err
    if not numbers:
        raise ModemError(f"unexpected result {text!r}")
    status = numbers[1] if len(numbers) > 1 else None
    length = numbers[2] if len(numbers) > 2 else None
    return RequestResult(numbers[0], status, length)


class ResponseReader:
    """Tells the parser how long the HTTPREAD output is; used for commands and auto-output URCs."""

    def __init__(self, prefix: str, *, headers: bool, expects_body: bool) -> None:
        """`prefix` is "" or "Q"; `headers` is the modem's `responseheader` setting."""
        self.trailer = f"\r\nOK\r\n\r\n+{prefix}HTTPREAD: ".encode()
        self.read_prefix = f"+{prefix}HTTPREAD:"
        self.headers = headers
        self.expects_body = expects_body
        self.content_length: int | None = None
        """Set from the result URC before the read starts."""

    def data_after(self, line: str) -> DataSpec:
        """`CONNECT` announces the response; nothing else in the read does."""
        if line != "CONNECT":
            return None
        if self.headers:
            return UntilTerminator(HEAD_END, then=self._body_after_head)
        return self._body_spec(self.content_length, chunked=False)

    def _body_after_head(self, head: bytes) -> DataSpec:
        parsed = parse_response_head(head)
        return self._body_spec(_content_length(parsed), chunked=_is_chunked(parsed))

    def _body_spec(self, length: int | None, *, chunked: bool) -> DataSpec:
        if not self.expects_body:
            return None
        if length is not None and not chunked:
            return length or None
        return UntilTerminator(self.trailer)

    def finished(self, reply: AtReply) -> bool:
        """The read is over once `+HTTPREAD: <err>` has come (it follows OK)."""
        return any(line.startswith(self.read_prefix) for line in reply.lines)

    def read_error(self, lines: list[str]) -> int:
        """The `<err>` of `+HTTPREAD: <err>` (0 when the line is missing)."""
        for line in lines:
            if line.startswith(self.read_prefix):
                return parse_result(line[len(self.read_prefix) :]).err
        return 0

    def split(self, data: bytes) -> tuple[ParsedHead | None, bytes]:
        """Separate the header block (when on) from the body and undo chunked framing."""
        if not self.headers:
            return None, data
        end = data.find(HEAD_END)
        if end < 0:
            return parse_response_head(data), b""
        head = parse_response_head(data[: end + len(HEAD_END)])
        body = data[end + len(HEAD_END) :]
        if _is_chunked(head) and self.expects_body:
            body = dechunk(body)
        return head, body


def _content_length(head: ParsedHead) -> int | None:
    value = head.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _is_chunked(head: ParsedHead) -> bool:
    return "chunked" in head.headers.get("Transfer-Encoding", "").lower()


def dechunk(data: bytes) -> bytes:
    """Undo HTTP/1.1 chunked transfer coding (extensions and trailers are dropped)."""
    out = bytearray()
    position = 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            raise ModemError("chunked response ends in the middle of a chunk header")
        size_text = data[position:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as err:
            raise ModemError(f"bad chunk size {size_text!r} in the response") from err
        position = line_end + 2
        if size == 0:
            return bytes(out)
        if position + size > len(data):
            raise ModemError("chunked response is shorter than its chunk sizes")
        out += data[position : position + size]
        position += size + 2
