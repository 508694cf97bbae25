"""HTTP(S) through SIMCom's AT+HTTPINIT family (SIM7600, A76xx, SIM7080, SIM800 variants).

A request is: AT+HTTPPARA for each parameter the HTTP service does not hold yet, HTTPDATA for a
POST body, HTTPACTION (result as a URC), HTTPHEAD, HTTPREAD in chunks.

Why it is shaped this way:
- The plan (plan.py) is checked and complete before the first byte goes out, so bad input is
  refused with RequestRejected while the modem has seen nothing.
- The HTTP service stays open between requests (seed manual 002: AT+HTTPINIT comes before any
  other HTTP operation, and HTTPPARA values are the service's state until AT+HTTPTERM), so a
  warm modem hears only what changed: a run of requests to one endpoint sends the URL and the
  timeouts once. Nothing one request set is left behind for the next: CONTENT and ACCEPT go back
  to the defaults the manual gives, a byte range is switched off the way it says (BREAK and
  BREAKEND 0), and what has no documented "none" (UA, USERDATA, a POST body a bodiless POST
  would send again) makes the next request start a fresh service (HTTPTERM, HTTPINIT).
  After a failure, a restart, a reconnect or a raw command the service is started afresh, and a
  reused service the modem refuses to act on is started afresh once.
- The modem reports its own failures (DNS, connect, TLS, ...) as "status" numbers from 600 up in the
  +HTTPACTION URC; those become ModemHttpError, while real HTTP statuses (404 too) are responses.
- Firmware differs in how AT+HTTPREAD frames data (`+HTTPREAD: DATA,<n>` on SIM7600,
  `+HTTPREAD: <n>` on A76xx/SIM7080, OK before or after the data); the reader accepts all of them
  and reads each block by its announced length, so bodies containing `\\r\\nOK\\r\\n` or NUL come
  back byte for byte.
"""

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from ...deadline import Deadline
from ...engine import AtEngine, AtReply, Prompt
from ...errors import AtCommandError, ModemError, ResponseCutError
from ...framing import DataSpec
from ...request import HttpRequest, ResponseBody
from ...response import HttpResponse, parse_response_head
from ...resume_facts import SIMCOM_USERDATA
from ...validation import check_range, fit_range
from ..base import Planned, ResumeSupport
from .errors import http_error, is_modem_error
from .plan import LIMITS, METHOD_CODES, Checked, Target, check_module_file, check_request
from .plan import check_target as check_url_target

_LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT_RANGE: Final = (20, 120)
RECEIVE_TIMEOUT_RANGE: Final = (2, 120)
DATA_TIME_RANGE: Final = (10, 65535)
INPUT_MARGIN: Final = 3
"""Seconds of a body's input window beyond twice its line time (host scheduling)."""
CACHE_FOLDER: Final = 1
"""HTTPPOSTFILE/HTTPREADFILE <path> 1 = F:/ (/cache), the default directory."""
CERTIFICATE_FOLDER: Final = 4
"""HTTPREADFILE <path> 4 = /mssl_cert/, where SSL contexts look for files."""
READ_CHUNK: Final = 32768
"""Bytes per AT+HTTPREAD: the per-command overhead (command, OK, `+HTTPREAD: 0`, one round trip)
stays far below 1 % at 115200 baud while each read still finishes in about three seconds."""
HEADER_DEFAULTS: Final = {"CONTENT": '"text/plain"', "ACCEPT": '"*/*"'}
"""Header parameters the manual gives a default for (seed manual 002, AT+HTTPPARA): set back to
it when a request does not want the value an earlier one set."""
STICKY_PARAMETERS: Final = ("UA", "USERDATA")
"""Header parameters without a documented default: once set, only AT+HTTPTERM takes them back."""
RESUME: Final = ResumeSupport(SIMCOM_USERDATA)
"""USERDATA is a quoted AT string: a `"` would end it, so a strong ETag cannot ride as If-Range;
the 206's own ETag and length are checked instead (resume.py)."""
COMMAND_TIMEOUT: Final = 10.0
TERM_TIMEOUT: Final = 5.0
SERIAL_GRACE: Final = 5.0


@dataclass(frozen=True, slots=True)
class ModuleFile:
    """A request about a file in the module's file system (HTTPPOSTFILE / HTTPREADFILE)."""

    target: Target
    file_name: str
    folder: int


@dataclass(slots=True)
class _Service:
    """What the open HTTP service holds, as far as this driver told it."""

    parameters: dict[str, str] = field(default_factory=dict)
    """AT+HTTPPARA tag -> value as last set."""
    has_data: bool = False
    """HTTPDATA was given: a later POST without a body would send it again."""
    requests: int = 0
    """Requests started in this service."""


class SimcomHttp:
    """The AT+HTTPINIT HTTP stack."""

    def __init__(self, *, read_chunk: int = READ_CHUNK) -> None:
        """`read_chunk` is the AT+HTTPREAD size."""
        self.read_chunk = check_range("read_chunk", read_chunk, 1, LIMITS.max_body * 16)
        self.ssl_context = LIMITS.default_ssl_context
        self._service: _Service | None = None
        """The open HTTP service (None: not open, or not known to be)."""

    @property
    def resume(self) -> ResumeSupport:
        """BREAK/BREAKEND for the range, an If-Range date in USERDATA (never a quoted ETag).

        HTTPACTION takes the whole response into the module's buffer and HTTPREAD streams it
        out in pieces, so what came through before a cut is kept without closed ranges.
        """
        return RESUME

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """The modem restarted, reconnected or ran a raw command: its HTTP service is unknown.

        The next request starts one (terminating whatever the modem may still have open).
        """
        self._service = None

    # ------------------------------------------------------------------ planning

    def plan(self, request: HttpRequest) -> Planned[Checked]:
        """Check the request against the manual (RequestRejected) and plan it."""
        checked = check_request(request)
        return Planned(checked.method, checked, self.request)

    def plan_post_file(self, url: str, file_name: str) -> Planned[ModuleFile]:
        """POST a file from the module's /cache as the body."""
        details = ModuleFile(check_url_target(url), check_module_file(file_name), CACHE_FOLDER)
        return Planned("POST", details, self.post_file)

    def plan_download(
        self, url: str, file_name: str, *, certificate: bool = False
    ) -> Planned[ModuleFile]:
        """GET url into /cache, or into /mssl_cert/ where SSL contexts find CA files."""
        folder = CERTIFICATE_FOLDER if certificate else CACHE_FOLDER
        details = ModuleFile(check_url_target(url), check_module_file(file_name), folder)
        return Planned("GET", details, self.download)

    def _parameters(
        self, target: Target, deadline: Deadline, extra: dict[str, str]
    ) -> dict[str, str]:
        """URL, the modem's own timeouts (cut to fit what is left), SSL context, then `extra`."""
        half = round(deadline.left() / 2)
        wanted = {
            "URL": f'"{target.url}"',
            "CONNECTTO": str(fit_range(half, CONNECT_TIMEOUT_RANGE)),
            "RECVTO": str(fit_range(half, RECEIVE_TIMEOUT_RANGE)),
        }
        if target.https:
            wanted["SSLCFG"] = str(self.ssl_context)
        return wanted | extra

    # ------------------------------------------------------------------ requests

    async def request(
        self, engine: AtEngine, checked: Checked, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """Perform one request in the open HTTP service, within the caller's deadline."""
        return await self._transact(
            engine,
            deadline,
            body,
            wanted=self._parameters(checked.target, deadline, checked.parameters),
            command=f"AT+HTTPACTION={checked.method_code}",
            prefix="+HTTPACTION:",
            method=checked.method,
            data=checked.body,
            # An HTTPDATA body stays in the service: a POST without one would send it again.
            reuses_data=checked.method == "POST" and checked.body is None,
        )

    async def post_file(
        self, engine: AtEngine, plan: ModuleFile, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """POST a file from the modem's /cache as the body (AT+HTTPPOSTFILE, send_header=1)."""
        return await self._transact(
            engine,
            deadline,
            body,
            wanted=self._parameters(plan.target, deadline, {}),
            command=f'AT+HTTPPOSTFILE="{plan.file_name}",{plan.folder},1,1',
            prefix="+HTTPPOSTFILE:",
            method="POST",
        )

    async def _transact(
        self,
        engine: AtEngine,
        deadline: Deadline,
        body: ResponseBody,
        *,
        wanted: dict[str, str],
        command: str,
        prefix: str,
        method: str,
        data: bytes | None = None,
        reuses_data: bool = False,
    ) -> HttpResponse:
        """Start the request, take its result URC, read the header block and the body."""
        async with self._open_service(engine, deadline):
            line = await self._start(
                engine, wanted, data, command, prefix, deadline, reuses_data, body
            )
            status, length = _parse_result(line, method=method)
            head = await read_head(engine, deadline)
            if method != "HEAD":
                if length <= 0:
                    # Some firmware announces 0 for a chunked response and still buffers it.
                    length = await _buffered_length(engine, deadline)
                if body.begin(status, head.headers, length):
                    await read_body(engine, length, deadline, chunk=self.read_chunk, body=body)
        return HttpResponse(
            status=status,
            body=body.collected(),
            headers=head.headers,
            reason=head.reason,
            content_length=length,
            bytes_sent=len(data or b""),
        )

    async def download(
        self, engine: AtEngine, plan: ModuleFile, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """GET url and let the modem store the body (AT+HTTPREADFILE); `body` stays empty."""
        wanted = self._parameters(plan.target, deadline, {})
        action = f"AT+HTTPACTION={METHOD_CODES['GET']}"
        async with self._open_service(engine, deadline):
            line = await self._start(engine, wanted, None, action, "+HTTPACTION:", deadline)
            status, length = _parse_result(line, method="GET")
            head = await read_head(engine, deadline)
            command = f'AT+HTTPREADFILE="{plan.file_name}",{plan.folder}'
            try:
                urc_line = await command_with_urc(engine, command, "+HTTPREADFILE:", deadline)
            except AtCommandError as err:
                raise ModemError(f"the modem could not store the body as {plan.file_name}") from err
            result = _parse_int(urc_line.split(",")[0], urc_line)
            if result != 0:
                raise http_error(result, method="GET")
        return HttpResponse(
            status=status, headers=head.headers, reason=head.reason, content_length=length
        )

    # ------------------------------------------------------------ the service

    @contextlib.asynccontextmanager
    async def _open_service(self, engine: AtEngine, deadline: Deadline) -> AsyncIterator[None]:
        """The HTTP service, started if it is not open; terminated after any failure.

        After a failure the service may be busy or hold a half-told request; terminating it
        costs one command, and the next request starts clean.
        """
        if self._service is None:
            await _http_init(engine, deadline)
            self._service = _Service()
        try:
            yield
        except BaseException:
            self._service = None
            with contextlib.suppress(ModemError):
                # After the deadline this gets a few hundredths of a second: a service left
                # open is terminated by the next request's HTTPINIT recovery instead.
                await engine.command("AT+HTTPTERM", timeout=deadline.step(TERM_TIMEOUT))
            raise

    async def _restart_service(self, engine: AtEngine, deadline: Deadline) -> _Service:
        with contextlib.suppress(AtCommandError):
            await engine.command("AT+HTTPTERM", timeout=deadline.step(TERM_TIMEOUT))
        self._service = None
        await _http_init(engine, deadline)
        self._service = _Service()
        return self._service

    async def _start(
        self,
        engine: AtEngine,
        wanted: dict[str, str],
        data: bytes | None,
        command: str,
        prefix: str,
        deadline: Deadline,
        reuses_data: bool = False,
        body: ResponseBody | None = None,
    ) -> str:
        """Tell the service what changed, send the body, run `command`; its result URC's text.

        A reused service the modem refuses to act on (ERROR) is started afresh once: nothing of
        the request went out then.
        """
        service = self._service
        assert service is not None
        if not _reusable(service, wanted, reuses_data):
            service = await self._restart_service(engine, deadline)
        while True:
            reused = service.requests > 0
            service.requests += 1
            try:
                for tag, value in _changes(service, wanted).items():
                    await engine.command(
                        f'AT+HTTPPARA="{tag}",{value}', timeout=deadline.step(COMMAND_TIMEOUT)
                    )
                    service.parameters[tag] = value
                if data is not None:
                    progress = body.progress if body is not None else None
                    await _send_body(
                        engine, data, deadline, progress.sent if progress is not None else None
                    )
                    service.has_data = True
                return await command_with_urc(engine, command, prefix, deadline)
            except AtCommandError:
                if not reused:
                    raise
                _LOGGER.debug("the modem refused a request in its open HTTP service; restarting it")
                service = await self._restart_service(engine, deadline)


def _reusable(service: _Service, wanted: dict[str, str], reuses_data: bool) -> bool:
    """Whether the open service can take the request without anything left over leaking in."""
    if reuses_data and service.has_data:
        return False
    return all(tag in wanted for tag in STICKY_PARAMETERS if tag in service.parameters)


def _changes(service: _Service, wanted: dict[str, str]) -> dict[str, str]:
    """The HTTPPARA values to send: what differs, and what an earlier request set taken back.

    A header parameter with a documented default goes back to it; a byte range is switched off
    (BREAK and BREAKEND both 0, as the manual says).
    """
    held = service.parameters
    back = {
        tag: default
        for tag, default in HEADER_DEFAULTS.items()
        if tag not in wanted and held.get(tag, default) != default
    }
    if "BREAK" not in wanted and (held.get("BREAK", "0"), held.get("BREAKEND", "0")) != ("0", "0"):
        back |= {"BREAK": "0", "BREAKEND": "0"}
    return {tag: value for tag, value in (wanted | back).items() if held.get(tag) != value}


# ---------------------------------------------------------------------- conversation helpers


async def _http_init(engine: AtEngine, deadline: Deadline) -> None:
    """A session left open by a crash makes HTTPINIT answer ERROR: terminate it and retry once."""
    try:
        await engine.command("AT+HTTPINIT", timeout=deadline.left())
    except AtCommandError:
        _LOGGER.debug("AT+HTTPINIT refused; terminating a stale HTTP session and retrying")
        with contextlib.suppress(AtCommandError):
            await engine.command("AT+HTTPTERM", timeout=deadline.step(COMMAND_TIMEOUT))
        await engine.command("AT+HTTPINIT", timeout=deadline.left())


async def _send_body(
    engine: AtEngine,
    data: bytes,
    deadline: Deadline,
    sent: Callable[[int], None] | None = None,
) -> None:
    """AT+HTTPDATA=<size>,<time>, wait for DOWNLOAD, write exactly size bytes, then OK.

    `sent(n)` hears how much of the body has gone out.
    """
    seconds = engine.link.line_seconds(len(data))
    # Twice the line time and a margin; the manual's shortest window (10 s) covers most bodies.
    input_time = fit_range(math.ceil(seconds * 2) + INPUT_MARGIN, DATA_TIME_RANGE)
    await engine.command(
        f"AT+HTTPDATA={len(data)},{input_time}",
        timeout=min(deadline.left(), seconds * 2 + SERIAL_GRACE + COMMAND_TIMEOUT),
        payload=data,
        prompt=Prompt.DOWNLOAD,
        payload_sent=sent,
        input_window=input_time,
    )


async def command_with_urc(engine: AtEngine, command: str, prefix: str, deadline: Deadline) -> str:
    """Send a command whose result follows as a URC; return the URC's text after the prefix.

    The waiter is armed before the command goes out, so a fast modem cannot beat it. A URC that
    arrives before the command's own OK counts as the command's line (it shares its prefix), so it
    is looked for in the reply too.
    """
    with engine.expect_urc(prefix) as waiter:
        reply = await engine.command(command, timeout=deadline.step(COMMAND_TIMEOUT))
        early = reply.lines_with(prefix)
        if early:
            return early[0]
        urc = await waiter.wait(deadline.left())
    return urc.line[len(prefix) :].strip()


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
            self._data_before_ok = reply.data_size > 0
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
            timeout=deadline.step(COMMAND_TIMEOUT + engine.link.line_seconds(8192)),
            data_after=_HEAD_DATA,
        )
    except AtCommandError:
        # Some firmware answers ERROR when the response carried no header block to keep.
        _LOGGER.debug("AT+HTTPHEAD refused; returning the response without headers")
        return ResponseHead("", CIMultiDictProxy(CIMultiDict()))
    parsed = parse_response_head(reply.data)
    return ResponseHead(parsed.reason, parsed.headers)


async def read_body(
    engine: AtEngine, length: int, deadline: Deadline, *, chunk: int, body: ResponseBody
) -> None:
    """Read `length` bytes with AT+HTTPREAD=<offset>,<size> into `body` until done.

    The explicit offset makes every read idempotent. A length the caller does not take is
    refused before the first read. Each read streams into `body` as it arrives, so a read cut
    short (the line lost, the modem restarted) keeps what came through; `body.stall` ends a read
    whose output stopped. A module whose buffer ends before the announced length (its data
    connection went while it was still receiving) answers the next read with no data: that is
    ResponseCutError, never a body silently short.
    """
    body.check_announced(length)
    offset = 0
    async with body.streaming():
        while offset < length:
            size = min(chunk, length - offset)
            reply = await engine.command(
                f"AT+HTTPREAD={offset},{size}",
                timeout=min(deadline.left(), engine.link.line_seconds(size) * 2 + SERIAL_GRACE),
                data_after=_READ_DATA,
                complete=_ReadFinished(),
                data_sink=body.feed,
                stall=body.stall,
            )
            if not reply.data_size:
                raise ResponseCutError(offset, length, port=engine.port)
            offset += reply.data_size
            await body.flush()  # each read's data is written when the read ends


async def _buffered_length(engine: AtEngine, deadline: Deadline) -> int:
    """`AT+HTTPREAD?` -> `+HTTPREAD: LEN,<len>`; ERROR means nothing is buffered."""
    try:
        reply = await engine.command("AT+HTTPREAD?", timeout=deadline.step(COMMAND_TIMEOUT))
    except AtCommandError:
        return 0
    for value in reply.lines_with("+HTTPREAD:"):
        if value.startswith("LEN,"):
            return _parse_int(value[4:], value)
    return 0


__all__ = [
    "CERTIFICATE_FOLDER",
    "ModuleFile",
    "SimcomHttp",
    "command_with_urc",
    "read_body",
    "read_head",
]
