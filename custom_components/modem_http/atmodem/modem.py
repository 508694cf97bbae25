"""The public face of atmodem: open a modem, HTTP requests, SMS, its identity and status."""

import asyncio
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Final

from .admin import ModemAdmin
from .bearer import BearerSettings
from .connection import DataConnection, DataConnectionListener
from .deadline import Deadline
from .download import MAX_RESUMES, Download, DownloadTarget
from .engine import AtEngine, ConnectionState
from .errors import (
    DownloadGaveUpError,
    ModemDisconnectedError,
    ModemError,
    ModemTimeoutError,
    RequestRejected,
    SmsRejected,
)
from .families import Family, RequestPlan, detect_family, every_family_lines, family_kind
from .inbox import SmsInbox
from .operation import Access, OperationPath
from .progress import TransferProgress
from .request import BodySink, HttpRequest, ResponseBody
from .response import HttpResponse
from .resume import HTTPCFG_GETEX, PlannedRequest, ResumePlanner
from .router import merge_tables
from .serial_link import StateListener
from .sms import MAX_PARTS, SubmitPart, build_submit
from .status import (
    DeviceInfo,
    ModemStatus,
    Reading,
    SimLock,
    SimStatus,
    StatusReader,
    check_code,
    read_device_info,
)
from .tls import TlsSettings, UnsupportedOperation
from .transport import TransportOpener, open_serial_transport

MAX_RESUMES_LIMIT: Final = 100
"""The most resumes a caller may allow one download."""


@dataclass(frozen=True, slots=True)
class SentSms:
    """What the network answered for a message: one message reference per part, in order."""

    references: tuple[int, ...]

    @property
    def parts(self) -> int:
        """How many parts the message took."""
        return len(self.references)


class Modem:
    """One modem: an AT engine and the module family detection found it to be.

    Every public operation takes a timeout that bounds the whole call: the wait for the modem
    while other operations hold it, the data connection bring-up, and the operation itself
    (operation.py says how). Responses and errors say how that time was spent (`queued`, then
    `elapsed` on the modem). Administration (restart, raw commands, certificate files) is
    `modem.admin`; received SMS come from `modem.inbox` once it is started.
    """

    def __init__(
        self,
        engine: AtEngine,
        family: Family,
        *,
        bearer: BearerSettings | None = None,
        tls: TlsSettings | None = None,
        pin: str | None = None,
    ) -> None:
        """Use open_modem() rather than this."""
        self.engine = engine
        self.family = family
        self.connection = DataConnection(engine, family, bearer, tls)
        self.sim = SimLock(engine, pin)
        self._path = OperationPath(engine, family, self.connection, self.sim)
        self._status = StatusReader(engine, family.status, self.sim)
        self.admin = ModemAdmin(self._path)
        self.inbox = SmsInbox(engine, self._path, family.sms)
        # Concatenated messages to one phone must not share a reference; a random start makes
        # a clash with a message sent before a restart of Home Assistant unlikely too.
        self.next_sms_reference = random.randrange(256)

    @property
    def dialect(self) -> str:
        """The module family's name (families.DIALECTS: simcom, httpcfg, quectel, sim800...)."""
        return self.family.name

    @property
    def connected(self) -> bool:
        """True while the serial port is open."""
        return self.engine.connected

    @property
    def methods(self) -> frozenset[str]:
        """The HTTP methods this modem's family can send."""
        return self.family.limits.methods

    @property
    def max_body(self) -> int:
        """The largest request body this modem's family accepts."""
        return self.family.limits.max_body

    @property
    def readings(self) -> frozenset[Reading]:
        """The optional readings this modem's family reports (status.Reading)."""
        return self.family.status.readings

    def add_listener(self, listener: StateListener) -> Callable[[], None]:
        """Be told when the port connects, disconnects or the modem restarts; returns a remover."""
        return self.engine.add_listener(listener)

    def add_data_connection_listener(self, listener: DataConnectionListener) -> Callable[[], None]:
        """Be told after each HTTP operation whether the data connection failed it."""
        return self.connection.add_listener(listener)

    def set_tls(self, tls: TlsSettings | None) -> None:
        """Use other TLS settings from the next HTTPS request on."""
        self.connection.set_tls(tls)

    async def http_request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 60.0,
        byte_range: tuple[int, int | None] | None = None,
        content_type: str | None = None,
        body_sink: BodySink | None = None,
        max_response_size: int | None = None,
        progress: TransferProgress | None = None,
    ) -> HttpResponse:
        """Send one HTTP(S) request through the modem and return its response.

        With `max_response_size`, a body the modem announces larger is not read at all, and a
        body without an announced length stops being kept once it passes the limit:
        ResponseTooLargeError either way, never a partial body. With `body_sink` the body goes
        to the sink piece by piece and the response's body is empty.

        `timeout` bounds the whole call, including the time spent waiting for the modem while
        other operations use it; the response's `queued` and `elapsed` say how it was spent.
        `progress` is moved as the request body goes out and the response body comes in.

        Raises RequestRejected for input the family cannot send (nothing reaches the modem),
        ModemHttpError for the modem's own HTTP errors, NoDataConnectionError, ModemTimeoutError,
        ModemDisconnectedError (within seconds while the serial link is down).
        """
        deadline = Deadline(timeout)
        request = HttpRequest(
            method=method,
            url=url,
            headers=tuple((headers or {}).items()),
            body=body,
            byte_range=byte_range,
            content_type=content_type,
            max_response_size=max_response_size,
        )
        plan = self.family.http.plan(request)
        response_body = ResponseBody(limit=max_response_size, sink=body_sink, progress=progress)
        return await self._path.http(plan, deadline, response_body)

    async def download(
        self,
        url: str,
        target: DownloadTarget,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        resume: bool | None = None,
        max_resumes: int = MAX_RESUMES,
        progress: TransferProgress | None = None,
    ) -> HttpResponse:
        """GET url into `target`, asking for the rest after cuts (download.py says how).

        `resume`: None resumes where the family can, True insists (UnsupportedOperation with
        the family's reason where it cannot), False never resumes (a cut is raised as it is).
        `timeout` bounds the whole download, every resumed request included.

        Returns the response that began the version now in `target` (its status and headers),
        with `content_length` the bytes written and `resumes` the requests made after cuts;
        a response of another status (404) is returned as it is, and what `target` holds
        then is not the resource. Raises DownloadGaveUpError after more than `max_resumes`
        cuts, and what http_request raises.
        """
        deadline = Deadline(timeout)
        support = self.family.http.resume
        _check_resumes(max_resumes)
        if resume is True and support.carrier is None:
            raise UnsupportedOperation(support.reason)
        resuming = resume is not False and support.carrier is not None
        sent_headers = tuple((headers or {}).items())
        if resuming and any(
            isinstance(name, str) and name.lower() in ("range", "if-range")
            for name, _ in sent_headers
        ):
            raise RequestRejected("headers", "a resumable download sets Range and If-Range itself")
        planner = ResumePlanner(
            support.carrier or HTTPCFG_GETEX,  # not asked for when not resuming
            max_resumes=max_resumes if resuming else 0,
            piece_size=support.piece_size if resuming else None,
        )

        def plan(step: PlannedRequest) -> RequestPlan:
            request = HttpRequest(
                "GET",
                url,
                headers=sent_headers,
                byte_range=step.byte_range,
                if_range=step.if_range,
            )
            return self.family.http.plan(request)

        plan(PlannedRequest())  # refuse bad input before anything is sent
        run = Download(
            self._path.http,
            plan,
            planner,
            target,
            deadline,
            resuming=resuming,
            progress=progress,
        )
        return await run.run()

    async def post_modem_file(
        self, url: str, file_name: str, *, timeout: float = 60.0
    ) -> HttpResponse:
        """POST a file already in the modem's file system (timeout as for http_request)."""
        deadline = Deadline(timeout)
        plan = self.family.http.plan_post_file(url, file_name)
        return await self._path.http(plan, deadline, ResponseBody())

    async def download_to_modem_file(
        self,
        url: str,
        file_name: str,
        *,
        timeout: float = 60.0,
        resume: bool | None = None,
        max_resumes: int = MAX_RESUMES,
    ) -> HttpResponse:
        """GET url into the modem's file system (timeout as for http_request).

        The module fetches and stores the body itself, so it never crosses the serial line and
        no range would save anything: after a cut (the line lost, the modem restarted, a
        timeout while time is left) the request is made again whole, overwriting the file, up
        to `max_resumes` times (`resume` False: never); the response's `resumes` says how many.
        """
        deadline = Deadline(timeout)
        _check_resumes(max_resumes)
        plan = self.family.http.plan_download(url, file_name)
        resumes = 0
        while True:
            try:
                response = await self._path.http(plan, deadline, ResponseBody())
            except (ModemDisconnectedError, ModemTimeoutError) as err:
                stayed_down = isinstance(err, ModemDisconnectedError) and err.stayed_down
                if resume is False or deadline.expired or stayed_down:
                    raise
                if resumes >= max_resumes:
                    raise DownloadGaveUpError("attempts_exhausted", resumes, 0) from err
                resumes += 1
                continue
            return replace(response, resumes=resumes)

    async def send_sms(
        self,
        number: str,
        text: str,
        *,
        timeout: float = 60.0,
        max_parts: int = MAX_PARTS,
        validity: timedelta | None = None,
        request_status_report: bool = False,
    ) -> SentSms:
        """Send `text` to `number` (E.164) as one SMS, or as concatenated parts when it is long.

        GSM 7-bit where every character has a code, UCS-2 otherwise; in PDU mode, so the text
        is hexadecimal digits on the wire and nothing in it can end or cancel the input early.
        The message queues behind HTTP requests like any operation and never interleaves with
        one; `timeout` bounds the whole call, queueing included.

        Raises InvalidNumber, EmptyText, ForbiddenCharacter or MessageTooLong (more than
        `max_parts` parts) before anything is sent; SmsRejected with the `+CMS ERROR` cause (and
        the references of parts already sent); ModemTimeoutError, ModemDisconnectedError.
        """
        deadline = Deadline(timeout)
        reference = self.next_sms_reference
        parts = build_submit(
            number,
            text,
            reference=reference,
            validity=validity,
            request_status_report=request_status_report,
            max_parts=max_parts,
        )
        if len(parts) > 1:
            self.next_sms_reference = (reference + 1) % 256

        async def send() -> SentSms:
            return SentSms(await self._send_parts(parts, deadline))

        return await self._path.run(deadline, send, Access.SMS)

    async def _send_parts(
        self, parts: tuple[SubmitPart, ...], deadline: Deadline
    ) -> tuple[int, ...]:
        references: list[int] = []
        for part in parts:
            try:
                references.append(await self.family.sms.send(self.engine, part, deadline))
            except SmsRejected as err:
                raise SmsRejected(
                    err.cause, references=tuple(references), parts_total=len(parts)
                ) from err
        return tuple(references)

    async def connect(self, timeout: float = 30.0) -> None:
        """Bring the data connection (and the SSL context) up now rather than at the first request.

        Raises NoDataConnectionError with the cause; data connection listeners hear the outcome.
        """
        deadline = Deadline(timeout)
        await self._path.run(deadline, _nothing, Access.CONNECTED)

    async def device_info(self, timeout: float = 10.0) -> DeviceInfo:
        """Manufacturer, model, firmware revision, IMEI and ICCID, all within `timeout`.

        The ICCID is None when the module answers its family's ICCID command with an error or
        a bare OK (no SIM, or no such command): the modem is still known by its IMEI.
        """
        deadline = Deadline(timeout)
        return await self._path.run(
            deadline,
            lambda: read_device_info(self.engine, self.family.status.iccid_commands, deadline),
            Access.SHARED,
        )

    async def status(
        self, timeout: float = 10.0, *, wanted: frozenset[Reading] = frozenset()
    ) -> ModemStatus:
        """SIM, registration, technology, serving cell, signal and the data context's address.

        `wanted` asks for the readings that cost a command of their own (status.ON_DEMAND:
        operator, temperature, data counters); the others come with every poll. The SIM's PIN
        is entered here when the SIM asks for it and that is allowed (sim_lock.py).

        Read between the steps of a transaction in flight (real modules answer status commands
        meanwhile), so it does not queue behind whole operations; `timeout` bounds all of it.
        """
        deadline = Deadline(timeout)
        cid = self.connection.bearer.settings.cid
        return await self._path.run(
            deadline,
            lambda: self._status.read(deadline, self._path.session, cid, wanted),
            Access.SHARED,
        )

    async def sim_status(self, timeout: float = 10.0) -> SimStatus | None:
        """The SIM's state, after entering its PIN if it asks for one and that is allowed.

        None when the modem answers AT+CPIN? with neither a state nor a SIM error.
        """
        deadline = Deadline(timeout)
        return await self._path.run(
            deadline,
            lambda: self.sim.check(deadline, self.family.status, self._path.session),
            Access.SHARED,
        )

    async def enter_pin(self, pin: str, timeout: float = 15.0) -> SimStatus | None:
        """Enter the user's PIN now if the SIM asks for one; it is kept for later sessions.

        RequestRejected for a PIN that is not 4 to 8 digits (nothing is sent). A refused PIN
        shows as `pin_refused`, with the tries left where the family can read them.
        """
        deadline = Deadline(timeout)
        return await self._path.run(
            deadline,
            lambda: self.sim.unlock(deadline, self.family.status, self._path.session, pin),
            Access.EXCLUSIVE,
        )

    async def enter_puk(self, puk: str, pin: str, timeout: float = 15.0) -> SimStatus | None:
        """Unlock a SIM that asks for its PUK and give it a new PIN (kept for later sessions).

        RequestRejected for codes that are not 4 to 8 digits; AtCommandError when the SIM
        refuses the PUK.
        """
        deadline = Deadline(timeout)
        return await self._path.run(
            deadline,
            lambda: self.sim.enter_puk(deadline, self.family.status, self._path.session, puk, pin),
            Access.EXCLUSIVE,
        )

    async def close(self) -> None:
        """Stop the inbox and close the serial port."""
        await self.inbox.stop()
        self.sim.close()
        await self.engine.close()


def _check_resumes(max_resumes: int) -> None:
    if (
        isinstance(max_resumes, bool)
        or not isinstance(max_resumes, int)
        or not 0 <= max_resumes <= MAX_RESUMES_LIMIT
    ):
        raise RequestRejected(
            "max_resumes", f"must be a whole number from 0 to {MAX_RESUMES_LIMIT}"
        )


async def _nothing() -> None:
    """An operation of no commands: only the data connection bring-up runs."""


async def open_modem(
    url: str,
    baudrate: int = 115200,
    dialect: str = "auto",
    *,
    opener: TransportOpener = open_serial_transport,
    timeout: float = 10.0,
    write_chunk_size: int = 1024,
    write_chunk_delay: float = 0.0,
    reconnect: bool = True,
    bearer: BearerSettings | None = None,
    tls: TlsSettings | None = None,
    link_grace: float | None = None,
    pin: str | None = None,
) -> Modem:
    """Open the port, initialise the modem, detect its module family (or take `dialect`).

    Raises ValueError for a dialect no family has (before the port is opened),
    ModemDisconnectedError when the port cannot be opened, ModemTimeoutError when nothing
    answers, NoHttpCommandsError when no family's probe is answered (dialect="auto").

    `bearer` says how to bring the data connection up (None: the network's default APN); it is
    brought up by the first request, not here. `tls` configures the SSL context HTTPS uses (None:
    leave the modem's SSL configuration as it is). `link_grace` overrides how long an operation
    waits for a serial link that went down to come back (serial_link.LINK_GRACE). `pin` is
    the SIM's PIN, entered when the SIM asks for it (RequestRejected, before the port is opened,
    unless it is 4 to 8 digits).
    """
    if pin is not None:
        check_code("pin", pin)
    chosen = None if dialect == "auto" else family_kind(dialect)
    engine = AtEngine(
        url,
        baudrate,
        opener=opener,
        write_chunk_size=write_chunk_size,
        write_chunk_delay=write_chunk_delay,
        reconnect=reconnect,
        link_grace=link_grace,
        lines=every_family_lines(),
    )
    try:
        async with asyncio.timeout(timeout):
            await engine.open()
            kind = chosen if chosen is not None else await detect_family(engine)
    except TimeoutError as err:
        await engine.close()
        if isinstance(err, ModemError):
            raise
        raise ModemTimeoutError(f"no modem answered within {timeout:g} s") from err
    except BaseException:
        await engine.close()
        raise
    family = kind()
    engine.lines = merge_tables([family.lines])
    try:
        return Modem(engine, family, bearer=bearer, tls=tls, pin=pin)
    except BaseException:
        await engine.close()
        raise


__all__ = ["ConnectionState", "Modem", "SentSms", "open_modem"]
