"""An emulated module of either family on a real socket, for the SMS stories.

The module records every byte the host sent it; the library opens it the integration's way.
"""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from custom_components.modem_http.atmodem import Modem, ReceivedSms, open_modem
from modem_emulator import EmulatedModem, create_modem
from modem_emulator.server import ModemServer

from ..recording import record_input

WAIT = 10.0
"""The longest a story waits for a message; only a broken test waits this long."""
FAST_BOOT = {"boot_delay": 0.05, "boot_step": 0.005}
SETUP = b'AT+CPIN?\rAT+CMGF=0\rAT+CPMS="SM","SM","SM"\rAT+CNMI=2,1,0,0,0\r'
"""What the library sends before its first SMS command after a (re)start: is the SIM ready
(once a session), then PDU mode, the SIM as the storage, new messages announced."""


@dataclass
class SmsRig:
    """One emulated module, what it received, and the library's Modem on it."""

    emulator: EmulatedModem
    server: ModemServer
    received: bytearray
    modems: list[Modem] = field(default_factory=list)
    inbox: list[ReceivedSms] = field(default_factory=list)
    """Every message the listening inboxes delivered, in order."""
    _arrivals: asyncio.Queue[ReceivedSms] = field(default_factory=asyncio.Queue)

    async def open(self, **kwargs: object) -> Modem:
        """open_modem on the serial URL; the next concatenation reference is 0."""
        modem = await open_modem(self.server.url, reconnect=False, **kwargs)  # type: ignore[arg-type]
        modem.next_sms_reference = 0
        self.modems.append(modem)
        return modem

    def listen(self, modem: Modem, *, delete_after_reading: bool = True) -> None:
        """Start the modem's inbox, collecting what it delivers in `inbox`."""

        def arrived(message: ReceivedSms) -> None:
            self.inbox.append(message)
            self._arrivals.put_nowait(message)

        modem.inbox.add_listener(arrived)
        modem.inbox.start(delete_after_reading=delete_after_reading)

    async def next_message(self) -> ReceivedSms:
        """The next message an inbox delivers (waiting for it to arrive)."""
        async with asyncio.timeout(WAIT):
            return await self._arrivals.get()

    def mark(self) -> int:
        """Where the received log stands now."""
        return len(self.received)

    def since(self, mark: int) -> bytes:
        """What the host sent after `mark`."""
        return bytes(self.received[mark:])

    def stored(self) -> dict[int, str]:
        """The SIM's messages: slot -> text."""
        return {index: sms.text for index, sms in self.emulator.sms.storages["SM"].slots.items()}

    async def close(self) -> None:
        """Close every Modem, then the module."""
        for modem in self.modems:
            await modem.close()
        await self.server.close()
        await self.emulator.close()


async def start_sms_rig(dialect: str, **emulator_options: object) -> SmsRig:
    """A module of `dialect` ("simcom", "quectel", "httpcfg") listening on 127.0.0.1."""
    emulator = create_modem(dialect, **{**FAST_BOOT, **emulator_options})
    received = record_input(emulator)
    server = ModemServer(emulator, close_modem=False)
    await server.start_tcp()
    return SmsRig(emulator, server, received)


def cmgs(pdus: Iterable[str]) -> bytes:
    """What the host types for each PDU: AT+CMGS=<TPDU length>, then the PDU and Ctrl-Z."""
    return b"".join(
        f"AT+CMGS={len(pdu) // 2 - 1}\r".encode() + pdu.encode() + b"\x1a" for pdu in pdus
    )
