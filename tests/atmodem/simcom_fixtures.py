"""Shared pieces of the simcom tests: firmware transcripts and an emulated modem on a real socket.

Transcripts (tests/fixtures/simcom_*.txt) hold the exact bytes real firmware prints, with their
public sources; `Transcript` replays them through the scripted peer and records what the host sent.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .scripted_peer import Step, basic_responder

FIXTURES = Path(__file__).parent.parent / "fixtures"


@dataclass
class Transcript:
    """Host commands in order, each with the modem's reply steps."""

    name: str
    exchanges: list[tuple[str, list[Step]]] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, name: str) -> Transcript:
        transcript = cls(name)
        for raw in (FIXTURES / name).read_text(encoding="ascii").splitlines():
            if not raw or raw.startswith("#"):
                continue
            if raw.startswith("<<< "):
                data = codecs.decode(raw[4:], "unicode_escape").encode("latin-1")
                transcript.exchanges[-1][1].append(data)
            elif raw.startswith("~~~ "):
                transcript.exchanges[-1][1].append(float(raw[4:]))
            else:
                transcript.exchanges.append((raw, []))
        return transcript

    @property
    def commands(self) -> list[str]:
        return [command for command, _ in self.exchanges]

    def __call__(self, command: str) -> Sequence[Step] | None:
        """Answer the next expected command with its recorded reply; anything else gets ERROR."""
        start_up = basic_responder(command)
        if start_up is not None:
            return start_up
        self.sent.append(command)
        index = len(self.sent) - 1
        if index < len(self.exchanges) and self.exchanges[index][0] == command:
            return self.exchanges[index][1]
        return [b"\r\nERROR\r\n"]
