"""SIMCom's AT+HTTPINIT family on the emulated modem, as SIM7600 and A76xx firmware answer it.

Ranges and replies follow seed manual 002 (F1301-F1309); where it is unclear, public logs of real
modules decide, and each output format names its source:

- `+HTTPACTION: <m>,<status>,<len>` as a URC after OK, then `+HTTP_PEER_CLOSED` when the server
  hangs up (SIM7600G-H/E-H logs: Xinyuan-LilyGO/T-SIM7600X issue #135, LilyGo-Modem-Series #401).
- AT+HTTPHEAD: `+HTTPHEAD: DATA,<n>`, the raw header block, OK (same SIM7600G-H log); the legacy
  framing prints `+HTTPHEAD: <n>` as the manual's own F1305 example does.
- AT+HTTPREAD=<off>,<n>: OK first, then the data, then `+HTTPREAD: 0` (manual F1306).
  "sim7600" framing cuts the data in `+HTTPREAD: DATA,<k>` blocks of up to `read_block` bytes (a
  public SIM7600 test notes "one chunk per ~1024 bytes for large responses"); "legacy" prints one
  `+HTTPREAD: <n>` block as in the manual's example `+HTTPREAD: 10 <!doctyped +HTTPREAD: 0`.
- AT+HTTPTERM without a session answers ERROR (LilyGo-Modem-Series #401 log); HTTPINIT twice
  answers ERROR, which is how a session left by a crashed host shows itself.
- Test forms print exactly the manual's T) lines; HTTPREADFILE's manual text says `+HTTPREADTFILE`,
  a typo that firmware does not print, so the command's own name is used.

HTTPS: `SSLCFG` names the SSL context (AT+CSSLCFG, `modem_emulator.tls`) the request uses: no
verification unless its authmode asks for it, then against the CA file it names in /mssl_cert/
(AT+CCERTDOWN or AT+HTTPREADFILE path 4); a failed handshake is `+HTTPACTION: <m>,715,0`.

Ranges (manual F1303): BREAK/BREAKEND become a Range header on GET (both 0: none; BREAKEND below
BREAK: to the end). Custom headers ride in USERDATA, separated by the four characters `\r\n`;
public drivers resume with `AT+HTTPPARA="USERDATA","Range: bytes=<n>-"` (an A7677S driver, ESP32
OTA sketches). A `"` cannot be inside the quoted parameter (the command is refused), so an If-Range
can carry a Last-Modified date here but never a quoted ETag. `+HTTPACTION` reports a 206 with the
length of the part.

Read cuts (`FaultPlan.cut_read`): a data connection lost mid-read leaves the buffer ending where
the data stopped (the module reads the server while the host reads the module, see `httpread`),
then `+CGEV: NW PDN DEACT <cid>` (per AT+CGEREP) and `+HTTP_NONET_EVENT` (A76xx manual 16.4).

Bearer: the seed manual says AT+HTTPINIT "starts HTTP service by activating PDP context"; SIM7600
firmware does (`httpinit_activates`, default), and HTTPINIT answers ERROR when that activation
fails. A76xx firmware does not: HTTPINIT works without a bearer and the request then fails with
`+HTTPACTION: <m>,714,0` (connect socket failed), as does a request whose bearer dropped.
"""

import asyncio
import math
from dataclasses import dataclass
from typing import Final, Literal

from modem_emulator import bearer, read_cuts, tls
from modem_emulator.commands import NO_FINAL, AtRequest, FinalSent, PayloadTimeout, PlainError
from modem_emulator.core import EmulatedModem
from modem_emulator.faults import ReadCut
from modem_emulator.filesystem import FileSystemError
from modem_emulator.simcom_session import (
    FILE_ERROR,
    METHODS,
    NO_NETWORK,
    HttpSession,
    StoredResponse,
    perform,
)

type Framing = Literal["sim7600", "legacy"]

MAX_URL: Final = 4096
MAX_TEXT: Final = 256
MAX_USER_DATA: Final = 512
MAX_POST: Final = 153600
MAX_FILE_NAME: Final = 64

_ACTION_TEST: Final = "+HTTPACTION: (0-3)"
_POSTFILE_TEST: Final = "+HTTPPOSTFILE: <filename>[,(1-3)[,(0-3)[,(0-1)]]]"
_READFILE_TEST: Final = "+HTTPREADFILE: <filename>[,(1-4)]"


@dataclass
class SimcomOptions:
    """How this emulated module words its answers and how fast it is."""

    framing: Framing = "sim7600"
    action_delay: float = 0.05
    """Seconds between OK and the request going out (the module's own think time)."""
    read_block: int = 1024
    """Largest `+HTTPREAD: DATA,<k>` block in "sim7600" framing."""
    peer_closed_urc: bool | None = None
    """Print `+HTTP_PEER_CLOSED` after each result URC (default: with "sim7600" framing)."""
    httpinit_activates: bool = True
    """HTTPINIT activates PDP context 1 itself (SIM7600); False: it needs an active one (A76xx)."""
    no_bearer_code: int = 714
    """What a request reports when no PDP context is active."""


class SimcomHttpService:
    """The HTTP service of one emulated module; `install()` registers its commands."""

    def __init__(self, modem: EmulatedModem, options: SimcomOptions) -> None:
        self.modem = modem
        self.options = options
        self.session: HttpSession | None = None
        self.requests: list[str] = []
        """Every HTTP-family command received, as written (for tests to check what got through)."""
        self._work: asyncio.Task[None] | None = None
        self.tls = tls.install(modem, "simcom")

    def install(self) -> None:
        """Register the nine commands and forget the session when the modem reboots."""
        handlers = {
            "+HTTPINIT": self.httpinit,
            "+HTTPTERM": self.httpterm,
            "+HTTPPARA": self.httppara,
            "+HTTPACTION": self.httpaction,
            "+HTTPHEAD": self.httphead,
            "+HTTPREAD": self.httpread,
            "+HTTPDATA": self.httpdata,
            "+HTTPPOSTFILE": self.httppostfile,
            "+HTTPREADFILE": self.httpreadfile,
        }
        self.modem.register_all(handlers, log=self.requests)
        self.modem.on_reset(self._forget)

    def _forget(self) -> None:
        self.session = None
        self._work = None

    def _session(self) -> HttpSession:
        """The open session; every command but HTTPINIT needs one (ERROR otherwise)."""
        if self.session is None:
            raise PlainError
        return self.session

    # --- session lifecycle ------------------------------------------------------------------------

    async def httpinit(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Open the session; ERROR when one is open already or there is no network."""
        if req.kind == "test":
            return
        if req.kind != "exec" or self.session is not None:
            raise PlainError
        if not modem.network.registered:
            raise PlainError
        no_bearer = modem.network.active_context() is None
        if (
            self.options.httpinit_activates
            and no_bearer
            and await bearer.activate(modem, 1) is not None
        ):
            raise PlainError  # HTTPINIT activates the PDP context; when that fails, ERROR
        self.session = HttpSession()

    async def httpterm(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Close the session (and any request in flight); ERROR when none is open."""
        if req.kind == "test":
            return
        if req.kind != "exec":
            raise PlainError
        self._session()
        if self._work is not None:
            self._work.cancel()
            self._work = None
        self.session = None

    # --- parameters -------------------------------------------------------------------------------

    async def httppara(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Set one parameter within the manual's range; ERROR for anything else."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        parameters = self._session().parameters
        tag = req.args[0]
        if not isinstance(tag, str):
            raise PlainError
        value = req.args[1]
        match tag.upper():
            case "URL":
                url = quoted_text(value, MAX_URL)
                if not url.lower().startswith(("http://", "https://")):
                    raise PlainError
                parameters.url = url
            case "CONNECTTO":
                parameters.connect_timeout = bare_number(value, 20, 120)
            case "RECVTO":
                parameters.receive_timeout = bare_number(value, 2, 120)
            case "CONTENT":
                parameters.content_type = quoted_text(value, MAX_TEXT)
            case "ACCEPT":
                parameters.accept = quoted_text(value, MAX_TEXT)
            case "UA":
                parameters.user_agent = quoted_text(value, MAX_TEXT)
            case "SSLCFG":
                # The manual writes it quoted, firmware and libraries send a bare number.
                parameters.ssl_cfg = bare_number(value, 0, 9, quoted_ok=True)
            case "USERDATA":
                parameters.user_data = quoted_text(value, MAX_USER_DATA)
            case "BREAK":
                parameters.break_start = bare_number(value, 0, 2**31 - 1)
            case "BREAKEND":
                parameters.break_end = bare_number(value, 0, 2**31 - 1)
            case _:
                raise PlainError

    async def httpdata(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`DOWNLOAD`, exactly <size> raw bytes within <time> seconds, then OK."""
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        session = self._session()
        size = bare_number(req.args[0], 1, MAX_POST)
        seconds = bare_number(req.args[1], 10, 65535)
        modem.send_line("DOWNLOAD")
        try:
            session.post_data = await modem.receive_payload(size, float(seconds))
        except PayloadTimeout:
            session.post_data = None
            raise

    # --- requests ---------------------------------------------------------------------------------

    async def httpaction(self, modem: EmulatedModem, req: AtRequest) -> None:
        """OK at once; the request runs and `+HTTPACTION: <m>,<status>,<len>` follows."""
        if req.kind == "test":
            modem.send_line(_ACTION_TEST)
            return
        if req.kind != "set" or len(req.args) != 1:
            raise PlainError
        method_code = bare_number(req.args[0], 0, 3)
        session = self._ready_session()
        method = METHODS[method_code]
        body = session.post_data if method == "POST" else None
        self._start(session, "+HTTPACTION", method_code, method, body=body)

    async def httppostfile(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Send a file as the whole request (send_header 0) or as the body (1); URC like ACTION."""
        if req.kind == "test":
            modem.send_line(_POSTFILE_TEST)
            return
        if req.kind != "set" or not 1 <= len(req.args) <= 4:
            raise PlainError
        name = self._file_name(req.args[0])
        path = bare_number(req.args[1], 1, 3) if len(req.args) > 1 else 1
        method_code = bare_number(req.args[2], 0, 3) if len(req.args) > 2 else 1
        send_header = bare_number(req.args[3], 0, 1) if len(req.args) > 3 else 0
        session = self._ready_session()
        method = METHODS[method_code]
        try:
            content: bytes | None = modem.fs.read(path, name)
        except FileSystemError:
            content = None
        if send_header == 0 and content is not None:
            self._start(session, "+HTTPPOSTFILE", method_code, method, raw_request=content)
        else:
            self._start(session, "+HTTPPOSTFILE", method_code, method, body=content, file=True)

    def _ready_session(self) -> HttpSession:
        session = self._session()
        if session.parameters.url is None or session.busy:
            raise PlainError
        return session

    def _start(
        self,
        session: HttpSession,
        prefix: str,
        method_code: int,
        method: str,
        *,
        body: bytes | None = None,
        raw_request: bytes | None = None,
        file: bool = False,
    ) -> None:
        """Reply OK now; the request runs in the background and reports `<prefix>: m,status,len`."""
        session.busy = True
        session.response = None
        session.read_position = 0

        async def run() -> None:
            try:
                await asyncio.sleep(self.options.action_delay)
                if file and body is None:
                    outcome: StoredResponse | int = FILE_ERROR
                elif not self.modem.network.registered:
                    outcome = NO_NETWORK
                elif self.modem.network.active_context() is None:
                    outcome = self.options.no_bearer_code
                else:
                    outcome = await perform(
                        session, self.tls, method, body=body, raw_request=raw_request
                    )
            finally:
                session.busy = False
            if self.session is not session:
                return
            if isinstance(outcome, int):
                self.modem.send_urc(f"{prefix}: {method_code},{outcome},0")
                return
            session.response = outcome
            self.modem.send_urc(f"{prefix}: {method_code},{outcome.status},{len(outcome.body)}")
            if self._peer_closed_urc():
                self.modem.send_urc("+HTTP_PEER_CLOSED")

        self._work = self.modem.spawn(run())

    def _peer_closed_urc(self) -> bool:
        wanted = self.options.peer_closed_urc
        return self.options.framing == "sim7600" if wanted is None else wanted

    # --- the response -----------------------------------------------------------------------------

    def _response(self) -> StoredResponse:
        response = self._session().response
        if response is None:
            raise PlainError
        return response

    async def httphead(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`+HTTPHEAD: DATA,<n>` (legacy: `+HTTPHEAD: <n>`), the raw header block, OK."""
        if req.kind == "test":
            return
        if req.kind != "exec":
            raise PlainError
        block = self._response().head_block()
        data_tag = "DATA," if self.options.framing == "sim7600" else ""
        modem.send_line(f"+HTTPHEAD: {data_tag}{len(block)}")
        modem.send_raw(block)

    async def httpread(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """`AT+HTTPREAD?` gives the buffered length; `=[<off>,]<n>` prints OK, data, end marker."""
        if req.kind == "test":
            return None
        if req.kind == "read":
            body = self._response().body
            if not body:
                raise PlainError  # manual: ERROR when no data is buffered
            modem.send_line(f"+HTTPREAD: LEN,{len(body)}")
            return None
        if req.kind != "set" or not 1 <= len(req.args) <= 2:
            raise PlainError
        session = self._session()
        body = self._response().body
        if len(req.args) == 2:
            offset = bare_number(req.args[0], 0, 2**31 - 1)
            size = bare_number(req.args[1], 1, 2**31 - 1)
        else:
            offset, size = session.read_position, bare_number(req.args[0], 1, 2**31 - 1)
        data = body[offset : offset + size]
        cut = read_cuts.cut_point(modem, len(data))
        if cut is not None and cut[1].kind is ReadCut.BEARER:
            # The module streams the body from the server into its buffer while the host reads
            # (A76xx manual: "+HTTPACTION: 0,200,104220" first, a 64 KiB buffer to read "quickly"),
            # so when the network goes the buffer ends where the data stopped: this read gives
            # what is there, with its real lengths, and nothing more ever arrives.
            data = data[: cut[0]]
            self._response().body = body[: offset + len(data)]
            cut = None
            network_lost = True
        else:
            network_lost = False
        session.read_position = offset + len(data)
        modem.send_final("OK")
        blocks = [data] if self.options.framing == "legacy" and data else []
        if self.options.framing == "sim7600":
            step = max(1, self.options.read_block)
            blocks = [data[start : start + step] for start in range(0, len(data), step)]
        printed = 0
        for piece in blocks:
            data_tag = "DATA," if self.options.framing == "sim7600" else ""
            modem.send_line(f"+HTTPREAD: {data_tag}{len(piece)}")
            if cut is not None and printed + len(piece) > cut[0]:
                modem.send_raw(piece[: cut[0] - printed])
                read_cuts.interrupt(modem, cut[1])
                return NO_FINAL
            modem.send_raw(piece)
            printed += len(piece)
        modem.send_line("+HTTPREAD: 0")
        if network_lost:
            self._lose_network()
        return NO_FINAL

    def _lose_network(self) -> None:
        """The data connection goes: `+CGEV` (per AT+CGEREP), then `+HTTP_NONET_EVENT`.

        `+HTTP_NONET_EVENT` is the HTTP service's own notice (A76xx AT manual 16.4: "the network
        is now unavailable"); the context is the one the request used, the first active one.
        """
        context = self.modem.network.active_context()
        if context is not None:
            read_cuts.lose_bearer(self.modem, context.cid)
        self.modem.send_urc("+HTTP_NONET_EVENT")

    async def httpreadfile(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """Store the body in a modem file: OK, then `+HTTPREADFILE: 0` (manual form a)."""
        if req.kind == "test":
            modem.send_line(_READFILE_TEST)
            return None
        if req.kind != "set" or not 1 <= len(req.args) <= 2:
            raise PlainError
        name = self._file_name(req.args[0])
        path = bare_number(req.args[1], 1, 4) if len(req.args) > 1 else 1
        body = self._response().body
        try:
            modem.fs.write(path, name, body)
        except FileSystemError:
            modem.send_line(f"+HTTPREADFILE: {FILE_ERROR}")  # manual form c: result, then ERROR
            modem.send_error()
            return NO_FINAL
        modem.send_final("OK")
        modem.send_urc("+HTTPREADFILE: 0")
        return NO_FINAL

    def _file_name(self, value: str | int) -> str:
        name = quoted_text(value, MAX_FILE_NAME)
        try:
            self.modem.fs.validate_name(name)
        except FileSystemError:
            raise PlainError from None
        return name


def quoted_text(value: str | int, max_length: int) -> str:
    """A quoted string argument within the manual's length (ERROR otherwise)."""
    if not isinstance(value, str) or len(value) > max_length:
        raise PlainError
    return value


def bare_number(value: str | int, low: int, high: int, *, quoted_ok: bool = False) -> int:
    """A bare number in the manual's range (ERROR otherwise, as the manual says for HTTPPARA)."""
    if isinstance(value, str) and quoted_ok and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise PlainError
    return value


def install(
    modem: EmulatedModem,
    *,
    framing: Framing = "sim7600",
    action_delay: float = 0.05,
    read_block: int = 1024,
    peer_closed_urc: bool | None = None,
    httpinit_activates: bool = True,
    no_bearer_code: int = 714,
) -> SimcomHttpService:
    """Give `modem` SIMCom's HTTP commands; returns the service (its session, its request log)."""
    if framing not in ("sim7600", "legacy"):
        raise ValueError(f"unknown framing {framing!r}; expected 'sim7600' or 'legacy'")
    if not math.isfinite(action_delay) or action_delay < 0:
        raise ValueError("action_delay must be a non-negative number of seconds")
    service = SimcomHttpService(
        modem,
        SimcomOptions(
            framing, action_delay, read_block, peer_closed_urc, httpinit_activates, no_bearer_code
        ),
    )
    service.install()
    return service
