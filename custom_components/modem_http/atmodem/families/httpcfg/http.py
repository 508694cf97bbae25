"""HTTP(S) through the AT+HTTPCFG family (seed manual 000) and its Quectel twin AT+QHTTPCFG.

Quectel modules (EC25, EG25, BG96, EC200...) speak the same commands with a `Q`: one driver serves
both families, told the prefix and whether the module can read files back (AT+QFREAD).

One request is: HTTPCFG where the configuration must change (cached, so a run of similar requests
sends none), HTTPURL (CONNECT, the URL), the request command (HTTPGET, HTTPGETEX or HTTPPOST, with
the body or the whole raw request after CONNECT), the result URC, then HTTPREAD (or, for a Quectel
response of unannounced length, HTTPREADFILE and the file commands: read.py explains why).

Why it is shaped this way:
- Everything is checked and built (plan.plan_request) before the first byte goes out,
  so bad input is refused with RequestRejected while the modem has seen nothing.
- The stack reports its failures as `+CME ERROR: 7xx` finals or as the `<err>` of the result URC;
  both become ModemHttpError. `TIMEOUT` (no answer within `<rsptime>`) and our own wait running
  out both cancel the request with HTTPSTOP, which the seed module refuses (ERROR); a request it
  goes on with is waited for by the next one, which would otherwise get 703 (busy). A caller
  cancelled mid-request (nothing can be sent then) leaves the request to the next one, which
  stops it with HTTPSTOP or, where the module refuses that, waits for its end.
- The seed module refuses `contextid`, `contenttype` and `closed/ind`; the driver never relies on
  them (contenttype is used only where the modem accepted it, otherwise raw mode says it all).
- `rspout/auto` 1 makes the module print the response right after the URC. Setup turns it off;
  if the modem refuses, the response is taken from the stream as it comes (a CONNECT URC route).
"""

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from ...deadline import Deadline
from ...engine import AtEngine, AtReply, Prompt, Urc, UrcWaiter
from ...errors import AtCommandError, ModemError, ModemTimeoutError
from ...request import HttpRequest, ResponseBody
from ...response import HttpResponse
from ...resume_facts import HTTPCFG_RAW_REQUEST
from ...router import Completion, DataAfter, DataSink
from ...validation import fit_range
from ..base import Limits, Planned, ResumeSupport
from .errors import http_error, translate
from .file_read import read_through_file
from .plan import (
    Command,
    HttpcfgPlan,
    check_modem_file_name,
    check_request_url,
    plan_request,
)
from .read import RequestResult, ResponseReader, parse_result

_LOGGER = logging.getLogger(__name__)

TIME_RANGE: Final = (1, 65535)
INPUT_MARGIN: Final = 3
"""Seconds of an input window beyond twice the payload's line time (host scheduling)."""
"""<timeout>, <rsptime>, <input_time> and <wait_time> are all 1-65535 s."""
COMMAND_TIMEOUT: Final = 10.0
READ_WAIT_CEILING: Final = 60.0
"""The longest AT+HTTPREAD <wait_time> asked for."""
_SINK_PIECE: Final = 65536
RESUME: Final = ResumeSupport(HTTPCFG_RAW_REQUEST)
_LATE_RESULT: Final = 3.0
"""How long after a given-up request's `<rsptime>` its result URC (or TIMEOUT) may still come."""


@dataclass(frozen=True, slots=True)
class ModuleFile:
    """A request about a file in the module's file system (HTTPPOSTFILE / HTTPREADFILE)."""

    url: str
    file_name: str


class HttpcfgHttp:
    """The AT+HTTPCFG HTTP stack, with or without Quectel's `Q`."""

    def __init__(
        self,
        limits: Limits,
        *,
        prefix: str,
        reads_files: bool,
        certificate_name: Callable[[str], str],
        response_headers: bool = True,
    ) -> None:
        """`prefix` is "" or "Q"; `reads_files` says the module can read a file back (AT+QFREAD).

        `certificate_name` names a stored certificate the way the SSL commands do;
        `response_headers` asks the modem for the header block (`responseheader` 1).
        """
        self.limits = limits
        self.prefix = prefix
        self.reads_files = reads_files
        self._certificate_name = certificate_name
        self.response_headers = response_headers
        self.ssl_context = limits.default_ssl_context
        self._config: dict[str, int] = {}
        self._refused: set[str] = set()
        self.auto_output = False
        """True when the modem would not turn `rspout/auto` off."""
        self._unfinished: _Unfinished | None = None
        """A request we stopped waiting for that the modem could not cancel (no HTTPSTOP)."""
        self._read_ends_with_ok: bool | None = None
        """Whether this module prints OK between a response and `+HTTPREAD:` (None: not seen)."""

    @property
    def resume(self) -> ResumeSupport:
        """A raw request (`requestheader` 1) carries Range and If-Range, a quoted ETag too.

        HTTPGETEX could say only a closed range and nothing of the host's; the raw request lets
        the server check the version. The read streams the body as it comes, so what came
        through before a cut is kept without closed ranges.
        """
        return RESUME

    # ----------------------------------------------------------------- commands

    def _at(self, name: str) -> str:
        return f"AT+{self.prefix}HTTP{name}"

    def _urc(self, name: str) -> str:
        return f"+{self.prefix}HTTP{name}:"

    # ------------------------------------------------------------------ planning

    def plan(self, request: HttpRequest) -> Planned[HttpcfgPlan]:
        """Check the request against the manual (RequestRejected) and plan it."""
        plan = plan_request(request)
        return Planned(plan.method, plan, self.request)

    def plan_post_file(self, url: str, file_name: str) -> Planned[ModuleFile]:
        """POST a module file as the body."""
        details = ModuleFile(check_request_url(url), check_modem_file_name(file_name))
        return Planned("POST", details, self.post_file)

    def plan_download(
        self, url: str, file_name: str, *, certificate: bool = False
    ) -> Planned[ModuleFile]:
        """GET url into a module file (named for the SSL commands with `certificate`)."""
        name = check_modem_file_name(file_name)
        if certificate:
            name = self._certificate_name(name)
        return Planned("GET", ModuleFile(check_request_url(url), name), self.download)

    # -------------------------------------------------------------------- setup

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """Body mode, headers as configured, no auto output, our SSL context."""
        self._config.clear()
        self._refused.clear()
        self._forget_unfinished()
        await self._configure(engine, "requestheader", 0, deadline)
        await self._configure(engine, "responseheader", int(self.response_headers), deadline)
        await self._configure(engine, "sslctxid", self.ssl_context, deadline)
        self.auto_output = await self._turn_off_auto_output(engine, deadline)

    async def _turn_off_auto_output(self, engine: AtEngine, deadline: Deadline) -> bool:
        try:
            await self._configure(engine, "rspout/auto", 0, deadline)
        except AtCommandError:
            value = await self._query(engine, "rspout/auto", deadline)
            if value:
                _LOGGER.warning(
                    "The modem keeps rspout/auto on, so responses are read as it prints them."
                )
            return bool(value)
        return False

    async def _configure(
        self, engine: AtEngine, parameter: str, value: int, deadline: Deadline
    ) -> None:
        if self._config.get(parameter) == value:
            return
        await engine.command(
            f'{self._at("CFG")}="{parameter}",{value}', timeout=deadline.step(COMMAND_TIMEOUT)
        )
        self._config[parameter] = value

    async def _query(self, engine: AtEngine, parameter: str, deadline: Deadline) -> int | None:
        """`AT+HTTPCFG="<parameter>"` -> `+HTTPCFG: "<parameter>",<value>`; None if refused."""
        try:
            reply = await engine.command(
                f'{self._at("CFG")}="{parameter}"', timeout=deadline.step(COMMAND_TIMEOUT)
            )
        except AtCommandError:
            return None
        for line in reply.lines_with(self._urc("CFG")):
            name, _, value = line.partition(",")
            if name.strip().strip('"') == parameter and value.strip().isdigit():
                return int(value.strip())
        return None

    async def _content_type(self, engine: AtEngine, code: int | None, deadline: Deadline) -> bool:
        """Set `contenttype` (0, the module's default, when none is asked for).

        The setting stays until changed, so a POST without a type resets what an earlier one
        set. False when the modem refuses a type other than its default (the seed module
        refuses the command altogether).
        """
        code = code or 0
        if "contenttype" in self._refused:
            return code == 0
        try:
            await self._configure(engine, "contenttype", code, deadline)
        except AtCommandError:
            self._refused.add("contenttype")
            return code == 0
        return True

    # ----------------------------------------------------------------- requests

    async def request(
        self, engine: AtEngine, plan: HttpcfgPlan, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """One request: configure, URL, send, result URC, read; all within the deadline."""
        await self._after_unfinished(engine, deadline)
        if (
            not plan.raw
            and plan.command is Command.POST
            and not await self._content_type(engine, plan.content_type_code, deadline)
        ):
            assert plan.without_content_type is not None  # planned for every typed POST
            plan = plan.without_content_type
        await self._configure(engine, "requestheader", int(plan.raw), deadline)
        await self._configure(engine, "responseheader", int(self.response_headers), deadline)
        await self._configure(engine, "sslctxid", self.ssl_context, deadline)
        await self._set_url(engine, plan.url, deadline)
        reader = self._reader(expects_body=plan.expects_body, limit=body.limit, body=body)
        with self._auto_capture(engine, reader) as captured:
            result = await self._send(engine, plan, deadline, body, on_result=captured.arm)
            reader.content_length = result.content_length
            reader.status = result.status
            if plan.expects_body:
                body.check_announced(result.content_length)
            return await self._finish(engine, plan, result, reader, captured, deadline, body)

    async def post_file(
        self, engine: AtEngine, plan: ModuleFile, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """POST a module file as the body (AT+HTTPPOSTFILE, body mode)."""
        await self._after_unfinished(engine, deadline)
        await self._configure(engine, "requestheader", 0, deadline)
        await self._configure(engine, "responseheader", int(self.response_headers), deadline)
        await self._configure(engine, "sslctxid", self.ssl_context, deadline)
        await self._set_url(engine, plan.url, deadline)
        reader = self._reader(expects_body=True, body=body)
        request = HttpcfgPlan("POST", plan.url, Command.POST, False, None)
        with self._auto_capture(engine, reader) as captured:
            command = f'{self._at("POSTFILE")}="{plan.file_name}",{self._rsptime(deadline)}'
            result = await self._command_with_result(
                engine, command, "POSTFILE", "POST", deadline, on_result=captured.arm
            )
            reader.content_length = result.content_length
            reader.status = result.status
            return await self._finish(engine, request, result, reader, captured, deadline, body)

    async def download(
        self, engine: AtEngine, plan: ModuleFile, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """GET url and let the module store the body (AT+HTTPREADFILE, headers off)."""
        await self._after_unfinished(engine, deadline)
        await self._configure(engine, "requestheader", 0, deadline)
        # With headers on, the module would store the header block in the file too.
        await self._configure(engine, "responseheader", 0, deadline)
        await self._configure(engine, "sslctxid", self.ssl_context, deadline)
        await self._set_url(engine, plan.url, deadline)
        if self.auto_output:
            raise ModemError("the modem prints responses unasked (rspout/auto); cannot store one")
        command = f"{self._at('GET')}={self._rsptime(deadline)}"
        result = await self._command_with_result(engine, command, "GET", "GET", deadline)
        self._check_result(result, "GET")
        wait_time = fit_range(math.ceil(deadline.left()), TIME_RANGE)
        command = f'{self._at("READFILE")}="{plan.file_name}",{wait_time}'
        waiter = engine.expect_urc(self._urc("READFILE"))
        try:
            await self._http_command(engine, command, deadline.step(COMMAND_TIMEOUT), "GET")
            urc = await waiter.wait(deadline.left())
        except ModemTimeoutError, asyncio.CancelledError:
            # The module keeps storing until its <wait_time>; nothing cancels that, so the
            # next request waits for the end (the waiter is handed over, not closed).
            self._track_unfinished(waiter, deadline, stoppable=False)
            raise
        waiter.close()
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
            deadline.step(COMMAND_TIMEOUT + engine.link.line_seconds(len(data))),
            None,
            payload=data,
            input_window=input_time,
        )

    async def _send(
        self,
        engine: AtEngine,
        plan: HttpcfgPlan,
        deadline: Deadline,
        body: ResponseBody,
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
            engine,
            command,
            name,
            plan.method,
            deadline,
            payload=plan.payload,
            input_window=input_time,
            on_result=on_result,
            payload_sent=_body_sent(body, size - plan.body_length),
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
        input_window: float | None = None,
        also: str | None = None,
        on_result: Callable[[Urc], None] | None = None,
        payload_sent: Callable[[int], None] | None = None,
    ) -> RequestResult:
        """Send a request command and wait for its result URC (or TIMEOUT).

        `on_result` runs synchronously as the result URC is parsed, before the next line is.
        """
        prefixes = [self._urc(name)]
        if also is not None:
            prefixes.append(self._urc(also))

        def result_parsed(urc: Urc) -> None:
            if on_result is not None and urc.line != "TIMEOUT":
                on_result(urc)

        waiter = engine.expect_urc(*prefixes, "TIMEOUT", on_urc=result_parsed)
        unfinished = False  # the waiter went to _track_unfinished, which closes it later
        try:
            timeout = deadline.left()
            if payload is not None:
                line_time = 2 * engine.link.line_seconds(len(payload))
                timeout = min(timeout, COMMAND_TIMEOUT + line_time)
            reply = await self._http_command(
                engine,
                command,
                timeout,
                method,
                payload=payload,
                input_window=input_window,
                payload_sent=payload_sent,
            )
            early = [line for line in reply.lines if line.startswith(tuple(prefixes))]
            if early:
                result_parsed(Urc(early[0]))
            try:
                urc = Urc(early[0]) if early else await waiter.wait(deadline.left())
            except ModemTimeoutError:
                if not await self._stop(engine, deadline):
                    self._track_unfinished(waiter, deadline, stoppable=False)
                    unfinished = True
                raise
        except asyncio.CancelledError:
            # The caller gave up (an automation was stopped) while the module works on the
            # request; it goes on until its own <rsptime> and answers 703 (busy) to anything new
            # meanwhile. Nothing can be sent while being cancelled, so the next request stops it
            # or waits for its end.
            if not unfinished:
                self._track_unfinished(waiter, deadline, stoppable=True)
                unfinished = True
            raise
        finally:
            if not unfinished:
                waiter.close()
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
        body: ResponseBody,
    ) -> HttpResponse:
        if self.auto_output:
            data, read_err = await captured.wait(deadline.left())
        elif self._through_file(plan, result):
            data = await read_through_file(
                engine, deadline, plan.method, headers=self.response_headers, limit=body.limit
            )
            read_err = 0
        else:
            data, read_err = await self._read(engine, reader, result, plan.method, deadline, body)
        if read_err != 0:
            raise http_error(read_err, method=plan.method)
        head, content = reader.split(data)
        headers = head.headers if head is not None else CIMultiDictProxy(CIMultiDict[str]())
        if not reader.streamed and body.begin(result.status or 0, headers, len(content)):
            if body.streamed:
                for start in range(0, len(content), _SINK_PIECE):
                    await body.write(content[start : start + _SINK_PIECE])
            else:
                await body.write(content)
        return HttpResponse(
            status=result.status or 0,
            body=body.collected(),
            headers=headers,
            reason=head.reason if head is not None else "",
            content_length=result.content_length,
            bytes_sent=plan.body_length,
        )

    async def _read(
        self,
        engine: AtEngine,
        reader: ResponseReader,
        result: RequestResult,
        method: str,
        deadline: Deadline,
        body: ResponseBody,
    ) -> tuple[bytes, int]:
        expected = (result.content_length or 0) + (1024 if self.response_headers else 0)
        # <wait_time> is the longest gap between two packets the module waits (seed manual,
        # table 13): with a stall limit the module gives up when the host does.
        gap = READ_WAIT_CEILING if body.stall is None else body.stall
        wait_time = fit_range(math.ceil(min(deadline.left(), gap)), TIME_RANGE)
        async with body.streaming():
            reply = await self._http_command(
                engine,
                f"{self._at('READ')}={wait_time}",
                min(deadline.left(), COMMAND_TIMEOUT + 2 * engine.link.line_seconds(expected))
                if result.content_length is not None
                else deadline.left(),
                method,
                data_after=reader.data_after,
                complete=reader.finished,
                data_sink=reader.take,
                stall=body.stall,
            )
        if reader.too_large is not None:
            raise reader.too_large
        if not reader.by_trailer:
            # A body read by its length shows how this module ends the output; that settles
            # where a later body found by its trailer ends (see read.py).
            self._read_ends_with_ok = reply.final == "OK"
        return reader.kept(), reader.read_error(reply.lines)

    def _reader(
        self, *, expects_body: bool, body: ResponseBody, limit: int | None = None
    ) -> ResponseReader:
        """A reader for one response; it streams the body into `body` when read by HTTPREAD.

        Printed unasked (`rspout/auto`) the response comes as one URC's data, so it is taken
        whole there.
        """
        return ResponseReader(
            self.prefix,
            headers=self.response_headers,
            expects_body=expects_body,
            ends_with_ok=self._read_ends_with_ok,
            limit=limit,
            stream_to=None if self.auto_output else body,
        )

    def _through_file(self, plan: HttpcfgPlan, result: RequestResult) -> bool:
        """Bodies of unannounced length go through the module's files where it can read them."""
        return self.reads_files and plan.expects_body and result.content_length is None

    async def _http_command(
        self,
        engine: AtEngine,
        command: str,
        timeout: float,
        method: str | None,
        *,
        payload: bytes | None = None,
        input_window: float | None = None,
        data_after: DataAfter | None = None,
        complete: Completion | None = None,
        data_sink: DataSink | None = None,
        stall: float | None = None,
        payload_sent: Callable[[int], None] | None = None,
    ) -> AtReply:
        try:
            return await engine.command(
                command,
                timeout=timeout,
                payload=payload,
                prompt=Prompt.CONNECT if payload is not None else None,
                data_after=data_after,
                complete=complete,
                data_sink=data_sink,
                stall=stall,
                payload_sent=payload_sent,
                input_window=input_window,
            )
        except AtCommandError as err:
            raise translate(err, method=method) from err

    async def _stop(self, engine: AtEngine, deadline: Deadline) -> bool:
        """Cancel the request; False when the modem could not (the seed module has no HTTPSTOP).

        Once the deadline has passed this gets a few hundredths of a second, so the caller is
        answered in time; a request that goes on is waited for by the next one instead.
        """
        try:
            await engine.command(self._at("STOP"), timeout=deadline.step(COMMAND_TIMEOUT))
        except ModemError:
            return False
        return True

    def _track_unfinished(self, ends: UrcWaiter, deadline: Deadline, *, stoppable: bool) -> None:
        """Remember a request the modem is still working on after we gave up on it.

        It ends by its own `<rsptime>` (set inside our deadline) with a result URC or TIMEOUT,
        which `ends` (armed before the request went out) collects; until then the module answers
        703 (busy) to anything new, so the next request first stops it (`stoppable`: HTTPSTOP
        was not tried yet) or waits for that line instead of failing.
        """
        self._forget_unfinished()
        self._unfinished = _Unfinished(ends, deadline.end + _LATE_RESULT, stoppable=stoppable)

    def _forget_unfinished(self) -> None:
        if self._unfinished is not None:
            self._unfinished.close()
            self._unfinished = None

    async def _after_unfinished(self, engine: AtEngine, deadline: Deadline) -> None:
        """End a given-up request on the module: HTTPSTOP if not tried yet, else wait for it.

        The wait takes this request's deadline; a module that refuses HTTPSTOP (the seed module)
        ends the request by its own `<rsptime>`.
        """
        unfinished = self._unfinished
        if unfinished is None:
            return
        if not (unfinished.stoppable and await self._stop(engine, deadline)):
            await unfinished.wait(deadline)
        self._forget_unfinished()

    def _rsptime(self, deadline: Deadline) -> int:
        """Leave a little of our budget so the modem's own TIMEOUT comes before ours."""
        return fit_range(math.floor(deadline.left() - 1), TIME_RANGE)

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


class _Unfinished:
    """Watches for the end of a request we stopped waiting for (its result URC or TIMEOUT)."""

    def __init__(self, ends: UrcWaiter, until: float, *, stoppable: bool) -> None:
        self._ends = ends
        self._until = until
        self._ended = False
        self.stoppable = stoppable
        """HTTPSTOP has not been tried on it (the caller was cancelled before it could be)."""

    async def wait(self, deadline: Deadline) -> None:
        """Until the module reported the end, or it must have ended by its own timer."""
        if self._ended:
            return
        loop = asyncio.get_running_loop()
        give_up = min(self._until, deadline.end)
        try:
            await self._ends.wait(max(0.0, give_up - loop.time()))
        except ModemTimeoutError:
            if deadline.expired:
                raise ModemTimeoutError(
                    "the modem was still busy with an earlier request"
                ) from None
            return
        self._ended = True

    def close(self) -> None:
        self._ends.close()


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


def _body_sent(body: ResponseBody, head_size: int) -> Callable[[int], None] | None:
    """Payload progress as body progress: a raw request's head goes out first."""
    progress = body.progress
    if progress is None:
        return None

    def sent(count: int) -> None:
        progress.sent(max(0, count - head_size))

    return sent


def _input_time(engine: AtEngine, size: int) -> int:
    """Input window for a payload: twice its line time plus INPUT_MARGIN.

    The payload is written as soon as the prompt arrives; a longer window only keeps a module
    whose request was given up before its prompt waiting for data that never comes.
    """
    return fit_range(math.ceil(2 * engine.link.line_seconds(size)) + INPUT_MARGIN, TIME_RANGE)


__all__ = ["HttpcfgHttp", "ModuleFile"]
