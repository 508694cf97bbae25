"""A host sends SMS through the emulated modem: prompt, payload, Ctrl-Z, +CMGS, and the refusals."""

import pytest

from modem_emulator import EmulatedModem, announce_registration, create_modem

from .conftest import FAST_BOOT, AtClient, Serve
from .sms_fixtures import HELLO_WORLD_PDU, LOREM, LOREM_PDUS, UCS2_PDU, UCS2_TEXT

CTRL_Z = b"\x1a"
ESC = b"\x1b"


async def _modem(serve: Serve, dialect: str) -> tuple[EmulatedModem, AtClient]:
    modem = create_modem(dialect, **FAST_BOOT)
    _server, client = await serve(modem)
    await client.command("ATE0")
    return modem, client


async def _send_pdu(client: AtClient, pdu: str) -> bytes:
    length = len(pdu) // 2 - 1
    await client.send(f"AT+CMGS={length}\r".encode())
    assert await client.read_until(b"> ") == b"\r\n> "
    await client.send(pdu.encode() + CTRL_Z)
    return await client.read_until(b"\r\n\r\nOK\r\n")


@pytest.mark.parametrize("dialect", ["simcom", "quectel", "sim800", "sim7080"])
async def test_a_gsm7_pdu_is_sent_and_answered_with_its_message_reference(
    serve: Serve, dialect: str
) -> None:
    modem, client = await _modem(serve, dialect)
    assert await _send_pdu(client, HELLO_WORLD_PDU) == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"
    (message,) = modem.sms.sent_messages()
    assert (message.destination, message.text) == ("+27820001111", "Hello World!")
    assert message.pdus == (HELLO_WORLD_PDU[2:],)  # logged without the SCA octet
    assert message.parts[0].encoding == "gsm7"
    assert await _send_pdu(client, HELLO_WORLD_PDU) == b"\r\n+CMGS: 1\r\n\r\nOK\r\n"


async def test_a_ucs2_pdu_is_decoded_into_the_sent_log(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    await _send_pdu(client, UCS2_PDU)
    (message,) = modem.sms.sent_messages()
    assert (message.destination, message.text, message.parts[0].encoding) == (
        "+15555551234",
        UCS2_TEXT,
        "ucs2",
    )


async def test_three_concatenated_parts_join_into_one_sent_message(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    replies = [await _send_pdu(client, pdu) for pdu in LOREM_PDUS]
    assert replies == [f"\r\n+CMGS: {mr}\r\n\r\nOK\r\n".encode() for mr in range(3)]
    (message,) = modem.sms.sent_messages()
    assert message.text == LOREM
    assert [part.concatenation for part in message.parts] == [(0, 3, 1), (0, 3, 2), (0, 3, 3)]
    assert message.pdus == tuple(pdu[2:] for pdu in LOREM_PDUS)


async def test_with_echo_on_the_payload_and_its_ctrl_z_come_back(client: AtClient) -> None:
    # A SIM800 log (vshymanskyy/TinyGSM issue 47) shows the typed text and the 0x1A echoed.
    await client.send(b"AT+CMGS=24\r")
    assert await client.read_until(b"> ") == b"AT+CMGS=24\r\r\n> "
    payload = HELLO_WORLD_PDU.encode() + CTRL_Z
    await client.send(payload)
    assert await client.read_until(b"\r\nOK\r\n") == payload + b"\r\n+CMGS: 0\r\n\r\nOK\r\n"


async def test_esc_cancels_and_nothing_is_sent(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    await client.send(b"AT+CMGS=24\r")
    await client.read_until(b"> ")
    await client.send(b"0001000B9172" + ESC)
    assert await client.read_until(b"\r\nOK\r\n") == b"\r\nOK\r\n"
    assert modem.sms.sent == []
    assert await client.command("AT+CMGF?") == b"\r\n+CMGF: 0\r\n\r\nOK\r\n"


async def test_a_payload_arriving_in_pieces_after_a_crlf_line_end(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    await client.send(b"AT+CMGS=24\r\n")
    await client.read_until(b"> ")
    pdu = HELLO_WORLD_PDU.encode()
    for start in range(0, len(pdu), 7):
        await client.send(pdu[start : start + 7])
    await client.send(CTRL_Z)
    assert await client.read_until(b"OK\r\n") == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"
    assert modem.sms.sent[0].pdu == HELLO_WORLD_PDU[2:]


@pytest.mark.parametrize("dialect", ["simcom", "quectel", "sim800", "sim7080"])
async def test_text_mode_prompts_again_after_each_cr_and_sends_on_ctrl_z(
    serve: Serve, dialect: str
) -> None:
    modem, client = await _modem(serve, dialect)
    await client.command("AT+CMGF=1")
    await client.send(b'AT+CMGS="+4915112345678"\r')
    assert await client.read_until(b"> ") == b"\r\n> "
    await client.send(b"Heating off\r")
    assert await client.read_until(b"> ") == b"\r\n> "
    await client.send(b"Kitchenx\x08 5 C" + CTRL_Z)
    assert await client.read_until(b"OK\r\n") == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"
    (message,) = modem.sms.sent_messages()
    assert (message.destination, message.text) == ("+4915112345678", "Heating off\rKitchen 5 C")
    assert message.parts[0].mode == "text"


async def test_text_mode_ucs2_takes_hex_address_and_text(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    await client.command('AT+CMGF=1;+CSCS="UCS2";+CSMP=17,167,0,8')
    address = "+4915112345678".encode("utf-16-be").hex().upper()
    await client.send(f'AT+CMGS="{address}"\r'.encode())
    await client.read_until(b"> ")
    await client.send("Привет 😀".encode("utf-16-be").hex().upper().encode() + CTRL_Z)
    await client.read_until(b"OK\r\n")
    (message,) = modem.sms.sent_messages()
    assert (message.destination, message.text) == ("+4915112345678", "Привет 😀")


@pytest.mark.parametrize(
    ("cmee", "line"),
    [
        (0, b"\r\nERROR\r\n"),
        (1, b"\r\n+CMS ERROR: 331\r\n"),
        (2, b"\r\n+CMS ERROR: no network service\r\n"),
    ],
)
async def test_without_coverage_the_send_fails_with_331_in_every_cmee_form(
    serve: Serve, cmee: int, line: bytes
) -> None:
    modem, client = await _modem(serve, "simcom")
    await client.command(f"AT+CMEE={cmee}")
    announce_registration(modem, 2)
    await client.send(b"AT+CMGS=24\r")
    await client.read_until(b"> ")
    await client.send(HELLO_WORLD_PDU.encode() + CTRL_Z)
    assert await client.read_until(line) == line
    assert modem.sms.sent == []
    announce_registration(modem, 1)
    assert await _send_pdu(client, HELLO_WORLD_PDU) == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"


async def test_a_sim_without_service_centre_fails_with_330(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    modem.sms.service_centre = ""
    await client.command("AT+CMEE=1")
    assert await client.command("AT+CSCA?") == b'\r\n+CSCA: "",129\r\n\r\nOK\r\n'
    await client.send(b"AT+CMGS=24\r")
    await client.read_until(b"> ")
    await client.send(HELLO_WORLD_PDU.encode() + CTRL_Z)
    assert await client.read_until(b"330\r\n") == b"\r\n+CMS ERROR: 330\r\n"
    await client.command('AT+CSCA="+491710760000",145')
    assert await client.command("AT+CSCA?") == b'\r\n+CSCA: "+491710760000",145\r\n\r\nOK\r\n'
    assert await _send_pdu(client, HELLO_WORLD_PDU) == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"


async def test_a_network_refusal_knob_fails_every_send_with_its_code(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    modem.sms.send_error = 500
    await client.command("AT+CMEE=1")
    await client.send(b"AT+CMGS=24\r")
    await client.read_until(b"> ")
    await client.send(HELLO_WORLD_PDU.encode() + CTRL_Z)
    assert await client.read_until(b"500\r\n") == b"\r\n+CMS ERROR: 500\r\n"


@pytest.mark.parametrize(
    "typed",
    [
        HELLO_WORLD_PDU.encode()[:-2],  # one octet short of the announced 24
        HELLO_WORLD_PDU.encode() + b"00",  # one octet too many
        HELLO_WORLD_PDU.encode()[:-1] + b"G",  # not hexadecimal
        b"0000" + HELLO_WORLD_PDU.encode()[4:],  # an SMS-DELIVER, not an SMS-SUBMIT
    ],
)
async def test_a_malformed_pdu_is_refused_with_304(serve: Serve, typed: bytes) -> None:
    modem, client = await _modem(serve, "quectel")
    await client.command("AT+CMEE=1")
    await client.send(b"AT+CMGS=24\r")
    await client.read_until(b"> ")
    await client.send(typed + CTRL_Z)
    assert await client.read_until(b"304\r\n") == b"\r\n+CMS ERROR: 304\r\n"
    assert modem.sms.sent == []


async def test_an_impossible_length_is_refused_before_the_prompt(serve: Serve) -> None:
    _, client = await _modem(serve, "simcom")
    await client.command("AT+CMEE=1")
    await client.send(b"AT+CMGS=200\r")
    assert await client.read_until(b"304\r\n") == b"\r\n+CMS ERROR: 304\r\n"


async def test_no_sim_answers_310_without_a_prompt(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    modem.network.sim_inserted = False
    await client.command("AT+CMEE=2")
    await client.send(b"AT+CMGS=24\r")
    line = b"\r\n+CMS ERROR: (U)SIM not inserted\r\n"
    assert await client.read_until(line) == line


@pytest.mark.parametrize(
    ("lock", "answer"),
    [
        ("lock_sim", b"\r\n+CMS ERROR: 311\r\n"),  # SIM PIN required
        ("block_pin", b"\r\n+CMS ERROR: 316\r\n"),  # SIM PUK required
    ],
)
async def test_a_locked_sim_answers_its_own_cause_without_a_prompt(
    serve: Serve, lock: str, answer: bytes
) -> None:
    modem, client = await _modem(serve, "simcom")
    modem.radio.lock_sim("1234")
    if lock == "block_pin":
        modem.radio.block_pin()
    await client.command("AT+CMEE=1")

    assert (await client.command("AT+CMGS=24", final=answer)).endswith(answer)
    assert (await client.command("AT+CMGL=4", final=answer)).endswith(answer)
    assert modem.sms.sent == []
