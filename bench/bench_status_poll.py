"""What one status poll costs per family: AT commands, and wall time on a modem that takes its time.

For each family the emulator serves a modem over TCP; the data connection is brought up, one
poll sets the session up (registration URC modes, the IMSI), and then it prints:

- `status_poll_commands_<dialect>`: command lines of a steady poll with the entities enabled by
  default (SIM, registration, serving cell and signal, the data context's address);
- `status_poll_commands_all_<dialect>`: the same with every entity enabled (the operator name,
  temperature and module counters cost a command each where the family has them);
- `status_poll_commands_first_<dialect>`: the first poll of a session, which also sets up what
  later polls do not ask again;
- `status_poll_commands_sim_locked_<dialect>`: a poll while the SIM asks for a PIN nobody gave
  (the poll stops after AT+CPIN?, plus the retry counters where the family reads them);
- `status_poll_ms_<dialect>`: the median wall time of a steady poll against a modem that answers
  each command after 20 ms, as USB modules do.
"""

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.modem_http.atmodem import DIALECTS, ON_DEMAND, Modem, open_modem
from modem_emulator import EmulatedModem, ModemServer
from modem_emulator.dialects import create_modem

RESPONSE_DELAY = 0.020
TIMED_POLLS = 9
TIMEOUT = 30.0


async def commands_of_poll(emulator: EmulatedModem, modem: Modem, *, everything: bool) -> int:
    before = emulator.lines_run
    await modem.status(TIMEOUT, wanted=ON_DEMAND if everything else frozenset())
    return emulator.lines_run - before


async def measure(dialect: str) -> None:
    emulator = create_modem(dialect, boot_delay=0.05, boot_step=0.005)
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False)
        try:
            await modem.connect(TIMEOUT)
            first = await commands_of_poll(emulator, modem, everything=False)
            steady = await commands_of_poll(emulator, modem, everything=False)
            everything = await commands_of_poll(emulator, modem, everything=True)
            emulator.response_delay = RESPONSE_DELAY
            times = []
            for _ in range(TIMED_POLLS):
                started = time.perf_counter()
                await modem.status(TIMEOUT)
                times.append(time.perf_counter() - started)
            emulator.response_delay = 0.0
            emulator.radio.lock_sim()
            locked = await commands_of_poll(emulator, modem, everything=False)
        finally:
            await modem.close()
    print(f"status_poll_commands_{dialect}: {steady} commands")
    print(f"status_poll_commands_all_{dialect}: {everything} commands")
    print(f"status_poll_commands_first_{dialect}: {first} commands")
    print(f"status_poll_commands_sim_locked_{dialect}: {locked} commands")
    print(f"status_poll_ms_{dialect}: {statistics.median(times) * 1000:.0f} ms")


async def main() -> None:
    for dialect in DIALECTS:
        await measure(dialect)


if __name__ == "__main__":
    asyncio.run(main())
