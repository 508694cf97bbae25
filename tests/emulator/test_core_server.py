"""Stories of the transports: a real pseudo-terminal, a paced line, a thread, the command line."""

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import modem_emulator.dialects as dialects_module
from modem_emulator import (
    AtRequest,
    DialectUnavailable,
    EmulatedModem,
    ModemServer,
    ModemServerThread,
    create_modem,
    install_dialect,
)
from modem_emulator.__main__ import build_parser

from .conftest import FAST_BOOT, AtClient


class PtyHost:
    """The host side of a pty, opened like a serial port (non-blocking, polled)."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buffer = bytearray()

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    async def read_until(self, marker: bytes, timeout: float = 2.0) -> bytes:
        async with asyncio.timeout(timeout):
            while marker not in self.buffer:
                try:
                    self.buffer += os.read(self.fd, 4096)
                except BlockingIOError:
                    await asyncio.sleep(0.005)
        end = self.buffer.index(marker) + len(marker)
        data = bytes(self.buffer[:end])
        del self.buffer[:end]
        return data

    async def read_for(self, duration: float) -> bytes:
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            try:
                self.buffer += os.read(self.fd, 4096)
            except BlockingIOError:
                await asyncio.sleep(0.005)
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    def close(self) -> None:
        os.close(self.fd)


@pytest.fixture
async def pty_host(modem: EmulatedModem) -> AsyncIterator[PtyHost]:
    async with ModemServer(modem) as server:
        path = await server.start_pty()
        host = PtyHost(path)
        yield host
        host.close()


async def test_pty_round_trip_is_byte_exact(pty_host: PtyHost) -> None:
    pty_host.send(b"AT+CSQ\r")
    assert await pty_host.read_until(b"OK\r\n") == b"AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"


async def test_pty_drop_connection_goes_silent_for_a_while(
    pty_host: PtyHost, modem: EmulatedModem
) -> None:
    modem.faults.pty_drop_silence = 0.2
    modem.faults.drop_connection()
    pty_host.send(b"AT\r")
    assert await pty_host.read_for(0.1) == b""
    await asyncio.sleep(0.15)
    pty_host.send(b"AT\r")
    assert await pty_host.read_until(b"OK\r\n") == b"AT\r\r\nOK\r\n"


async def test_baud_pacing_is_no_faster_than_the_line(socket_enabled: None) -> None:
    modem = EmulatedModem(echo=False, **FAST_BOOT)

    async def bulk(modem: EmulatedModem, _req: AtRequest) -> None:
        modem.send_line(b"x" * 600)

    modem.register("+BULK", bulk)
    async with ModemServer(modem, baud=9600) as server:
        port = await server.start_tcp()
        client = await AtClient.connect(port)
        try:
            await server.wait_for_client()
            start = time.monotonic()
            reply = await client.command("AT+BULK")
            elapsed = time.monotonic() - start
        finally:
            await client.close()
    rate = 9600 / 10
    bucket = rate * 0.01
    assert len(reply) == 610
    # Lower bound only: the line cannot have carried the reply faster than 960 bytes/s.
    assert elapsed >= (len(reply) - bucket) / rate * 0.9


async def test_unplugged_line_refuses_hosts_until_plugged_back(socket_enabled: None) -> None:
    async with ModemServer(EmulatedModem(**FAST_BOOT)) as server:
        port = await server.start_tcp()
        client = await AtClient.connect(port)
        await client.command("ATE0")

        await server.unplug()

        # The host that was attached sees its line end, and nobody can attach meanwhile.
        assert await client.at_eof()
        await client.close()
        with pytest.raises(ConnectionRefusedError):
            await AtClient.connect(port)

        await server.replug()

        # Same port, same modem: the echo setting made before the unplug is still in force.
        again = await AtClient.connect(port)
        try:
            assert await again.command("AT") == b"\r\nOK\r\n"
        finally:
            await again.close()


async def test_unplugged_pty_hangs_up_on_the_host(modem: EmulatedModem) -> None:
    async with ModemServer(modem) as server:
        host = PtyHost(await server.start_pty())
        try:
            await server.unplug()

            # The master side is gone: the host's port reads end-of-file, a hang-up.
            assert os.read(host.fd, 10) == b""
        finally:
            host.close()


async def test_thread_runner_serves_outside_the_test_loop(socket_enabled: None) -> None:
    runner = ModemServerThread(lambda: EmulatedModem(**FAST_BOOT))
    url = runner.start()
    try:
        assert url.startswith("socket://127.0.0.1:")
        client = await AtClient.connect(int(url.rsplit(":", 1)[1]))
        try:
            assert await client.command("AT") == b"AT\r\r\nOK\r\n"
            assert runner.modem is not None
            runner.call(lambda: runner.modem.faults.garbage_line("junk") if runner.modem else None)
            assert await client.command("AT") == b"AT\r\r\njunk\r\n\r\nOK\r\n"
        finally:
            await client.close()
    finally:
        runner.stop()


@pytest.mark.parametrize(
    ("dialect", "model"),
    [("simcom", "SIMCOM_SIM7600E-H"), ("sim800", "SIMCOM_SIM800L"), ("sim7080", "SIMCOM_SIM7080G")],
)
async def test_cli_serves_tcp_and_prints_the_url(
    socket_enabled: None, dialect: str, model: str
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "modem_emulator",
        "--dialect",
        dialect,
        "--listen",
        "127.0.0.1:0",
        "--no-echo",
        cwd=Path(__file__).parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 20)
        url = line.decode().strip()
        assert url.startswith("socket://127.0.0.1:")
        client = await AtClient.connect(int(url.rsplit(":", 1)[1]))
        try:
            assert await client.command("AT+CGMM") == f"\r\n{model}\r\n\r\nOK\r\n".encode()
        finally:
            await client.close()
    finally:
        process.terminate()
        await process.wait()


def test_cli_arguments() -> None:
    args = build_parser().parse_args(
        [
            "--dialect",
            "quectel",
            "--pty",
            "--baud",
            "115200",
            "--no-echo",
            "--response-delay",
            "0.02",
        ]
    )
    assert (args.dialect, args.pty, args.baud, args.echo) == ("quectel", True, 115200, False)
    assert args.response_delay == 0.02


def test_dialect_profiles_and_missing_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        dialects_module._SOURCES, "ghost", ("modem_emulator.no_such_dialect", {}, "quectel")
    )
    monkeypatch.setitem(dialects_module.DIALECTS, "ghost", dialects_module._installer("ghost"))
    modem = EmulatedModem()
    with pytest.raises(DialectUnavailable, match="no_such_dialect"):
        install_dialect(modem, "ghost")
    with pytest.raises(ValueError, match="unknown dialect"):
        install_dialect(modem, "nokia")
    lenient = create_modem("ghost", strict=False)
    assert lenient.identity.profile == "quectel"
    assert lenient.dialect_error is not None
    assert set(dialects_module.DIALECTS) >= {"simcom", "httpcfg", "quectel"}
    assert dialects_module.DIALECT_PROFILES["simcom"] == "simcom"
    assert dialects_module.DIALECT_PROFILES["httpcfg"] == "quectel"
    assert dialects_module.DIALECT_PROFILES["sim800"] == "sim800"
    assert dialects_module.DIALECT_PROFILES["sim7080"] == "sim7080"
