"""What an SMS costs on a warm modem: AT commands, and wall time on a modem that takes its time.

For each family the emulator serves a modem over TCP; the library's inbox listens. After a
warm-up (the SMS settings sent once), it prints:

- `commands_per_sms_<dialect>`: command lines the modem ran for a one-part message (27.005's
  minimum is one: AT+CMGS with its PDU), and `commands_per_sms_3_parts_<dialect>` for a text
  that takes three parts (three AT+CMGS).
- `commands_per_received_sms_<dialect>`: command lines from the `+CMTI` of a new message to its
  slot freed (AT+CMGR and AT+CMGD: two).
- `sms_send_ms_<dialect>` and `sms_receive_ms_<dialect>`: median wall time of a one-part send,
  and from the network delivering a message to the listener having it, against a modem that
  answers each command after 20 ms (as USB modules do).
"""

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.modem_http.atmodem import Modem, ReceivedSms, open_modem
from modem_emulator import EmulatedModem, ModemServer, deliver_sms
from modem_emulator.dialects import create_modem

DIALECTS = ("simcom", "httpcfg", "quectel", "sim800", "sim7080")
RESPONSE_DELAY = 0.020
ROUNDS = 8
TIMEOUT = 30.0
NUMBER = "+46701234567"
LONG_TEXT = "The power went out at home at 07:20 and the freezer is warming up. " * 6
"""About 400 GSM-7 characters: three parts of 153."""


class Listener:
    """The messages the inbox delivers, one at a time."""

    def __init__(self, modem: Modem) -> None:
        self.arrived: asyncio.Queue[ReceivedSms] = asyncio.Queue()
        modem.inbox.add_listener(self.arrived.put_nowait)
        modem.inbox.start()

    async def next(self) -> ReceivedSms:
        """The next message delivered; TimeoutError when none comes."""
        async with asyncio.timeout(TIMEOUT):
            return await self.arrived.get()


async def lines_for(emulator: EmulatedModem, work: asyncio.Future[object]) -> int:
    before = emulator.lines_run
    await work
    return emulator.lines_run - before


async def receive(emulator: EmulatedModem, modem: Modem, listener: Listener) -> None:
    deliver_sms(emulator, "+4915112345678", "Door open")
    await listener.next()
    await modem.inbox.drained()


async def measure(dialect: str) -> None:
    emulator = create_modem(dialect, boot_delay=0.05, boot_step=0.005)
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False)
        try:
            listener = Listener(modem)
            await modem.inbox.drained()
            await modem.send_sms(NUMBER, "Warm-up", timeout=TIMEOUT)
            one = await lines_for(
                emulator, asyncio.ensure_future(modem.send_sms(NUMBER, "Hi", timeout=TIMEOUT))
            )
            three = await lines_for(
                emulator, asyncio.ensure_future(modem.send_sms(NUMBER, LONG_TEXT, timeout=TIMEOUT))
            )
            received = await lines_for(
                emulator, asyncio.ensure_future(receive(emulator, modem, listener))
            )
            emulator.response_delay = RESPONSE_DELAY
            sends: list[float] = []
            receipts: list[float] = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                await modem.send_sms(NUMBER, "Power is out", timeout=TIMEOUT)
                sends.append(time.perf_counter() - started)
                started = time.perf_counter()
                deliver_sms(emulator, "+4915112345678", "Door open")
                await listener.next()
                receipts.append(time.perf_counter() - started)
                await modem.inbox.drained()
        finally:
            await modem.close()
    print(f"commands_per_sms_{dialect}: {one} commands")
    print(f"commands_per_sms_3_parts_{dialect}: {three} commands")
    print(f"commands_per_received_sms_{dialect}: {received} commands")
    print(f"sms_send_ms_{dialect}: {statistics.median(sends) * 1000:.0f} ms")
    print(f"sms_receive_ms_{dialect}: {statistics.median(receipts) * 1000:.0f} ms")


async def main() -> None:
    for dialect in DIALECTS:
        await measure(dialect)


if __name__ == "__main__":
    asyncio.run(main())
