"""What a too-large GET costs the Home Assistant process, with the response cap and without it.

Prints
- `too_large_get_peak_rss_mib`: peak RSS of a Home Assistant process whose `modem_http.get` of a
  16 MiB body ends in the response-too-large error (default 1 MiB cap, SIMCom family: the modem
  announces the length, nothing is read);
- `too_large_get_rss_growth_mib`: that peak less the process's RSS just before the call;
- `too_large_get_s`: how long the caller waited for the error;
- `uncapped_get_peak_rss_mib`, `uncapped_get_rss_growth_mib`, `uncapped_get_s`: the baseline,
  the same GET as the action did it before the cap (the whole body read, then turned into the
  action's response: base64 text, as a 16 MB binary body was handed back);
- `too_large_chunked_get_peak_rss_mib_httpcfg`, `too_large_chunked_get_rss_growth_mib_httpcfg`:
  the HTTPCFG family with a chunked answer, which the modem cannot announce: the cap cuts the
  body off only after the driver's single AT+HTTPREAD has read it.

Each figure comes from a fresh Python process (peak RSS is per process), running Home Assistant
in-process the way pytest-homeassistant-custom-component builds it. The far end (an aiohttp
server) and the emulated modem run in another process of their own, so the 16 MiB they hold is
not counted against the integration.
"""

import asyncio
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODY_SIZE = 16 * 1024 * 1024
PAGE = 4096


def rss_mib() -> float:
    """The resident set size now (not the peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    """The highest resident set size this process had (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ the far end and the modem


async def serve(dialect: str) -> None:
    """The peer process: a far end with a 16 MiB body and an emulated modem on TCP."""
    from modem_emulator import ModemServer, create_modem

    block = bytes(range(256)) * (PAGE // 256)

    async def sized(_request: web.Request) -> web.Response:
        return web.Response(body=block * (BODY_SIZE // PAGE), content_type="image/jpeg")

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        response.content_type = "image/jpeg"
        await response.prepare(request)
        for _ in range(BODY_SIZE // (64 * 1024)):
            await response.write(block * 16)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/big", sized)
    app.router.add_get("/big-chunked", chunked)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    far_port = runner.addresses[0][1]
    modem = create_modem(dialect, boot_delay=0.05, boot_step=0.005)
    server = ModemServer(modem)
    await server.start_tcp("127.0.0.1", 0)
    print(json.dumps({"modem": server.url, "far": f"http://127.0.0.1:{far_port}"}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.close()
    await runner.cleanup()


# ------------------------------------------------------------------ Home Assistant's side


async def measure(scenario: str, dialect: str, modem_url: str, far: str) -> dict[str, float]:
    """Set Home Assistant up, then run one GET; the figures of this process."""
    from homeassistant import loader
    from homeassistant.exceptions import HomeAssistantError
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
    from custom_components.modem_http.services.responses import http_response_data

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    path = "/big-chunked" if scenario == "chunked" else "/big"
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            entry = MockConfigEntry(
                domain=DOMAIN,
                data={CONF_DEVICE: modem_url, CONF_BAUDRATE: 115200, CONF_DIALECT: dialect},
            )
            entry.add_to_hass(hass)
            try:
                assert await hass.config_entries.async_setup(entry.entry_id)
                await hass.async_block_till_done()
                before = rss_mib()
                started = time.perf_counter()
                if scenario == "uncapped":
                    # The GET as the action did it before the cap: read whole, hand back whole.
                    response = await entry.runtime_data.modem.http_request(
                        "GET", f"{far}{path}", timeout=300
                    )
                    data: Any = http_response_data(response)
                    assert data["bytes"] == BODY_SIZE, data["bytes"]
                else:
                    try:
                        await hass.services.async_call(
                            DOMAIN,
                            "get",
                            {"url": f"{far}{path}", "timeout": 300},
                            blocking=True,
                            return_response=True,
                        )
                    except HomeAssistantError as err:
                        if not (err.translation_key or "").startswith("response_too_large"):
                            raise
                    else:
                        raise AssertionError("a 16 MiB GET was handed back")
                elapsed = time.perf_counter() - started
                peak = peak_mib()
            finally:
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
                await hass.async_stop(force=True)
    return {"peak": peak, "growth": max(0.0, peak - before), "seconds": elapsed}


def run(scenario: str, dialect: str) -> dict[str, float]:
    """One scenario in fresh processes: the peer, then the measured Home Assistant."""
    python = sys.executable
    me = str(Path(__file__).resolve())
    with subprocess.Popen(
        [python, me, "--serve", dialect], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as peer:
        assert peer.stdout is not None
        assert peer.stdin is not None
        urls = json.loads(peer.stdout.readline())
        try:
            measured = subprocess.run(
                [python, me, "--measure", scenario, dialect, urls["modem"], urls["far"]],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            peer.stdin.close()
            peer.wait(timeout=30)
    result: dict[str, float] = json.loads(measured.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    capped = run("capped", "simcom")
    uncapped = run("uncapped", "simcom")
    chunked = run("chunked", "httpcfg")
    print(f"too_large_get_peak_rss_mib: {capped['peak']:.1f} MiB")
    print(f"too_large_get_rss_growth_mib: {capped['growth']:.1f} MiB")
    print(f"too_large_get_s: {capped['seconds']:.3f} s")
    print(f"uncapped_get_peak_rss_mib: {uncapped['peak']:.1f} MiB")
    print(f"uncapped_get_rss_growth_mib: {uncapped['growth']:.1f} MiB")
    print(f"uncapped_get_s: {uncapped['seconds']:.3f} s")
    print(f"too_large_chunked_get_peak_rss_mib_httpcfg: {chunked['peak']:.1f} MiB")
    print(f"too_large_chunked_get_rss_growth_mib_httpcfg: {chunked['growth']:.1f} MiB")
    print(f"too_large_chunked_get_s_httpcfg: {chunked['seconds']:.3f} s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(sys.argv[2]))
    elif sys.argv[1:2] == ["--measure"]:
        figures = asyncio.run(measure(*sys.argv[2:6]))
        print(json.dumps(figures))
    else:
        main()
