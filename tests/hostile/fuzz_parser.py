"""Fuzz target for the line parser (framing.py) and the engine's URC routing (engine.py).

Runnable on its own for as long as wanted::

    .venv/bin/python tests/hostile/fuzz_parser.py --iterations 200000 --seed 7

Each iteration draws a byte stream from tokens that mean something to the parser (CR, LF, OK,
ERROR, URCs, data announcements, prompts, NUL, 0xFF) mixed with random bytes, and checks:

- parser: feeding the stream whole or cut at random points gives the same lines, data blocks and
  prompts; nothing raises; the unparsed buffer never exceeds MAX_LINE_BYTES;
- engine: a command's reply with URCs, line noise and a binary block (containing `\\r\\nOK\\r\\n`)
  interleaved, cut at random points, gives the command its own line and the block byte for byte,
  and each URC to its handler exactly once, in order.

A failure prints the seed and iteration, so `--seed S --start I --iterations 1` replays it.
"""

import argparse
import asyncio
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":  # pragma: no cover - standalone run from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from custom_components.modem_http.atmodem.framing import MAX_LINE_BYTES, AtStreamParser, DataSpec
from tests.hostile.engine_harness import announced, open_engine, split

TOKENS = (
    b"\r",
    b"\n",
    b"\r\n",
    b"OK",
    b"ERROR",
    b"+CME ERROR: 3",
    b"RDY",
    b"> ",
    b">",
    b"CONNECT",
    b"+D: ",
    b"+D: 5",
    b"+D: 0",
    b"12",
    b"\x00",
    b"\xff",
    b"+CREG: 1",
    b"\x1a",
)
URCS = (b"+CREG: 1", b"RING", b'+CMTI: "SM",3', b"+CSQ: 20,99", b'+QIURC: "recv",0')
NOISE = (b"\x00\x00", b"\xff\xfe", b"~~~", b"debug: 7e", b"O", b"ERR", b"+CM")


def random_stream(rng: random.Random, max_tokens: int = 40) -> bytes:
    """Tokens and random bytes, glued together."""
    parts: list[bytes] = []
    for _ in range(rng.randint(0, max_tokens)):
        if rng.random() < 0.7:
            parts.append(rng.choice(TOKENS))
        else:
            parts.append(rng.randbytes(rng.randint(1, 12)))
    return b"".join(parts)


def random_cuts(rng: random.Random, size: int) -> list[int]:
    """Up to a dozen cut points, sometimes every byte."""
    if size and rng.random() < 0.05:
        return list(range(1, size))
    return [rng.randint(0, max(size, 1)) for _ in range(rng.randint(0, 12))]


@dataclass
class Recorder:
    """A parser sink that notes events, joining each data block's pieces."""

    data_after_prefix: bytes = b"+D: "
    events: list[tuple[str, bytes]] = field(default_factory=list)
    _block: bytearray = field(default_factory=bytearray)

    def data_after(self, line: bytes) -> DataSpec:
        line = line.strip()  # as the engine decodes lines before it asks its data_after
        if line.startswith(self.data_after_prefix):
            value = line[len(self.data_after_prefix) :].strip()
            return int(value) if value.isdigit() and len(value) < 4 else None
        return None

    def on_line(self, line: bytes) -> None:
        self.events.append(("line", line))

    def on_data(self, data: bytes, *, final: bool) -> None:
        self._block += data
        if final:
            self.events.append(("data", bytes(self._block)))
            self._block.clear()

    def on_prompt(self) -> None:
        self.events.append(("prompt", b""))

    def tail(self) -> list[tuple[str, bytes]]:
        """Events, plus an unfinished block as it stands."""
        return [*self.events, *([("partial", bytes(self._block))] if self._block else [])]


def parse(stream: bytes, cuts: list[int], expect_prompt: bool) -> list[tuple[str, bytes]]:
    """Feed `stream` cut at `cuts`; the events the parser produced."""
    recorder = Recorder()
    parser = AtStreamParser(recorder, recorder.data_after)
    parser.expect_prompt = expect_prompt
    for piece in split(stream, cuts):
        parser.feed(piece)
        if not parser.in_raw_data:
            assert len(parser._buffer) <= MAX_LINE_BYTES, "unbounded line buffer"
    return recorder.tail()


def check_parser(rng: random.Random) -> None:
    """Whole or cut, the same events."""
    stream = random_stream(rng)
    expect_prompt = rng.random() < 0.3
    whole = parse(stream, [], expect_prompt)
    cut = parse(stream, random_cuts(rng, len(stream)), expect_prompt)
    assert _merged(whole) == _merged(cut), f"stream {stream!r}: {whole!r} != {cut!r}"


def _merged(events: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Events as the engine sees them: lines stripped of blanks, blank lines gone.

    The parser takes `> ` as a prompt with its space only when the space came in the same read;
    cut between the two, the space starts the next line. The engine strips every line, so that
    difference never reaches a caller; data blocks are compared byte for byte.
    """
    merged: list[tuple[str, bytes]] = []
    for kind, value in events:
        shown = value.strip() if kind == "line" else value
        if kind == "line" and not shown:
            continue
        merged.append((kind, shown))
    return merged


def engine_reply(rng: random.Random) -> tuple[bytes, bytes, list[bytes]]:
    """A reply to `AT+X`: noise, URCs, `+X: 7`, a binary block, OK; returns it, block and URCs."""
    payload = rng.randbytes(rng.randint(1, 64)) + b"\r\nOK\r\n" + rng.randbytes(rng.randint(0, 8))
    urcs = [rng.choice(URCS) for _ in range(rng.randint(0, 4))]
    lines: list[bytes] = [b"+X: 7"]
    for urc in urcs:
        lines.insert(rng.randint(0, len(lines)), urc)
    for _ in range(rng.randint(0, 2)):
        lines.insert(rng.randint(0, len(lines)), rng.choice(NOISE))
    out = b"".join(b"\r\n" + line + b"\r\n" for line in lines)
    out += b"\r\n+D: " + str(len(payload)).encode() + b"\r\n" + payload
    out += b"\r\nOK\r\n"
    return out, payload, [line for line in lines if line in URCS]


async def check_engine(rng: random.Random) -> None:
    """The command gets its line and its block; the URC handler gets each URC once, in order."""
    reply, payload, urcs = engine_reply(rng)
    cuts = random_cuts(rng, len(reply))

    def responder(command: str) -> list[bytes] | None:
        return split(reply, cuts) if command == "AT+X" else None

    engine, _line = await open_engine(responder)
    seen: list[bytes] = []
    for prefix in {urc.split(b":")[0].decode() for urc in URCS}:
        engine.on_urc(prefix, lambda urc: seen.append(urc.line.encode("latin-1")))
    try:
        result = await engine.command("AT+X", timeout=2.0, data_after=announced("+D:"))
    finally:
        await engine.close()
    assert result.data == payload, f"block {result.data!r} != {payload!r}"
    assert "+X: 7" in result.lines, result.lines
    assert seen == urcs, f"URCs {seen!r} != {urcs!r}"


def run(iterations: int, seed: int, start: int = 0, engine_every: int = 10) -> int:
    """Run the checks; returns how many engine checks ran. Raises on the first failure."""

    async def engine_checks(numbers: list[int]) -> None:
        for number in numbers:
            try:
                await check_engine(random.Random(f"{seed}/{number}/engine"))
            except AssertionError as err:
                raise AssertionError(f"seed {seed} iteration {number} (engine): {err}") from err

    engine_numbers: list[int] = []
    for number in range(start, start + iterations):
        try:
            check_parser(random.Random(f"{seed}/{number}"))
        except AssertionError as err:
            raise AssertionError(f"seed {seed} iteration {number} (parser): {err}") from err
        if number % engine_every == 0:
            engine_numbers.append(number)
    asyncio.run(engine_checks(engine_numbers))
    return len(engine_numbers)


def main() -> None:  # pragma: no cover - command line
    """Command line: --iterations, --seed, --start."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(2**32))
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    print(f"fuzz_parser: seed {args.seed}, iterations {args.start}..{args.start + args.iterations}")
    engine_runs = run(args.iterations, args.seed, args.start)
    print(f"fuzz_parser: ok ({args.iterations} parser streams, {engine_runs} engine replies)")


if __name__ == "__main__":  # pragma: no cover
    main()
