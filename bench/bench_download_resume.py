"""What resuming costs: a paced 1 MiB download cut three times, against the same download uncut.

For each family that resumes (SIM7070/SIM7080 cannot: no response headers prove a part's
version) the emulator serves a modem over TCP with its output paced like a serial line
(115,200 baud by default: about 91 s for 1 MiB), fetching for real from a local far end that
serves ranges, ETags and Last-Modified (modem_emulator/resources.py). `Modem.download` fetches
the same resource twice into memory:

- uncut, for the time the line itself needs;
- cut three times, once each way a real transfer is cut: the serial link lost (the library
  reconnects), the data connection lost (the module prints its error and the network's URCs; the
  library activates it again; a SIM800 holds the whole response by then, so its module goes
  quiet for 0.3 s instead) and the module restarting (0.5 s boot, the emulator's default). The
  cuts fall a quarter of the resource into each response's body, so every resumed request is a
  206 for the rest, and the file must come out byte for byte the far end's.

It prints, per dialect:
- `download_resume_overhead_ratio_<dialect>`: the cut download's wall time over the uncut one's
  (the issue's goal: at most 1.15);
- `download_resume_seconds_per_cut_<dialect>`: the extra wall time per cut, in seconds;
- `download_uncut_seconds_<dialect>`: the uncut download's wall time.

Run: `.venv/bin/python bench/bench_download_resume.py [--baud N] [--size BYTES] [dialect ...]`.
"""

import argparse
import asyncio
import sys
import time
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.modem_http.atmodem import open_modem
from modem_emulator import ModemServer
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.faults import ReadCut
from modem_emulator.resources import Answer, Resource, ResourceServer

DIALECTS = ("simcom", "httpcfg", "quectel", "sim800")
BAUD = 115_200
SIZE = 1024 * 1024
CUTS = (ReadCut.LINK, ReadCut.BEARER, ReadCut.RESTART)
BODY_BUFFERED_WHOLE = frozenset({"sim800"})
"""Modules whose read a lost data connection does not cut (they hold the whole response)."""
QUIET_FOR = 0.3
"""Seconds a module that goes quiet mid-read stays so."""


def cuts_for(dialect: str) -> list[ReadCut]:
    """Three cuts of a body, each a different way the family's reads can be cut."""
    if dialect in BODY_BUFFERED_WHOLE:
        return [ReadCut.LINK, ReadCut.QUIET, ReadCut.RESTART]
    return list(CUTS)


PATH = "/firmware.bin"
TIMEOUT = 900.0


def content(size: int) -> bytes:
    """Bytes that are not periodic within a read (a misplaced piece shows) and hold `OK` lines."""
    block = bytes((i * 7 + i // 251) % 256 for i in range(4093)) + b"\r\nOK\r\n"
    return (block * (size // len(block) + 1))[:size]


class Memory:
    """The download's target, in memory."""

    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, data: bytes) -> None:
        """Append what arrived."""
        self.data += data

    async def truncate(self, size: int) -> None:
        """Keep the first `size` bytes (a cut's untrusted tail, or a restart from zero)."""
        del self.data[size:]


def cut_each_response(resource: Resource, emulator: EmulatedModem, cuts: list[ReadCut]) -> None:
    """Arm one cut per response the far end answers, a quarter of the resource into its body."""
    answer = resource.answer
    at = len(resource.representation.content) // 4

    def answer_and_arm(method: str, headers: Mapping[str, str]) -> Answer:
        if cuts:
            kind = cuts.pop(0)
            quiet = QUIET_FOR if kind is ReadCut.QUIET else None
            emulator.faults.cut_read(at, kind, quiet_seconds=quiet)
        return answer(method, headers)

    resource.answer = answer_and_arm  # type: ignore[method-assign]


async def timed_download(dialect: str, far: ResourceServer, baud: int, cut: bool) -> float:
    """Seconds one download of PATH took (modem opened and warmed up beforehand)."""
    emulator = create_modem(dialect)
    async with ModemServer(emulator, baud=baud) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, baudrate=baud, dialect=dialect)
        try:
            warm = await modem.http_request("GET", far.url("/missing"), timeout=60)
            assert warm.status == 404, warm.status
            resource = far.resources[PATH]
            if cut:
                cut_each_response(resource, emulator, cuts_for(dialect))
            target = Memory()
            started = time.perf_counter()
            response = await modem.download(far.url(PATH), target, timeout=TIMEOUT)
            elapsed = time.perf_counter() - started
        finally:
            await modem.close()
    assert bytes(target.data) == resource.representation.content, "not the far end's file"
    assert response.resumes == (len(CUTS) if cut else 0), response.resumes
    return elapsed


async def measure(dialect: str, baud: int, size: int) -> None:
    async with ResourceServer() as far:
        await far.start()
        far.add(PATH, content(size))
        uncut = await timed_download(dialect, far, baud, cut=False)
        far.add(PATH, content(size))
        cut = await timed_download(dialect, far, baud, cut=True)
    print(f"download_resume_overhead_ratio_{dialect}: {cut / uncut:.3f} x", flush=True)
    print(f"download_resume_seconds_per_cut_{dialect}: {(cut - uncut) / len(CUTS):.2f} s")
    print(f"download_uncut_seconds_{dialect}: {uncut:.1f} s", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baud", type=int, default=BAUD)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("dialects", nargs="*", default=list(DIALECTS))
    args = parser.parse_args()
    for dialect in args.dialects:
        await measure(dialect, args.baud, args.size)


if __name__ == "__main__":
    asyncio.run(main())
