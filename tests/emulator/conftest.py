"""Fixtures for the emulator tests: a fast-booting modem served over real TCP, and a client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from modem_emulator import EmulatedModem, ModemServer

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
