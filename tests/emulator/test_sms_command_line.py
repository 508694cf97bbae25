"""Trying SMS by hand: `python -m modem_emulator --sms SENDER:TEXT`, and sent messages logged."""

import ast
import logging

import pytest

from modem_emulator import create_modem
from modem_emulator.__main__ import apply_sms_options, build_parser

from .conftest import FAST_BOOT, Serve
from .sms_fixtures import LOREM, LOREM_PDUS

CTRL_Z = b"\x1a"


async def test_messages_given_on_the_command_line_wait_on_the_sim(serve: Serve) -> None:
    args = build_parser().parse_args(
        ["--dialect", "sim800", "--sms", "+4915112345678:Door open", "--sms", "Bank:Code: 1234"]
    )
    modem = create_modem(args.dialect, **FAST_BOOT)
    apply_sms_options(modem, args)
    _server, client = await serve(modem)
    await client.command("ATE0")

    assert await client.command("AT+CMGF=1") == b"\r\nOK\r\n"
    listing = (await client.command('AT+CMGL="ALL"')).decode()

    assert '+CMGL: 0,"REC UNREAD","+4915112345678"' in listing
    assert "\r\nDoor open\r\n" in listing
    assert '+CMGL: 1,"REC UNREAD","Bank"' in listing
    assert "\r\nCode: 1234\r\n" in listing  # only the first colon separates the sender


@pytest.mark.parametrize("value", ["no separator", ":no sender", "+4915112345678:"])
def test_a_message_without_sender_or_text_is_refused(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--sms", value])
    assert "expected SENDER:TEXT" in capsys.readouterr().err


async def test_each_part_the_host_sends_is_logged_with_its_text(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="modem_emulator.sms")
    modem = create_modem("simcom", **FAST_BOOT)
    _server, client = await serve(modem)
    await client.command("ATE0")

    for pdu in LOREM_PDUS:
        await client.send(f"AT+CMGS={len(pdu) // 2 - 1}\r".encode())
        await client.read_until(b"> ")
        await client.send(pdu.encode() + CTRL_Z)
        await client.read_until(b"\r\n\r\nOK\r\n")

    logged = [r.getMessage() for r in caplog.records if r.name == "modem_emulator.sms"]
    assert len(logged) == len(LOREM_PDUS) == 3
    assert logged[0].startswith("SMS to +")
    assert " (part 1 of 3): " in logged[0]
    assert " (part 3 of 3): " in logged[2]
    assert "".join(quoted_text(line) for line in logged) == LOREM


def quoted_text(line: str) -> str:
    """The text a log line quotes (its repr, after the first colon)."""
    return str(ast.literal_eval(line.split(": ", 1)[1]))
