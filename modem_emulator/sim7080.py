"""SIM7070 / SIM7080 HTTP(S): the AT+SH* commands over an AT+CNACT bearer, as 1951 firmware answers.

Unlike the AT+HTTPINIT families, the module keeps one connection to one server: AT+SHCONF names
scheme, host and port; AT+SHCONN opens the TCP (and TLS) connection; each AT+SHREQ sends one request
for a path on it; AT+SHDISC closes it. Here AT+SHCONN opens a real connection to the far end (so
refusals, DNS and certificate failures happen where the module reports them) and each AT+SHREQ
performs its request for real through `far_end`.

Formats and limits, with their sources:
- AT+SHCONF tags URL (at most 64 bytes, "http://..." or "https://...", scheme host and port only),
  TIMEOUT (30-1800 s, default 60), BODYLEN (request body limit), HEADERLEN (at most 350), IPVER
  (0 IPv4, 1 IPv6), POLLCNT, POLLINTMS (SIM7000 AT manual's AT+SHCONF, copied on momoiot.co.kr;
  64-byte URLs: botletics/SIM7000-LTE-Shield issue #149 and LilyGo-Modem-Series issue #368;
  "Must set URL,BODYLEN,HEADERLEN value" before AT+SHCONN). BODYLEN is at most 4096 on SIM7080
  (public drivers set "BODYLEN",4096 as "the max values"); SIM7000 firmware stops at 1024 and an
  old SIM7000E at 64 (botletics issue #329 log) - the `max_body` knob. POLLCNT and POLLINTMS are
  stored without effect; no source gives their ranges, so any number 0-65535 is accepted.
- A value the module does not take, or AT+SHCONN that cannot connect: `+CME ERROR: 3` ("operation
  not allowed" for "BODYLEN",1024 and for a failed AT+SHCONN in botletics issue #329, AT+CMEE=2).
- `AT+SHSSL=<ctx>,"<ca>"[,"<cert>"]`: an empty CA means no verification; the one-argument form is
  refused with `+CME ERROR: 3` (a public SIM7080 project's notes: "AT+SHSSL=1 -> operation not
  allowed - must be AT+SHSSL=1,\\"\\"").
- `AT+SHSTATE?`: `+SHSTATE: 0|1`; `+SHSTATE: 0` also comes unasked when the server closes the
  connection (a public driver waits for "+SHREQ: \\"GET\\",200," or "+SHSTATE: 0" after AT+SHREQ;
  another notes the module "auto-disconnects after each SHREQ" for some servers).
- `AT+SHAHEAD="<name>","<value>"` adds a request header, `AT+SHCHEAD` clears them all; together
  they may not exceed HEADERLEN (counted as `name: value\\r\\n`).
- `AT+SHBOD=<length>,<time ms>`: `\\r\\n>\\r\\n`, exactly <length> bytes, OK; the body goes with
  the next AT+SHREQ only (an emulator choice: no source says whether it stays) (VMflow modem_https.c
  field log on 1951B17: "the modem sends back \\"\\r\\n>\\r\\n\\" prompt, then waits for body
  bytes"; botletics' SIM7070 code waits for ">"). <length> may not exceed BODYLEN.
- `AT+SHREQ="<path>",<type>` with 1 GET, 2 PUT, 3 POST, 4 PATCH, 5 HEAD: OK, then
  `+SHREQ: "<METHOD>",<status>,<datalen>` (`+SHREQ: "GET",200,387` in the botletics SIM7070 code;
  `+SHREQ: "POST",400,800` in botletics issue #165). A request that gets no HTTP answer reports a
  600 code (`simcom_600`, the table of SIMCom's HTTP stacks) and the connection is gone.
- `AT+SHREAD=<start>,<length>`: OK first, then `+SHREAD: <n>` and n raw bytes (VMflow: "Modem
  responds with \\r\\nOK\\r\\n\\r\\n+SHREAD: <len>\\r\\n<N bytes of body>"; another public driver:
  "SIM7080G sometimes sends an early OK ... BEFORE the actual +SHREAD data block"). A driver that
  collects several `+SHREAD:` blocks for one read exists (LassiHeikkila/SIM7000), so `read_block`
  can cut a read into blocks; by default one block is printed.
- Response headers cannot be read on this stack, and a HEAD request reports length 0.
- Test forms print a line only where a source shows it (AT+SHCONF=?, AT+SHSSL=?); the others
  answer a bare OK.
"""

import asyncio
import contextlib
import math
import ssl
from dataclasses import dataclass, field
from typing import Final

from yarl import URL

from modem_emulator import read_cuts, simcom_600
from modem_emulator.cnact import CnactBearer, context_id
from modem_emulator.commands import (
    NO_FINAL,
    AtRequest,
    CmeError,
    FinalSent,
    PlainError,
    execute_form,
)
from modem_emulator.core import CommandHandler, EmulatedModem
from modem_emulator.far_end import FarEndError, FarEndResponse, perform_request
from modem_emulator.faults import ReadCut
from modem_emulator.sim7080_files import Sim7080Files
from modem_emulator.sim7080_tls import MAX_CONTEXT, Sim7080Tls
from modem_emulator.simcom import bare_number, quoted_text

MAX_URL: Final = 64
MAX_HEADERS: Final = 350
SIM7080_MAX_BODY: Final = 4096
METHODS: Final[dict[int, str]] = {1: "GET", 2: "PUT", 3: "POST", 4: "PATCH", 5: "HEAD"}
BODY_METHODS: Final = frozenset({"PUT", "POST", "PATCH"})
BODY_PROMPT: Final = b"\r\n>\r\n"
_NOT_ALLOWED: Final = 3
_MAX_TEXT: Final = 1024
_MAX_INPUT_MS: Final = 2**31 - 1


@dataclass
class Sim7080Options:
    """Firmware knobs of one emulated SIM7070/SIM7080."""

    max_body: int = SIM7080_MAX_BODY
    """The largest BODYLEN the firmware takes."""
    read_block: int | None = None
    """Cut each AT+SHREAD into `+SHREAD: <n>` blocks of at most this many bytes (None: one)."""
    request_delay: float = 0.05
    """Seconds between OK and the request going out."""


@dataclass
class ShConfig:
    """The AT+SHCONF values; URL, BODYLEN and HEADERLEN have no default and must be set."""

    url: URL | None = None
    timeout: int = 60
    body_limit: int | None = None
    header_limit: int | None = None
    ip_version: int = 0
    polling: dict[str, int] = field(default_factory=dict)


@dataclass
class ShSession:
    """The connection and what the next request carries."""

    config: ShConfig = field(default_factory=ShConfig)
    ssl_context_id: int = 0
    ca_name: str = ""
    cert_name: str = ""
    connected: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    response: bytes | None = None
    busy: bool = False
    work: asyncio.Task[None] | None = None
    """The request AT+SHREQ started, until its +SHREQ result."""


class Sim7080HttpService:
    """The AT+SH* HTTP service of one emulated SIM7070/SIM7080; `install()` registers it."""

    def __init__(self, modem: EmulatedModem, options: Sim7080Options) -> None:
        self.modem = modem
        self.options = options
        self.bearer = CnactBearer(modem)
        self.files = Sim7080Files(modem)
        self.tls = Sim7080Tls(modem)
        self.session = ShSession()
        self.requests: list[str] = []
        """Every AT+SH* command received, as written (for tests to check what got through)."""

    def install(self) -> None:
        """Register bearer, file, TLS and HTTP commands; a reboot forgets the session."""
        self.bearer.install()
        self.files.install()
        self.tls.install()
        handlers: dict[str, CommandHandler] = {
            "+SHCONF": self.shconf,
            "+SHSSL": self.shssl,
            "+SHCONN": self.shconn,
            "+SHSTATE": self.shstate,
            "+SHCHEAD": self.shchead,
            "+SHAHEAD": self.shahead,
            "+SHBOD": self.shbod,
            "+SHREQ": self.shreq,
            "+SHREAD": self.shread,
            "+SHDISC": self.shdisc,
        }
        self.modem.register_all(handlers, log=self.requests)
        self.modem.on_reset(self._forget)

    def _forget(self) -> None:
        self.session = ShSession()

    @property
    def connected(self) -> bool:
        """Whether the connection is up: opened, and its bearer still there."""
        return self.session.connected and self.bearer.is_active(0)

    # --- configuration ----------------------------------------------------------------------------

    async def shconf(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Set one connection parameter; `+CME ERROR: 3` for values the module does not take."""
        if req.kind == "test":
            modem.send_line('+SHCONF: "HTTPParamTag","HTTPParamValue"')
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        if self.connected:
            raise CmeError(_NOT_ALLOWED)
        try:
            self._configure(str(req.args[0]).upper(), req.args[1])
        except PlainError:
            raise CmeError(_NOT_ALLOWED) from None

    def _configure(self, tag: str, value: str | int) -> None:
        config = self.session.config
        match tag:
            case "URL":
                config.url = _base_url(quoted_text(value, MAX_URL))
            case "TIMEOUT":
                config.timeout = bare_number(value, 30, 1800)
            case "BODYLEN":
                config.body_limit = bare_number(value, 0, self.options.max_body)
            case "HEADERLEN":
                config.header_limit = bare_number(value, 0, MAX_HEADERS)
            case "IPVER":
                config.ip_version = bare_number(value, 0, 1)
            case "POLLCNT" | "POLLINTMS":
                config.polling[tag] = bare_number(value, 0, 65535)
            case _:
                raise PlainError

    async def shssl(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Pick the SSL context and the CA (empty: no verification) the connection uses."""
        session = self.session
        if req.kind == "test":
            modem.send_line(f'+SHSSL: (0-{MAX_CONTEXT}),"ca list","cert name"')
            return
        if req.kind == "read":
            ca, cert = session.ca_name, session.cert_name
            modem.send_line(f'+SHSSL: {session.ssl_context_id},"{ca}","{cert}"')
            return
        if req.kind != "set" or not 2 <= len(req.args) <= 3:
            raise CmeError(_NOT_ALLOWED)
        ctx = bare_number(req.args[0], 0, MAX_CONTEXT)
        ca = quoted_text(req.args[1], _MAX_TEXT)
        cert = quoted_text(req.args[2], _MAX_TEXT) if len(req.args) == 3 else ""
        config = self.tls.state.config(ctx)
        config.auth, config.ca = (1, ca) if ca else (0, None)
        session.ssl_context_id, session.ca_name, session.cert_name = ctx, ca, cert

    # --- the connection ---------------------------------------------------------------------------

    async def shconn(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Open the connection (TCP, and TLS for https); `+CME ERROR: 3` when it cannot."""
        if not execute_form(req):
            return
        session, config = self.session, self.session.config
        ready = None not in (config.url, config.body_limit, config.header_limit)
        if self.connected or not ready or not self.bearer.is_active(0):
            raise CmeError(_NOT_ALLOWED)
        assert config.url is not None
        if not await self._reachable(config.url, config.timeout):
            raise CmeError(_NOT_ALLOWED)
        session.connected = True
        session.response = None

    async def _reachable(self, url: URL, timeout: float) -> bool:
        """Open and close a real connection to the server, TLS handshake included."""
        context = self._ssl_context() if url.scheme == "https" else None
        try:
            async with asyncio.timeout(timeout):
                _reader, writer = await asyncio.open_connection(
                    url.host, url.port, ssl=context, server_hostname=url.host if context else None
                )
        except OSError:  # refused, unresolvable, timed out, or a failed handshake (SSLError)
            return False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    def _ssl_context(self) -> ssl.SSLContext:
        return self.tls.state.ssl_context(self.session.ssl_context_id)

    async def shstate(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`+SHSTATE: 1` while connected, 0 otherwise."""
        if req.kind == "test":
            return
        if req.kind != "read":
            raise PlainError
        modem.send_line(f"+SHSTATE: {int(self.connected)}")

    async def shdisc(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Close the connection; the response it held goes with it."""
        if not execute_form(req):
            return
        session = self.session
        if not session.connected:
            raise CmeError(_NOT_ALLOWED)
        # A request still out goes with the connection: no +SHREQ follows (an emulator choice,
        # as AT+HTTPTERM ends SIM800's; no source shows AT+SHDISC during a request).
        if session.work is not None and not session.work.done():
            session.work.cancel()
        session.busy = False
        session.connected = False
        session.response = None

    # --- the request ------------------------------------------------------------------------------

    async def shchead(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Forget every request header."""
        if not execute_form(req):
            return
        self.session.headers.clear()

    async def shahead(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Add a request header, within HEADERLEN."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        session = self.session
        name, value = quoted_text(req.args[0], _MAX_TEXT), quoted_text(req.args[1], _MAX_TEXT)
        headers = [*session.headers, (name, value)]
        size = sum(len(n) + len(v) + 4 for n, v in headers)
        if not name or session.config.header_limit is None or size > session.config.header_limit:
            raise CmeError(_NOT_ALLOWED)
        session.headers = headers

    async def shbod(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`>`, exactly <length> body bytes within <time> ms, then OK."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        limit = self.session.config.body_limit
        size = bare_number(req.args[0], 1, self.options.max_body)
        milliseconds = bare_number(req.args[1], 1, _MAX_INPUT_MS)
        if limit is None or size > limit:
            raise CmeError(_NOT_ALLOWED)
        modem.send_raw(BODY_PROMPT)
        self.session.body = await modem.receive_payload(size, milliseconds / 1000)

    async def shreq(self, modem: EmulatedModem, req: AtRequest) -> None:
        """OK at once; the request runs and `+SHREQ: "<METHOD>",<status>,<datalen>` follows."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        session = self.session
        path = quoted_text(req.args[0], _MAX_TEXT)
        method = METHODS[bare_number(req.args[1], 1, len(METHODS))]
        if not self.connected or session.busy or not path.startswith("/"):
            session.connected = self.connected
            raise CmeError(_NOT_ALLOWED)
        session.busy = True
        session.response = None
        # The body entered with AT+SHBOD goes with this request only, so a later request
        # without one does not send it again. No source says; confirm on hardware.
        body, session.body = session.body, b""
        session.work = modem.spawn(self._request(session, method, path, body))

    async def _request(self, session: ShSession, method: str, path: str, body: bytes) -> None:
        try:
            await asyncio.sleep(self.options.request_delay)
            outcome = await self._perform(session, method, path, body)
        finally:
            session.busy = False
        if self.session is not session:
            return
        if isinstance(outcome, int):
            self.modem.send_urc(f'+SHREQ: "{method}",{outcome},0')
            self._lose_connection()
            return
        body = b"" if method == "HEAD" else outcome.body
        session.response = body
        self.modem.send_urc(f'+SHREQ: "{method}",{outcome.status},{len(body)}')
        if _server_closes(outcome):
            self._lose_connection()

    async def _perform(
        self, session: ShSession, method: str, path: str, body: bytes
    ) -> FarEndResponse | int:
        config = session.config
        assert config.url is not None
        https = config.url.scheme == "https"
        try:
            return await perform_request(
                method,
                str(config.url.join(URL(path, encoded=True))),
                session.headers,
                body if method in BODY_METHODS else None,
                connect_timeout=config.timeout,
                read_timeout=config.timeout,
                ssl_context=self._ssl_context() if https else None,
                keep_alive=True,
            )
        except FarEndError as err:
            return simcom_600.failure_code(err)

    def _lose_connection(self) -> None:
        self.session.connected = False
        self.modem.send_urc("+SHSTATE: 0")

    # --- the response -----------------------------------------------------------------------------

    async def shread(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """OK, then `+SHREAD: <n>` and the bytes, in blocks of `read_block` if set."""
        if req.kind == "test":
            return None
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        body = self.session.response
        start = bare_number(req.args[0], 0, 2**31 - 1)
        size = bare_number(req.args[1], 1, 2**31 - 1)
        if body is None or start + size > len(body):
            raise CmeError(_NOT_ALLOWED)
        data = body[start : start + size]
        modem.send_final("OK")
        # A read cut (FaultPlan.cut_read): a lost line, a restart or silence stop the output
        # where the cut falls. A lost bearer does not: +SHREQ reports a response once the module
        # holds all of it, so the read ends whole and the network's `+APP PDP: 0,DEACTIVE`
        # follows.
        cut = read_cuts.cut_point(modem, len(data))
        block = self.options.read_block or len(data)
        for offset in range(0, len(data), block):
            piece = data[offset : offset + block]
            modem.send_urc(f"+SHREAD: {len(piece)}")
            if (
                cut is not None
                and cut[1].kind is not ReadCut.BEARER
                and cut[0] < offset + len(piece)
            ):
                modem.send_raw(piece[: cut[0] - offset])
                read_cuts.interrupt(modem, cut[1])
                return NO_FINAL
            modem.send_raw(piece)
        if cut is not None and cut[1].kind is ReadCut.BEARER:
            read_cuts.lose_bearer(modem, context_id(0))
        return NO_FINAL


def _base_url(text: str) -> URL:
    """Scheme, host and port of an AT+SHCONF URL; ERROR for anything else."""
    try:
        url = URL(text, encoded=True)
    except ValueError:
        raise PlainError from None
    if url.scheme not in {"http", "https"} or not url.host or url.path not in {"", "/"}:
        raise PlainError
    return url


def _server_closes(response: FarEndResponse) -> bool:
    connection = (response.header("Connection") or "").lower()
    return connection == "close" or response.http_version == "1.0"


def install(
    modem: EmulatedModem,
    *,
    max_body: int = SIM7080_MAX_BODY,
    read_block: int | None = None,
    request_delay: float = 0.05,
) -> Sim7080HttpService:
    """Give `modem` the SIM7080 bearer, file, TLS and HTTP commands; returns the service."""
    if max_body < 1 or (read_block is not None and read_block < 1):
        raise ValueError("max_body and read_block must be positive")
    if not math.isfinite(request_delay) or request_delay < 0:
        raise ValueError("request_delay must be a non-negative number of seconds")
    service = Sim7080HttpService(modem, Sim7080Options(max_body, read_block, request_delay))
    service.install()
    return service
