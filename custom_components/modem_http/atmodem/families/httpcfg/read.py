"""Reading a response of the AT+HTTPCFG family: result URCs and the HTTPREAD output.

Real firmware ends the HTTPREAD output in three ways:

- `CONNECT`, the response, `OK`, a blank line, `+QHTTPREAD: <err>`, that is
  `\\r\\nCONNECT\\r\\n<body>\\r\\nOK\\r\\n\\r\\n+QHTTPREAD: 0\\r\\n` (LooUQ's LTEmC BGx library,
  which looks for `\\r\\nOK\\r\\n\\r\\n` then `+QHTTPREAD: `, and an EG800K log: CONNECT, 559
  bytes of HTML, OK, `+QHTTPREAD: 0`);
- `CONNECT <response> +HTTPREAD: <err>` with no OK at all (seed manual 000, table 12);
- on Quectel modules `+QHTTPREAD: <err>` is itself an unsolicited result reported when the
  output is done, after the OK, so other unsolicited lines (`+CREG: 1`, `+QIURC: ...`, an SMS
  indication `+CMTI: "SM",3`) may come between the OK and it.

Nothing in that output says how long the response is, so the end of the body must come from what
is known, never from a guess at where the trailer starts:

1. With response headers on, the header block is read up to its blank line; Content-Length in it
   gives the exact body length, and a chunked body is followed chunk by chunk (size line, that
   many bytes, the next size line, up to the last chunk and its trailer), so either is read
   byte-exact whatever it contains, `\\r\\nOK\\r\\n` and `+HTTPREAD: 0` included.
2. Without headers, the `<content_length>` of the result URC gives the exact length.
3. A response with neither (no length anywhere, not chunked) has no framing that a body could not
   imitate. Quectel modules are then read through their file system (httpcfg_file_read: the
   module stores the response, AT+QFREAD hands it over with its length announced); the driver
   decides that from the result URC, before reading. The seed module has no command to read a
   file back, so there the body runs up to `\\r\\n+HTTPREAD: `, the part both of its endings share,
   and an `\\r\\nOK\\r\\n` just before it is taken for the first ending's unless this module is
   known to end without one. Limitation, for that case only: a body containing
   `\\r\\n+HTTPREAD: ` is cut short there.
"""

from dataclasses import dataclass

from multidict import CIMultiDict

from ...engine import AtReply
from ...errors import ModemError, ResponseTooLargeError
from ...framing import Counted, DataSpec, UntilTerminator
from ...request import ResponseBody
from ...response import ParsedHead, parse_response_head

HEAD_END = b"\r\n\r\n"
CRLF = b"\r\n"
READ_OK = b"\r\nOK\r\n"
"""The OK of the first ending, when the body's end had to be found by its trailer."""


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
    """Tells the parser how long the HTTPREAD output is, and keeps it while it is acceptable.

    Used for commands and auto-output URCs. As a command's data sink (`take`) it keeps the
    response as it arrives, but never more body than the caller's `limit`: the body's size is
    known from Content-Length, from the chunk sizes as they come, or by counting (read by the
    trailer), and once it passes the limit nothing more is kept and the read is refused with
    ResponseTooLargeError when it ends, so the conversation stays in step.

    With `stream_to`, a body of known length (Content-Length, or the result's length without
    headers) is not kept here: once the head is in, the caller's body is told it (`begin`) and
    takes the body's bytes as they arrive (`feed`), so a read that is cut keeps what came
    through. Chunked bodies and bodies found by their trailer are kept whole, as before.
    """

    def __init__(
        self,
        prefix: str,
        *,
        headers: bool,
        expects_body: bool,
        ends_with_ok: bool | None = None,
        limit: int | None = None,
        stream_to: ResponseBody | None = None,
    ) -> None:
        """`prefix` is "" or "Q"; `headers` is the modem's `responseheader` setting.

        `ends_with_ok` is what earlier reads showed of this module (None: not known yet);
        `limit` is the most body the caller takes (None: any size).
        """
        self.trailer = f"\r\n+{prefix}HTTPREAD: ".encode()
        self.read_prefix = f"+{prefix}HTTPREAD:"
        self.headers = headers
        self.expects_body = expects_body
        self.ends_with_ok = ends_with_ok
        self.content_length: int | None = None
        """Set from the result URC before the read starts."""
        self.by_trailer = False
        """True when the body's end was found by the trailer (no length, not chunked)."""
        self.limit = limit
        self.too_large: ResponseTooLargeError | None = None
        """Set as soon as the body is known to be larger than the limit."""
        self._kept: list[bytes] = []
        self._kept_size = 0
        self._head_size: int | None = None if headers else 0
        self._chunked_size = 0
        self.status: int | None = None
        """The result URC's status, set with `content_length` (the head's wins when on)."""
        self._stream_to = stream_to
        self.streamed = False
        """The body went to `stream_to` as it arrived (nothing of it is kept here)."""

    def take(self, piece: bytes) -> None:
        """Keep a piece of the response (the command's data sink); refuse once it is too large."""
        if self.streamed:
            assert self._stream_to is not None
            assert self._head_size is not None
            head_part = max(0, min(len(piece), self._head_size - self._kept_size))
            if head_part:
                self._kept.append(piece[:head_part])
                self._kept_size += head_part
            self._stream_to.feed(piece[head_part:])
            return
        limit = self.limit
        if (
            self.too_large is None
            and limit is not None
            and self.by_trailer
            and self._head_size is not None
            and self._kept_size + len(piece) - self._head_size > limit + len(READ_OK)
        ):
            self.too_large = ResponseTooLargeError(limit)
        if self.too_large is not None:
            self._kept.clear()
            raise self.too_large
        self._kept.append(piece)
        self._kept_size += len(piece)

    def kept(self) -> bytes:
        """The response as kept by `take`."""
        return b"".join(self._kept)

    def data_after(self, line: str) -> DataSpec:
        """`CONNECT` announces the response; nothing else in the read does."""
        if line != "CONNECT":
            return None
        if self.headers:
            return UntilTerminator(HEAD_END, then=self._body_after_head)
        return self._body_spec(self.content_length, chunked=False, head=None)

    def _body_after_head(self, head: bytes) -> DataSpec:
        self._head_size = len(head)
        parsed = parse_response_head(head)
        return self._body_spec(_content_length(parsed), chunked=_is_chunked(parsed), head=parsed)

    def _body_spec(self, length: int | None, *, chunked: bool, head: ParsedHead | None) -> DataSpec:
        if not self.expects_body:
            return None
        if chunked and self.headers:
            return self._chunk_size_line()
        if length is not None:
            if self.limit is not None and length > self.limit:
                self.too_large = ResponseTooLargeError(self.limit, length)
            elif self._stream_to is not None:
                self._start_streaming(length, head)
            return length or None
        self.by_trailer = True
        return UntilTerminator(self.trailer)

    def _start_streaming(self, length: int, head: ParsedHead | None) -> None:
        """From here on the body goes to the caller's body as it comes (or nowhere: unwanted)."""
        assert self._stream_to is not None
        status = head.status if head is not None else self.status
        headers = head.headers if head is not None else CIMultiDict[str]()
        self._stream_to.begin(status or 0, headers, length)
        self.streamed = True

    # Chunked coding, followed as it comes (RFC 9112 section 7.1): the bytes stay verbatim in
    # the data and split() de-chunks them; here only their end is found.

    def _chunk_size_line(self) -> DataSpec:
        return UntilTerminator(CRLF, then=self._after_chunk_size)

    def _after_chunk_size(self, line: bytes) -> DataSpec:
        size_text = line[: -len(CRLF)].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            # Not chunked after all (a module that de-chunks but keeps the header): fall back
            # to the trailer, and split() keeps the body as it came.
            self.by_trailer = True
            return UntilTerminator(self.trailer)
        if size == 0:
            return self._chunk_trailer_line()
        self._chunked_size += size
        if self.limit is not None and self._chunked_size > self.limit:
            self.too_large = ResponseTooLargeError(self.limit)
        return Counted(size + len(CRLF), then=self._chunk_size_line)

    def _chunk_trailer_line(self) -> DataSpec:
        return UntilTerminator(CRLF, then=self._after_trailer_line)

    def _after_trailer_line(self, line: bytes) -> DataSpec:
        return None if line == CRLF else self._chunk_trailer_line()

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
        if self.by_trailer and self.ends_with_ok is not False and data.endswith(READ_OK):
            data = data[: -len(READ_OK)]
        if not self.headers:
            return None, data
        end = data.find(HEAD_END)
        if end < 0:
            return parse_response_head(data), b""
        head = parse_response_head(data[: end + len(HEAD_END)])
        body = data[end + len(HEAD_END) :]
        if _is_chunked(head) and self.expects_body and not self.by_trailer:
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
