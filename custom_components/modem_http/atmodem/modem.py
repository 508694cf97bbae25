"""The public face of atmodem: open a modem, make HTTP requests, read its identity and status."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from .bearer import BearerSettings
from .control import ModemControl
from .deadline import Deadline
from .dialects import MODULE_LINES, HttpDriver, HttpRequest, create_driver, detect_dialect
from .dialects.base import BodySink
from .engine import AtEngine, ConnectionState
from .errors import (
    ModemDisconnectedError,
    ModemError,
    ModemTimeoutError,
    RequestRejected,
    ResponseTooLargeError,
)
from .link import DataLink
from .response import HttpResponse
from .serial_link import StateListener
from .status import DeviceInfo, ModemStatus, read_device_info, read_status
from .tls import TlsSettings
from .transport import TransportOpener, open_serial_transport
from .validation import check_method, check_text, check_url

_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class Modem(ModemControl):
    """One modem: an AT engine plus the HTTP driver of the dialect it speaks.

    HTTP transactions span several commands and URCs, so they are serialised by their own lock on
    top of the engine's per-command lock; status polls may still run between a transaction's steps,
    as they do on real modules while a request is in flight.

    Every public operation takes a timeout that bounds the whole call: the wait for the modem
    while other operations hold it, the data connection bring-up, and the transaction itself.
    Responses and errors say how that time was spent (`queued`, then `elapsed` on the modem).
    """

    def __init__(
        self,
        engine: AtEngine,
        driver: HttpDriver,
        *,
        bearer: BearerSettings | None = None,
        tls: TlsSettings | None = None,
    ) -> None:
        """Use open_modem() rather than this."""
        self.engine = engine
        self._driver = driver
        self.link = DataLink(engine, driver.name, driver, bearer, tls)
        self._http_lock = asyncio.Lock()
        self._setup_generation = -1
        # Reconnects and restarts seen. The engine re-initialises lazily, at its next command, so
        # its generation alone would let a request start on driver state the modem has lost.
        self._restarts = 0
        self._setup_restarts = -1
        engine.add_listener(self._on_connection_state)

    @property
    def dialect(self) -> str:
        """The dialect name: simcom, httpcfg or quectel."""
        return self._driver.name

    @property
    def driver(self) -> HttpDriver:
        """The dialect driver (for dialect-specific extras)."""
        return self._driver

    @property
    def connected(self) -> bool:
        """True while the serial port is open."""
        return self.engine.connected

    @property
    def methods(self) -> frozenset[str]:
        """The HTTP methods this modem's dialect can send."""
        return self._driver.methods

    @property
    def max_body(self) -> int:
        """The largest request body this dialect accepts."""
        return self._driver.max_body

    def add_listener(self, listener: StateListener) -> Callable[[], None]:
        """Be told when the port connects, disconnects or the modem restarts."""
        return self.engine.add_listener(listener)

    def _on_connection_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.DISCONNECTED:
            self._restarts += 1
        self.link.forget()

    async def _transaction(
        self, run: Callable[[], Awaitable[HttpResponse]], deadline: Deadline
    ) -> HttpResponse:
        """Set the driver up when the modem may have lost its state; run one HTTP transaction.

        A restart or reconnect between two of the transaction's commands does not fail a command,
        but the modem then forgot what the driver configured (body or raw mode, header output), so
        whatever the transaction produced is refused rather than handed over mangled.
        """
        # A link that comes back within the grace reconnects before anything is sent: that is
        # not a reconnect during the request.
        await self.engine.wait_for_link(deadline.left())
        restarts = self._restarts
        if self._setup_restarts != restarts or self._setup_generation != self.engine.generation:
            await self._driver.setup(self.engine, deadline)
            self._setup_generation = self.engine.generation
            self._setup_restarts = restarts
        response = await self.link.run(run, deadline)
        if self._restarts != restarts:
            raise ModemDisconnectedError(
                "the modem restarted or reconnected during the request",
                port=self.engine.port,
                restarted=True,
            )
        return replace(response, elapsed=deadline.elapsed, queued=deadline.queued)

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
    ) -> HttpResponse:
        """Send one HTTP(S) request through the modem and return its response.

        With `max_response_size`, a body the modem announces larger is not read at all, and a
        body without an announced length stops being read once it passes the limit (on families
        that read in pieces): ResponseTooLargeError either way, never a partial body.

        `timeout` bounds the whole call, including the time spent waiting for the modem while
        other operations use it; the response's `queued` and `elapsed` say how it was spent.

        Raises RequestRejected for input the dialect cannot send (nothing reaches the modem),
        ModemHttpError for the modem's own HTTP errors, NoDataConnectionError, ModemTimeoutError,
        ModemDisconnectedError (within seconds while the serial link is down).
        """
        method = check_method(method).upper()
        if method not in _METHODS:
            raise RequestRejected("method", f"{method} is not an HTTP method the modems know")
        if method not in self._driver.methods:
            allowed = ", ".join(sorted(self._driver.methods))
            raise RequestRejected("method", f"the {self.dialect} dialect can send {allowed}")
        deadline = Deadline(timeout)
        if max_response_size is not None and max_response_size < 0:
            raise RequestRejected("max_response_size", "must not be negative")
        delivered = 0
        collected = bytearray()

        async def counting_sink(chunk: bytes) -> None:
            nonlocal delivered
            delivered += len(chunk)
            if max_response_size is not None and delivered > max_response_size:
                raise ResponseTooLargeError(max_response_size)
            if body_sink is not None:
                await body_sink(chunk)
            else:
                collected.extend(chunk)

        # A limit needs the count even when the caller wants the body whole: it is collected
        # here, piece by piece, and never beyond the limit.
        streamed = body_sink is not None or max_response_size is not None

        request = HttpRequest(
            method=method,
            url=url,
            headers=tuple((headers or {}).items()),
            body=body,
            timeout=timeout,
            byte_range=byte_range,
            content_type=content_type,
            body_sink=counting_sink if streamed else None,
            max_response_size=max_response_size,
        )

        async def attempt() -> HttpResponse:
            nonlocal delivered
            if delivered and body_sink is None:
                # Only collected here: the retry starts the body afresh.
                delivered = 0
                collected.clear()
            # A retry after a lost bearer must not stream the body into the sink a second time.
            if delivered:
                raise ModemDisconnectedError(
                    f"the connection dropped after {delivered} bytes of the body were delivered;"
                    " not retried, so nothing is written twice",
                    port=self.engine.port,
                )
            return await self._driver.request(self.engine, request, deadline)

        # Drivers that can check a request on its own refuse bad input before even their setup
        # commands reach the modem.
        validate = getattr(self._driver, "validate", None)
        if validate is not None:
            validate(request)
        response = await self._exclusive(deadline, lambda: self._transaction(attempt, deadline))
        if body_sink is None and streamed and not response.body:
            response = replace(response, body=bytes(collected))
        if max_response_size is not None and len(response.body) > max_response_size:
            # A driver that had to read the body whole (no announced length) still may not
            # hand over more than the caller takes.
            raise ResponseTooLargeError(max_response_size, len(response.body))
        return response

    async def post_modem_file(
        self, url: str, file_name: str, *, timeout: float = 60.0
    ) -> HttpResponse:
        """POST a file already in the modem's file system (timeout as for http_request)."""
        deadline = Deadline(timeout)
        _check_file_transfer(url, file_name)
        self._validate_file(url, file_name)

        async def post() -> HttpResponse:
            return await self._driver.post_modem_file(
                self.engine, url, file_name, deadline=deadline
            )

        return await self._exclusive(deadline, lambda: self._transaction(post, deadline))

    async def download_to_modem_file(
        self, url: str, file_name: str, *, timeout: float = 60.0
    ) -> HttpResponse:
        """GET url into the modem's file system (timeout as for http_request)."""
        deadline = Deadline(timeout)
        _check_file_transfer(url, file_name)
        self._validate_file(url, file_name)

        async def download() -> HttpResponse:
            return await self._driver.download_to_modem_file(
                self.engine, url, file_name, deadline=deadline
            )

        return await self._exclusive(deadline, lambda: self._transaction(download, deadline))

    def _validate_file(self, url: str, file_name: str) -> None:
        """Bad input is refused before the bearer check (or anything else) reaches the modem."""
        validate = getattr(self._driver, "validate_file", None)
        if validate is not None:
            validate(url, file_name)

    async def device_info(self, timeout: float = 10.0) -> DeviceInfo:
        """Manufacturer, model, firmware revision, IMEI and ICCID, all within `timeout`."""
        deadline = Deadline(timeout)
        return await self._bounded(deadline, lambda: read_device_info(self.engine, deadline))

    async def status(self, timeout: float = 10.0) -> ModemStatus:
        """Signal, registration, operator, packet attach and whether the data context is up.

        Read between the steps of a transaction in flight (real modules answer status commands
        meanwhile), so it does not queue behind whole operations; `timeout` bounds all of it.
        """
        deadline = Deadline(timeout)

        async def read() -> ModemStatus:
            status = await read_status(self.engine, deadline)
            return replace(status, data_active=await self.data_active(deadline.left()))

        return await self._bounded(deadline, read)

    async def close(self) -> None:
        """Close the serial port."""
        await self.engine.close()


def _check_file_transfer(url: str, file_name: str) -> None:
    """Refuse what no dialect can send before the lock, so not even set-up commands go out.

    The driver's own checks (its lengths, storage prefixes) still follow; these are the rules every
    dialect shares: a safe http(s) URL and a plain file name, at most 80 characters (the longest
    any dialect takes), without a folder.
    """
    check_url(url, max_length=4000)
    check_text("file_name", file_name, max_length=80, allow_empty=False)
    bare = file_name.rpartition(":")[2]
    if "/" in bare or "\\" in bare or bare in ("", ".", ".."):
        raise RequestRejected("file_name", "must be a plain file name without a path")


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
) -> Modem:
    """Open the port, initialise the modem, pick (or detect) its dialect.

    Raises ModemDisconnectedError when the port cannot be opened, ModemTimeoutError when nothing
    answers, NoHttpCommandsError when no HTTP family answers (dialect="auto").

    `bearer` says how to bring the data connection up (None: the network's default APN); it is
    brought up by the first request, not here. `tls` configures the SSL context HTTPS uses (None:
    leave the modem's SSL configuration as it is). `link_grace` overrides how long an operation
    waits for a serial link that went down to come back (engine.LINK_GRACE).
    """
    engine = AtEngine(
        url,
        baudrate,
        opener=opener,
        write_chunk_size=write_chunk_size,
        write_chunk_delay=write_chunk_delay,
        reconnect=reconnect,
        link_grace=link_grace,
        lines=MODULE_LINES,
    )
    try:
        async with asyncio.timeout(timeout):
            await engine.open()
            name = await detect_dialect(engine) if dialect == "auto" else dialect
            driver = create_driver(name)
    except TimeoutError as err:
        await engine.close()
        if isinstance(err, ModemError):
            raise
        raise ModemTimeoutError(f"no modem answered within {timeout:g} s") from err
    except BaseException:
        await engine.close()
        raise
    return Modem(engine, driver, bearer=bearer, tls=tls)


__all__ = ["ConnectionState", "Modem", "open_modem"]
