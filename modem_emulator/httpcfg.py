"""The AT+HTTPCFG family (seed manual 000) and its Quectel twin AT+QHTTPCFG, emulated.

`install(modem, prefix="")` serves the seed module's commands, `install(modem, prefix="Q")` the
Quectel ones. Requests are performed for real through `far_end.perform_request`.

Formats and choices, with their sources:
- `AT+HTTPCFG=?` / `?` / one-argument query print the manual's lines (table 1) verbatim.
- `AT+HTTPURL`, `AT+HTTPGET` (raw), `AT+HTTPPOST`: `\\r\\nCONNECT\\r\\n`, the bytes, `OK`.
- Result URCs `+HTTPGET: <err>[,<code>[,<length>]]`: the code only when err is 0, the length only
  when the response had Content-Length (manual 15.3 note; an EG800K log shows `+QHTTPGET: 0,200`
  without length for a chunked answer, `+QHTTPGET: 0,404,0` for a 404).
- A ranged GET reports `+QHTTPGET:` on Quectel (same EG800K log: `GETEX=80,0,8` ->
  `+QHTTPGET: 0,206,8`) and `+HTTPGETEX:` on the seed module (its manual, 15.4).
- `AT+HTTPREAD` ends its output in one of three ways, chosen with `read_format`:
  "ok" (default): `\\r\\nCONNECT\\r\\n<response>\\r\\nOK\\r\\n\\r\\n+HTTPREAD: 0\\r\\n`
  (LooUQ LTEmC's BGx reader and the EG800K log: CONNECT, body, OK, `+QHTTPREAD: 0`);
  "no_ok": `\\r\\nCONNECT\\r\\n<response>\\r\\n+HTTPREAD: 0\\r\\n`, no OK at all (seed manual 000,
  table 12: "CONNECT <response> +HTTPREAD: <err>");
  "urc_after_ok": `\\r\\nCONNECT\\r\\n<response>\\r\\nOK\\r\\n`, then `+QHTTPREAD: 0` as an
  unsolicited result once the output is done (Quectel's manuals list it with the URCs), with
  whatever other URCs are due (`urcs_after_read_ok`: `+CREG: 1`, `+CMTI: "SM",3`...) in between.
- Errors: out-of-range or malformed values give `+CME ERROR: 730` (Quectel's "invalid parameter",
  the number its HTTP stack uses for bad arguments); a parameter the module does not support gives
  `+CME ERROR: 4` (27.007 "operation not supported"); input that does not arrive in time gives
  `+CME ERROR: 726` ("input timeout"). Body-mode requests carry the headers real modules send
  (`User-Agent: QUECTEL_MODULE`, `Accept: */*`, `Connection: Keep-Alive`; Quectel's application
  note example request and the EG800K httpbin echo).
- `rspout/auto` 1: no public log shows its output; the emulator prints what HTTPREAD would print,
  right after the result URC, and HTTPREAD then answers `+CME ERROR: 705` (nothing left to read,
  as the manual says HTTPREAD fails in that mode).
- HTTPS: `sslctxid` names the SSL context (`AT+QSSLCFG` / `AT+SSLCFG`, `modem_emulator.tls`):
  no verification unless its `seclevel` asks for it, then against the CA file it names; a failed
  handshake is reported like a failed connection (716). `ca_files` presets contexts to verify
  against a file, as if the host had configured them.
- Ranges: HTTPGETEX sends `Range: bytes=<start>-<start+len-1>` and nothing else of the host's,
  and only with `requestheader` 0 (seed manual 15.4; otherwise `+CME ERROR: 730`). A raw request
  (`requestheader` 1) goes out verbatim, so it carries any Range and If-Range, quoted ETags too.
- Read cuts (`FaultPlan.cut_read`): the module reads the server while it prints the body, so a
  data connection lost mid-read ends the output where the data stopped with `+CME ERROR: 717`
  (the manual's failed-read ending; the number is an assumption), then the network's URCs.
- Bearer: requests need PDP context `contextid` (1 on the seed module, which cannot change it)
  active; otherwise the request command answers `+CME ERROR: 709` ("network deactivated").
"""

import asyncio
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from modem_emulator import far_end, quectel_files, read_cuts, tls
from modem_emulator.commands import (
    NO_FINAL,
    AtRequest,
    CmeError,
    FinalSent,
    PayloadTimeout,
    PlainError,
)
from modem_emulator.core import EmulatedModem
from modem_emulator.far_end import FarEndResponse
from modem_emulator.faults import ReadCut
from modem_emulator.filesystem import FileSystemError

ERR_INVALID: Final = 730
ERR_NOT_SUPPORTED: Final = 4
ERR_INPUT_TIMEOUT: Final = 726
ERR_BUSY: Final = 703
ERR_NO_REQUEST: Final = 705
ERR_NETWORK_DEACTIVATED: Final = 709
ERR_URL: Final = 711
ERR_EMPTY_URL: Final = 712
ERR_DNS: Final = 714
ERR_SOCKET_CONNECT: Final = 716
ERR_SOCKET_READ: Final = 717
ERR_UNKNOWN: Final = 701
ERR_FILE_NOT_FOUND: Final = 405
"""Quectel's file error "file not found" (FILE AT Commands Manual), for POSTFILE."""

PARAMETERS: Final[dict[str, tuple[int, int, int]]] = {
    # name: (low, high, default) -- manual table 2
    "contextid": (1, 16, 1),
    "requestheader": (0, 1, 0),
    "responseheader": (0, 1, 0),
    "sslctxid": (0, 5, 1),
    "contenttype": (0, 3, 0),
    "rspout/auto": (0, 1, 0),
    "closed/ind": (0, 1, 0),
}
SEED_UNSUPPORTED: Final = ("contextid", "contenttype", "closed/ind")
"""Manual note under table 2: these cannot be configured on the seed module."""
CONTENT_TYPES: Final = (
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/octet-stream",
    "multipart/form-data",
)
MAX_URL: Final = 2048
MAX_GET_REQUEST: Final = 2048
MAX_POST: Final = 1_024_000
MAX_FILE_NAME: Final = 80
TIME_RANGE: Final = (1, 65535)
DEFAULT_TIME: Final = 60

type PerformRequest = Callable[..., Awaitable[FarEndResponse]]
type Handler = Callable[[EmulatedModem, AtRequest], Awaitable[FinalSent | None]]
type ReadFormat = Literal["ok", "no_ok", "urc_after_ok"]
type Outcome = FarEndResponse | int | None
"""A response, a 7xx error number, or None for TIMEOUT."""


@dataclass
class HttpcfgOptions:
    """How this emulated module behaves; the defaults follow the prefix's manual."""

    prefix: str = ""
    unsupported: tuple[str, ...] | None = None
    """Parameters refused with `+CME ERROR: 4`; None: the seed module's three, none for Quectel."""
    locked: dict[str, int] = field(default_factory=dict)
    """Parameters stuck at a value: setting another one answers ERROR (a stubborn firmware)."""
    urc_delay: float = 0.05
    ca_files: dict[int, str] = field(default_factory=dict)
    """sslctxid -> CA file (`UFS:ca.pem`): that SSL context starts out verifying against it."""
    errors_as_final: bool = False
    """Report connection failures as the request command's `+CME ERROR` (EG800K does for DNS)."""
    stop_supported: bool | None = None
    """AT+HTTPSTOP works (Quectel) or answers ERROR (seed manual: not supported)."""
    read_format: ReadFormat = "ok"
    """How the HTTPREAD output ends: "ok", "no_ok" or "urc_after_ok" (see the module notes)."""
    perform: PerformRequest = far_end.perform_request


@dataclass
class StoredResponse:
    """The last response, kept until it is read."""

    head: bytes
    body: bytes
    chunked: bool


@dataclass
class HttpcfgState:
    """The module's HTTP stack: configuration, URL, the last response, the command log."""

    options: HttpcfgOptions
    config: dict[str, int] = field(default_factory=dict)
    url: str | None = None
    response: StoredResponse | None = None
    task: asyncio.Task[None] | None = None
    log: list[str] = field(default_factory=list)
    """Every HTTP command received, as sent (tests assert on it)."""
    requests: list[bytes] = field(default_factory=list)
    """Raw requests received in raw mode (tests assert on them)."""
    urcs_in_read: list[str] = field(default_factory=list)
    """URCs to print during the next HTTPREAD, right before CONNECT (one-shot)."""
    urcs_after_read_ok: list[str] = field(default_factory=list)
    """URCs to print between the next read's OK and its result ("urc_after_ok"; one-shot)."""

    def reset(self) -> None:
        """Power-on state: defaults, no URL, nothing to read."""
        self.config = {name: default for name, (_low, _high, default) in PARAMETERS.items()}
        self.config.update(self.options.locked)
        self.url = None
        self.response = None
        if self.task is not None:
            self.task.cancel()
        self.task = None


def install(modem: EmulatedModem, prefix: str = "", **options: Any) -> HttpcfgState:
    """Register the family's commands; returns the state (tests reach it as `modem.httpcfg`)."""
    if prefix not in ("", "Q"):
        raise ValueError("prefix must be '' or 'Q'")
    opts = HttpcfgOptions(prefix=prefix, **options)
    if opts.unsupported is None:
        opts.unsupported = SEED_UNSUPPORTED if prefix == "" else ()
    if opts.stop_supported is None:
        opts.stop_supported = prefix == "Q"
    state = HttpcfgState(opts)
    state.reset()
    modem.on_reset(state.reset)
    ssl_state = tls.install(modem, "quectel" if prefix == "Q" else "httpcfg")
    for ctx_id, path in opts.ca_files.items():
        ssl_state.presets[ctx_id] = tls.SslConfig(auth=1, ca=path)
    ssl_state.reset()
    handlers = _Handlers(modem, state)
    for name, handler in handlers.table().items():
        modem.register(f"+{prefix}HTTP{name}", handler)
    if prefix == "Q":
        quectel_files.install(modem)
    modem.httpcfg = state  # type: ignore[attr-defined]
    return state


class _Handlers:
    def __init__(self, modem: EmulatedModem, state: HttpcfgState) -> None:
        self.modem = modem
        self.state = state
        self.opts = state.options
        self.p = f"+{self.opts.prefix}HTTP"

    def table(self) -> dict[str, Handler]:
        return {
            "CFG": self.cfg,
            "URL": self.url,
            "GET": self.get,
            "GETEX": self.getex,
            "POST": self.post,
            "POSTFILE": self.postfile,
            "READ": self.read,
            "READFILE": self.readfile,
            "STOP": self.stop,
        }

    # ------------------------------------------------------------------ HTTPCFG

    async def cfg(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        cfg = self.p + "CFG"
        if req.kind == "test":
            modem.send_lines(
                [
                    f'{cfg}: "contextid",(1-16)',
                    f'{cfg}: "requestheader",(0,1)',
                    f'{cfg}: "responseheader",(0,1)',
                    f'{cfg}: "sslctxid",(0-5)',
                    f'{cfg}: "contenttype",(0-3)',
                    f'{cfg}: "rspout/auto",(0,1)',
                    f'{cfg}: "closed/ind",(0,1)',
                ]
            )
            return
        if req.kind == "read":
            modem.send_lines(
                [f'{cfg}: "{name}",{value}' for name, value in self.state.config.items()]
            )
            return
        if req.kind != "set" or not req.args:
            raise PlainError
        name = str(req.args[0]).lower()
        if name not in PARAMETERS:
            raise CmeError(ERR_INVALID)
        if name in (self.opts.unsupported or ()):
            raise CmeError(ERR_NOT_SUPPORTED)
        if len(req.args) == 1:
            modem.send_line(f'{cfg}: "{name}",{self.state.config[name]}')
            return
        if len(req.args) != 2:
            raise CmeError(ERR_INVALID)
        low, high, _default = PARAMETERS[name]
        value = _int_in(req.args[1], low, high)
        locked = self.opts.locked.get(name)
        if locked is not None and value != locked:
            raise PlainError
        self.state.config[name] = value

    # ------------------------------------------------------------------ HTTPURL

    async def url(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line(f"{self.p}URL: (1-2048),(1-65535)")
            return
        if req.kind == "read":
            if self.state.url is not None:
                modem.send_line(f"{self.p}URL: {self.state.url}")
            return
        if req.kind != "set" or len(req.args) > 2:
            raise CmeError(ERR_INVALID)
        length = _int_in(_arg(req, 0), 1, MAX_URL)
        timeout = _int_in(_arg(req, 1, DEFAULT_TIME), *TIME_RANGE)
        data = await self._payload(length, timeout)
        self.state.url = data.decode("latin-1")

    # ------------------------------------------------------------------ requests

    async def get(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line(f"{self.p}GET: (1-65535),(1-2048),(1-65535)")
            return
        if req.kind == "read":
            raise PlainError
        raw_mode = self.state.config["requestheader"] == 1
        if req.kind == "exec" and raw_mode:
            raise CmeError(ERR_INVALID)
        rsptime = _int_in(_arg(req, 0, DEFAULT_TIME), *TIME_RANGE)
        if raw_mode:
            size = _int_in(_arg(req, 1), 1, MAX_GET_REQUEST)
            input_time = _int_in(_arg(req, 2, DEFAULT_TIME), *TIME_RANGE)
            if len(req.args) > 3:
                raise CmeError(ERR_INVALID)
            url = self._request_url()
            raw = await self._payload(size, input_time)
            self.state.requests.append(raw)
            call = self._call("GET", url, raw=raw, rsptime=rsptime)
        else:
            if len(req.args) > 1:
                raise CmeError(ERR_INVALID)
            call = self._call("GET", self._request_url(), rsptime=rsptime)
        await self._start(call, "GET", rsptime)

    async def getex(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind != "set":
            raise PlainError
        if self.state.config["requestheader"] != 0 or len(req.args) != 3:
            raise CmeError(ERR_INVALID)
        rsptime = _int_in(req.args[0], *TIME_RANGE)
        start = _int_in(req.args[1], 0, 2**31 - 1)
        length = _int_in(req.args[2], 1, 2**31 - 1)
        headers = {"Range": f"bytes={start}-{start + length - 1}"}
        call = self._call("GET", self._request_url(), rsptime=rsptime, extra_headers=headers)
        # Quectel firmware reports a ranged GET as +QHTTPGET; the seed manual says +HTTPGETEX.
        await self._start(call, "GET" if self.opts.prefix == "Q" else "GETEX", rsptime)

    async def post(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            # The manual prints "(65535)" for <rsptime>, a typo for its 1-65535 range.
            modem.send_line(f"{self.p}POST: (1-1024000),(1-65535),(1-65535)")
            return
        if req.kind != "set":
            raise PlainError
        if len(req.args) not in (1, 3):
            raise CmeError(ERR_INVALID)
        size = _int_in(req.args[0], 1, MAX_POST)
        input_time = _int_in(_arg(req, 1, DEFAULT_TIME), *TIME_RANGE)
        rsptime = _int_in(_arg(req, 2, DEFAULT_TIME), *TIME_RANGE)
        url = self._request_url()
        data = await self._payload(size, input_time)
        if self.state.config["requestheader"] == 1:
            self.state.requests.append(data)
            call = self._call("POST", url, raw=data, rsptime=rsptime)
        else:
            call = self._call("POST", url, body=data, rsptime=rsptime)
        await self._start(call, "POST", rsptime)

    async def postfile(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line(f"{self.p}POSTFILE: <file_name>,(1-65535)")
            return
        if req.kind != "set" or not 1 <= len(req.args) <= 2:
            raise CmeError(ERR_INVALID)
        name = self._file_name(req.args[0])
        rsptime = _int_in(_arg(req, 1, DEFAULT_TIME), *TIME_RANGE)
        url = self._request_url()
        try:
            directory, bare = modem.fs.split_path(name)
            data = modem.fs.read(directory, bare)
        except FileSystemError:
            raise CmeError(ERR_FILE_NOT_FOUND) from None
        if self.state.config["requestheader"] == 1:
            self.state.requests.append(data)
            call = self._call("POST", url, raw=data, rsptime=rsptime)
        else:
            call = self._call("POST", url, body=data, rsptime=rsptime)
        await self._start(call, "POSTFILE", rsptime)

    # ------------------------------------------------------------------ reading

    async def read(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line(f"{self.p}READ: (1-65535)")
            return None
        if req.kind not in ("exec", "set"):
            raise PlainError
        _int_in(_arg(req, 0, DEFAULT_TIME), *TIME_RANGE)
        response = self._take_response()
        for urc in self.state.urcs_in_read:
            modem.send_urc(urc)
        self.state.urcs_in_read.clear()
        self._print_read_output(response)
        return NO_FINAL

    async def readfile(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line(f"{self.p}READFILE: <file_name>,(1-65535)")
            return
        if req.kind != "set" or not 1 <= len(req.args) <= 2:
            raise CmeError(ERR_INVALID)
        name = self._file_name(req.args[0])
        _int_in(_arg(req, 1, DEFAULT_TIME), *TIME_RANGE)
        data = self._response_bytes(self._take_response())

        async def store() -> None:
            await asyncio.sleep(self.opts.urc_delay)
            try:
                directory, bare = modem.fs.split_path(name)
                modem.fs.write(directory, bare, data)
            except FileSystemError:
                modem.send_urc(f"{self.p}READFILE: {ERR_UNKNOWN}")
                return
            modem.send_urc(f"{self.p}READFILE: 0")

        modem.spawn(store())

    async def stop(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            return
        if req.kind != "exec" or not self.opts.stop_supported:
            raise PlainError
        if self.state.task is not None:
            self.state.task.cancel()
            self.state.task = None

    # ------------------------------------------------------------------ helpers

    async def _payload(self, size: int, timeout: int) -> bytes:
        self.modem.send_raw(b"\r\nCONNECT\r\n")
        try:
            return await self.modem.receive_payload(size, float(timeout))
        except PayloadTimeout:
            raise CmeError(ERR_INPUT_TIMEOUT) from None

    def _request_url(self) -> str:
        if self.state.task is not None and not self.state.task.done():
            raise CmeError(ERR_BUSY)
        url = self.state.url
        if not url:
            raise CmeError(ERR_EMPTY_URL)
        if not url.lower().startswith(("http://", "https://")):
            raise CmeError(ERR_URL)
        cid = self.state.config["contextid"]
        if not self.modem.network.context_active(cid) or not self.modem.network.registered:
            raise CmeError(ERR_NETWORK_DEACTIVATED)
        return url

    @staticmethod
    def _file_name(value: object) -> str:
        name = str(value)
        if not name or len(name.encode()) > MAX_FILE_NAME or any(ord(c) < 0x20 for c in name):
            raise CmeError(ERR_INVALID)
        return name

    def _take_response(self) -> StoredResponse:
        response = self.state.response
        if response is None or self.state.config["rspout/auto"] == 1:
            raise CmeError(ERR_NO_REQUEST)
        self.state.response = None
        return response

    def _response_bytes(self, response: StoredResponse) -> bytes:
        before, body, after = self._response_parts(response)
        return before + body + after

    def _response_parts(self, response: StoredResponse) -> tuple[bytes, bytes, bytes]:
        """What the module prints before the body, the body, and what follows it."""
        if self.state.config["responseheader"] != 1:
            return b"", response.body, b""
        if response.chunked:
            body = response.body
            if not body:
                return response.head, b"", b"0\r\n\r\n"
            return response.head + f"{len(body):x}\r\n".encode(), body, b"\r\n0\r\n\r\n"
        return response.head, response.body, b""

    def _print_read_output(self, response: StoredResponse) -> None:
        """CONNECT, the response, and the ending of the module's `read_format`."""
        before, body, after = self._response_parts(response)
        cut = read_cuts.cut_point(self.modem, len(body))
        if cut is not None:
            position, armed = cut
            self.modem.send_raw(b"\r\nCONNECT\r\n" + before + body[:position])
            if armed.kind is ReadCut.BEARER:
                self._lose_network()
            else:
                read_cuts.interrupt(self.modem, armed)
            return
        output = b"\r\nCONNECT\r\n" + before + body + after
        result = f"{self.p}READ: 0"
        match self.opts.read_format:
            case "ok":
                self.modem.send_raw(output + f"\r\nOK\r\n\r\n{result}\r\n".encode())
            case "no_ok":
                self.modem.send_raw(output + f"\r\n{result}\r\n".encode())
            case "urc_after_ok":
                self.modem.send_raw(output + b"\r\nOK\r\n")
                due = list(self.state.urcs_after_read_ok)
                self.state.urcs_after_read_ok.clear()
                self.modem.spawn(self._result_after(due, result))

    def _lose_network(self) -> None:
        """The data connection goes mid-read: the read fails, then the network's URCs.

        The module reads the body from the server while it prints it (`<wait_time>` is "the
        longest gap between two packets", seed manual table 13), so the output stops where the
        data did. The manual's ending for output that could not be completed is `+CME ERROR:
        <err>`; 717 ("socket read error" in Quectel's HTTP error list) is the number chosen here,
        as no public log shows the one a module prints for this. The context is then down, with
        `+CGEV: NW PDN DEACT` per AT+CGEREP and `+QIURC: "pdpdeact",<cid>`.
        """
        self.modem.send_error(CmeError(ERR_SOCKET_READ))
        read_cuts.lose_bearer(self.modem, self.state.config["contextid"])

    async def _result_after(self, urcs: list[str], result: str) -> None:
        """The result URC once the output is done, after the URCs that were due meanwhile."""
        for urc in urcs:
            self.modem.send_urc(urc)
        await asyncio.sleep(self.opts.urc_delay)
        self.modem.send_urc(result)

    def _call(
        self,
        method: str,
        url: str,
        *,
        rsptime: int,
        raw: bytes | None = None,
        body: bytes | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Callable[[], Awaitable[FarEndResponse]]:
        headers = {"Accept": "*/*", "User-Agent": "QUECTEL_MODULE", "Connection": "Keep-Alive"}
        if body is not None:
            headers["Content-Type"] = CONTENT_TYPES[self.state.config["contenttype"]]
        headers.update(extra_headers or {})
        context = self._ssl_context(url)
        perform = self.opts.perform

        async def call() -> FarEndResponse:
            response = await perform(
                method,
                url,
                headers,
                body,
                connect_timeout=float(rsptime),
                read_timeout=float(rsptime),
                ssl_context=context,
                raw_request=raw,
            )
            # The module's data counter (AT+QGDCNT) counts what its stack moved.
            self.modem.network.data_counter.add(
                far_end.request_size(method, url, headers, body, raw),
                far_end.response_size(response),
            )
            return response

        return call

    def _ssl_context(self, url: str) -> ssl.SSLContext | None:
        if urlsplit(url).scheme.lower() != "https":
            return None
        state: tls.TlsState = self.modem.tls  # type: ignore[attr-defined]
        return state.ssl_context(self.state.config["sslctxid"])

    async def _start(
        self, call: Callable[[], Awaitable[FarEndResponse]], urc: str, rsptime: int
    ) -> None:
        """Run the request: its result is a URC, or with errors_as_final a failure is the final."""
        prefix = f"{self.p}{urc}:"
        self.state.response = None
        if self.opts.errors_as_final:
            outcome = await _outcome(call, rsptime)
            if isinstance(outcome, int):
                raise CmeError(outcome)
            self.state.task = self.modem.spawn(self._report(prefix, outcome))
            return
        self.state.task = self.modem.spawn(self._run(call, prefix, rsptime))

    async def _run(
        self, call: Callable[[], Awaitable[FarEndResponse]], prefix: str, rsptime: int
    ) -> None:
        await self._report(prefix, await _outcome(call, rsptime))

    async def _report(self, prefix: str, outcome: Outcome) -> None:
        await asyncio.sleep(self.opts.urc_delay)
        if outcome is None:
            self.modem.send_urc("TIMEOUT")
            return
        if isinstance(outcome, int):
            self.modem.send_urc(f"{prefix} {outcome}")
            return
        response = _stored(outcome)
        self.state.response = response
        length = outcome.header("Content-Length")
        fields = f"0,{outcome.status}" + (f",{length.strip()}" if length is not None else "")
        self.modem.send_urc(f"{prefix} {fields}")
        if self.state.config["rspout/auto"] == 1:
            self.state.response = None
            self._print_read_output(response)


async def _outcome(call: Callable[[], Awaitable[FarEndResponse]], rsptime: int) -> Outcome:
    """Perform the request within rsptime and turn a failure into the module's number."""
    try:
        async with asyncio.timeout(rsptime):
            return await call()
    except TimeoutError, far_end.ReadTimeout:
        return None
    except far_end.DnsFailure:
        return ERR_DNS
    except far_end.ConnectFailed, far_end.ConnectTimeout, far_end.TlsFailure:
        return ERR_SOCKET_CONNECT
    except far_end.BadUrl:
        return ERR_URL
    except far_end.FarEndError:
        return ERR_SOCKET_READ


def _stored(response: FarEndResponse) -> StoredResponse:
    """The head as the server sent it, and the body; a chunked body is re-chunked when output."""
    version = response.http_version or "1.1"
    lines = [f"HTTP/{version} {response.status} {response.reason}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    chunked = "chunked" in (response.header("Transfer-Encoding") or "").lower()
    return StoredResponse(head, response.body, chunked)


def _arg(req: AtRequest, index: int, default: int | None = None) -> object:
    if index < len(req.args) and req.args[index] != "":
        return req.args[index]
    if default is None:
        raise CmeError(ERR_INVALID)
    return default


def _int_in(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CmeError(ERR_INVALID)
    return value
