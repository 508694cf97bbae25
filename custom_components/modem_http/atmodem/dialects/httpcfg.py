"""HTTP(S) through the AT+HTTPCFG family (seed manual 000) and its Quectel twin AT+QHTTPCFG.

Quectel modules (EC25, EG25, BG96, EC200...) speak the same commands with a `Q`: one driver serves
both, `HttpcfgDriver(prefix="")` as dialect "httpcfg" and `HttpcfgDriver(prefix="Q")` as "quectel".

One request is: HTTPCFG where the configuration must change (cached, so a run of similar requests
sends none), HTTPURL (CONNECT, the URL), the request command (HTTPGET, HTTPGETEX or HTTPPOST, with
the body or the whole raw request after CONNECT), the result URC, then HTTPREAD (or, for a Quectel
response of unannounced length, HTTPREADFILE and the file commands: httpcfg_read explains why).

Why it is shaped this way:
- Everything is checked and built (httpcfg_request.plan_request) before the first byte goes out,
  so bad input is refused with RequestRejected while the modem has seen nothing.
- The stack reports its failures as `+CME ERROR: 7xx` finals or as the `<err>` of the result URC;
  both become ModemHttpError. `TIMEOUT` (no answer within `<rsptime>`) and our own wait running
  out both cancel the request with HTTPSTOP, which the seed module refuses (ERROR); a request it
  goes on with is waited for by the next one, which would otherwise get 703 (busy).
- The seed module refuses `contextid`, `contenttype` and `closed/ind`; the driver never relies on
  them (contenttype is used only where the modem accepted it, otherwise raw mode says it all).
- `rspout/auto` 1 makes the module print the response right after the URC. Setup turns it off;
  if the modem refuses, the response is taken from the stream as it comes (a CONNECT URC route).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Iterator
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from ..deadline import Deadline
from ..engine import AtEngine, AtReply, Prompt, Urc
from ..errors import AtCommandError, ModemError, ModemTimeoutError
from ..response import HttpResponse
from ..router import Completion, DataAfter
from .base import BodySink, HttpRequest, check_announced_size
from .httpcfg_errors import http_error, translate
from .httpcfg_file_read import read_through_file
from .httpcfg_read import RequestResult, ResponseReader, parse_result
from .httpcfg_request import (
    MAX_POST,
    Command,
    HttpcfgPlan,
    check_modem_file_name,
    check_request_url,
    plan_request,
)

_LOGGER = logging.getLogger(__name__)

METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
TIME_RANGE: Final = (1, 65535)
"""<timeout>, <rsptime>, <input_time> and <wait_time> are all 1-65535 s."""
_COMMAND_TIMEOUT: Final = 10.0
_SINK_PIECE: Final = 65536
_LATE_RESULT: Final = 3.0
"""How long after a given-up request's `<rsptime>` its result URC (or TIMEOUT) may still come."""


class HttpcfgDriver:
    """The AT+HTTPCFG dialect, with or without Quectel's `Q`."""

    methods = METHODS
    max_body = MAX_POST

    def __init__(
        self,
        prefix: str = "",
        *,
        response_headers: bool = True,
        ssl_ctx_id: int | None = None,
    ) -> None:
        """`response_headers` asks the modem for the header block (`responseheader` 1).

        `ssl_ctx_id` is the SSL context HTTPS uses (`sslctxid` 0-5); the seed manual's note says
        its module needs 2 for HTTPS, Quectel's default is 1.
        """
        if prefix not in ("", "Q"):
            raise ValueError("prefix must be '' or 'Q'")
        self.prefix = prefix
        self.name = "quectel" if prefix == "Q" else "httpcfg"
        self.response_headers = response_headers
        default_ctx = 1 if prefix == "Q" else 2
        self.ssl_ctx_id = default_ctx if ssl_ctx_id is None else ssl_ctx_id
        if not 0 <= self.ssl_ctx_id <= 5:
            raise ValueError("ssl_ctx_id must be 0-5")
        self._config: dict[str, int] = {}
        self._refused: set[str] = set()
        self.auto_output = False
        """True when the modem would not turn `rspout/auto` off."""
        self._unfinished: _Unfinished | None = None
        """A request we stopped waiting for that the modem could not cancel (no HTTPSTOP)."""
        self._read_ends_with_ok: bool | None = None
        """Whether this module prints OK between a response and `+HTTPREAD:` (None: not seen)."""

    # ----------------------------------------------------------------- commands

    def _at(self, name: str) -> str:
        return f"AT+{self.prefix}HTTP{name}"

    def _urc(self, name: str) -> str:
        return f"+{self.prefix}HTTP{name}:"

    # -------------------------------------------------------------------- setup

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """Body mode, headers as configured, no auto output, our SSL context."""
        self._config.clear()
        self._refused.clear()
        self._forget_unfinished()
        await self._configure(engine, "requestheader", 0, deadline)
        await self._configure(engine, "responseheader", int(self.response_headers), deadline)
        await self._configure(engine, "sslctxid", self.ssl_ctx_id, deadline)
        self.auto_output = await self._turn_off_auto_output(engine, deadline)

    async def _turn_off_auto_output(self, engine: AtEngine, deadline: Deadline) -> bool:
        try:
            await self._configure(engine, "rspout/auto", 0, deadline)
        except AtCommandError:
            value = await self._query(engine, "rspout/auto", deadline)
            if value:
                _LOGGER.warning("the modem keeps rspout/auto on; reading responses as they come")
            return bool(value)
        return False

    async def _configure(
        self, engine: AtEngine, parameter: str, value: int, deadline: Deadline
    ) -> None:
        if self._config.get(parameter) == value:
            return
        await engine.command(
            f'{self._at("CFG")}="{parameter}",{value}', timeout=deadline.step(_COMMAND_TIMEOUT)
        )
        self._config[parameter] = value

    async def _query(self, engine: AtEngine, parameter: str, deadline: Deadline) -> int | None:
        """`AT+HTTPCFG="<parameter>"` -> `+HTTPCFG: "<parameter>",<value>`; None if refused."""
        try:
            reply = await engine.command(
                f'{self._at("CFG")}="{parameter}"', timeout=deadline.step(_COMMAND_TIMEOUT)
            )
        except AtCommandError:
            return None
        for line in reply.lines_with(self._urc("CFG")):
            name, _, value = line.partition(",")
            if name.strip().strip('"') == parameter and value.strip().isdigit():
                return int(value.strip())
        return None

    async def _content_type(self, engine: AtEngine, code: int | None, deadline: Deadline) -> bool:
        """Set `contenttype`; False when the modem refuses it (the seed module does)."""
        if code is None:
            code = 0
        if "contenttype" in self._refused:
            return code == 0
        try:
            await self._configure(engine, "contenttype", code, deadline)
        except AtCommandError:
            self._refused.add("contenttype")
            return code == 0
        return True

    # ----------------------------------------------------------------- requests

    def validate(self, request: HttpRequest) -> None:
        """Refuse what cannot be sent (RequestRejected) without a byte going to the modem."""
        plan_request(request, content_type_supported=False)

    def validate_file(self, url: str, file_name: str) -> None:
        """Refuse a bad URL or module file name before anything is sent (file transfers)."""
        check_request_url(url)
        check_modem_file_name(file_name)

    async def request(
        self, engine: AtEngine, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse:
        """One request: configure, URL, send, result URC, read; all within the deadline."""
        plan = plan_request(request, content_type_supported="contenttype" not in self._refused)
        await self._after_unfinished(deadline)
        body_mode_post = not plan.raw and plan.command is Command.POST
        if body_mode_post and not await self._content_type(
            engine, plan.content_type_code, deadline
        ):
            plan = plan_request(request, content_type_supported=False)
        await self._configure(engine, "requestheader", int(plan.raw), deadline)
        await self._configure(engine, "responseheader", int(self.response_headers), deadline)
        await self._set_url(engine, plan.url, deadline)
        reader = self._reader(expects_body=plan.expects_body)
        with self._auto_capture(engine, reader) as captured:
            result = await self._send(engine, plan, deadline, on_result=captured.arm)
            reader.content_length = result.content_length
            if plan.expects_body:
                check_announced_size(request, result.content_length)
            return await self._finish(
                engine,
                plan,
                result,
                reader,
                captured,
                deadline,
                sink=request.body_sink,
                limit=request.max_response_size,
            )

    async def post_modem_file(
        self, engine: AtEngine, url: str, file_name: str, *, deadline: Deadline
    ) -> HttpResponse:
        """POST a module file as the body (AT+HTTPPOSTFILE, body mode)."""
        check_request_url(url)
        check_modem_file_name(file_name)
        await self._after_unfinished(deadline)
        await self._configure(engine, "requestheader", 0, deadline)
        await self._configure(engine, "responseheader", int(self.response_headers), deadline)
        await self._set_url(engine, url, deadline)
        reader = self._reader(expects_body=True)
        plan = HttpcfgPlan("POST", url, Command.POST, False, None)
        with self._auto_capture(engine, reader) as captured:
            command = f'{self._at("POSTFILE")}="{file_name}",{self._rsptime(deadline)}'
            result = await self._command_with_result(
                engine, command, "POSTFILE", "POST", deadline, on_result=captured.arm
            )
            reader.content_length = result.content_length
            return await self._finish(engine, plan, result, reader, captured, deadline, sink=None)

    async def download_to_modem_file(
        self, engine: AtEngine, url: str, file_name: str, *, deadline: Deadline
    ) -> HttpResponse:
        """GET url and let the module store the body (AT+HTTPREADFILE, headers off)."""
        check_request_url(url)
        check_modem_file_name(file_name)
        await self._after_unfinished(deadline)
        await self._configure(engine, "requestheader", 0, deadline)
        # With headers on, the module would store the header block in the file too.
        await self._configure(engine, "responseheader", 0, deadline)
        await self._set_url(engine, url, deadline)
        if self.auto_output:
            raise ModemError("the modem prints responses unasked (rspout/auto); cannot store one")
        command = f"{self._at('GET')}={self._rsptime(deadline)}"
        result = await self._command_with_result(engine, command, "GET", "GET", deadline)
        self._check_result(result, "GET")
        wait_time = _clamp(math.ceil(deadline.left()), TIME_RANGE)
        command = f'{self._at("READFILE")}="{file_name}",{wait_time}'
        with self._urc_waiter(engine, self._urc("READFILE")) as waiter:
            await self._http_command(engine, command, deadline.step(_COMMAND_TIMEOUT), "GET")
            try:
                urc = await waiter.wait(deadline.left())
            except ModemTimeoutError:
                # The module keeps storing until its <wait_time>; nothing cancels that.
                self._track_unfinished(engine, (self._urc("READFILE"),), deadline)
                raise
        outcome = parse_result(urc.line[len(self._urc("READFILE")) :])
        if outcome.err != 0:
            raise http_error(outcome.err, method="GET")
        return HttpResponse(status=result.status or 0, content_length=result.content_length)

    # ------------------------------------------------------------------- steps

    async def _set_url(self, engine: AtEngine, url: str, deadline: Deadline) -> None:
        data = url.encode("ascii")
        input_time = _input_time(engine, len(data))
        await self._http_command(
            engine,
            f"{self._at('URL')}={len(data)},{input_time}",
            deadline.step(_COMMAND_TIMEOUT + _line_seconds(engine, len(data))),
            None,
            payload=data,
        )

    async def _send(
        self,
        engine: AtEngine,
        plan: HttpcfgPlan,
        deadline: Deadline,
        *,
        on_result: Callable[[Urc], None] | None = None,
    ) -> RequestResult:
        rsptime = self._rsptime(deadline)
        if plan.command is Command.GETEX:
            assert plan.get_range is not None
            start, length = plan.get_range
            command = f"{self._at('GETEX')}={rsptime},{start},{length}"
            # Real Quectel firmware reports a ranged GET as +QHTTPGET (EG800K log: `GETEX=80,0,8`
            # -> `+QHTTPGET: 0,206,8`); the seed manual says +HTTPGETEX. Accept both.
            return await self._command_with_result(
                engine, command, "GETEX", plan.method, deadline, also="GET", on_result=on_result
            )
        if plan.command is Command.GET and plan.payload is None:
            command = f"{self._at('GET')}={rsptime}"
            return await self._command_with_result(
                engine, command, "GET", plan.method, deadline, on_result=on_result
            )
        assert plan.payload is not None
        size = len(plan.payload)
        input_time = _input_time(engine, size)
        name = "GET" if plan.command is Command.GET else "POST"
        if name == "GET":
            command = f"{self._at('GET')}={rsptime},{size},{input_time}"
        else:
            command = f"{self._at('POST')}={size},{input_time},{rsptime}"
        return await self._command_with_result(
            engine, command, name, plan.method, deadline, payload=plan.payload, on_result=on_result
        )

    async def _command_with_result(
        self,
        engine: AtEngine,
        command: str,
        name: str,
        method: str,
        deadline: Deadline,
        *,
        payload: bytes | None = None,
        also: str | None = None,
        on_result: Callable[[Urc], None] | None = None,
    ) -> RequestResult:
        """Send a request command and wait for its result URC (or TIMEOUT).

        `on_result` runs synchronously as the result URC is parsed, before the next line is.
        """
        prefixes = [self._urc(name)]
        if also is not None:
            prefixes.append(self._urc(also))
        with self._urc_waiter(engine, *prefixes, "TIMEOUT", on_result=on_result) as waiter:
            timeout = deadline.left()
            if payload is not None:
                timeout = min(timeout, _COMMAND_TIMEOUT + 2 * _line_seconds(engine, len(payload)))
            reply = await self._http_command(engine, command, timeout, method, payload=payload)
            early = [line for line in reply.lines if line.startswith(tuple(prefixes))]
            if early and on_result is not None:
                on_result(Urc(early[0]))
            try:
                urc = Urc(early[0]) if early else await waiter.wait(deadline.left())
            except ModemTimeoutError:
                if not await self._stop(engine, deadline):
                    self._track_unfinished(engine, (*prefixes, "TIMEOUT"), deadline)
                raise
        if urc.line == "TIMEOUT":
            await self._stop(engine, deadline)
            raise ModemTimeoutError(f"the server did not answer the {method} in time")
        prefix = next(p for p in prefixes if urc.line.startswith(p))
        result = parse_result(urc.line[len(prefix) :])
        self._check_result(result, method)
        return result

    @staticmethod
    def _check_result(result: RequestResult, method: str) -> None:
        if result.err != 0:
            raise http_error(result.err, method=method)
        if result.status is None:
            raise ModemError(f"the modem reported success without an HTTP status ({method})")

    async def _finish(
        self,
        engine: AtEngine,
        plan: HttpcfgPlan,
        result: RequestResult,
        reader: ResponseReader,
        captured: _Captured,
        deadline: Deadline,
        *,
        sink: BodySink | None,
        limit: int | None = None,
    ) -> HttpResponse:
        if self.auto_output:
            data, read_err = await captured.wait(deadline.left())
        elif self._through_file(plan, result):
            data = await read_through_file(
                engine, deadline, plan.method, headers=self.response_headers, limit=limit
            )
            read_err = 0
        else:
            data, read_err = await self._read(engine, reader, plan, result, deadline)
        if read_err != 0:
            raise http_error(read_err, method=plan.method)
        head, body = reader.split(data)
        if sink is not None:
            for start in range(0, len(body), _SINK_PIECE):
                await sink(body[start : start + _SINK_PIECE])
            body = b""
        headers = head.headers if head is not None else CIMultiDictProxy(CIMultiDict[str]())
        return HttpResponse(
            status=result.status or 0,
            body=body,
            headers=headers,
            reason=head.reason if head is not None else "",
            content_length=result.content_length,
            bytes_sent=plan.body_length,
        )

    async def _read(
        self,
        engine: AtEngine,
        reader: ResponseReader,
        plan: HttpcfgPlan,
        result: RequestResult,
        deadline: Deadline,
    ) -> tuple[bytes, int]:
        expected = (result.content_length or 0) + (1024 if self.response_headers else 0)
        wait_time = _clamp(math.ceil(min(deadline.left(), 60.0)), TIME_RANGE)
        reply = await self._http_command(
            engine,
            f"{self._at('READ')}={wait_time}",
            min(deadline.left(), _COMMAND_TIMEOUT + 2 * _line_seconds(engine, expected))
            if result.content_length is not None
            else deadline.left(),
            plan.method,
            data_after=reader.data_after,
            complete=reader.finished,
        )
        if not reader.by_trailer:
            # A body read by its length shows how this module ends the output; that settles
            # where a later body found by its trailer ends (see httpcfg_read).
            self._read_ends_with_ok = reply.final == "OK"
        return reply.data, reader.read_error(reply.lines)

    def _reader(self, *, expects_body: bool) -> ResponseReader:
        return ResponseReader(
            self.prefix,
            headers=self.response_headers,
            expects_body=expects_body,
            ends_with_ok=self._read_ends_with_ok,
        )

    def _through_file(self, plan: HttpcfgPlan, result: RequestResult) -> bool:
        """Quectel bodies of unannounced length go through the module's files (httpcfg_read)."""
        return self.prefix == "Q" and plan.expects_body and result.content_length is None

    async def _http_command(
        self,
        engine: AtEngine,
        command: str,
        timeout: float,
        method: str | None,
        *,
        payload: bytes | None = None,
        data_after: DataAfter | None = None,
        complete: Completion | None = None,
    ) -> AtReply:
        try:
            return await engine.command(
                command,
                timeout=timeout,
                payload=payload,
                prompt=Prompt.CONNECT if payload is not None else None,
                data_after=data_after,
                complete=complete,
            )
        except AtCommandError as err:
            raise translate(err, method=method) from err

    async def _stop(self, engine: AtEngine, deadline: Deadline) -> bool:
        """Cancel the request; False when the modem could not (the seed module has no HTTPSTOP).

        Once the deadline has passed this gets a few hundredths of a second, so the caller is
        answered in time; a request that goes on is waited for by the next one instead.
        """
        try:
            await engine.command(self._at("STOP"), timeout=deadline.step(_COMMAND_TIMEOUT))
        except ModemError:
            return False
        return True

    def _track_unfinished(
        self, engine: AtEngine, prefixes: tuple[str, ...], deadline: Deadline
    ) -> None:
        """Remember a request the modem is still working on after we gave up on it.

        It ends by its own `<rsptime>` (set inside our deadline) with a result URC or TIMEOUT;
        until then the module answers 703 (busy) to anything new, so the next request waits for
        that line first instead of failing.
        """
        self._forget_unfinished()
        until = deadline.end + _LATE_RESULT
        self._unfinished = _Unfinished(engine, prefixes, until)

    def _forget_unfinished(self) -> None:
        if self._unfinished is not None:
            self._unfinished.close()
            self._unfinished = None

    async def _after_unfinished(self, deadline: Deadline) -> None:
        """Wait (within this request's deadline) for a given-up request to end on the module."""
        unfinished = self._unfinished
        if unfinished is None:
            return
        await unfinished.wait(deadline)
        self._forget_unfinished()

    def _rsptime(self, deadline: Deadline) -> int:
        """Leave a little of our budget so the modem's own TIMEOUT comes before ours."""
        return _clamp(math.floor(deadline.left() - 1), TIME_RANGE)

    # ------------------------------------------------------------ URC plumbing

    @contextlib.contextmanager
    def _urc_waiter(
        self, engine: AtEngine, *prefixes: str, on_result: Callable[[Urc], None] | None = None
    ) -> Iterator[_Waiter]:
        waiter = _Waiter(on_result)
        removers = [engine.on_urc(prefix, waiter.put) for prefix in prefixes]
        try:
            yield waiter
        finally:
            for remove in removers:
                remove()

    @contextlib.contextmanager
    def _auto_capture(self, engine: AtEngine, reader: ResponseReader) -> Iterator[_Captured]:
        """With `rspout/auto` on, collect the response the module prints after the result URC.

        The capture is armed by the result URC itself: armed earlier, it would take the CONNECT
        prompt of the request's own payload for the response.
        """
        captured = _Captured(engine, reader, enabled=self.auto_output)
        try:
            yield captured
        finally:
            captured.close()


# --------------------------------------------------------------------- helpers


class _Waiter:
    """First URC of several prefixes, collected from the moment it is armed."""

    def __init__(self, on_result: Callable[[Urc], None] | None = None) -> None:
        self._queue: asyncio.Queue[Urc] = asyncio.Queue()
        self._on_result = on_result

    def put(self, urc: Urc) -> None:
        if self._on_result is not None and urc.line != "TIMEOUT":
            self._on_result(urc)
        self._queue.put_nowait(urc)

    async def wait(self, timeout: float) -> Urc:
        try:
            async with asyncio.timeout(timeout):
                return await self._queue.get()
        except TimeoutError as err:
            raise ModemTimeoutError(f"no result from the modem within {timeout:g} s") from err


class _Unfinished:
    """Watches for the end of a request we stopped waiting for (its result URC or TIMEOUT)."""

    def __init__(self, engine: AtEngine, prefixes: tuple[str, ...], until: float) -> None:
        self._done = asyncio.Event()
        self._until = until
        self._removers = [engine.on_urc(prefix, self._on_end) for prefix in prefixes]

    def _on_end(self, _urc: Urc) -> None:
        self._done.set()

    async def wait(self, deadline: Deadline) -> None:
        """Until the module reported the end, or it must have ended by its own timer."""
        if self._done.is_set():
            return
        give_up = min(self._until, deadline.end)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(give_up):
                await self._done.wait()
        if not self._done.is_set() and deadline.expired:
            raise ModemTimeoutError("the modem was still busy with an earlier request")

    def close(self) -> None:
        for remove in self._removers:
            remove()
        self._removers = []


class _Captured:
    """The auto-output response: CONNECT with its data, then `+HTTPREAD: <err>`."""

    def __init__(self, engine: AtEngine, reader: ResponseReader, *, enabled: bool) -> None:
        self._engine = engine
        self._reader = reader
        self._enabled = enabled
        self._removers: list[Callable[[], None]] = []
        self._data = b""
        self._done: asyncio.Event = asyncio.Event()
        self._err = 0

    def arm(self, urc: Urc | None = None) -> None:
        """Take CONNECT and `+HTTPREAD:` as the response from the result URC on."""
        if not self._enabled or self._removers:
            return
        if urc is not None:
            _, _, fields = urc.line.partition(":")
            with contextlib.suppress(ModemError):
                self._reader.content_length = parse_result(fields).content_length
        engine, reader = self._engine, self._reader
        self._removers = [
            engine.on_urc("CONNECT", self.on_data, data_after=reader.data_after),
            engine.on_urc(reader.read_prefix, self.on_end),
        ]

    def close(self) -> None:
        for remove in self._removers:
            remove()
        self._removers = []

    def on_data(self, urc: Urc) -> None:
        self._data = urc.data or b""

    def on_end(self, urc: Urc) -> None:
        self._err = self._reader.read_error([urc.line])
        self._done.set()

    async def wait(self, timeout: float) -> tuple[bytes, int]:
        try:
            async with asyncio.timeout(timeout):
                await self._done.wait()
        except TimeoutError as err:
            raise ModemTimeoutError("the modem did not print the response") from err
        return self._data, self._err


def _clamp(value: float, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return max(low, min(high, int(value)))


def _line_seconds(engine: AtEngine, size: int) -> float:
    """How long `size` bytes take on the serial line (8N1: ten bits a byte)."""
    return engine.link.line_seconds(size)


def _input_time(engine: AtEngine, size: int) -> int:
    """Input window for a payload: twice its line time plus ten seconds."""
    return _clamp(math.ceil(2 * _line_seconds(engine, size)) + 10, TIME_RANGE)
