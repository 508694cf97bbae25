"""Stories of a host talking to the emulated modem over TCP, checked byte for byte."""

import asyncio

import pytest

from modem_emulator import (
    NO_FINAL,
    AtRequest,
    CmeError,
    EmulatedModem,
    FinalSent,
    PayloadTimeout,
    announce_registration,
)
from modem_emulator.commands import CommandSyntaxError, parse_args, parse_command_line

from .conftest import FAST_BOOT, AtClient, Serve

CSQ = b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n"


async def test_fresh_modem_echoes_every_byte_as_received(client: AtClient) -> None:
    assert await client.command("AT+CSQ") == b"AT+CSQ\r" + CSQ


async def test_ate0_turns_echo_off_and_replies_are_exactly_framed(client: AtClient) -> None:
    assert await client.command("ATE0") == b"ATE0\r\r\nOK\r\n"
    assert await client.command("AT+CSQ") == CSQ


async def test_registration_formats(client: AtClient) -> None:
    await client.command("ATE0")
    assert await client.command("AT+CREG?") == b"\r\n+CREG: 0,1\r\n\r\nOK\r\n"
    assert await client.command("AT+CEREG=2") == b"\r\nOK\r\n"
    assert await client.command("AT+CEREG?") == b'\r\n+CEREG: 2,1,"1A2B","01C2D3E4",7\r\n\r\nOK\r\n'
    assert await client.command("AT+COPS?") == b'\r\n+COPS: 0,0,"Operator",7\r\n\r\nOK\r\n'
    assert await client.command("AT+CGATT?") == b"\r\n+CGATT: 1\r\n\r\nOK\r\n"
    assert await client.command("AT+CPIN?") == b"\r\n+CPIN: READY\r\n\r\nOK\r\n"


async def test_registration_change_prints_urcs_for_enabled_modes(
    client: AtClient, modem: EmulatedModem
) -> None:
    await client.command("ATE0;+CREG=1")
    announce_registration(modem, 5)
    assert await client.read_until(b"+CREG: 5\r\n") == b"\r\n+CREG: 5\r\n"
    assert await client.command("AT+CREG?") == b"\r\n+CREG: 1,5\r\n\r\nOK\r\n"


@pytest.mark.parametrize(
    ("cmee", "reply"),
    [
        (0, b"\r\nERROR\r\n"),
        (1, b"\r\n+CME ERROR: 50\r\n"),
        (2, b"\r\n+CME ERROR: Incorrect parameters\r\n"),
    ],
)
async def test_cmee_mode_decides_how_errors_print(
    client: AtClient, cmee: int, reply: bytes
) -> None:
    await client.command(f"ATE0+CMEE={cmee}")
    await client.send(b"AT+CFUN=9\r")
    assert await client.read_until(b"\r\n", timeout=2) == b"\r\n"
    assert b"\r\n" + await client.read_until(b"\r\n") == reply


async def test_handler_cme_error_uses_27007_text(client: AtClient, modem: EmulatedModem) -> None:
    async def refuse(_modem: EmulatedModem, _req: AtRequest) -> None:
        raise CmeError(3)

    modem.register("+REFUSE", refuse)
    await client.command("ATE0;+CMEE=2")
    await client.send(b"AT+REFUSE\r")
    assert await client.read_until(b"allowed\r\n") == b"\r\n+CME ERROR: operation not allowed\r\n"


async def test_unknown_command_is_plain_error_even_in_verbose_cmee(client: AtClient) -> None:
    await client.command("ATE0;+CMEE=2")
    assert await client.command("AT+NOSUCH", final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_concatenated_commands_share_one_final_code(client: AtClient) -> None:
    await client.command("ATE0")
    reply = await client.command("AT+CSQ;+CREG?")
    assert reply == b"\r\n+CSQ: 20,99\r\n\r\n+CREG: 0,1\r\n\r\nOK\r\n"


async def test_first_failing_command_ends_the_line(client: AtClient) -> None:
    await client.command("ATE0")
    reply = await client.command("AT+CSQ;+NOSUCH;+CREG?", final=b"ERROR\r\n")
    assert reply == b"\r\n+CSQ: 20,99\r\n\r\nERROR\r\n"
    assert await client.read_for(0.1) == b""


async def test_lf_after_cr_is_ignored_and_backspace_deletes(client: AtClient) -> None:
    await client.command("ATE0")
    await client.send(b"AT+CSX\x08Q\r\n")
    assert await client.read_until(b"OK\r\n") == CSQ
    await client.send(b"AT\r\n")
    assert await client.read_until(b"OK\r\n") == b"\r\nOK\r\n"


async def test_a_slash_repeats_the_last_line_without_cr(client: AtClient) -> None:
    await client.command("ATE0")
    await client.command("AT+CSQ")
    await client.send(b"A/")
    assert await client.read_until(b"OK\r\n") == CSQ


async def test_lower_case_works_and_non_at_lines_are_ignored(client: AtClient) -> None:
    await client.command("ATE0")
    assert await client.command("at+csq") == CSQ
    await client.send(b"hello\r")
    assert await client.read_for(0.1) == b""


async def test_numeric_result_codes_with_atv0(client: AtClient) -> None:
    await client.command("ATE0")
    await client.send(b"ATV0\r")
    assert await client.read_until(b"0\r") == b"0\r"
    await client.send(b"AT+CSQ\r")
    assert await client.read_until(b"\r\n0\r") == b"+CSQ: 20,99\r\n0\r"
    await client.send(b"AT+NOSUCH\r")
    assert await client.read_until(b"4\r") == b"4\r"


async def test_ati_prints_one_block_per_profile(client: AtClient, modem: EmulatedModem) -> None:
    await client.command("ATE0")
    assert await client.command("ATI") == (
        b"\r\nManufacturer: SIMCOM INCORPORATED\r\nModel: SIMCOM_SIM7600E-H\r\n"
        b"Revision: LE20B04SIM7600M22\r\nIMEI: 861475051234567\r\n+GCAP: +CGSM\r\n\r\nOK\r\n"
    )
    assert await client.command("AT+CGMR") == b"\r\n+CGMR: LE20B04SIM7600M22\r\n\r\nOK\r\n"
    assert await client.command("AT+CICCID") == b"\r\n+ICCID: 89490200001234567890\r\n\r\nOK\r\n"


async def test_quectel_identity(serve: Serve) -> None:
    _server, host = await serve(EmulatedModem(identity="quectel", echo=False, **FAST_BOOT))
    ati = b"\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n"
    assert await host.command("ATI") == ati
    assert await host.command("AT+CGMR") == b"\r\nEC25EFAR06A06M4G\r\n\r\nOK\r\n"
    assert await host.command("AT+QCCID") == b"\r\n+QCCID: 89490200001234567890\r\n\r\nOK\r\n"
    assert await host.command("AT+CICCID", final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_pdp_contexts_are_stored(client: AtClient, modem: EmulatedModem) -> None:
    await client.command("ATE0")
    await client.command('AT+CGDCONT=2,"IPV4V6","apn.example"')
    assert await client.command("AT+CGDCONT?") == (
        b'\r\n+CGDCONT: 1,"IP","internet","0.0.0.0",0,0\r\n'
        b'+CGDCONT: 2,"IPV4V6","apn.example","0.0.0.0",0,0\r\n\r\nOK\r\n'
    )
    await client.command("AT+CGACT=1,2")
    # A fresh module has context 1 defined but not active: the host activates what it needs.
    assert await client.command("AT+CGACT?") == b"\r\n+CGACT: 1,0\r\n+CGACT: 2,1\r\n\r\nOK\r\n"
    assert modem.network.contexts[2].active
    assert modem.network.contexts[2].apn == "apn.example"


async def test_cfun_reset_prints_ok_then_boot_urcs_and_forgets_settings(
    client: AtClient, modem: EmulatedModem
) -> None:
    await client.command("ATE0;+CMEE=2")
    await client.send(b"AT+CFUN=1,1\r")
    await client.send(b"AT+CSQ\r")  # sent while rebooting: lost, as on a real module
    boot = await client.read_until(b"PB DONE\r\n")
    assert boot == b"\r\nOK\r\n\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n"
    assert modem.echo
    assert modem.cmee == 0
    assert await client.command("AT+CMEE?") == b"AT+CMEE?\r\r\n+CMEE: 0\r\n\r\nOK\r\n"


async def test_reset_from_tests_cancels_background_work(
    client: AtClient, modem: EmulatedModem
) -> None:
    await client.command("ATE0")
    later = modem.urc_later(0.05, "+LATE: 1")
    modem.reset()
    assert await client.read_until(b"PB DONE\r\n") == (
        b"\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n"
    )
    assert later.cancelled()
    assert modem.reset_count == 1


async def test_atz_restores_settings_without_rebooting(
    client: AtClient, modem: EmulatedModem
) -> None:
    await client.command("ATE0;+CMEE=1")
    assert await client.command("ATZ") == b"\r\nOK\r\n"
    assert (modem.echo, modem.cmee, modem.reset_count) == (True, 0, 0)


def _data_handler(record: list[bytes]) -> object:
    async def handler(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        size = req.arg_int(0)
        modem.send_raw(b"\r\n>")
        try:
            payload = await modem.receive_payload(size, timeout=req.arg_int(1, 1000) / 1000)
        except PayloadTimeout as err:
            record.append(err.partial)
            modem.send_line(f"+DATA: timeout {len(err.partial)}")
            modem.send_error(CmeError(100))
            return NO_FINAL
        record.append(payload)
        modem.send_line(f"+DATA: {len(payload)}")
        return None

    return handler


async def test_data_mode_takes_exact_bytes_without_echo(
    client: AtClient, modem: EmulatedModem
) -> None:
    received: list[bytes] = []
    modem.register("+DATA", _data_handler(received))  # type: ignore[arg-type]
    await client.send(b"AT+DATA=10\r")
    assert await client.read_until(b">") == b"AT+DATA=10\r\r\n>"
    await client.send(b"AT\rhello\r\nXAT+CSQ\r")
    assert await client.read_until(b"OK\r\n") == b"\r\n+DATA: 10\r\n\r\nOK\r\n"
    assert received == [b"AT\rhello\r\n"]
    # Bytes after the payload are command-mode input again, echoed; noise before "AT" is skipped.
    assert await client.read_until(b"OK\r\n") == b"XAT+CSQ\r" + CSQ


async def test_data_mode_timeout_reports_partial_payload(
    client: AtClient, modem: EmulatedModem
) -> None:
    received: list[bytes] = []
    modem.register("+DATA", _data_handler(received))  # type: ignore[arg-type]
    await client.command("ATE0;+CMEE=1")
    await client.send(b"AT+DATA=10,100\r")
    await client.read_until(b">")
    await client.send(b"abc")
    reply = await client.read_until(b"+CME ERROR: 100\r\n")
    assert reply == b"\r\n+DATA: timeout 3\r\n\r\n+CME ERROR: 100\r\n"
    assert received == [b"abc"]


async def test_commands_queue_behind_a_slow_handler(client: AtClient, modem: EmulatedModem) -> None:
    async def slow(modem: EmulatedModem, _req: AtRequest) -> None:
        await asyncio.sleep(0.1)
        modem.send_line("+SLOW: done")

    modem.register("+SLOW", slow)
    await client.command("ATE0")
    await client.send(b"AT+SLOW\rAT+CSQ\r")
    assert await client.read_until(b"OK\r\n") == b"\r\n+SLOW: done\r\n\r\nOK\r\n"
    assert await client.read_until(b"OK\r\n") == CSQ


async def test_modem_without_transport_for_dialect_unit_tests() -> None:
    modem = EmulatedModem(echo=False, **FAST_BOOT)
    try:
        assert await modem.exchange(b"AT+CSQ\r") == CSQ
        modem.push_urc("+TEST: 1")
        assert await modem.read_output() == b"\r\n+TEST: 1\r\n"
    finally:
        await modem.close()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", []),
        ("+CSQ", [("+CSQ", "exec", [])]),
        ("+CREG?", [("+CREG", "read", [])]),
        ("+CMEE=?", [("+CMEE", "test", [])]),
        ('+HTTPPARA="URL","http://h/a,b;c"', [("+HTTPPARA", "set", ["URL", "http://h/a,b;c"])]),
        ("E0V1+CMEE=2", [("E0", "exec", [0]), ("V1", "exec", [1]), ("+CMEE", "set", [2])]),
        ("+CSQ;+creg?", [("+CSQ", "exec", []), ("+CREG", "read", [])]),
        ("I", [("I", "exec", [])]),
        ("&F", [("&F", "exec", [])]),
        ("S0=2", [("S0", "set", [2])]),
        ("+X=1,,abc", [("+X", "set", [1, "", "abc"])]),
    ],
)
def test_command_line_parsing(line: str, expected: list[tuple[str, str, list[object]]]) -> None:
    parsed = [(req.name, req.kind, req.args) for req in parse_command_line(line)]
    assert parsed == expected


def test_arg_text_keeps_the_raw_text() -> None:
    (req,) = parse_command_line("+QHTTPURL=23,80")
    assert req.arg_text == "23,80"
    assert parse_args(' "a b" , 7 ,x') == ["a b", 7, "x"]


@pytest.mark.parametrize("line", ['+X="open', '+X=a"b', "+CSQ junk", "Ã"])
def test_malformed_lines_are_syntax_errors(line: str) -> None:
    with pytest.raises(CommandSyntaxError):
        parse_command_line(line)


async def test_a_module_with_a_response_delay_answers_each_command_only_after_it() -> None:
    """A USB module takes its time before it answers; the emulator counts what it ran."""
    modem = EmulatedModem(echo=False, response_delay=0.05, **FAST_BOOT)
    loop = asyncio.get_running_loop()
    try:
        started = loop.time()
        assert await modem.exchange(b"AT+CSQ\r") == CSQ
        assert await modem.exchange(b"AT+CSQ\r") == CSQ

        assert loop.time() - started >= 2 * 0.05
        assert modem.lines_run == 2
    finally:
        await modem.close()
