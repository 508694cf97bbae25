"""Stories of a modem misbehaving on purpose, the way real modules and lines do."""

import asyncio
import time

from modem_emulator import AtRequest, EmulatedModem, ModemServer

from .conftest import AtClient

SCRIPT = ["ATE0", "ATI", "AT+CSQ;+CREG?", "AT+CGDCONT?", "AT+NOSUCH", "AT+COPS?"]


async def _transcript(client: AtClient) -> bytes:
    out = bytearray()
    for line in SCRIPT:
        await client.send(line.encode() + b"\r")
        out += await client.read_until(b"OK\r\n" if "NOSUCH" not in line else b"ERROR\r\n")
    return bytes(out)


async def test_split_output_reassembles_identically(
    client: AtClient, modem: EmulatedModem, server: ModemServer
) -> None:
    plain = await _transcript(client)
    await client.command("ATE1")
    modem.faults.split_output(3, random_seed=7)
    split = await _transcript(client)
    assert split == plain


async def test_garbage_line_precedes_next_reply_after_echo(
    client: AtClient, modem: EmulatedModem
) -> None:
    modem.faults.garbage_line(b"\xfe\x00noise")
    assert (
        await client.command("AT+CSQ")
        == b"AT+CSQ\r\r\n\xfe\x00noise\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
    )
    assert await client.command("AT+CSQ") == b"AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"


async def test_urc_lands_between_information_lines(client: AtClient, modem: EmulatedModem) -> None:
    await client.command("ATE0")
    modem.faults.urc_in_reply("+CREG: 5")
    reply = await client.command("ATI")
    assert reply.startswith(b"\r\nManufacturer: SIMCOM INCORPORATED\r\n\r\n+CREG: 5\r\n\r\nModel:")
    assert reply.endswith(b"+GCAP: +CGSM\r\n\r\nOK\r\n")


async def test_urc_lands_before_final_code_of_a_bare_reply(
    client: AtClient, modem: EmulatedModem
) -> None:
    await client.command("ATE0")
    modem.faults.urc_in_reply("+CPIN: READY")
    assert await client.command("AT") == b"\r\n+CPIN: READY\r\n\r\nOK\r\n"


async def test_urc_lands_inside_a_data_block_that_allows_it(
    client: AtClient, modem: EmulatedModem
) -> None:
    async def dump(modem: EmulatedModem, _req: AtRequest) -> None:
        modem.send_raw(b"0123456789", urc_split_ok=True)

    modem.register("+DUMP", dump)
    await client.command("ATE0")
    modem.faults.urc_in_reply("+URC: 1")
    assert await client.command("AT+DUMP") == b"01234\r\n+URC: 1\r\n56789\r\nOK\r\n"


async def test_reset_mid_reply_cuts_the_reply_and_reboots(
    client: AtClient, modem: EmulatedModem
) -> None:
    await client.command("ATE0")
    full = await client.command("ATI")
    modem.faults.reset_mid_reply()
    await client.send(b"ATI\r")
    received = await client.read_until(b"PB DONE\r\n")
    cut = full[: len(full) // 2]
    assert received == cut + b"\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n"
    assert modem.reset_count == 1
    assert await client.command("AT") == b"AT\r\r\nOK\r\n"  # echo is back on after the reboot


async def test_stop_answering_swallows_commands_until_resume(
    client: AtClient, modem: EmulatedModem
) -> None:
    modem.faults.stop_answering()
    await client.send(b"AT+CSQ\r")
    assert await client.read_for(0.15) == b""
    modem.faults.resume()
    assert await client.command("AT") == b"AT\r\r\nOK\r\n"


async def test_drop_connection_closes_the_tcp_client_and_the_modem_lives_on(
    client: AtClient, modem: EmulatedModem, server: ModemServer
) -> None:
    await client.command("ATE0")
    modem.faults.drop_connection()
    assert await client.at_eof()
    assert server.port is not None
    again = await AtClient.connect(server.port)
    try:
        assert await again.command("AT+CSQ") == b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n"  # still ATE0
    finally:
        await again.close()


async def test_new_client_replaces_the_old_one(client: AtClient, server: ModemServer) -> None:
    assert server.port is not None
    second = await AtClient.connect(server.port)
    try:
        assert await client.at_eof()
        assert await second.command("AT") == b"AT\r\r\nOK\r\n"
        assert server.clients_served == 2
    finally:
        await second.close()


async def test_delay_replies_holds_the_reply_but_not_the_echo(
    client: AtClient, modem: EmulatedModem
) -> None:
    modem.faults.delay_replies(0.2)
    start = time.monotonic()
    await client.send(b"AT\r")
    assert await client.read_until(b"AT\r") == b"AT\r"
    echoed = time.monotonic()
    assert await client.read_until(b"OK\r\n") == b"\r\nOK\r\n"
    assert time.monotonic() - start >= 0.2
    assert echoed - start < 0.2


async def test_faults_clear(modem: EmulatedModem) -> None:
    modem.faults.split_output(2)
    modem.faults.stop_answering()
    modem.faults.garbage_line("x")
    modem.faults.clear()
    modem.echo = False
    assert await asyncio.wait_for(modem.exchange(b"AT\r"), 1) == b"\r\nOK\r\n"


async def test_a_drop_after_output_lets_exactly_the_bytes_before_it_through(
    socket_enabled: None,
) -> None:
    modem = EmulatedModem(echo=False, boot_delay=0.05, boot_step=0.005)

    async def dump_then_hang_up(modem: EmulatedModem, _req: AtRequest) -> None:
        modem.send_raw(b"A" * 3000)
        modem.faults.drop_connection(after_output=modem.output_position)
        modem.send_raw(b"lost on a dead line")

    modem.register("+DUMP", dump_then_hang_up)
    async with ModemServer(modem, baud=115200) as server:  # paced: the drop waits for the bytes
        port = await server.start_tcp()
        client = await AtClient.connect(port)
        try:
            await server.wait_for_client()
            await client.send(b"AT+DUMP\r")
            assert await client.at_eof()
            assert bytes(client.buffer) == b"A" * 3000
        finally:
            await client.close()
