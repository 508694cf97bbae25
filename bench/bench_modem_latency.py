"""What a warm modem costs per request: AT commands, and wall time on a modem that takes its time.

For each family the emulator serves a modem over TCP, making requests for real against a local
aiohttp server. After a warm-up (data connection up, HTTP stack set up), it prints:

- `commands_per_get_<dialect>`, `commands_per_post_<dialect>`: command lines the modem ran for one
  GET in a run of GETs, and one POST with a JSON body in a run of such POSTs, each to a URL other
  than the previous request's (so the URL has to be sent, as the manuals' minimal sequences do).
- `latency_modem_get_ratio_<dialect>`: the median wall time of such a GET against a modem that
  answers each command after 20 ms (as USB modules do), divided by what the manual's minimal
  sequence would cost on it: 20 ms times its length (HTTPINIT, HTTPPARA URL, HTTPACTION, HTTPREAD,
  HTTPTERM = 5 for the AT+HTTPINIT family; HTTPURL, HTTPGET, HTTPREAD = 3 for the AT+HTTPCFG
  family; 6 for SIM800, 8 for SIM7080: MINIMAL_SEQUENCE) plus the modem's own time for the
  request, which is the median of the same GET with no response delay (the far end's round
  trip, the result URC, the host's own work).

The two delays run in alternating blocks, so load elsewhere on the machine hits both alike.
"""

import asyncio
import statistics
import sys
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.modem_http.atmodem import Modem, open_modem
from modem_emulator import EmulatedModem, ModemServer
from modem_emulator.dialects import create_modem

RESPONSE_DELAY = 0.020
MINIMAL_SEQUENCE = {"simcom": 5, "httpcfg": 3, "quectel": 3, "sim800": 6, "sim7080": 8}
"""Commands of the manuals' shortest GET, per dialect (docs/families/sim800_sim7080.md for SIM800:
HTTPINIT, HTTPPARA CID and URL, HTTPACTION, HTTPREAD, HTTPTERM; SIM7080: SHCONF URL, BODYLEN and
HEADERLEN, SHCONN, SHCHEAD, SHREQ, SHREAD, SHDISC)."""
BLOCKS = 5
PER_BLOCK = 4
TIMEOUT = 30.0


async def far_end() -> tuple[web.AppRunner, str]:
    async def hello(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="hello from the far end")

    app = web.Application()
    app.router.add_route("*", "/{name}", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


class Urls:
    """Two endpoints taken in turn, so every request names another URL than the one before."""

    def __init__(self, base: str) -> None:
        self._urls = (f"{base}/a", f"{base}/b")
        self._next = 0

    def __call__(self) -> str:
        """The other URL."""
        self._next ^= 1
        return self._urls[self._next]


async def get(modem: Modem, url: str) -> None:
    response = await modem.http_request("GET", url, timeout=TIMEOUT)
    assert response.status == 200, response.status


async def post(modem: Modem, url: str) -> None:
    response = await modem.http_request(
        "POST", url, body=b'{"temp": 21.5}', content_type="application/json", timeout=TIMEOUT
    )
    assert response.status == 200, response.status


async def commands_for(emulator: EmulatedModem, request: asyncio.Future[None]) -> int:
    before = emulator.lines_run
    await request
    return emulator.lines_run - before


async def timed_gets(modem: Modem, urls: Urls, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await get(modem, urls())
        times.append(time.perf_counter() - started)
    return times


async def measure(dialect: str, base: str) -> None:
    emulator = create_modem(dialect, boot_delay=0.05, boot_step=0.005)
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False)
        try:
            urls = Urls(base)
            # Warm-up: data connection, set-up, the stack's own state; then one of each kind
            # more, so each count is of a request in a run of its kind.
            for _ in range(2):
                await post(modem, urls())
            posts = await commands_for(emulator, asyncio.ensure_future(post(modem, urls())))
            for _ in range(2):
                await get(modem, urls())
            gets = await commands_for(emulator, asyncio.ensure_future(get(modem, urls())))
            plain: list[float] = []
            delayed: list[float] = []
            for _ in range(BLOCKS):
                emulator.response_delay = 0.0
                plain += await timed_gets(modem, urls, PER_BLOCK)
                emulator.response_delay = RESPONSE_DELAY
                delayed += await timed_gets(modem, urls, PER_BLOCK)
        finally:
            await modem.close()
    own_time = statistics.median(plain)
    ideal = RESPONSE_DELAY * MINIMAL_SEQUENCE[dialect] + own_time
    print(f"commands_per_get_{dialect}: {gets} commands")
    print(f"commands_per_post_{dialect}: {posts} commands")
    print(f"latency_modem_get_ratio_{dialect}: {statistics.median(delayed) / ideal:.2f} x")
    print(f"latency_modem_get_ms_{dialect}: {statistics.median(delayed) * 1000:.0f} ms")


async def main() -> None:
    runner, base = await far_end()
    try:
        for dialect in MINIMAL_SEQUENCE:
            await measure(dialect, base)
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
