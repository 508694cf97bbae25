"""Firmware transcripts (tests/fixtures/<family>_*.txt) replayed against the emulator, byte-exact.

A transcript is what a host sends and what the module prints in answer, written from manuals and
public logs (each file names its sources). Host lines are commands (sent with CR); `>>> ` lines are
raw data-mode bytes (sent as they are); `<<< ` lines are the module's bytes in Python escape
notation; `~~~ ` lines are pauses, which a replay does not need: it waits for the bytes.
"""

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from .conftest import AtClient

FIXTURES = Path(__file__).parent.parent / "fixtures"


@dataclass
class Exchange:
    """Bytes the host sends and the bytes the module prints in answer."""

    sent: bytes
    answer: bytearray = field(default_factory=bytearray)


def load(name: str, port: int) -> list[Exchange]:
    """The exchanges of transcript `name`, with `{port}` replaced by the far end's port."""
    exchanges: list[Exchange] = []
    for line in (FIXTURES / name).read_text(encoding="ascii").splitlines():
        text = line.replace("{port}", str(port))
        if text.startswith("<<< "):
            exchanges[-1].answer += codecs.decode(text[4:], "unicode_escape").encode("latin-1")
        elif text.startswith(">>> "):
            exchanges.append(Exchange(text[4:].encode()))
        elif text and not text.startswith(("#", "~~~ ")):
            exchanges.append(Exchange(text.encode() + b"\r"))
    return exchanges


async def replay(client: AtClient, name: str, port: int) -> list[tuple[bytes, bytes]]:
    """Send each exchange and collect as many bytes as the transcript expects.

    Returns (expected, received) pairs, for one equality assertion with a readable diff.
    """
    pairs: list[tuple[bytes, bytes]] = []
    for exchange in load(name, port):
        await client.send(exchange.sent)
        received = await client.read_exactly(len(exchange.answer), timeout=5.0)
        pairs.append((bytes(exchange.answer), received))
    return pairs
