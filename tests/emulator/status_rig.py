"""A host talking to an emulated module over TCP, for the status command stories."""

from dataclasses import dataclass

from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem

from .conftest import FAST_BOOT, AtClient, Serve

FAMILIES = ("simcom", "quectel", "httpcfg")
"""Every dialect: the unprefixed AT+HTTPCFG modem answers status commands as a Quectel does."""


def fresh(dialect: str) -> EmulatedModem:
    """A module of the dialect's family that boots fast."""
    return create_modem(
        dialect, boot_delay=FAST_BOOT["boot_delay"], boot_step=FAST_BOOT["boot_step"]
    )


def info(*lines: str) -> bytes:
    """An information block and OK, as a module frames a multi-line answer (ATE0, ATV1)."""
    return b"\r\n" + "\r\n".join(lines).encode() + b"\r\n\r\nOK\r\n"


def urcs(*lines: str) -> bytes:
    """Unsolicited lines, each framed on its own."""
    return b"".join(b"\r\n" + line.encode() + b"\r\n" for line in lines)


@dataclass
class StatusHost:
    """The emulated module and the host's end of its line."""

    modem: EmulatedModem
    line: AtClient

    async def ask(self, command: str) -> bytes:
        """Send a command, return everything up to its OK."""
        return await self.line.command(command)

    async def refused(self, command: str) -> bytes:
        """Send a command that fails, return its error line (`+CME ERROR: 16`, `ERROR`)."""
        await self.line.send(command.encode() + b"\r")
        await self.line.read_until(b"\r\n")
        return (await self.line.read_until(b"\r\n")).rstrip(b"\r\n")


async def connect(serve: Serve, dialect: str, modem: EmulatedModem | None = None) -> StatusHost:
    """Serve the module over TCP; the host turns echo off and asks for numeric errors."""
    emulated = modem if modem is not None else fresh(dialect)
    _server, line = await serve(emulated)
    host = StatusHost(emulated, line)
    await line.command("ATE0")
    assert await host.ask("AT+CMEE=1") == b"\r\nOK\r\n"
    return host
