"""Stories of the AT engine talking to a modem over a real socket:// serial transport."""

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest

from custom_components.modem_http.atmodem import (
    AtCommandError,
    AtEngine,
    ConnectionState,
    ModemDisconnectedError,
    ModemTimeoutError,
    Prompt,
    Urc,
)
from custom_components.modem_http.atmodem.framing import UntilTerminator
from custom_components.modem_http.atmodem.router import STANDARD_LINES, LineTables

from .scripted_peer import ScriptedPeer, Step, ok


class Script:
    """A table of replies tests edit as the story unfolds."""

    def __init__(self) -> None:
        self.replies: dict[str, Sequence[Step] | None] = {}

    def __call__(self, command: str) -> Sequence[Step] | None:
        if command in self.replies:
            return self.replies[command]
        if command.startswith("AT+ECHO="):
            return ok(f"+ECHO: {command[8:]}")
        return None


BOOTING_MODULE = STANDARD_LINES.merged(
    LineTables(restart_lines=frozenset({"RDY"}), unsolicited=("SMS DONE",))
)
"""A module that prints RDY when it has booted, then SMS DONE (SIM7600, EC25)."""


@pytest.fixture
async def script(socket_enabled: None) -> AsyncIterator[tuple[Script, ScriptedPeer]]:
    table = Script()
    peer = ScriptedPeer(table)
    yield table, peer
    await peer.stop()


@pytest.fixture
async def engine(script: tuple[Script, ScriptedPeer]) -> AsyncIterator[AtEngine]:
    _, peer = script
    url = await peer.start()
    at = AtEngine(url, reconnect_backoff=(0.05, 0.2), resync_quiet=0.02, lines=BOOTING_MODULE)
    await at.open()
    yield at
    await at.close()


async def test_start_up_turns_echo_off_and_numeric_errors_on(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    """Opening the port sends ATE0 and AT+CMEE=1 before the first real command."""
    _, peer = script
    # A first AT (in step?), the two settings, then open()'s own AT.
    assert peer.commands == ["AT", "ATE0", "AT+CMEE=1", "AT"]
    assert engine.generation == 1


async def test_information_lines_and_ok(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, _ = script
    table.replies["AT+CSQ"] = ok("+CSQ: 20,99")

    reply = await engine.command("AT+CSQ")

    assert reply.lines == ["+CSQ: 20,99"]
    assert reply.first("+CSQ:") == "20,99"
    assert reply.final == "OK"


async def test_echoed_command_is_not_taken_for_a_reply(socket_enabled: None) -> None:
    """A modem that ignores ATE0 (or was reset) still echoes; the echo is dropped."""
    table = Script()
    peer = ScriptedPeer(table, echo=True)
    url = await peer.start()
    table.replies["AT+CGMI"] = ok("SIMCOM INCORPORATED")
    at = AtEngine(url)
    try:
        await at.open()
        reply = await at.command("AT+CGMI")
        assert reply.lines == ["SIMCOM INCORPORATED"]
    finally:
        await at.close()
        await peer.stop()


@pytest.mark.parametrize(
    ("final", "code", "text"),
    [
        (b"\r\n+CME ERROR: 10\r\n", 10, None),
        (b"\r\n+CME ERROR: SIM not inserted\r\n", 10, "SIM not inserted"),
        (b"\r\n+CME ERROR: vendor specific\r\n", None, "vendor specific"),
        (b"\r\nERROR\r\n", None, None),
        (b"\r\nNO CARRIER\r\n", None, None),
    ],
)
async def test_error_finals_raise_typed_errors_with_the_code(
    engine: AtEngine,
    script: tuple[Script, ScriptedPeer],
    final: bytes,
    code: int | None,
    text: str | None,
) -> None:
    table, _ = script
    table.replies["AT+CPIN?"] = [final]

    with pytest.raises(AtCommandError) as caught:
        await engine.command("AT+CPIN?")

    assert caught.value.cme_code == code
    assert caught.value.cme_text == text
    assert caught.value.final == final.strip().decode()
    # The engine is still in step: the next command gets its own answer.
    assert (await engine.command("AT+ECHO=1")).lines == ["+ECHO: 1"]


async def test_cms_error_carries_its_code(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, _ = script
    table.replies["AT+CMGS=5"] = [b"\r\n+CMS ERROR: 500\r\n"]
    with pytest.raises(AtCommandError) as caught:
        await engine.command("AT+CMGS=5")
    assert caught.value.cms_code == 500


async def test_cr_only_line_endings_and_blank_lines(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, _ = script
    table.replies["AT+COPS?"] = [b'\r\r\n\r\n+COPS: 0,0,"Operator",7\r\r\rOK\r']
    reply = await engine.command("AT+COPS?")
    assert reply.lines == ['+COPS: 0,0,"Operator",7']


async def test_urc_in_the_middle_of_a_reply_is_dispatched_and_kept_out_of_it(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, _ = script
    seen: list[Urc] = []
    engine.on_urc("+CEREG:", seen.append)
    table.replies["ATI"] = [
        b"\r\nManufacturer: SIMCOM INCORPORATED\r\n",
        b"\r\n+CEREG: 5\r\n",
        b"\r\nModel: SIMCOM_SIM7600E-H\r\n\r\nOK\r\n",
    ]

    reply = await engine.command("ATI")

    assert reply.lines == ["Manufacturer: SIMCOM INCORPORATED", "Model: SIMCOM_SIM7600E-H"]
    assert seen == [Urc("+CEREG: 5")]


async def test_own_prefix_lines_are_replies_even_when_a_urc_shares_the_prefix(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, _ = script
    urcs: list[Urc] = []
    engine.on_urc("+CREG:", urcs.append)
    table.replies["AT+CREG?"] = ok("+CREG: 0,1")
    assert (await engine.command("AT+CREG?")).lines == ["+CREG: 0,1"]
    assert urcs == []


async def test_urc_while_idle_reaches_its_handler(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    _, peer = script
    with engine.expect_urc("+HTTPACTION:") as waiter:
        peer.push(b"\r\n+HTTPACTION: 0,200,1234\r\n")
        urc = await waiter.wait(2.0)
    assert urc.line == "+HTTPACTION: 0,200,1234"


async def test_result_urc_arriving_with_the_ok_is_not_missed(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    """Fast modems put OK and the result URC in one read; the waiter is armed before sending."""
    table, _ = script
    table.replies["AT+HTTPACTION=0"] = [b"\r\nOK\r\n\r\n+HTTPACTION: 0,200,5\r\n"]
    with engine.expect_urc("+HTTPACTION:") as waiter:
        await engine.command("AT+HTTPACTION=0")
        assert (await waiter.wait(2.0)).line == "+HTTPACTION: 0,200,5"


async def test_a_urc_that_never_comes_times_out_with_a_typed_error(engine: AtEngine) -> None:
    with engine.expect_urc("+HTTPACTION:") as waiter, pytest.raises(ModemTimeoutError):
        await waiter.wait(0.05)


BINARY_BODY = (b"\r\nOK\r\n+HTTPREAD: 0\r\n\x00\xff\xfe" * 3000 + bytes(range(256)) * 40)[
    : 64 * 1024
]


async def test_binary_body_full_of_ok_and_httpread_comes_back_intact(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    """SIMCom AT+HTTPREAD: OK first, then the announced data, then `+HTTPREAD: 0`."""
    table, _ = script
    size = len(BINARY_BODY)
    table.replies[f"AT+HTTPREAD=0,{size}"] = [
        f"\r\nOK\r\n\r\n+HTTPREAD: DATA,{size}\r\n".encode(),
        BINARY_BODY[:1000],
        0.01,
        BINARY_BODY[1000:],
        b"\r\n+HTTPREAD: 0\r\n",
    ]

    def data_after(line: str) -> int | None:
        if line.startswith("+HTTPREAD: DATA,"):
            return int(line.rsplit(",", 1)[1])
        return None

    reply = await engine.command(
        f"AT+HTTPREAD=0,{size}",
        data_after=data_after,
        complete=lambda r: "+HTTPREAD: 0" in r.lines,
    )

    assert reply.data == BINARY_BODY
    assert reply.lines == [f"+HTTPREAD: DATA,{size}", "+HTTPREAD: 0"]


async def test_data_up_to_a_terminator_when_the_length_is_unknown(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    """Quectel AT+QHTTPREAD: CONNECT, body, OK, then `+QHTTPREAD: 0`."""
    table, _ = script
    table.replies["AT+QHTTPREAD=80"] = [
        b"\r\nCONNECT\r\n<html>\x00 body </html>\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n"
    ]
    reply = await engine.command(
        "AT+QHTTPREAD=80",
        data_after=lambda line: UntilTerminator(b"\r\nOK\r\n") if line == "CONNECT" else None,
        complete=lambda r: any(line.startswith("+QHTTPREAD:") for line in r.lines),
    )
    assert reply.data == b"<html>\x00 body </html>"
    assert reply.final == "OK"


@pytest.mark.parametrize(
    ("prompt", "prompt_bytes"),
    [
        (Prompt.DOWNLOAD, b"\r\nDOWNLOAD\r\n"),
        (Prompt.CONNECT, b"\r\nCONNECT\r\n"),
        (Prompt.GREATER_THAN, b"\r\n> "),
    ],
)
async def test_payload_is_written_after_the_prompt_in_paced_chunks(
    engine: AtEngine, script: tuple[Script, ScriptedPeer], prompt: Prompt, prompt_bytes: bytes
) -> None:
    table, peer = script
    payload = bytes(range(256)) * 20
    table.replies[f"AT+HTTPDATA={len(payload)},10"] = [prompt_bytes]
    peer.payload_for[f"AT+HTTPDATA={len(payload)},10"] = len(payload)
    engine.link.write_chunk_size = 512
    engine.link.write_chunk_delay = 0.001

    reply = await engine.command(
        f"AT+HTTPDATA={len(payload)},10", payload=payload, prompt=prompt, timeout=5
    )

    assert reply.final == "OK"
    assert peer.payloads == [payload]


async def test_error_instead_of_prompt_sends_no_payload(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, peer = script
    table.replies["AT+HTTPDATA=5,10"] = [b"\r\nERROR\r\n"]
    with pytest.raises(AtCommandError):
        await engine.command("AT+HTTPDATA=5,10", payload=b"hello", prompt=Prompt.DOWNLOAD)
    assert peer.payloads == []
    assert (await engine.command("AT+ECHO=2")).lines == ["+ECHO: 2"]


async def test_two_hundred_concurrent_callers_each_get_their_own_answer(
    engine: AtEngine,
) -> None:
    async def ask(n: int) -> str:
        return (await engine.command(f"AT+ECHO={n}")).first("+ECHO:")

    answers = await asyncio.gather(*(ask(n) for n in range(200)))

    assert answers == [str(n) for n in range(200)]


async def test_a_timeout_leaves_the_next_command_working_even_when_the_late_ok_arrives(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, peer = script
    table.replies["AT+COPS=?"] = [0.3, b'\r\n+COPS: (1,"Late","Late","00101",7)\r\n\r\nOK\r\n']

    with pytest.raises(ModemTimeoutError):
        await engine.command("AT+COPS=?", timeout=0.1)
    # The late reply lands while the engine resynchronises; it must not be taken for this answer.
    reply = await engine.command("AT+ECHO=7", timeout=3)

    assert reply.lines == ["+ECHO: 7"]
    assert "AT" in peer.commands[peer.commands.index("AT+COPS=?") :]


async def test_a_modem_that_never_answers_again_gives_timeouts_not_hangs(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, _ = script
    table.replies["AT+CSQ"] = []
    with pytest.raises(ModemTimeoutError):
        await engine.command("AT+CSQ", timeout=0.1)
    table.replies["AT"] = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ModemTimeoutError):
        await engine.command("AT+ECHO=1", timeout=0.3)
    assert loop.time() - started < 0.3 + 0.2


async def test_a_modem_reset_mid_reply_fails_that_command_and_the_next_one_reinitialises(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, peer = script
    states: list[ConnectionState] = []
    engine.add_listener(states.append)
    table.replies["AT+HTTPREAD?"] = [
        b"\r\n+HTTPREAD: LE",
        0.02,
        b"\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n",
    ]

    with pytest.raises(ModemDisconnectedError, match="restarted"):
        await engine.command("AT+HTTPREAD?")
    generation = engine.generation
    reply = await engine.command("AT+ECHO=3")

    assert reply.lines == ["+ECHO: 3"]
    assert engine.generation == generation + 1
    assert peer.commands[-3:] == ["ATE0", "AT+CMEE=1", "AT+ECHO=3"]
    assert ConnectionState.RESET in states


async def test_cpin_ready_out_of_the_blue_means_the_modem_restarted(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    _, peer = script
    states: list[ConnectionState] = []
    engine.add_listener(states.append)
    with engine.expect_urc("+CPIN: READY") as heard:
        peer.push(b"\r\n+CPIN: READY\r\n")
        await heard.wait(2)
    assert states == [ConnectionState.RESET]


async def test_a_dropped_connection_is_reported_and_recovered(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    table, peer = script
    states: list[ConnectionState] = []
    engine.add_listener(states.append)
    table.replies["AT+CGATT?"] = []  # the modem is thinking when the line drops

    pending = asyncio.ensure_future(engine.command("AT+CGATT?", timeout=5))
    await peer.heard("AT+CGATT?")
    await peer.drop()

    with pytest.raises(ModemDisconnectedError):
        await pending
    reply = await engine.command("AT+ECHO=9", timeout=5)

    assert reply.lines == ["+ECHO: 9"]
    assert peer.connections == 2
    assert states[:2] == [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED]


async def test_commands_fail_fast_after_close(engine: AtEngine) -> None:
    await engine.close()
    with pytest.raises(ModemDisconnectedError):
        await engine.command("AT")


async def test_command_text_cannot_smuggle_a_second_command(engine: AtEngine) -> None:
    with pytest.raises(ValueError, match="must not contain"):
        await engine.command('AT+HTTPPARA="URL","x"\rAT+CFUN=0')


async def test_one_boot_is_one_restart_even_though_it_prints_rdy_and_cpin_ready(
    engine: AtEngine, script: tuple[Script, ScriptedPeer]
) -> None:
    """SIM7600 boots with RDY, then +CPIN: READY a moment later; a command in between survives."""
    table, peer = script
    states: list[ConnectionState] = []
    engine.add_listener(states.append)
    with engine.expect_urc("RDY") as booted:
        peer.push(b"\r\nRDY\r\n")
        await booted.wait(2)
    table.replies["AT+ECHO=4"] = [0.5, b"\r\n+ECHO: 4\r\n\r\nOK\r\n"]
    peer.later(0.2, b"\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n")

    reply = await engine.command("AT+ECHO=4", timeout=3)

    assert reply.lines == ["+ECHO: 4"]
    assert states.count(ConnectionState.RESET) == 1
