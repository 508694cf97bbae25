"""The rig of the resumed-download stories: a far end with changing resources, a module, a Modem.

`ResumeRig` puts together a `ResourceServer` (ranges, ETags, Last-Modified, changes on command;
it records every request), an emulated module of one family on a real TCP port (so a cut of the
link is a real hang-up the library reconnects after), and the library's Modem opened on it the
integration's way. `cut_each_request` arms one read cut per request the far end answers, so a
story can cut a download again and again, wherever it likes.
"""

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from custom_components.modem_http.atmodem import Modem, open_modem
from modem_emulator import ModemServer, create_modem
from modem_emulator.core import EmulatedModem
from modem_emulator.faults import ReadCut
from modem_emulator.resources import Answer, Resource, ResourceServer

FAMILIES = ("simcom", "httpcfg", "quectel", "sim800")
BODY_BUFFERED_WHOLE = frozenset({"sim800"})
"""Modules that report a response only once all of it is in their buffer: a lost bearer cuts no
read of theirs (the emulator's sim800.py says why)."""
QUOTES_IN_USERDATA_REFUSED = frozenset({"simcom", "sim800"})
"""AT+HTTPINIT families: If-Range rides in the quoted USERDATA, so never as a quoted ETag."""


def cuts_of(dialect: str) -> list[ReadCut]:
    """The read cuts that cut a body on this family's modules."""
    if dialect in BODY_BUFFERED_WHOLE:
        return [kind for kind in ReadCut if kind is not ReadCut.BEARER]
    return list(ReadCut)


FAST_BOOT = {"boot_delay": 0.02, "boot_step": 0.002}
QUICK_STALL = 0.3
"""Seconds a resumable read may go without a byte in these stories (5 s for real modems)."""
QUIET_FOR = 0.3
"""How long a module that went quiet mid-read stays so."""
PATH = "/firmware.bin"


def content(size: int, seed: int = 7) -> bytes:
    """Bytes that are not periodic within a read (so a misplaced piece shows) and hold `OK`."""
    block = bytes((i * seed + i // 251) % 256 for i in range(4093)) + b"\r\nOK\r\n"
    return (block * (size // len(block) + 1))[:size]


class MemoryTarget:
    """A download target in memory, with a log of how it was cut back."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.truncations: list[int] = []

    async def write(self, data: bytes) -> None:
        self.data += data

    async def truncate(self, size: int) -> None:
        self.truncations.append(size)
        del self.data[size:]


@dataclass
class Cut:
    """A read cut: after `at` body bytes of the request's body, the way `kind` says."""

    at: int
    kind: ReadCut


@dataclass
class ResumeRig:
    """One far end, one module, one Modem."""

    dialect: str
    far: ResourceServer
    emulator: EmulatedModem
    server: ModemServer
    modem: Modem
    cuts: list[Cut] = field(default_factory=list)

    def add(self, data: bytes, **options: Any) -> Resource:
        """Put a resource at PATH (options as ResourceServer.add)."""
        resource = self.far.add(PATH, data, **options)
        self._cut_on_request(resource)
        return resource

    @property
    def url(self) -> str:
        return self.far.url(PATH)

    @property
    def served(self) -> list[tuple[str | None, str | None, int]]:
        """(Range, If-Range, status) of each request the far end answered."""
        return [
            (request.range, request.if_range, request.status)
            for request in self.far.resources[PATH].requests
        ]

    def cut_each_request(self, *cuts: Cut) -> None:
        """Cut the body of the next requests' responses, one cut each, in order."""
        self.cuts = list(cuts)

    def _cut_on_request(self, resource: Resource) -> None:
        answer = resource.answer

        def answer_and_arm(method: str, headers: Mapping[str, str]) -> Answer:
            # Armed as the far end answers, so the cut counts this response's body bytes.
            if self.cuts:
                cut = self.cuts.pop(0)
                quiet = QUIET_FOR if cut.kind is ReadCut.QUIET else None
                self.emulator.faults.cut_read(cut.at, cut.kind, quiet_seconds=quiet)
            return answer(method, headers)

        resource.answer = answer_and_arm  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def resume_rig(dialect: str) -> AsyncIterator[ResumeRig]:
    """Start the far end, the module and the Modem (which reconnects after a hang-up)."""
    async with ResourceServer() as far:
        await far.start()
        emulator = create_modem(dialect, **FAST_BOOT)
        async with ModemServer(emulator) as server:
            await server.start_tcp()
            modem = await open_modem(server.url, dialect=dialect)
            try:
                yield ResumeRig(dialect, far, emulator, server, modem)
            finally:
                await modem.close()
