"""Hostile byte streams into the line parser and the engine's URC routing.

A modem's line is not trusted: USB adapters cut reads anywhere, firmware prints URCs in the middle
of replies, debug builds print noise, bodies contain what looks like `OK`. Whatever arrives, the
parser must give the same lines and blocks however the stream is cut, and the engine must give
each command its own reply and each URC to its handler once.
"""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import fuzz_parser
from .engine_harness import announced, open_engine, split

cuts = st.lists(st.integers(min_value=0, max_value=4096), max_size=16)
streams = st.lists(
    st.one_of(st.sampled_from(fuzz_parser.TOKENS), st.binary(max_size=16)), max_size=40
).map(b"".join)
urc_lists = st.lists(st.sampled_from(fuzz_parser.URCS), max_size=6)


def test_the_fuzz_target_passes_a_few_thousand_streams() -> None:
    """The standalone fuzz target, briefly; `fuzz_parser.py --iterations N` runs it longer."""
    seed = random.SystemRandom().randrange(2**32)
    print(f"fuzz_parser seed {seed}")
    engine_runs = fuzz_parser.run(3000, seed)
    assert engine_runs == 300


@given(stream=streams, cut_at=cuts, prompt=st.booleans())
@settings(max_examples=300, deadline=None)
def test_any_stream_parses_the_same_however_it_is_cut(
    stream: bytes, cut_at: list[int], prompt: bool
) -> None:
    """Random tokens and bytes: the same events whole or cut (lines as the engine sees them)."""
    whole = fuzz_parser.parse(stream, [], prompt)
    cut = fuzz_parser.parse(stream, cut_at, prompt)
    assert fuzz_parser._merged(whole) == fuzz_parser._merged(cut)


@given(stream=streams)
@settings(max_examples=100, deadline=None)
def test_one_byte_at_a_time_is_no_different(stream: bytes) -> None:
    """The harshest split: every byte its own read."""
    whole = fuzz_parser.parse(stream, [], False)
    single = fuzz_parser.parse(stream, list(range(1, len(stream))), False)
    assert fuzz_parser._merged(whole) == fuzz_parser._merged(single)


@given(
    payload=st.binary(min_size=1, max_size=300),
    before=urc_lists,
    after=urc_lists,
    cut_at=cuts,
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_urcs_around_a_binary_block_reach_their_handler_once_and_in_order(
    payload: bytes, before: list[bytes], after: list[bytes], cut_at: list[int]
) -> None:
    """URCs before the command's line and after its block; the block holds what looks like OK."""
    block = payload + b"\r\nOK\r\n+CREG: 1\r\n"
    reply = b"".join(b"\r\n" + urc + b"\r\n" for urc in before)
    reply += b"\r\n+D: " + str(len(block)).encode() + b"\r\n" + block
    reply += b"".join(b"\r\n" + urc + b"\r\n" for urc in after)
    reply += b"\r\nOK\r\n"
    engine, _line = await open_engine(
        lambda command: split(reply, cut_at) if command == "AT+X" else None
    )
    seen: list[bytes] = []
    for prefix in ("+CREG", "RING", "+CMTI", "+CSQ", "+QIURC"):
        engine.on_urc(prefix, lambda urc: seen.append(urc.line.encode("latin-1")))
    try:
        result = await engine.command("AT+X", timeout=2.0, data_after=announced("+D:"))
    finally:
        await engine.close()

    assert result.data == block
    assert seen == before + after


@given(noise=st.lists(st.binary(max_size=30), max_size=6), cut_at=cuts)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_line_noise_before_a_reply_never_breaks_the_engine(
    noise: list[bytes], cut_at: list[int]
) -> None:
    """Noise lines (no final code among them) then the real reply: the command still gets it."""
    finals = {b"OK", b"ERROR", b"RDY", b"+CPIN: READY", b"NO CARRIER", b"BUSY", b"NO ANSWER"}
    lines = [
        line
        for line in (item.replace(b"\r", b".").replace(b"\n", b".") for item in noise)
        if line.strip() not in finals
        and not line.strip().startswith((b"+CME ERROR", b"+CMS ERROR", b"NO DIALTONE", b"+X:"))
    ]
    reply = b"".join(b"\r\n" + line + b"\r\n" for line in lines) + b"\r\n+X: 1\r\n\r\nOK\r\n"
    engine, _line = await open_engine(
        lambda command: split(reply, cut_at) if command == "AT+X" else None
    )
    try:
        result = await engine.command("AT+X", timeout=2.0)
    finally:
        await engine.close()

    assert result.final == "OK"
    assert result.first("+X:") == "1"
