"""Emulator test fixtures: a fast-booting modem served over real TCP, a client, a far end."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from modem_emulator import EmulatedModem, ModemServer
from modem_emulator.far_end import TestPki

FAST_BOOT = {"boot_delay": 0.05, "boot_step": 0.005}


class AtClient:
    """A host on the other end of the line that reads bytes exactly as they arrive."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.buffer = bytearray()

    @classmethod
    async def connect(cls, port: int) -> AtClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def read_until(self, marker: bytes, timeout: float = 2.0) -> bytes:
        """Everything up to and including `marker`; what follows stays buffered."""
        async with asyncio.timeout(timeout):
            while marker not in self.buffer:
                chunk = await self.reader.read(65536)
                if not chunk:
                    raise EOFError(f"EOF before {marker!r}; got {bytes(self.buffer)!r}")
                self.buffer += chunk
        end = self.buffer.index(marker) + len(marker)
        data = bytes(self.buffer[:end])
        del self.buffer[:end]
        return data

    async def read_exactly(self, size: int, timeout: float = 2.0) -> bytes:
        """The next `size` bytes, however the line delivers them."""
        async with asyncio.timeout(timeout):
            while len(self.buffer) < size:
                chunk = await self.reader.read(65536)
                if not chunk:
                    raise EOFError(f"EOF after {bytes(self.buffer)!r}")
                self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    async def command(self, line: str, final: bytes = b"\r\nOK\r\n") -> bytes:
        await self.send(line.encode() + b"\r")
        return await self.read_until(final)

    async def read_for(self, duration: float) -> bytes:
        """All bytes that arrive within `duration` seconds (for asserting silence)."""
        try:
            async with asyncio.timeout(duration):
                while True:
                    chunk = await self.reader.read(65536)
                    if not chunk:
                        break
                    self.buffer += chunk
        except TimeoutError:
            pass
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    async def at_eof(self, timeout: float = 2.0) -> bool:
        async with asyncio.timeout(timeout):
            while chunk := await self.reader.read(65536):
                self.buffer += chunk
        return True

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


@pytest.fixture
async def modem() -> AsyncIterator[EmulatedModem]:
    emulated = EmulatedModem(**FAST_BOOT)
    yield emulated
    await emulated.close()


@pytest.fixture
async def server(socket_enabled: None, modem: EmulatedModem) -> AsyncIterator[ModemServer]:
    async with ModemServer(modem) as served:
        await served.start_tcp("127.0.0.1", 0)
        yield served


@pytest.fixture
async def client(server: ModemServer) -> AsyncIterator[AtClient]:
    assert server.port is not None
    host = await AtClient.connect(server.port)
    await server.wait_for_client()
    yield host
    await host.close()


type Serve = Callable[[EmulatedModem], Awaitable[tuple[ModemServer, AtClient]]]


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Serve]:
    """Serve any modem (a dialect's, say) over TCP with a connected client; closed afterwards."""
    opened: list[tuple[ModemServer, AtClient]] = []

    async def start(emulated: EmulatedModem) -> tuple[ModemServer, AtClient]:
        served = ModemServer(emulated)
        port = await served.start_tcp("127.0.0.1", 0)
        host = await AtClient.connect(port)
        await served.wait_for_client()
        opened.append((served, host))
        return served, host

    yield start
    for served, host in reversed(opened):
        await host.close()
        await served.close()


# --- a far end for the HTTP families ---------------------------------------------------------

IP_BODY = b"203.0.113.45\n"
DOCUMENT = bytes(range(48, 48 + 75)) * 2
"""150 printable bytes, for ranged reads."""


@dataclass
class SeenRequest:
    """One request as the far end received it."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


def far_end_app() -> tuple[web.Application, list[SeenRequest]]:
    """The server the emulated modules talk to, and the list of what it received."""
    seen: list[SeenRequest] = []

    async def record(request: web.Request) -> None:
        headers = [(k.decode(), v.decode()) for k, v in request.raw_headers]
        seen.append(SeenRequest(request.method, request.path_qs, headers, await request.read()))

    async def ip(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(body=IP_BODY, headers={"X-Fixed": "1"})

    async def echo(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(status=201, reason="Created", body=seen[-1].body)

    async def document(request: web.Request) -> web.Response:
        await record(request)
        wanted = request.http_range
        if request.headers.get("Range") and wanted.start is not None:
            part = DOCUMENT[wanted]
            end = wanted.start + len(part) - 1
            return web.Response(
                status=206,
                body=part,
                headers={"Content-Range": f"bytes {wanted.start}-{end}/{len(DOCUMENT)}"},
            )
        return web.Response(body=DOCUMENT)

    async def moved(request: web.Request) -> web.Response:
        await record(request)
        raise web.HTTPFound("/ip")

    async def closing(request: web.Request) -> web.Response:
        await record(request)
        response = web.Response(body=b"bye")
        response.force_close()
        return response

    app = web.Application()
    app.router.add_get("/ip", ip)
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/doc", document)  # also answers HEAD
    app.router.add_get("/moved", moved)
    app.router.add_get("/closing", closing)
    return app, seen


@dataclass
class FarEnd:
    """A running far end: its server and what it received."""

    server: TestServer
    seen: list[SeenRequest]

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port


@pytest.fixture
async def far_end(socket_enabled: None, aiohttp_server: Any) -> FarEnd:
    """The far end over plain HTTP on 127.0.0.1."""
    app, seen = far_end_app()
    return FarEnd(await aiohttp_server(app), seen)


@pytest.fixture
def pki() -> TestPki:
    """A CA and a certificate for 127.0.0.1."""
    return TestPki("127.0.0.1")


@pytest.fixture
async def tls_far_end(socket_enabled: None, aiohttp_server: Any, pki: TestPki) -> FarEnd:
    """The far end over HTTPS (TLS 1.2 and later, as modern servers are) on 127.0.0.1."""
    app, seen = far_end_app()
    return FarEnd(await aiohttp_server(app, ssl=pki.server_ssl_context()), seen)
