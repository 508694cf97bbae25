"""Dialect download benchmarks: a paced download and client CPU, for every family.

Prints `paced_download_line_rate_fraction_<dialect>` (body bytes per second over the 11,520 bytes/s
a 115200-baud 8N1 line carries, for a 256 KiB GET, the whole request timed: URL, GET, result URC,
HTTPREAD with its header block; SHCONF, SHCONN, SHREQ and SHREAD for SIM7080) and
`cpu_s_per_mib_<dialect>` (client CPU seconds per MiB of body,
unpaced) for each dialect. The emulator and the far end run in a child process (`--serve`),
so `time.process_time()` here counts the client only. The paced runs go side by side, each with
its own child and line, so the script stays well under a minute.
"""

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
CPU_BYTES = 8 * 1024 * 1024
LINE_BYTES_PER_S = BAUD / 10
DIALECTS = ("simcom", "httpcfg", "quectel", "sim800", "sim7080")


async def serve(dialect: str, baud: int | None) -> None:
    """Child process: far end and emulated module in one loop, serving until stdin ends."""
    from aiohttp import web

    from modem_emulator.dialects import create_modem
    from modem_emulator.server import ModemServer

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
    modem = create_modem(dialect, boot_delay=0.01, boot_step=0.001)
    server = ModemServer(modem, baud=baud)
    await server.start_tcp()
    print(json.dumps({"modem": server.url, "far_end": f"http://127.0.0.1:{far_port}"}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.close()
    await runner.cleanup()


def spawn_child(dialect: str, baud: int | None) -> tuple[subprocess.Popen[str], dict[str, str]]:
    args = [sys.executable, __file__, "--serve", dialect, str(baud or 0)]
    child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child, json.loads(child.stdout.readline())


async def start_child(
    dialect: str, baud: int | None
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Start a child without blocking the loop (the paced runs share it)."""
    return await asyncio.get_running_loop().run_in_executor(None, spawn_child, dialect, baud)


def stop_child(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


async def paced_fraction(dialect: str) -> float:
    child, urls = await start_child(dialect, BAUD)
    try:
        modem = await open_modem(urls["modem"], BAUD, dialect=dialect, reconnect=False)
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


async def cpu_per_mib(dialect: str) -> float:
    child, urls = await start_child(dialect, None)
    try:
        modem = await open_modem(urls["modem"], BAUD, dialect=dialect, reconnect=False)
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
    fractions = await asyncio.gather(*(paced_fraction(dialect) for dialect in DIALECTS))
    cpus = [await cpu_per_mib(dialect) for dialect in DIALECTS]
    for dialect, fraction in zip(DIALECTS, fractions, strict=True):
        print(f"paced_download_line_rate_fraction_{dialect}: {fraction:.3f} x")
    for dialect, cpu in zip(DIALECTS, cpus, strict=True):
        print(f"cpu_s_per_mib_{dialect}: {cpu:.4f} s")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        asyncio.run(serve(sys.argv[2], int(sys.argv[3]) or None))
    else:
        asyncio.run(main())
