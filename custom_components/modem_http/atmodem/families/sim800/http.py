"""HTTP(S) through SIM800/SIM900: the 2G firmware's AT+HTTPINIT session over an AT+SAPBR bearer.

A request is: AT+HTTPPARA for each parameter the session does not hold yet (CID names the bearer
profile), AT+HTTPSSL where the scheme asks for the other setting, HTTPDATA for a POST body,
HTTPACTION (result as a URC), HTTPHEAD, HTTPREAD in slices. Formats (SIM800 Series AT Command
Manual V1.09, and the logs docs/families/sim800_sim7080.md cites):

- `+HTTPACTION: <method>,<status>,<datalen>`; statuses from 600 up are the module's own
  (errors.py). `+HTTPREAD: <n>`, the n bytes, then OK (Twilio's Super SIM SIMCom page);
  `+HTTPHEAD: <n>` and the status line and headers. HEAD reports the header block's length as
  <datalen>, so its body is never read.
- `AT+HTTPDATA=<size>,<time>` takes <time> in milliseconds, 1000-120000 (FONA sends
  `AT+HTTPDATA=%d,10000`), unlike the SIM7600 family's seconds.
- `AT+HTTPSSL=1` switches TLS on for the session. Firmware without it (SIM900, SIM800 before R14)
  answers ERROR; a refusal in a fresh session means exactly that (a reused one may just be in a
  bad state, LilyGo-T-Call-SIM800 #259, so it is started afresh once before deciding).
- AT+HTTPPARA "TIMEOUT" is 30-1000 s: the module's own limit for the whole action, set from what
  is left of the caller's time (rounded up to ten seconds, so a run of requests sets it once).

The session stays open between requests, as in the SIM7600 family's driver: a warm module hears
only what changed. CONTENT goes back to the default an emulated and real POST without it sends
(`text/plain`); UA and USERDATA have no documented "none", so a request without them starts a
fresh session; a range is switched off with BREAK and BREAKEND 0. After a failure, a restart or
a raw command the session is started afresh.
"""

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Final

from ...deadline import Deadline
from ...engine import AtEngine, Prompt
from ...errors import AtCommandError, ModemError
from ...request import HttpRequest, ResponseBody
from ...response import HttpResponse
from ...tls import UnsupportedOperation
from ...validation import fit_range
from ..base import Planned, ResumeSupport
from ..simcom.http import RESUME, command_with_urc, read_body, read_head
from .errors import http_error, is_modem_error
from .plan import Checked, check_request

_LOGGER = logging.getLogger(__name__)

ACTION_TIMEOUT_RANGE: Final = (30, 1000)
"""AT+HTTPPARA="TIMEOUT": 30-1000 s (manual), default 120."""
DATA_TIME_RANGE: Final = (1000, 120000)
"""AT+HTTPDATA <time>: milliseconds."""
INPUT_MARGIN_MS: Final = 3000
"""A body's input window beyond twice its line time (host scheduling): a window no longer
than needed is over soon when the request was given up before its prompt."""
READ_CHUNK: Final = 32768
"""Bytes per AT+HTTPREAD=<start>,<size>; the per-read overhead stays far below 1 %."""
HEADER_DEFAULTS: Final = {"CONTENT": '"text/plain"'}
STICKY_PARAMETERS: Final = ("UA", "USERDATA")
COMMAND_TIMEOUT: Final = 10.0
TERM_TIMEOUT: Final = 5.0
SERIAL_GRACE: Final = 5.0
NO_FILES: Final = (
    "SIM800 and SIM900 modules have no file system the HTTP commands can read or write"
)
NO_HTTPS: Final = (
    "this module's firmware has no AT+HTTPSSL, so it cannot make HTTPS requests (SIM900 and "
    "SIM800 firmware before R14); use an http:// URL or a module with newer firmware"
)


@dataclass(slots=True)
class _Session:
    """What the open HTTP session holds, as far as this driver told it."""

    parameters: dict[str, str] = field(default_factory=dict)
    ssl: bool = False
    """AT+HTTPSSL as last set (0 in a fresh session)."""
    has_data: bool = False
    requests: int = 0


class Sim800Http:
    """The SIM800 AT+HTTPINIT session."""

    def __init__(self, *, read_chunk: int = READ_CHUNK) -> None:
        """`read_chunk` is the AT+HTTPREAD size."""
        self.read_chunk = read_chunk
        self.ssl_context = 0
        self.cid = 1
        """The bearer profile requests name (the bearer tells it once it is open)."""
        self._session: _Session | None = None

    @property
    def resume(self) -> ResumeSupport:
        """As the SIM7600 family's: ranges by BREAK/BREAKEND, If-Range dates in USERDATA.

        HTTPHEAD shows the 206 before its body is read, and HTTPREAD streams the body out of the
        module's buffer, so what came through before a cut is kept.
        """
        return RESUME

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """The module restarted, reconnected or ran a raw command: its session is unknown."""
        self._session = None

    # ------------------------------------------------------------------ planning

    def plan(self, request: HttpRequest) -> Planned[Checked]:
        """Check the request against the manual (RequestRejected) and plan it."""
        checked = check_request(request)
        return Planned(checked.method, checked, self.request)

    def plan_post_file(self, url: str, file_name: str) -> Planned[Checked]:
        """UnsupportedOperation: nothing of the module's storage can be posted."""
        raise UnsupportedOperation(NO_FILES)

    def plan_download(
        self, url: str, file_name: str, *, certificate: bool = False
    ) -> Planned[Checked]:
        """UnsupportedOperation: the module cannot store a body as a file."""
        raise UnsupportedOperation(NO_FILES)

    # ------------------------------------------------------------------ requests

    async def request(
        self, engine: AtEngine, checked: Checked, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """Perform one request in the open session, within the caller's deadline."""
        seconds = math.ceil(deadline.left() / 10) * 10
        wanted = {
            "CID": str(self.cid),
            "URL": f'"{checked.url}"',
            "TIMEOUT": str(fit_range(seconds, ACTION_TIMEOUT_RANGE)),
        } | checked.parameters
        async with self._open_session(engine, deadline):
            sent = body.progress.sent if body.progress is not None else None
            line = await self._start(engine, checked, wanted, deadline, sent)
            status, length = _parse_result(line, method=checked.method)
            head = await read_head(engine, deadline)
            if checked.method != "HEAD" and body.begin(status, head.headers, length):
                await read_body(engine, length, deadline, chunk=self.read_chunk, body=body)
        return HttpResponse(
            status=status,
            body=body.collected(),
            headers=head.headers,
            reason=head.reason,
            content_length=length,
            bytes_sent=len(checked.body or b""),
        )

    # ------------------------------------------------------------ the session

    @contextlib.asynccontextmanager
    async def _open_session(self, engine: AtEngine, deadline: Deadline) -> AsyncIterator[None]:
        """The session, started if it is not open; terminated after any failure."""
        if self._session is None:
            await _http_init(engine, deadline)
            self._session = _Session()
        try:
            yield
        except BaseException:
            self._session = None
            with contextlib.suppress(ModemError):
                await engine.command("AT+HTTPTERM", timeout=deadline.step(TERM_TIMEOUT))
            raise

    async def _restart_session(self, engine: AtEngine, deadline: Deadline) -> _Session:
        with contextlib.suppress(AtCommandError):
            await engine.command("AT+HTTPTERM", timeout=deadline.step(TERM_TIMEOUT))
        self._session = None
        await _http_init(engine, deadline)
        self._session = _Session()
        return self._session

    async def _start(
        self,
        engine: AtEngine,
        checked: Checked,
        wanted: dict[str, str],
        deadline: Deadline,
        sent: Callable[[int], None] | None = None,
    ) -> str:
        """Tell the session what changed, send the body, start the action; its result's text.

        `sent(n)` hears how much of the request body has gone out.

        A reused session the module refuses to act on is started afresh once: nothing of the
        request went out then.
        """
        session = self._session
        assert session is not None
        reuses_data = checked.method == "POST" and checked.body is None
        if not _reusable(session, wanted, reuses_data):
            session = await self._restart_session(engine, deadline)
        while True:
            reused = session.requests > 0
            session.requests += 1
            try:
                for tag, value in _changes(session, wanted).items():
                    await engine.command(
                        f'AT+HTTPPARA="{tag}",{value}', timeout=deadline.step(COMMAND_TIMEOUT)
                    )
                    session.parameters[tag] = value
                if session.ssl != checked.https:
                    await _switch_ssl(engine, checked.https, deadline, fresh=not reused)
                    session.ssl = checked.https
                if checked.body is not None:
                    await _send_body(engine, checked.body, deadline, sent)
                    session.has_data = True
                action = f"AT+HTTPACTION={checked.method_code}"
                return await command_with_urc(engine, action, "+HTTPACTION:", deadline)
            except AtCommandError:
                if not reused:
                    raise
                _LOGGER.debug("the module refused a request in its open session; restarting it")
                session = await self._restart_session(engine, deadline)


def _reusable(session: _Session, wanted: dict[str, str], reuses_data: bool) -> bool:
    """Whether the open session can take the request without anything left over leaking in."""
    if reuses_data and session.has_data:
        return False
    return all(tag in wanted for tag in STICKY_PARAMETERS if tag in session.parameters)


def _changes(session: _Session, wanted: dict[str, str]) -> dict[str, str]:
    """The HTTPPARA values to send: what differs, and what an earlier request set taken back."""
    held = session.parameters
    back = {
        tag: default
        for tag, default in HEADER_DEFAULTS.items()
        if tag not in wanted and held.get(tag, default) != default
    }
    if "BREAK" not in wanted and (held.get("BREAK", "0"), held.get("BREAKEND", "0")) != ("0", "0"):
        back |= {"BREAK": "0", "BREAKEND": "0"}
    return {tag: value for tag, value in (wanted | back).items() if held.get(tag) != value}


async def _http_init(engine: AtEngine, deadline: Deadline) -> None:
    """A session left open (a crash, a raw command) makes HTTPINIT refuse: end it, retry once."""
    try:
        await engine.command("AT+HTTPINIT", timeout=deadline.step(COMMAND_TIMEOUT))
    except AtCommandError:
        _LOGGER.debug("AT+HTTPINIT refused; terminating a stale HTTP session and retrying")
        with contextlib.suppress(AtCommandError):
            await engine.command("AT+HTTPTERM", timeout=deadline.step(COMMAND_TIMEOUT))
        await engine.command("AT+HTTPINIT", timeout=deadline.step(COMMAND_TIMEOUT))


async def _switch_ssl(engine: AtEngine, on: bool, deadline: Deadline, *, fresh: bool) -> None:
    """AT+HTTPSSL=<0|1>; refused in a fresh session, the firmware has no HTTPS at all."""
    try:
        await engine.command(f"AT+HTTPSSL={int(on)}", timeout=deadline.step(COMMAND_TIMEOUT))
    except AtCommandError as err:
        if fresh and on:
            raise UnsupportedOperation(NO_HTTPS) from err
        raise


async def _send_body(
    engine: AtEngine,
    data: bytes,
    deadline: Deadline,
    sent: Callable[[int], None] | None = None,
) -> None:
    """AT+HTTPDATA=<size>,<ms>, wait for DOWNLOAD, write exactly size bytes, then OK."""
    seconds = engine.link.line_seconds(len(data))
    input_ms = fit_range(math.ceil(seconds * 2000) + INPUT_MARGIN_MS, DATA_TIME_RANGE)
    await engine.command(
        f"AT+HTTPDATA={len(data)},{input_ms}",
        timeout=min(deadline.left(), seconds * 2 + SERIAL_GRACE + COMMAND_TIMEOUT),
        payload=data,
        prompt=Prompt.DOWNLOAD,
        payload_sent=sent,
        input_window=input_ms / 1000,
    )


def _parse_result(line: str, *, method: str) -> tuple[int, int]:
    """`<method>,<status>,<datalen>`: the status and length, or the module's error."""
    fields = line.split(",")
    try:
        status, length = int(fields[1]), int(fields[2])
    except (IndexError, ValueError) as err:
        raise ModemError(f"unexpected modem reply {line!r}") from err
    if is_modem_error(status):
        raise http_error(status, method=method)
    return status, length


__all__ = ["Sim800Http"]
