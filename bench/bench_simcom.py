"""SIMCom dialect benchmarks: a download through the emulator on a paced line, and client CPU.

Prints `paced_download_line_rate_fraction_simcom` (body bytes per second over the 11,520 bytes/s a
115200-baud 8N1 line carries, for a 256 KiB GET, whole request timed) and `cpu_s_per_mib_simcom`
(client CPU seconds per MiB of body, unpaced). The emulator and the far end run together in a child
process (`--serve`), so `time.process_time()` in this process counts the client side only.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.modem_http.atmodem import open_modem

BAUD = 115200
PACED_BYTES = 256 * 1024
CPU_BYTES = 16 * 1024 * 1024
LINE_BYTES_PER_S = BAUD / 10


async def serve(baud: int | None) -> None:
    """Child process: far end and emulated SIM7600 in one loop, serving until stdin ends."""
    from aiohttp import web

    from modem_emulator.core import EmulatedModem
    from modem_emulator.server import ModemServer
    from modem_emulator.simcom import install

    payloads = {
        "/paced": bytes(range(256)) * (PACED_BYTES // 256),
        "/cpu": bytes(range(256)) * (CPU_BYTES // 256),
    }

    async def body(request: web.Request) -> web.Response:
        return web.Response(body=payloads[request.path])

    app = web.Application()
    for path in payloads:
        app.router.add_get(path, body)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    far_port = runner.addresses[0][1]
    modem = EmulatedModem(identity="simcom")
    install(modem)
    server = ModemServer(modem, baud=baud)
    await server.start_tcp()
    print(json.dumps({"modem": server.url, "far_end": f"http://127.0.0.1:{far_port}"}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.close()
    await runner.cleanup()


def start_child(baud: int | None) -> tuple[subprocess.Popen[str], dict[str, str]]:
    args = [sys.executable, __file__, "--serve", str(baud or 0)]
    child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child, json.loads(child.stdout.readline())


def stop_child(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


async def paced_fraction() -> float:
    child, urls = start_child(BAUD)
    try:
        modem = await open_modem(urls["modem"], BAUD, dialect="simcom", reconnect=False)
        try:
            started = time.perf_counter()
            response = await modem.http_request("GET", urls["far_end"] + "/paced", timeout=60)
            elapsed = time.perf_counter() - started
        finally:
            await modem.close()
    finally:
        stop_child(child)
    assert len(response.body) == PACED_BYTES
    return PACED_BYTES / elapsed / LINE_BYTES_PER_S


async def cpu_per_mib() -> float:
    child, urls = start_child(None)
    try:
        modem = await open_modem(urls["modem"], BAUD, dialect="simcom", reconnect=False)
        try:
            received = 0

            async def sink(chunk: bytes) -> None:
                nonlocal received
                received += len(chunk)

            cpu = time.process_time()
            await modem.http_request("GET", urls["far_end"] + "/cpu", timeout=60, body_sink=sink)
            cpu = time.process_time() - cpu
        finally:
            await modem.close()
    finally:
        stop_child(child)
    assert received == CPU_BYTES
    return cpu / (CPU_BYTES / (1024 * 1024))


async def main() -> None:
    fraction = await paced_fraction()
    cpu = await cpu_per_mib()
    print(f"paced_download_line_rate_fraction_simcom: {fraction:.3f} x")
    print(f"cpu_s_per_mib_simcom: {cpu:.4f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        asyncio.run(serve(int(sys.argv[2]) or None))
    else:
        asyncio.run(main())
