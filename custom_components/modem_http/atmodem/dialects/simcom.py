"""HTTP(S) through SIMCom's AT+HTTPINIT family (SIM7600, A76xx, SIM7080, SIM800 variants).

One request is one HTTP session on the modem: HTTPINIT, HTTPPARA for every parameter, HTTPDATA for
a POST body, HTTPACTION (result as a URC), HTTPHEAD, HTTPREAD in chunks, and always HTTPTERM, so no
parameter of one request can leak into the next and a failure never leaves the stack busy.

Why it is shaped this way:
- Everything the caller passes is checked and turned into the full command list before the first
  byte goes out, so bad input is refused with RequestRejected while the modem has seen nothing.
- The modem reports its own failures (DNS, connect, TLS, ...) as "status" numbers from 600 up in the
  +HTTPACTION URC; those become ModemHttpError, while real HTTP statuses (404 too) are responses.
- Firmware differs in how AT+HTTPREAD frames data (`+HTTPREAD: DATA,<n>` on SIM7600,
  `+HTTPREAD: <n>` on A76xx/SIM7080, OK before or after the data); the reader accepts all of them
  and reads each block by its announced length, so bodies containing `\\r\\nOK\\r\\n` or NUL come
  back byte for byte.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from multidict import CIMultiDict, CIMultiDictProxy

from ..deadline import Deadline
from ..engine import AtEngine, AtReply, Prompt
from ..errors import AtCommandError, ModemError, RequestRejected
from ..framing import DataSpec
from ..response import HttpResponse, parse_response_head
from ..validation import check_file_name, check_header, check_range, check_text, check_url
from .base import BodySink, HttpRequest, check_announced_size
from .simcom_errors import http_error, is_modem_error

_LOGGER = logging.getLogger(__name__)

METHOD_CODES: Final = {"GET": 0, "POST": 1, "HEAD": 2, "DELETE": 3}
"""AT+HTTPACTION=<method>: 0 GET, 1 POST, 2 HEAD, 3 DELETE (`+HTTPACTION: (0-3)`)."""

MAX_BODY: Final = 153600
"""AT+HTTPDATA <size> is 1-153600 bytes."""

MAX_URL: Final = 4000
"""The manual gives no URL limit; 4000 keeps the whole `AT+HTTPPARA="URL","..."` line within the
4 KiB command line SIMCom firmware buffers (an assumption, not a documented figure)."""

MAX_FIELD: Final = 256
"""CONTENT, ACCEPT and UA: string, max length 256."""

MAX_USERDATA: Final = 512
"""USERDATA (custom headers): string, max length 512."""

USERDATA_SEPARATOR: Final = "\\r\\n"
"""Four characters, backslash r backslash n: a real CR/LF would end the AT command, so SIMCom
firmware takes this escape between custom headers (seen in public code for SIM800 and A7670
sending `AT+HTTPPARA="USERDATA","Name: v\\r\\nOther: w"`)."""

MAX_FILE_NAME: Final = 64
"""HTTPPOSTFILE / HTTPREADFILE <filename>: max length 64."""

MAX_BREAK: Final = 2**31 - 1
CONNECT_TIMEOUT_RANGE: Final = (20, 120)
RECEIVE_TIMEOUT_RANGE: Final = (2, 120)
DATA_TIME_RANGE: Final = (10, 65535)
SSL_CFG_RANGE: Final = (0, 9)

FILE_PATH_CACHE: Final = 1
"""HTTPPOSTFILE/HTTPREADFILE <path> 1 = F:/ (/cache), the default directory."""

_MAPPED_HEADERS: Final = {"content-type": "CONTENT", "accept": "ACCEPT", "user-agent": "UA"}
_FORBIDDEN_HEADERS: Final = {
    "content-length": "the modem sets Content-Length from the body itself",
    "transfer-encoding": "the modem frames the body itself",
}
_COMMAND_TIMEOUT: Final = 10.0
_TERM_TIMEOUT: Final = 5.0
_SERIAL_GRACE: Final = 5.0


@dataclass(frozen=True, slots=True)
class SimcomPlan:
    """A request turned into what will be sent: checked and complete before any byte goes out."""

    method: str
    method_code: int
    parameters: tuple[str, ...]
    body: bytes | None


class SimcomDriver:
    """The AT+HTTPINIT dialect."""

    name = "simcom"
    methods = frozenset(METHOD_CODES)
    max_body = MAX_BODY

    def __init__(self, *, read_chunk: int = 32768, ssl_cfg_id: int = 0) -> None:
        """`read_chunk` is the AT+HTTPREAD size.

        32 KiB keeps the per-command overhead (command, OK, `+HTTPREAD: 0`, one round trip) far
        below 1 % at 115200 baud while each read still finishes in about three seconds.
        `ssl_cfg_id` is the AT+CSSLCFG context HTTPS requests use (SSLCFG, 0-9).
        """
        self.read_chunk = check_range("read_chunk", read_chunk, 1, MAX_BODY * 16)
        self.ssl_cfg_id = check_range("ssl_cfg_id", ssl_cfg_id, *SSL_CFG_RANGE)

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """Nothing to prepare: each request opens and closes its own HTTP session."""

    # ------------------------------------------------------------------ planning

    def validate(self, request: HttpRequest) -> None:
        """Refuse bad input (RequestRejected) before the Modem runs anything on the line."""
        self.plan(request)

    def validate_file(self, url: str, file_name: str) -> None:
        """Refuse a bad URL or modem file name before anything is sent (file transfers)."""
        self._url_parameters(url, 60.0)
        check_file_name("file_name", file_name, max_length=MAX_FILE_NAME)

    def plan(self, request: HttpRequest, *, timeout: float | None = None) -> SimcomPlan:
        """Check every field against the manual and build the HTTPPARA list (or RequestRejected).

        `timeout` is what is left of the caller's budget when the request is sent (the modem's
        own connect and receive timeouts are cut to fit it); the request's own by default.
        """
        method = request.method.upper()
        if method not in METHOD_CODES:
            allowed = ", ".join(sorted(METHOD_CODES))
            raise RequestRejected("method", f"the simcom dialect can send {allowed}, not {method}")
        budget = request.timeout if timeout is None else timeout
        parameters = [*self._url_parameters(request.url, budget)]
        parameters += _header_parameters(request.headers, request.content_type)
        parameters += _range_parameters(method, request.byte_range)
        body = request.body
        if body:
            if method != "POST":
                raise RequestRejected("body", "only POST can carry a body in the simcom dialect")
            if len(body) > MAX_BODY:
                raise RequestRejected(
                    "body", f"is {len(body)} bytes; AT+HTTPDATA takes at most {MAX_BODY}"
                )
            body = bytes(body)
        else:
            body = None
        return SimcomPlan(method, METHOD_CODES[method], tuple(parameters), body)

    def _url_parameters(self, url: str, timeout: float) -> list[str]:
        check_url(url, max_length=MAX_URL)
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            raise RequestRejected("url", "must not carry credentials; use an Authorization header")
        parameters = [f'AT+HTTPPARA="URL","{url}"', *_timeout_parameters(timeout)]
        if parts.scheme.lower() == "https":
            parameters.append(f'AT+HTTPPARA="SSLCFG",{self.ssl_cfg_id}')
        return parameters

    # ------------------------------------------------------------------ requests

    async def request(
        self, engine: AtEngine, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse:
        """Perform one request in its own HTTP session, within the caller's deadline."""
        plan = self.plan(request, timeout=deadline.left())
        async with _session(engine, deadline):
            for command in plan.parameters:
                await engine.command(command, timeout=deadline.step(_COMMAND_TIMEOUT))
            if plan.body is not None:
                await _send_body(engine, plan.body, deadline)
            status, length = await _action(engine, plan.method_code, plan.method, deadline)
            head = await read_head(engine, deadline)
            body = b""
            if plan.method != "HEAD":
                body = await read_body(
                    engine,
                    length,
                    deadline,
                    chunk=self.read_chunk,
                    sink=request.body_sink,
                    accept=lambda announced: check_announced_size(request, announced),
                )
        return HttpResponse(
            status=status,
            body=body,
            headers=head.headers,
            reason=head.reason,
            content_length=length,
            bytes_sent=len(plan.body or b""),
        )

    async def post_modem_file(
        self, engine: AtEngine, url: str, file_name: str, *, deadline: Deadline
    ) -> HttpResponse:
        """POST a file from the modem's /cache as the body (AT+HTTPPOSTFILE, send_header=1)."""
        parameters = self._url_parameters(url, deadline.left())
        check_file_name("file_name", file_name, max_length=MAX_FILE_NAME)
        async with _session(engine, deadline):
            for command in parameters:
                await engine.command(command, timeout=deadline.step(_COMMAND_TIMEOUT))
            command = f'AT+HTTPPOSTFILE="{file_name}",{FILE_PATH_CACHE},1,1'
            urc_line = await _command_with_urc(engine, command, "+HTTPPOSTFILE:", deadline)
            status, length = _parse_result(urc_line, method="POST")
            head = await read_head(engine, deadline)
            body = await read_body(engine, length, deadline, chunk=self.read_chunk, sink=None)
        return HttpResponse(
            status=status,
            body=body,
            headers=head.headers,
            reason=head.reason,
            content_length=length,
        )

    async def download_to_modem_file(
        self,
        engine: AtEngine,
        url: str,
        file_name: str,
        *,
        deadline: Deadline,
        path: int = FILE_PATH_CACHE,
    ) -> HttpResponse:
        """GET url and let the modem store the body in /cache (AT+HTTPREADFILE).

        `path` 4 stores it in /mssl_cert/ instead, where SSL contexts find CA files.
        """
        parameters = self._url_parameters(url, deadline.left())
        check_file_name("file_name", file_name, max_length=MAX_FILE_NAME)
        async with _session(engine, deadline):
            for command in parameters:
                await engine.command(command, timeout=deadline.step(_COMMAND_TIMEOUT))
            status, length = await _action(engine, METHOD_CODES["GET"], "GET", deadline)
            head = await read_head(engine, deadline)
            command = f'AT+HTTPREADFILE="{file_name}",{check_range("path", path, 1, 4)}'
            try:
                urc_line = await _command_with_urc(engine, command, "+HTTPREADFILE:", deadline)
            except AtCommandError as err:
                raise ModemError(f"the modem could not store the body as {file_name}") from err
            result = _parse_int(urc_line.split(",")[0], urc_line)
            if result != 0:
                raise http_error(result, method="GET")
        return HttpResponse(
            status=status, headers=head.headers, reason=head.reason, content_length=length
        )


# ---------------------------------------------------------------------- planning helpers


def _clamp(value: float, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return max(low, min(high, int(value)))


def _timeout_parameters(timeout: float) -> list[str]:
    """Give the modem half the budget per phase, so it reports its own 705/714 before we give up."""
    if not math.isfinite(timeout) or timeout <= 0:
        raise RequestRejected("timeout", "must be a positive number of seconds")
    return [
        f'AT+HTTPPARA="CONNECTTO",{_clamp(round(timeout / 2), CONNECT_TIMEOUT_RANGE)}',
        f'AT+HTTPPARA="RECVTO",{_clamp(round(timeout / 2), RECEIVE_TIMEOUT_RANGE)}',
    ]


def _header_parameters(headers: tuple[tuple[str, str], ...], content_type: str | None) -> list[str]:
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
    parameters = [f'AT+HTTPPARA="{parameter}","{value}"' for parameter, value in mapped.items()]
    if custom:
        user_data = USERDATA_SEPARATOR.join(custom)
        if len(user_data) > MAX_USERDATA:
            raise RequestRejected(
                "headers",
                f"custom headers take {len(user_data)} characters in USERDATA; "
                f"the modem takes at most {MAX_USERDATA}",
            )
        parameters.append(f'AT+HTTPPARA="USERDATA","{user_data}"')
    return parameters


def _range_parameters(method: str, byte_range: tuple[int, int | None] | None) -> list[str]:
    """BREAK/BREAKEND: both 0 disables; BREAKEND below BREAK means "from BREAK to the end"."""
    if byte_range is None:
        return []
    if method != "GET":
        raise RequestRejected("byte_range", "the modem resumes transfers for GET only")
    first, last = byte_range
    check_range("byte_range", first, 0, MAX_BREAK)
    if last is None:
        if first == 0:
            return []  # the whole body: no range at all
        return [f'AT+HTTPPARA="BREAK",{first}', 'AT+HTTPPARA="BREAKEND",0']
    check_range("byte_range", last, 0, MAX_BREAK)
    if last <= first:
        # Equal values are neither "to breakend" nor "to the end"; 0-0 disables resuming.
        raise RequestRejected("byte_range", "the last byte must be after the first")
    return [f'AT+HTTPPARA="BREAK",{first}', f'AT+HTTPPARA="BREAKEND",{last}']


# ---------------------------------------------------------------------- conversation helpers


@contextlib.asynccontextmanager
async def _session(engine: AtEngine, deadline: Deadline) -> AsyncIterator[None]:
    """HTTPINIT (recovering a stale session), then always HTTPTERM, after success or failure."""
    await _http_init(engine, deadline)
    try:
        yield
    finally:
        with contextlib.suppress(ModemError):
            # After the deadline this gets a few hundredths of a second: a session left open
            # is terminated by the next request's HTTPINIT recovery instead.
            await engine.command("AT+HTTPTERM", timeout=deadline.step(_TERM_TIMEOUT))


async def _http_init(engine: AtEngine, deadline: Deadline) -> None:
    """A session left open by a crash makes HTTPINIT answer ERROR: terminate it and retry once."""
    try:
        await engine.command("AT+HTTPINIT", timeout=deadline.left())
    except AtCommandError:
        _LOGGER.debug("AT+HTTPINIT refused; terminating a stale HTTP session and retrying")
        with contextlib.suppress(AtCommandError):
            await engine.command("AT+HTTPTERM", timeout=deadline.step(_COMMAND_TIMEOUT))
        await engine.command("AT+HTTPINIT", timeout=deadline.left())


def _line_seconds(engine: AtEngine, size: int) -> float:
    """How long `size` bytes take on the serial line (8N1: ten bits a byte)."""
    return engine.link.line_seconds(size)


async def _send_body(engine: AtEngine, body: bytes, deadline: Deadline) -> None:
    """AT+HTTPDATA=<size>,<time>, wait for DOWNLOAD, write exactly size bytes, then OK."""
    seconds = _line_seconds(engine, len(body))
    input_time = _clamp(math.ceil(seconds * 2) + 10, DATA_TIME_RANGE)
    await engine.command(
        f"AT+HTTPDATA={len(body)},{input_time}",
        timeout=min(deadline.left(), seconds * 2 + _SERIAL_GRACE + _COMMAND_TIMEOUT),
        payload=body,
        prompt=Prompt.DOWNLOAD,
    )


async def _command_with_urc(engine: AtEngine, command: str, prefix: str, deadline: Deadline) -> str:
    """Send a command whose result follows as a URC; return the URC's text after the prefix.

    The waiter is armed before the command goes out, so a fast modem cannot beat it. A URC that
    arrives before the command's own OK counts as the command's line (it shares its prefix), so it
    is looked for in the reply too.
    """
    with engine.expect_urc(prefix) as waiter:
        reply = await engine.command(command, timeout=deadline.step(_COMMAND_TIMEOUT))
        early = reply.lines_with(prefix)
        if early:
            return early[0]
        urc = await waiter.wait(deadline.left())
    return urc.line[len(prefix) :].strip()


async def _action(
    engine: AtEngine, method_code: int, method: str, deadline: Deadline
) -> tuple[int, int]:
    line = await _command_with_urc(engine, f"AT+HTTPACTION={method_code}", "+HTTPACTION:", deadline)
    return _parse_result(line, method=method)


def _parse_int(text: str, line: str) -> int:
    try:
        return int(text.strip())
    except ValueError as err:
        raise ModemError(f"unexpected modem reply {line!r}") from err


def _parse_result(line: str, *, method: str) -> tuple[int, int]:
    """`<method>,<status>,<len>` (HTTPACTION/HTTPPOSTFILE) or `<status>,<len>` (older POSTFILE)."""
    fields = line.split(",")
    if len(fields) == 3:
        status, length = _parse_int(fields[1], line), _parse_int(fields[2], line)
    elif len(fields) == 2:
        status, length = _parse_int(fields[0], line), _parse_int(fields[1], line)
    else:
        raise ModemError(f"unexpected modem reply {line!r}")
    if is_modem_error(status):
        raise http_error(status, method=method)
    return status, length


def _announced_length(prefix: str) -> Callable[[str], DataSpec]:
    """A data_after for `<prefix> DATA,<n>` and `<prefix> <n>` lines (both firmware framings)."""

    def data_after(line: str) -> DataSpec:
        if not line.startswith(prefix):
            return None
        value = line[len(prefix) :].strip()
        if value.startswith("DATA,"):
            value = value[5:].strip()
        if not value.isdigit():
            return None  # `LEN,<n>` and anything else announce nothing
        return int(value) or None  # `<prefix> 0` ends a read, it announces nothing

    return data_after


_HEAD_DATA = _announced_length("+HTTPHEAD:")
_READ_DATA = _announced_length("+HTTPREAD:")


class _ReadFinished:
    """When one AT+HTTPREAD is over, whichever order the firmware prints things in.

    SIM7600 and A76xx print OK first, then the data, then `+HTTPREAD: 0`; others print the data,
    `+HTTPREAD: 0`, then OK; SIM800-family firmware prints the data then OK with no end marker.
    So: the end marker after OK, or OK after data. The engine asks at once when OK arrives, which
    is when it is noted whether data came before it.
    """

    def __init__(self) -> None:
        self._data_before_ok: bool | None = None

    def __call__(self, reply: AtReply) -> bool:
        if reply.final is None:
            return False
        if self._data_before_ok is None:
            self._data_before_ok = bool(reply.chunks)
        return self._data_before_ok or "0" in reply.lines_with("+HTTPREAD:")


@dataclass(frozen=True, slots=True)
class ResponseHead:
    """Status line and headers as AT+HTTPHEAD gave them."""

    reason: str
    headers: CIMultiDictProxy[str]


async def read_head(engine: AtEngine, deadline: Deadline) -> ResponseHead:
    """AT+HTTPHEAD: `+HTTPHEAD: DATA,<n>` (or `+HTTPHEAD: <n>`), n raw bytes, OK."""
    try:
        reply = await engine.command(
            "AT+HTTPHEAD",
            timeout=deadline.step(_COMMAND_TIMEOUT + _line_seconds(engine, 8192)),
            data_after=_HEAD_DATA,
        )
    except AtCommandError:
        # Some firmware answers ERROR when the response carried no header block to keep.
        _LOGGER.debug("AT+HTTPHEAD refused; returning the response without headers")
        return ResponseHead("", CIMultiDictProxy(CIMultiDict()))
    parsed = parse_response_head(reply.data)
    return ResponseHead(parsed.reason, parsed.headers)


async def read_body(
    engine: AtEngine,
    length: int,
    deadline: Deadline,
    *,
    chunk: int,
    sink: BodySink | None,
    accept: Callable[[int], None] | None = None,
) -> bytes:
    """Read `length` bytes with AT+HTTPREAD=<offset>,<size> until done.

    The explicit offset makes every read idempotent. With a sink each chunk is handed over as it
    arrives and nothing is kept. A length of 0 is checked with AT+HTTPREAD? because some firmware
    announces 0 for chunked responses and still buffers the body.
    """
    if length <= 0:
        length = await _buffered_length(engine, deadline)
    if accept is not None:
        accept(length)
    parts: list[bytes] = []
    offset = 0
    while offset < length:
        size = min(chunk, length - offset)
        reply = await engine.command(
            f"AT+HTTPREAD={offset},{size}",
            timeout=min(deadline.left(), _line_seconds(engine, size) * 2 + _SERIAL_GRACE),
            data_after=_READ_DATA,
            complete=_ReadFinished(),
        )
        data = reply.data
        if not data:
            break  # the modem has less than it announced; stop rather than spin
        offset += len(data)
        if sink is not None:
            await sink(data)
        else:
            parts.append(data)
    return b"".join(parts)


async def _buffered_length(engine: AtEngine, deadline: Deadline) -> int:
    """`AT+HTTPREAD?` -> `+HTTPREAD: LEN,<len>`; ERROR means nothing is buffered."""
    try:
        reply = await engine.command("AT+HTTPREAD?", timeout=deadline.step(_COMMAND_TIMEOUT))
    except AtCommandError:
        return 0
    for value in reply.lines_with("+HTTPREAD:"):
        if value.startswith("LEN,"):
            return _parse_int(value[4:], value)
    return 0


__all__ = [
    "MAX_BODY",
    "METHOD_CODES",
    "USERDATA_SEPARATOR",
    "SimcomDriver",
    "SimcomPlan",
]
