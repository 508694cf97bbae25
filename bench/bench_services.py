"""Service benchmarks: what a modem_http service call costs on top of the modem, and 200 at once.

Prints
- `service_overhead_ratio`: mean time of a `modem_http.post` service call divided by the mean time
  of a direct `modem.http_request` for the same small POST (same modem, same far end, same run,
  interleaved in blocks so drift hits both sides alike);
- `service_call_overhead_ms`: the same difference in milliseconds;
- `concurrent_200_posts_s`: 200 `modem_http.post` calls started at once, each with its own body,
  all answered with their own body echoed back (checked);
- `concurrent_200_posts_peak_rss_mib`: ru_maxrss of this process after that.

Home Assistant runs in-process the way pytest-homeassistant-custom-component's
`async_test_home_assistant` builds it; the emulated modem (SIMCom dialect) listens on a TCP port of
the same loop and performs each request for real against an aiohttp server on 127.0.0.1.
"""

import asyncio
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.modem_http.const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    DOMAIN,
)
from modem_emulator import ModemServer, create_modem

DIALECT = "simcom"
ROUNDS = 5
CALLS_PER_BLOCK = 20
CONCURRENT = 200
BODY = b'{"sensor":"door","state":"open","battery":87}'


async def far_end() -> tuple[web.AppRunner, str]:
    """An echo server: the body back, with the request's content type."""

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.Response(body=body, content_type="text/plain")

    app = web.Application()
    app.router.add_post("/echo", echo)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/echo"


async def direct_block(hass: HomeAssistant, entry: MockConfigEntry, url: str) -> float:
    modem = entry.runtime_data.modem
    started = time.perf_counter()
    for _ in range(CALLS_PER_BLOCK):
        response = await modem.http_request(
            "POST", url, body=BODY, content_type="text/plain", timeout=30
        )
        assert response.body == BODY, response
    return (time.perf_counter() - started) / CALLS_PER_BLOCK


async def service_block(hass: HomeAssistant, entry: MockConfigEntry, url: str) -> float:
    data = {"url": url, "payload": BODY.decode(), "content_type": "text/plain", "timeout": 30}
    started = time.perf_counter()
    for _ in range(CALLS_PER_BLOCK):
        response = await hass.services.async_call(
            DOMAIN, "post", data, blocking=True, return_response=True
        )
        assert response is not None
        assert response["content"] == BODY.decode(), response
    return (time.perf_counter() - started) / CALLS_PER_BLOCK


async def concurrent_posts(hass: HomeAssistant, url: str) -> float:
    async def one(n: int) -> None:
        body = f"caller {n}: " + "x" * (n % 97)
        response: Any = await hass.services.async_call(
            DOMAIN,
            "post",
            {"url": url, "payload": body, "timeout": 600},
            blocking=True,
            return_response=True,
        )
        if response["status"] != 200 or response["content"] != body:
            raise AssertionError(f"caller {n} got {response!r}")

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(CONCURRENT)))
    return time.perf_counter() - started


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    runner, url = await far_end()
    modem = create_modem(DIALECT, boot_delay=0.05, boot_step=0.005)
    server = ModemServer(modem)
    await server.start_tcp("127.0.0.1", 0)
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            entry = MockConfigEntry(
                domain=DOMAIN,
                data={CONF_DEVICE: server.url, CONF_BAUDRATE: 115200, CONF_DIALECT: DIALECT},
            )
            entry.add_to_hass(hass)
            try:
                assert await hass.config_entries.async_setup(entry.entry_id)
                await hass.async_block_till_done()
                # Warm up both paths (imports, first session) before measuring.
                await direct_block(hass, entry, url)
                await service_block(hass, entry, url)
                direct: list[float] = []
                service: list[float] = []
                for _ in range(ROUNDS):
                    direct.append(await direct_block(hass, entry, url))
                    service.append(await service_block(hass, entry, url))
                concurrent_s = await concurrent_posts(hass, url)
                peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            finally:
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
                await hass.async_stop(force=True)
    await server.close()
    await runner.cleanup()

    direct_mean = statistics.fmean(direct)
    service_mean = statistics.fmean(service)
    print(f"service_overhead_ratio: {service_mean / direct_mean:.3f} x")
    print(f"service_call_overhead_ms: {(service_mean - direct_mean) * 1000:.3f} ms")
    print(f"direct_post_ms_{DIALECT}: {direct_mean * 1000:.3f} ms")
    print(f"concurrent_200_posts_s: {concurrent_s:.3f} s")
    print(f"concurrent_200_posts_peak_rss_mib: {peak_mib:.1f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
