"""Engine benchmarks: AT round trips against a bare serialx loop, and bulk exact-length reads.

Prints `at_roundtrip_ratio`, `at_roundtrip_us`, `bulk_read_mb_per_s`, `bulk_read_cpu_s_per_mib`.
Both sides of each ratio run in this process against the same pty peer, in the same run.
"""

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

import serialx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.modem_http.atmodem import AtEngine

ROUND_TRIPS = 2000
BLOCKS = 10
"""The round trips run in alternating blocks, bare then engine, so a burst of load elsewhere on
the machine hits both sides alike; the ratio is of the per-block medians."""
BULK_BYTES = 16 * 1024 * 1024


def start_peer() -> tuple[subprocess.Popen[str], str]:
    peer = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("pty_peer.py"))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert peer.stdout is not None
    return peer, peer.stdout.readline().strip()


async def bare_loop(path: str, count: int) -> float:
    reader, writer = await serialx.open_serial_connection(path, 115200)
    try:
        started = time.perf_counter()
        for _ in range(count):
            writer.write(b"AT\r")
            await reader.readuntil(b"OK\r\n")
        return time.perf_counter() - started
    finally:
        writer.close()


async def engine_loop(path: str, count: int) -> float:
    engine = AtEngine(path, reconnect=False)
    await engine.open()
    try:
        started = time.perf_counter()
        for _ in range(count):
            await engine.command("AT")
        return time.perf_counter() - started
    finally:
        await engine.close()


async def bulk_read(path: str) -> tuple[float, float]:
    engine = AtEngine(path, reconnect=False)
    await engine.open()
    try:
        cpu = time.process_time()
        started = time.perf_counter()
        reply = await engine.command(
            f"AT+BULK={BULK_BYTES}",
            timeout=120,
            data_after=lambda line: int(line[12:]) if line.startswith("+BULK: DATA,") else None,
        )
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        assert sum(len(chunk) for chunk in reply.chunks) == BULK_BYTES
        return wall, cpu
    finally:
        await engine.close()


async def main() -> None:
    peer, path = start_peer()
    try:
        await bare_loop(path, 200)  # warm-up
        await engine_loop(path, 200)
        per_block = ROUND_TRIPS // BLOCKS
        bare_blocks, engine_blocks = [], []
        for _ in range(BLOCKS):
            bare_blocks.append(await bare_loop(path, per_block))
            engine_blocks.append(await engine_loop(path, per_block))
        bare = statistics.median(bare_blocks) * BLOCKS
        ours = statistics.median(engine_blocks) * BLOCKS
        wall, cpu = await bulk_read(path)
    finally:
        peer.kill()
        peer.wait()
    print(f"at_roundtrip_ratio: {ours / bare:.2f} x")
    print(f"at_roundtrip_us: {ours / ROUND_TRIPS * 1e6:.0f} us")
    mib = BULK_BYTES / (1024 * 1024)
    print(f"bulk_read_mb_per_s: {BULK_BYTES / wall / 1e6:.1f} MB/s")
    print(f"bulk_read_cpu_s_per_mib: {cpu / mib:.4f} s")


if __name__ == "__main__":
    asyncio.run(main())
