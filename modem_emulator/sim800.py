"""SIM800 / SIM900 HTTP: the AT+HTTPINIT family over an AT+SAPBR bearer, as the 2G firmware answers.

The commands share their names with the SIM7600 family (`simcom.py`) but not their formats, ranges
or error numbers, so this module serves them on its own and borrows only the session pieces
(`simcom_session.Parameters`, `StoredResponse`) and the real request (`far_end`).

Formats and limits, with their sources:
- `AT+HTTPACTION=<m>` (0 GET, 1 POST, 2 HEAD): OK at once, then
  `+HTTPACTION: <m>,<status>,<datalen>` (SIM800 Series AT Command Manual V1.09 AT+HTTPACTION;
  `+HTTPACTION: 0,200,13` in Twilio's Super SIM SIMCom knowledge base). A request that gets no
  HTTP answer reports a 600 code (`simcom_600`), 601 when the bearer named by CID is not open.
- `AT+HTTPREAD` and `AT+HTTPREAD=<start>,<size>`: `+HTTPREAD: <n>`, the n bytes, then `\\r\\nOK`
  (Twilio: "+HTTPREAD: 13", the 13 bytes, "OK"); with nothing to read, OK alone (thehapyone/
  BareBoneSim800 issue #10 log: AT+HTTPREAD after `+HTTPACTION: 0,603,0` -> `OK`).
- HEAD: the header block is what the module keeps, so `<datalen>` is its length and AT+HTTPREAD
  prints it (SIM800 Series IP Application Note V1.02, 3.4 HTTP HEAD Method). No public serial
  log confirms this; drivers should read headers with AT+HTTPHEAD.
- `AT+HTTPHEAD`: `+HTTPHEAD: <n>`, the status line and headers as received, OK (manual V1.09).
- `AT+HTTPDATA=<size>,<time>`: `DOWNLOAD`, the bytes, OK. <time> is milliseconds, 1000-120000
  (public drivers send 10000, and 120000 for "120 s to push the body"); <size> at most 319488
  (manual V1.09). When <time> runs out first, input ends and OK follows with what arrived.
- `AT+HTTPPARA` tags CID (1-3), URL, UA (default `SIMCOM_MODULE`, the User-Agent servers log for
  SIM800 requests in public access logs), PROXY, PROXYPORT, REDIR (0/1), BREAK, BREAKEND, TIMEOUT
  (30-1000 s, default 120), CONTENT, USERDATA (manual V1.09). The URL needs no scheme
  (`www.gmail.com` worked in the nager/Nager.Date #331 log); its length is bounded only by the
  command line, 556 characters (manual 1.4.4).
- The module's own request carries `Accept: */*`, `Connection: Keep-Alive` and the User-Agent:
  the default header set SIMCom's modules send (a SIM7020 driver replicates it as
  "Accept: */*\\r\\nConnection: Keep-Alive\\r\\nUser-Agent: SIMCOM_MODULE").
- `AT+HTTPSSL=<0|1>` (read `+HTTPSSL: <n>`, test `+HTTPSSL: (0-1)`): TLS is used when it is 1,
  whatever the URL's scheme says; an `https://` URL with it at 0 goes out in plain text to port
  443. Firmware without SSL (SIM900, SIM800 before R14) has no such command (`ssl="none"`); R14.18
  offers only TLS 1.0, so a TLS 1.2-only server ends the handshake with a fatal alert, 606
  (`ssl="tls10"`, nager/Nager.Date #331 log). The server certificate is never verified.
- `AT+HTTPSTATUS?`: `+HTTPSTATUS: <method>,<status>,<finish>,<remain>`, status 0 idle, 1
  receiving (manual V1.09).
- Read cuts (`FaultPlan.cut_read`): a lost line, a restart or silence stop AT+HTTPREAD where the
  cut falls (read_cuts.py). A lost bearer does not shorten the body: `+HTTPACTION` is reported once
  the module has received the whole response (manual V1.09: <datalen> is what was received), so the
  read in progress ends whole and `+SAPBR <cid>: DEACT` follows; the buffer stays readable.
- Test forms (`=?`) print a line only where a source shows it (AT+HTTPSSL=?); the others answer a
  bare OK, so a driver may rely on OK versus ERROR from them and nothing more.
- HTTPINIT twice, HTTPTERM without a session, and any HTTP command outside one:
  `+CME ERROR: 3` (LilyGo-T-Call-SIM800 issue #259 log, AT+CMEE=2: "operation not allowed" for a
  second AT+HTTPINIT; plain `ERROR` with AT+CMEE=0).
"""

import asyncio
import math
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from yarl import URL

from modem_emulator import read_cuts, simcom_600
from modem_emulator.commands import (
    NO_FINAL,
    AtRequest,
    CmeError,
    FinalSent,
    PayloadTimeout,
    PlainError,
    execute_form,
)
from modem_emulator.core import CommandHandler, EmulatedModem
from modem_emulator.far_end import BadUrl, FarEndError, FarEndResponse, TlsFailure, perform_request
from modem_emulator.faults import ReadCut
from modem_emulator.sapbr import MAX_PROFILE, SapbrBearer
from modem_emulator.simcom import bare_number, quoted_text
from modem_emulator.simcom_session import Parameters, StoredResponse
from modem_emulator.tls import TlsState

type SslSupport = Literal["tls12", "tls10", "none"]

COMMAND_LINE_LIMIT: Final = 556
MAX_POST: Final = 319488
MAX_TIMEOUT_MS: Final = 120000
MAX_REDIRECTS: Final = 5
"""How many redirects REDIR=1 follows; the manual gives no number, so the emulator picks one."""
METHODS: Final = ("GET", "POST", "HEAD")
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_NOT_ALLOWED: Final = 3
_TLS10: Final = 1
_ANY_TLS: Final = 4


@dataclass
class Sim800Options:
    """Firmware knobs of one emulated 2G module."""

    ssl: SslSupport = "tls12"
    """"tls12": AT+HTTPSSL works with modern servers; "tls10": only TLS 1.0 (R14.18), so they
    refuse the handshake (606); "none": no AT+HTTPSSL at all (SIM900, SIM800 before R14)."""
    action_delay: float = 0.05
    """Seconds between OK and the request going out."""


@dataclass
class Sim800Session:
    """One AT+HTTPINIT .. AT+HTTPTERM session."""

    parameters: Parameters = field(
        default_factory=lambda: Parameters(
            connect_timeout=120, receive_timeout=120, user_agent="SIMCOM_MODULE"
        )
    )
    cid: int = 1
    redirect: bool = False
    ssl: bool = False
    proxy: tuple[str, int] = ("0.0.0.0", 0)
    post_data: bytes = b""
    response: StoredResponse | None = None
    method: int = 0
    busy: bool = False


class Sim800HttpService:
    """The HTTP service of one emulated SIM800; `install()` registers its commands."""

    def __init__(self, modem: EmulatedModem, options: Sim800Options) -> None:
        self.modem = modem
        self.options = options
        self.bearer = SapbrBearer(modem)
        self.session: Sim800Session | None = None
        self.requests: list[str] = []
        """Every HTTP command received, as written (for tests to check what got through)."""
        self._work: asyncio.Task[None] | None = None
        # The module's TLS is fixed by its firmware: one context, never verifying.
        self._tls = TlsState(modem, "simcom")
        self._tls.config(0).version = _TLS10 if options.ssl == "tls10" else _ANY_TLS

    def install(self) -> None:
        """Register the bearer and HTTP commands; a reboot forgets the session."""
        self.bearer.install()
        handlers: dict[str, CommandHandler] = {
            "+HTTPINIT": self.httpinit,
            "+HTTPTERM": self.httpterm,
            "+HTTPPARA": self.httppara,
            "+HTTPDATA": self.httpdata,
            "+HTTPACTION": self.httpaction,
            "+HTTPREAD": self.httpread,
            "+HTTPHEAD": self.httphead,
            "+HTTPSTATUS": self.httpstatus,
        }
        if self.options.ssl != "none":
            handlers["+HTTPSSL"] = self.httpssl
        self.modem.register_all(handlers, log=self.requests)
        self.modem.on_reset(self._forget)

    def _forget(self) -> None:
        self.session = None
        self._work = None

    def _session(self) -> Sim800Session:
        if self.session is None:
            raise CmeError(_NOT_ALLOWED)
        return self.session

    # --- session ----------------------------------------------------------------------------------

    async def httpinit(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Open the session; `+CME ERROR: 3` when one is open already."""
        if not execute_form(req):
            return
        if self.session is not None:
            raise CmeError(_NOT_ALLOWED)
        self.session = Sim800Session()

    async def httpterm(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Close the session and drop a request in flight."""
        if not execute_form(req):
            return
        self._session()
        if self._work is not None:
            self._work.cancel()
            self._work = None
        self.session = None

    async def httpssl(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Switch the session's TLS on or off."""
        if req.kind == "test":
            modem.send_line("+HTTPSSL: (0-1)")
            return
        session = self._session()
        if req.kind == "read":
            modem.send_line(f"+HTTPSSL: {int(session.ssl)}")
        elif req.kind == "set" and len(req.args) == 1:
            session.ssl = bare_number(req.args[0], 0, 1) == 1
        else:
            raise PlainError

    async def httppara(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Set one parameter within the manual's range; ERROR for anything else."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        session = self._session()
        tag, value = str(req.args[0]).upper(), req.args[1]
        parameters = session.parameters
        match tag:
            case "CID":
                session.cid = bare_number(value, 1, MAX_PROFILE, quoted_ok=True)
            case "URL":
                parameters.url = str(value)
            case "UA":
                parameters.user_agent = quoted_text(value, COMMAND_LINE_LIMIT)
            case "PROXY":
                session.proxy = (quoted_text(value, COMMAND_LINE_LIMIT), session.proxy[1])
            case "PROXYPORT":
                session.proxy = (session.proxy[0], bare_number(value, 0, 65535, quoted_ok=True))
            case "REDIR":
                session.redirect = bare_number(value, 0, 1, quoted_ok=True) == 1
            case "BREAK":
                parameters.break_start = bare_number(value, 0, 2**31 - 1, quoted_ok=True)
            case "BREAKEND":
                parameters.break_end = bare_number(value, 0, 2**31 - 1, quoted_ok=True)
            case "TIMEOUT":
                seconds = bare_number(value, 30, 1000, quoted_ok=True)
                parameters.connect_timeout = parameters.receive_timeout = seconds
            case "CONTENT":
                parameters.content_type = quoted_text(value, COMMAND_LINE_LIMIT)
            case "USERDATA":
                parameters.user_data = quoted_text(value, COMMAND_LINE_LIMIT)
            case _:
                raise PlainError

    async def httpdata(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`DOWNLOAD`, up to <size> raw bytes within <time> ms, then OK."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        session = self._session()
        size = bare_number(req.args[0], 1, MAX_POST)
        milliseconds = bare_number(req.args[1], 1000, MAX_TIMEOUT_MS)
        modem.send_line("DOWNLOAD")
        try:
            session.post_data = await modem.receive_payload(size, milliseconds / 1000)
        except PayloadTimeout as timeout:
            session.post_data = timeout.partial

    # --- the request ------------------------------------------------------------------------------

    async def httpaction(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """OK at once; the request runs and `+HTTPACTION: <m>,<status>,<datalen>` follows."""
        if req.kind == "test":
            return None
        if req.kind != "set" or len(req.args) != 1:
            raise PlainError
        method_code = bare_number(req.args[0], 0, len(METHODS) - 1)
        session = self._session()
        if session.parameters.url is None:
            raise PlainError
        if session.busy:
            modem.send_final("OK")
            modem.send_urc(f"+HTTPACTION: {method_code},{simcom_600.STACK_BUSY},0")
            return NO_FINAL
        session.busy = True
        session.method = method_code
        session.response = None
        self._work = modem.spawn(self._action(session, method_code))
        return None

    async def _action(self, session: Sim800Session, method_code: int) -> None:
        try:
            await asyncio.sleep(self.options.action_delay)
            outcome = await self._outcome(session, METHODS[method_code])
        finally:
            session.busy = False
        if self.session is not session:
            return
        if isinstance(outcome, int):
            self.modem.send_urc(f"+HTTPACTION: {method_code},{outcome},0")
            return
        session.response = outcome
        self.modem.send_urc(f"+HTTPACTION: {method_code},{outcome.status},{len(outcome.body)}")

    async def _outcome(self, session: Sim800Session, method: str) -> StoredResponse | int:
        network = self.modem.network
        if not network.registered or not self.bearer.is_open(session.cid):
            return simcom_600.NETWORK_ERROR
        try:
            response = await self._fetch(session, method)
        except TlsFailure:
            if self.options.ssl == "tls10":
                return simcom_600.SSL_FATAL_ALERT
            return simcom_600.SSL_CHANNEL_FAILED
        except FarEndError as err:
            return simcom_600.failure_code(err)
        stored = StoredResponse.from_far_end(response, keep_body=method != "HEAD")
        return replace(stored, body=stored.head_block()) if method == "HEAD" else stored

    async def _fetch(self, session: Sim800Session, method: str) -> FarEndResponse:
        """The request, and the redirects REDIR=1 follows."""
        parameters = session.parameters
        assert parameters.url is not None
        target = _target(parameters.url, tls=session.ssl)
        body = session.post_data if method == "POST" else None
        headers = [("Connection", "Keep-Alive"), *parameters.headers(method)]
        for _hop in range(MAX_REDIRECTS + 1):
            response = await perform_request(
                method,
                str(target),
                headers,
                body,
                connect_timeout=parameters.connect_timeout,
                read_timeout=parameters.receive_timeout,
                ssl_context=self._tls.ssl_context(0) if target.scheme == "https" else None,
            )
            location = response.header("Location")
            if not (session.redirect and response.status in _REDIRECTS and location):
                break
            target = target.join(URL(location))
        return response

    # --- the response -----------------------------------------------------------------------------

    async def httpread(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """`+HTTPREAD: <n>`, the bytes, OK; OK alone when there is nothing to read."""
        if req.kind == "test":
            return None
        session = self._session()
        body = session.response.body if session.response is not None else b""
        if req.kind == "exec":
            data = body
        elif req.kind == "set" and len(req.args) == 2:
            start = bare_number(req.args[0], 0, 2**31 - 1)
            size = bare_number(req.args[1], 1, 2**31 - 1)
            data = body[start : start + size]
        else:
            raise PlainError
        if not data:
            return None
        modem.send_line(f"+HTTPREAD: {len(data)}")
        cut = read_cuts.cut_point(modem, len(data))
        if cut is None:
            modem.send_raw(data)
            return None
        position, armed = cut
        if armed.kind is ReadCut.BEARER:
            modem.send_raw(data)
            modem.send_final("OK")
            read_cuts.lose_bearer(modem, self._session().cid)
            return NO_FINAL
        modem.send_raw(data[:position])
        read_cuts.interrupt(modem, armed)
        return NO_FINAL

    async def httphead(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`+HTTPHEAD: <n>` and the status line and headers as received."""
        if not execute_form(req):
            return
        response = self._session().response
        if response is None:
            raise CmeError(_NOT_ALLOWED)
        block = response.head_block()
        modem.send_line(f"+HTTPHEAD: {len(block)}")
        modem.send_raw(block)

    async def httpstatus(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """`+HTTPSTATUS: <method>,<status>,0,0`: 1 while a request is out, 0 otherwise."""
        if req.kind == "test":
            return None
        if req.kind != "read":
            raise PlainError
        session = self._session()
        modem.send_line(f"+HTTPSTATUS: {METHODS[session.method]},{int(session.busy)},0,0")
        return None


def _target(url: str, *, tls: bool) -> URL:
    """Where the request goes: AT+HTTPSSL picks TLS; the URL's scheme only picks the port."""
    text = url if "://" in url else f"http://{url}"
    try:
        parsed = URL(text, encoded=True)
        if parsed.scheme not in {"http", "https"} or not parsed.host:
            raise BadUrl(f"not an http(s) URL: {url!r}")
        return parsed.with_scheme("https" if tls else "http").with_port(parsed.port)
    except (ValueError, TypeError) as err:
        raise BadUrl(str(err)) from err


def install(
    modem: EmulatedModem, *, ssl: SslSupport = "tls12", action_delay: float = 0.05
) -> Sim800HttpService:
    """Give `modem` the SIM800 bearer and HTTP commands; returns the service."""
    if ssl not in ("tls12", "tls10", "none"):
        raise ValueError(f"unknown ssl support {ssl!r}; expected 'tls12', 'tls10' or 'none'")
    if not math.isfinite(action_delay) or action_delay < 0:
        raise ValueError("action_delay must be a non-negative number of seconds")
    modem.max_line_length = COMMAND_LINE_LIMIT
    service = Sim800HttpService(modem, Sim800Options(ssl, action_delay))
    service.install()
    return service
