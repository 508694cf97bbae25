"""HTTP(S) through SIM7070/SIM7080: the AT+SH* commands, one connection to one server at a time.

A request is (docs/families/sim800_sim7080.md, 2.2-2.5):

    AT+SHCONF="URL","http://host:port"   BODYLEN, HEADERLEN, TIMEOUT     (before connecting)
    AT+SHSSL=<ctx>,"<ca>"   AT+CSSLCFG="sni",<ctx>,"<host>"             (https)
    AT+SHCONN                                                            (TCP, and TLS)
    AT+SHCHEAD   AT+SHAHEAD="<name>","<value>" ...                       (request headers)
    AT+SHBOD=<len>,<ms>  -> \\r\\n>\\r\\n, the body, OK                      (PUT, POST, PATCH)
    AT+SHREQ="<path>",<type>  -> OK, then +SHREQ: "<METHOD>",<status>,<datalen>
    AT+SHREAD=<start>,<len>   -> OK, then +SHREAD: <n> and n bytes (possibly several blocks)

Why it is shaped this way:
- The connection stays open between requests to the same server, and the headers stay set (they
  persist until AT+SHCHEAD, botletics' SIM7070 code), so a warm module hears AT+SHREQ and
  AT+SHREAD only. The module says when the server closed the connection (`+SHSTATE: 0`); a
  request refused on a connection believed open is sent again once on a new one.
- OK comes before the data of AT+SHREAD (VMflow field log on 1951B17), so a read is complete when
  its byte count has arrived, never at OK; the counts say where the body ends.
- The module reports neither response headers nor a reason phrase: responses carry none, rather
  than invented ones. Bodies go into the module's memory, not its file system (AT+HTTPTOFS is not
  confirmed by any public log), so module files can be neither posted nor downloaded into.
- After a failure the connection is closed (AT+SHDISC), so the next request starts clean.
"""

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable
from typing import Final

from ...deadline import Deadline
from ...engine import AtEngine, AtReply, Prompt, Urc
from ...errors import AtCommandError, ModemError, ResponseCutError
from ...framing import DataSpec
from ...request import HttpRequest, ResponseBody
from ...response import HttpResponse
from ...tls import UnsupportedOperation
from ...validation import fit_range
from ..base import Planned, ResumeSupport
from ..simcom.http import command_with_urc
from .errors import connection_error, http_error, is_modem_error
from .plan import LIMITS, MAX_HEADERS, Checked, Server, check_request
from .tls import SslChoice

_LOGGER = logging.getLogger(__name__)

TIMEOUT_RANGE: Final = (30, 1800)
"""AT+SHCONF="TIMEOUT": 30-1800 s (manual), for the connection and each request on it."""
BODY_TIME_RANGE: Final = (1000, 60000)
"""AT+SHBOD <time>: milliseconds; the upper bound is this driver's choice."""
INPUT_MARGIN_MS: Final = 3000
"""A body's input window beyond twice its line time (host scheduling): a window no longer
than needed is over soon when the request was given up before its prompt."""
READ_CHUNK: Final = 16384
"""Bytes per AT+SHREAD. No source gives a limit; a host reading its USB port takes any size
(VMflow reads 64 bytes at a time only because a microcontroller's UART buffer is small)."""
COMMAND_TIMEOUT: Final = 10.0
DISCONNECT_TIMEOUT: Final = 5.0
SERIAL_GRACE: Final = 5.0
RESUME: Final = ResumeSupport(
    None,
    reason=(
        "SIM7070 and SIM7080 modules report no response headers (no ETag, Last-Modified or "
        "Content-Range), so no part of a cut download can be proven to belong to the same "
        "version of the file; it cannot be resumed"
    ),
)
"""A `Range` would ride in AT+SHAHEAD, but what comes back could not be proven to continue the
bytes kept (resume.py never splices without a strong validator): a cut download is failed."""
NO_FILES: Final = (
    "SIM7070 and SIM7080 modules cannot send a file of their own storage or store a response "
    "there through this integration (AT+HTTPTOFS is not confirmed by any public log)"
)

type ConnectionKey = tuple[str, int | None]
"""The server's `scheme://host:port`, and for HTTPS the TLS configuration it was opened with."""


def _announced(line: str) -> DataSpec:
    """`+SHREAD: <n>` announces n raw bytes."""
    if not line.startswith("+SHREAD:"):
        return None
    value = line[8:].strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


class Sim7080Http:
    """The AT+SH* HTTP stack."""

    def __init__(self, choice: SslChoice, *, read_chunk: int = READ_CHUNK) -> None:
        """`choice` is what the TLS configuration decided (shared with the TLS commands)."""
        self.choice = choice
        self.read_chunk = read_chunk
        self._ssl_context = LIMITS.default_ssl_context
        self._connection: ConnectionKey | None = None
        """What the module is connected to, as far as this driver knows."""
        self._state_known = False
        """False after a restart or a raw command: a connection may be open that it did not open."""
        self._headers: tuple[tuple[str, str], ...] | None = None
        """The headers set with AT+SHAHEAD (None: unknown)."""
        self._config: dict[str, str] = {}
        """AT+SHCONF values as last set."""
        self._plain_ssl: int | None = None
        """The TLS configuration version `AT+SHSSL=<ctx>,""` was sent for by this driver."""
        self._watch: Callable[[], None] | None = None

    @property
    def ssl_context(self) -> int:
        """The SSL context HTTPS connections use."""
        return self._ssl_context

    @ssl_context.setter
    def ssl_context(self, context: int) -> None:
        """New TLS settings: the context, SHSSL and the connection are set up again."""
        self._ssl_context = context
        self.choice.changed()

    @property
    def resume(self) -> ResumeSupport:
        """None: the module reports no response headers to prove a part's version by."""
        return RESUME

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """The module restarted, reconnected or ran a raw command: nothing of it is known."""
        self._connection = None
        self._state_known = False
        self._headers = None
        self._config.clear()
        self._plain_ssl = None
        if self._watch is None:
            self._watch = engine.on_urc("+SHSTATE:", self._on_state)

    def _on_state(self, urc: Urc) -> None:
        """`+SHSTATE: 0` unasked: the server (or the network) closed the connection."""
        if urc.line.rstrip().endswith("0"):
            self._connection = None

    # ------------------------------------------------------------------ planning

    def plan(self, request: HttpRequest) -> Planned[Checked]:
        """Check the request against the module's limits (RequestRejected) and plan it."""
        checked = check_request(request)
        return Planned(checked.method, checked, self.request)

    def plan_post_file(self, url: str, file_name: str) -> Planned[Checked]:
        """UnsupportedOperation: see NO_FILES."""
        raise UnsupportedOperation(NO_FILES)

    def plan_download(
        self, url: str, file_name: str, *, certificate: bool = False
    ) -> Planned[Checked]:
        """UnsupportedOperation: see NO_FILES."""
        raise UnsupportedOperation(NO_FILES)

    # ------------------------------------------------------------------ requests

    async def request(
        self, engine: AtEngine, checked: Checked, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """Perform one request on the module's connection, within the caller's deadline."""
        async with self._closing_on_failure(engine, deadline):
            sent = body.progress.sent if body.progress is not None else None
            line = await self._send(engine, checked, deadline, sent)
            status, length = self._parse_result(line, checked.method)
            if checked.method != "HEAD" and body.begin(status, {}, length):
                await self._read_body(engine, length, deadline, body)
        return HttpResponse(
            status=status,
            body=body.collected(),
            content_length=length,
            bytes_sent=len(checked.body or b""),
        )

    async def _send(
        self,
        engine: AtEngine,
        checked: Checked,
        deadline: Deadline,
        sent: Callable[[int], None] | None = None,
    ) -> str:
        """Connect, set headers and body, send AT+SHREQ; its result's text (`sent`: body progress).

        A request refused on a connection believed open (the server closed it unseen) goes out
        again once on a new connection: nothing of it reached the server.
        """
        command = f'AT+SHREQ="{checked.path}",{checked.method_code}'
        while True:
            reused = await self._connect(engine, checked, deadline)
            await self._set_headers(engine, checked.headers, deadline)
            if checked.body is not None:
                await _send_body(engine, checked.body, deadline, sent)
            try:
                return await command_with_urc(engine, command, "+SHREQ:", deadline)
            except AtCommandError:
                self._connection = None
                if not reused:
                    raise
                _LOGGER.debug("the module refused a request on its open connection; reconnecting")

    def _parse_result(self, line: str, method: str) -> tuple[int, int]:
        """`"<METHOD>",<status>,<datalen>`; a 60x code ends the connection too."""
        fields = line.split(",")
        try:
            status, length = int(fields[1]), int(fields[2])
        except (IndexError, ValueError) as err:
            raise ModemError(f"unexpected modem reply {line!r}") from err
        if is_modem_error(status):
            self._connection = None
            raise http_error(status, method=method)
        return status, length

    # ------------------------------------------------------------ the connection

    @contextlib.asynccontextmanager
    async def _closing_on_failure(
        self, engine: AtEngine, deadline: Deadline
    ) -> AsyncIterator[None]:
        """After a failure the connection may hold a half-done request: close it.

        A step that timed out may still have happened on the module (an AT+SHCONN whose OK came
        late), so the connection is closed whatever this driver believed; only a clear answer
        to AT+SHDISC (OK, or refused: nothing open) makes its state known again.
        """
        try:
            yield
        except BaseException:
            self._headers = None
            self._connection = None
            self._state_known = False
            try:
                await engine.command("AT+SHDISC", timeout=deadline.step(DISCONNECT_TIMEOUT))
            except AtCommandError:
                self._state_known = True
            except ModemError:
                pass  # the next request closes it first
            else:
                self._state_known = True
            raise

    async def _connect(self, engine: AtEngine, checked: Checked, deadline: Deadline) -> bool:
        """Open the connection the request needs; True when the open one is reused."""
        server = checked.server
        key: ConnectionKey = (server.url, self.choice.version if server.https else None)
        if self._connection == key:
            return True
        if self._connection is not None or not self._state_known:
            with contextlib.suppress(AtCommandError):
                await engine.command("AT+SHDISC", timeout=deadline.step(DISCONNECT_TIMEOUT))
        self._connection = None
        self._state_known = True
        self._headers = None  # a new connection starts with the headers set again
        seconds = fit_range(math.ceil(deadline.left() / 10) * 10, TIMEOUT_RANGE)
        await self._configure(engine, server, seconds, deadline)
        try:
            await engine.command("AT+SHCONN", timeout=deadline.step(seconds + SERIAL_GRACE))
        except AtCommandError as err:
            raise connection_error(err, https=server.https, method=checked.method) from err
        self._connection = key
        return False

    async def _configure(
        self, engine: AtEngine, server: Server, seconds: int, deadline: Deadline
    ) -> None:
        """AT+SHCONF where it differs; for HTTPS the SSL context's CA (if unset) and SNI."""
        wanted = {
            "URL": f'"{server.url}"',
            "BODYLEN": str(LIMITS.max_body),
            "HEADERLEN": str(MAX_HEADERS),
            "TIMEOUT": str(seconds),
        }
        for tag, value in wanted.items():
            if self._config.get(tag) != value:
                await engine.command(
                    f'AT+SHCONF="{tag}",{value}', timeout=deadline.step(COMMAND_TIMEOUT)
                )
                self._config[tag] = value
        if not server.https:
            return
        context = self._ssl_context
        if not self.choice.configured and self._plain_ssl != self.choice.version:
            # No TLS settings were applied: no verification, on our context.
            await engine.command(f'AT+SHSSL={context},""', timeout=deadline.step(COMMAND_TIMEOUT))
            self._plain_ssl = self.choice.version
        if self.choice.sni:
            await engine.command(
                f'AT+CSSLCFG="sni",{context},"{server.host}"',
                timeout=deadline.step(COMMAND_TIMEOUT),
            )

    async def _set_headers(
        self, engine: AtEngine, headers: tuple[tuple[str, str], ...], deadline: Deadline
    ) -> None:
        """AT+SHCHEAD and one AT+SHAHEAD per header, unless they are set already."""
        if self._headers == headers:
            return
        self._headers = None
        await engine.command("AT+SHCHEAD", timeout=deadline.step(COMMAND_TIMEOUT))
        for name, value in headers:
            await engine.command(
                f'AT+SHAHEAD="{name}","{value}"', timeout=deadline.step(COMMAND_TIMEOUT)
            )
        self._headers = headers

    # ------------------------------------------------------------------ the body

    async def _read_body(
        self, engine: AtEngine, length: int, deadline: Deadline, body: ResponseBody
    ) -> None:
        """AT+SHREAD=<offset>,<size> until `length` bytes are in (refused first if too large).

        Each read streams into `body` as it arrives (the transfer's progress moves with it). A
        module that has less than it announced answers a read with no data: ResponseCutError,
        never a body silently short.
        """
        body.check_announced(length)
        offset = 0
        async with body.streaming():
            while offset < length:
                size = min(self.read_chunk, length - offset)
                reply = await engine.command(
                    f"AT+SHREAD={offset},{size}",
                    timeout=min(deadline.left(), engine.link.line_seconds(size) * 2 + SERIAL_GRACE),
                    data_after=_announced,
                    complete=_read_complete(size),
                    data_sink=body.feed,
                    stall=body.stall,
                )
                if not reply.data_size:
                    raise ResponseCutError(offset, length, port=engine.port)
                offset += reply.data_size
                await body.flush()


def _read_complete(size: int) -> Callable[[AtReply], bool]:
    """A read is over when its bytes are in: OK comes first (or an error ends it)."""

    def complete(reply: AtReply) -> bool:
        return reply.final is not None and reply.data_size >= size

    return complete


async def _send_body(
    engine: AtEngine,
    data: bytes,
    deadline: Deadline,
    sent: Callable[[int], None] | None = None,
) -> None:
    """AT+SHBOD=<len>,<ms>, wait for the `>` prompt, write exactly len bytes, then OK."""
    seconds = engine.link.line_seconds(len(data))
    input_ms = fit_range(math.ceil(seconds * 2000) + INPUT_MARGIN_MS, BODY_TIME_RANGE)
    await engine.command(
        f"AT+SHBOD={len(data)},{input_ms}",
        timeout=min(deadline.left(), seconds * 2 + SERIAL_GRACE + COMMAND_TIMEOUT),
        payload=data,
        prompt=Prompt.GREATER_THAN,
        payload_sent=sent,
        input_window=input_ms / 1000,
    )


__all__ = ["Sim7080Http"]
