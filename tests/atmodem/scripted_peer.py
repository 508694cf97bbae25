"""A scripted modem on a real TCP socket, for engine tests that need exact bytes.

The emulator (modem_emulator) behaves like firmware; this peer instead answers each command with
bytes a test chooses, so tests can produce replies no well-behaved modem would (garbage, late OKs,
resets mid-reply) and check the engine through its real serial transport (socket://).
"""

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Step = bytes | float
"""Bytes to write, or seconds to pause."""
Responder = Callable[[str], Sequence[Step] | None]


def ok(*lines: str) -> list[Step]:
    """Information lines then OK, framed like SIMCom/Quectel firmware (ATV1)."""
    return [b"".join(f"\r\n{line}\r\n".encode() for line in lines) + b"\r\nOK\r\n"]


_HEALTHY_BEARER: dict[str, list[Step]] = {
    # A registered module with a ready SIM whose PDP context 1 is already active: the library's
    # SIM and bearer checks read these and send nothing else (formats from SIM7600 and EC25 logs).
    "AT+CPIN?": ok("+CPIN: READY"),
    "AT+CEREG?": ok("+CEREG: 0,1"),
    "AT+CREG?": ok("+CREG: 0,1"),
    "AT+CGEREP=2": ok(),
    "AT+CGDCONT?": ok('+CGDCONT: 1,"IP","internet","0.0.0.0",0,0'),
    "AT+CGACT?": ok("+CGACT: 1,1"),
    "AT+QIACT?": ok('+QIACT: 1,1,1,"10.64.0.2"'),
    'AT+HTTPCFG="CONTEXTID",1': ok(),
}


def basic_responder(command: str) -> Sequence[Step] | None:
    """Answer the engine's own start-up commands and the bearer check of a healthy module."""
    if command.upper() in ("AT", "ATE0", "AT+CMEE=1", "AT+CMEE=2"):
        return ok()
    return _HEALTHY_BEARER.get(command.upper())


@dataclass
class ScriptedPeer:
    """Serves one client at a time; `respond` decides the reply to each CR-terminated command."""

    respond: Responder
    echo: bool = False

    def __post_init__(self) -> None:
        self.commands: list[str] = []
        self.payloads: list[bytes] = []
        self.expect_payload = 0
        self.payload_for: dict[str, int] = {}
        """Command -> payload size the peer reads raw after answering that command."""
        self._server: asyncio.Server | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._heard = asyncio.Event()
        self.connections = 0

    async def heard(self, command: str, timeout: float = 2.0) -> None:
        """Return once `command` has reached the peer."""
        async with asyncio.timeout(timeout):
            while command not in self.commands:
                self._heard.clear()
                await self._heard.wait()

    async def start(self) -> str:
        """Listen on 127.0.0.1; returns the serial URL."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"socket://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writer = writer
        buffer = b""
        try:
            while data := await reader.read(65536):
                buffer += data
                while True:
                    if self.expect_payload:
                        if len(buffer) < self.expect_payload:
                            break
                        payload, buffer = (
                            buffer[: self.expect_payload],
                            buffer[self.expect_payload :],
                        )
                        self.expect_payload = 0
                        self.payloads.append(payload)
                        writer.write(b"\r\nOK\r\n")
                        continue
                    end = buffer.find(b"\r")
                    if end < 0:
                        break
                    line, buffer = buffer[:end], buffer[end + 1 :].lstrip(b"\n")
                    command = line.decode("latin-1")
                    self.commands.append(command)
                    self._heard.set()
                    if self.echo:
                        writer.write(line + b"\r")
                    steps = self.respond(command)
                    if steps is None:
                        steps = basic_responder(command)
                    if steps:
                        await self._play(writer, steps)
                    self.expect_payload = self.payload_for.pop(command, 0)
        except ConnectionError, asyncio.CancelledError:
            pass
        finally:
            writer.close()

    async def _play(self, writer: asyncio.StreamWriter, steps: Sequence[Step]) -> None:
        for step in steps:
            if isinstance(step, float):
                await writer.drain()
                await asyncio.sleep(step)
            else:
                writer.write(step)
        await writer.drain()

    def push(self, data: bytes) -> None:
        """Write unsolicited bytes (URCs) to the client now."""
        assert self._writer is not None
        self._writer.write(data)

    def later(self, delay: float, data: bytes) -> None:
        """Write bytes after a delay, independently of command handling."""

        async def send() -> None:
            await asyncio.sleep(delay)
            if self._writer is not None and not self._writer.is_closing():
                self._writer.write(data)

        task = asyncio.get_running_loop().create_task(send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drop(self) -> None:
        """Hang up on the client, as a USB modem vanishing or ser2net restarting would."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
            self._writer = None

    async def stop(self) -> None:
        """Close everything, client first (a server's wait_closed waits for its clients)."""
        for task in list(self._tasks):
            task.cancel()
        await self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
