"""Property: whatever a modem answers, the engine raises only its typed errors, in time."""

import asyncio
import contextlib
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.modem_http.atmodem import AtEngine, ModemError

from .scripted_peer import ScriptedPeer, Step

TIMEOUT = 0.15
SLACK = 0.25
"""Scheduling allowance on a loaded 2-core CI machine; the engine itself adds no waiting."""

# Bytes that mean something to the parser are likelier than in uniform noise.
tokens = st.sampled_from(
    [
        b"\r",
        b"\n",
        b"\r\n",
        b"OK",
        b"ERROR",
        b"+CME ERROR: ",
        b"RDY",
        b"+CPIN: READY",
        b"> ",
        b"CONNECT",
        b"+HTTPREAD: DATA,",
        b"5",
        b"\x00",
        b"\xff",
        b"AT+TEST",
    ]
)
replies = st.lists(st.one_of(tokens, st.binary(max_size=12)), max_size=20).map(b"".join)


class RandomReplies:
    def __init__(self) -> None:
        self.reply = b""

    def __call__(self, command: str) -> Sequence[Step] | None:
        if command == "AT+TEST":
            return [self.reply]
        return None


@given(reply=replies)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
async def test_random_replies_give_a_reply_or_a_typed_error_within_the_timeout(
    socket_enabled: None, reply: bytes
) -> None:
    responder = RandomReplies()
    peer = ScriptedPeer(responder)
    url = await peer.start()
    engine = AtEngine(url, resync_quiet=0.01)
    try:
        await engine.open()
        responder.reply = reply
        loop = asyncio.get_running_loop()
        started = loop.time()
        with contextlib.suppress(ModemError):
            await engine.command(
                "AT+TEST",
                timeout=TIMEOUT,
                data_after=lambda line: (
                    int(line[16:])
                    if line[16:].isdigit() and line.startswith("+HTTPREAD: DATA,")
                    else None
                ),
            )
        assert loop.time() - started <= TIMEOUT + SLACK
    finally:
        await engine.close()
        await peer.stop()
