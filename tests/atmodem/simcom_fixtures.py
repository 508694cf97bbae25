"""Shared pieces of the simcom tests: firmware transcripts and an emulated modem on a real socket.

Transcripts (tests/fixtures/simcom_*.txt) hold the exact bytes real firmware prints, with their
public sources; `Transcript` replays them through the scripted peer and records what the host sent.
`start_rig` serves the emulator's SIMCom module on a real socket and logs every byte it receives.
"""

import codecs
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from custom_components.modem_http.atmodem import Modem, open_modem
from modem_emulator.core import EmulatedModem
from modem_emulator.server import ModemServer
from modem_emulator.simcom import Framing, SimcomHttpService
from modem_emulator.simcom import install as install_simcom

from ..recording import record_input
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


@dataclass
class SimcomRig:
    """An emulated SIMCom module served over a real TCP socket, and what it received."""

    modem: EmulatedModem
    service: SimcomHttpService
    server: ModemServer
    received: bytearray
    printed: list[str]
    """Every information line the module printed (send_line), in order."""
    modems: list[Modem] = field(default_factory=list)

    async def open(self, dialect: str = "simcom") -> Modem:
        """The integration's way in: open_modem on the serial URL."""
        modem = await open_modem(self.server.url, dialect=dialect, reconnect=False)
        self.modems.append(modem)
        return modem

    def mark(self) -> int:
        """Where the received log stands now (to check what arrives after)."""
        return len(self.received)

    def since(self, mark: int) -> bytes:
        return bytes(self.received[mark:])

    async def close(self) -> None:
        for modem in self.modems:
            await modem.close()
        await self.server.close()


async def start_rig(
    *, framing: Framing = "sim7600", baud: int | None = None, action_delay: float = 0.01
) -> SimcomRig:
    """A SIM7600-profile modem with SIMCom HTTP commands, listening on 127.0.0.1."""
    modem = EmulatedModem(identity="simcom")
    service = install_simcom(modem, framing=framing, action_delay=action_delay)
    received = record_input(modem)
    printed: list[str] = []
    send_line = modem.send_line

    def recording_send_line(text: str | bytes) -> None:
        printed.append(text if isinstance(text, str) else text.decode("latin-1"))
        send_line(text)

    modem.send_line = recording_send_line  # type: ignore[method-assign]
    server = ModemServer(modem, baud=baud)
    await server.start_tcp()
    return SimcomRig(modem, service, server, received, printed)
