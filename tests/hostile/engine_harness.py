"""An AtEngine on an in-memory line: the fuzz target and the property tests drive it byte by byte.

No socket and no emulator: the fake transport hands each command the engine writes to a responder,
which answers with bytes cut at chosen points; each piece is fed to `data_received` on its own
loop turn, exactly as a serial port would deliver it. Thousands of streams run in a second.
"""

import asyncio
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from custom_components.modem_http.atmodem import AtEngine
from custom_components.modem_http.atmodem.framing import DataSpec
from custom_components.modem_http.atmodem.serial_link import SerialLink

Responder = Callable[[str], Sequence[bytes] | None]
"""Command text -> the reply's pieces, in order (None: the modem stays silent)."""


class FakeLine(asyncio.WriteTransport):
    """A write transport whose far side answers each CR-terminated command with `responder`."""

    def __init__(self, link: SerialLink, responder: Responder) -> None:
        """Deliver replies into `link`."""
        super().__init__()
        self._link = link
        self._responder = responder
        self._pending = b""
        self._closed = False
        self.written = bytearray()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Collect the command; answer when its CR arrives."""
        self.written += data
        self._pending += bytes(data)
        while b"\r" in self._pending:
            line, _, self._pending = self._pending.partition(b"\r")
            pieces = self._responder(line.decode("latin-1"))
            if pieces:
                asyncio.get_running_loop().create_task(self._deliver(list(pieces)))

    async def _deliver(self, pieces: list[bytes]) -> None:
        for piece in pieces:
            await asyncio.sleep(0)
            if self._closed:
                return
            self._link.data_received(piece)

    def close(self) -> None:
        """Closing the line tells the engine, as a real transport does."""
        if not self._closed:
            self._closed = True
            self._link.connection_lost(None)

    def is_closing(self) -> bool:
        """True once closed."""
        return self._closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Nothing to tell."""
        return default


def standard_reply(command: str) -> Sequence[bytes] | None:
    """`OK` to the engine's own start-up and resynchronisation commands."""
    if command.upper() in ("AT", "ATE0", "AT+CMEE=1"):
        return [b"\r\nOK\r\n"]
    return None


async def open_engine(responder: Responder) -> tuple[AtEngine, FakeLine]:
    """An initialised engine on a fake line; close it with `engine.close()`."""
    line: FakeLine | None = None

    async def opener(factory: Callable[[], asyncio.Protocol], url: str, baud: int) -> FakeLine:
        nonlocal line
        protocol = factory()
        assert isinstance(protocol, SerialLink)
        line = FakeLine(protocol, lambda cmd: standard_reply(cmd) or responder(cmd))
        protocol.connection_made(line)
        return line

    engine = AtEngine("fake://line", opener=opener, reconnect=False, resync_quiet=0.0)
    await engine.open()
    assert line is not None
    return engine, line


def split(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """`data` cut at the given offsets (any order, duplicates and out-of-range ones ignored)."""
    points = sorted({cut for cut in cuts if 0 < cut < len(data)})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in pairwise(edges) if b > a]


def announced(prefix: str) -> Callable[[str], DataSpec]:
    """A data_after for `<prefix> <n>` lines announcing n raw bytes."""

    def data_after(line: str) -> DataSpec:
        if line.startswith(prefix):
            value = line[len(prefix) :].strip()
            return int(value) if value.isdigit() else None
        return None

    return data_after
