"""Memory: what the integration adds to Home Assistant's resident set while 200 posts run at once.

Prints
- `integration_idle_rss_mib`: the resident set of a Home Assistant with the modem set up and
  warmed up (a few requests made, so imports and first sessions are behind it), at rest;
- `integration_peak_rss_mib`: the largest resident set seen while 200 `modem_http.post` calls,
  each with its own 2 KiB body, run at once and are all answered;
- `integration_added_rss_mib`: the difference, what a burst of automations costs in memory
  (goal: at most 30 MiB).

Only Home Assistant and the integration run in this process, as on a user's machine: the modem
(the emulator, SIMCom dialect, on TCP) and the far end (scripts.echo_server) are processes of
their own, so their buffers do not count. The resident set is read from /proc/self/status every
millisecond by a thread while the burst runs.
"""

import asyncio
import gc
import logging
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.modem_http.const import CONF_BAUDRATE, CONF_DEVICE, CONF_DIALECT, DOMAIN

ROOT = Path(__file__).resolve().parent.parent
CONCURRENT = 200
BODY_SIZE = 2048
WARM_UP = 10


def rss_mib() -> float:
    """The resident set of the running process (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class PeakSampler:
    """The largest resident set seen between start() and stop(), sampled from a thread."""

    def __init__(self, every: float = 0.001) -> None:
        """Sample every `every` seconds (the thread sleeps in between, releasing the GIL)."""
        self.peak = 0.0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss sampler", daemon=True)

    def start(self) -> None:
        """Begin sampling."""
        self.peak = rss_mib()
        self._thread.start()

    def stop(self) -> float:
        """End sampling; the peak."""
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())
        return self.peak

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.peak = max(self.peak, rss_mib())


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start_process(argv: list[str]) -> tuple[subprocess.Popen[str], str]:
    """Start a helper process; return it and the first line it prints (once it is ready)."""
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line:
        process.kill()
        raise RuntimeError(f"{argv} printed nothing")
    return process, line


async def post(hass: HomeAssistant, url: str, body: str) -> None:
    """One modem_http.post; its echo must carry the caller's own body."""
    response: Any = await hass.services.async_call(
        DOMAIN,
        "post",
        {"url": url, "payload": body, "timeout": 600},
        blocking=True,
        return_response=True,
    )
    if response["status"] != 200 or response["json"]["body"] != body:
        raise AssertionError(f"wrong answer: {response!r}")


async def measure(modem_url: str, echo_url: str) -> tuple[float, float]:
    """Idle and peak resident set (MiB) of Home Assistant with the modem, around the burst."""
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            entry = MockConfigEntry(
                domain=DOMAIN,
                data={CONF_DEVICE: modem_url, CONF_BAUDRATE: 115200, CONF_DIALECT: "simcom"},
            )
            entry.add_to_hass(hass)
            try:
                assert await hass.config_entries.async_setup(entry.entry_id)
                await hass.async_block_till_done()
                for n in range(WARM_UP):
                    await post(hass, echo_url, f"warm-up {n}")
                gc.collect()
                idle = rss_mib()
                sampler = PeakSampler()
                sampler.start()
                started = time.perf_counter()
                await asyncio.gather(
                    *(
                        post(hass, echo_url, f"caller {n}: ".ljust(BODY_SIZE, "x"))
                        for n in range(CONCURRENT)
                    )
                )
                elapsed = time.perf_counter() - started
                peak = sampler.stop()
                print(f"# {CONCURRENT} posts answered in {elapsed:.1f} s", file=sys.stderr)
            finally:
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
                await hass.async_stop(force=True)
    return idle, peak


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    python = sys.executable
    echo_port = free_port()
    echo, _ = start_process(
        [python, "-m", "scripts.echo_server", "--listen", f"127.0.0.1:{echo_port}"]
    )
    emulator, modem_url = start_process(
        [
            python,
            "-m",
            "modem_emulator",
            "--dialect",
            "simcom",
            "--listen",
            "127.0.0.1:0",
            "--boot-delay",
            "0.05",
        ]
    )
    try:
        idle, peak = asyncio.run(measure(modem_url, f"http://127.0.0.1:{echo_port}/echo"))
    finally:
        for process in (emulator, echo):
            process.terminate()
            process.wait(timeout=10)
    print(f"integration_idle_rss_mib: {idle:.1f} MiB")
    print(f"integration_peak_rss_mib: {peak:.1f} MiB")
    print(f"integration_added_rss_mib: {peak - idle:.1f} MiB")


if __name__ == "__main__":
    main()
