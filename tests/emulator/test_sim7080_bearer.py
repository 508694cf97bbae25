"""The emulated SIM7080's AT+CNACT application network as a host sees it.

Echo is off, so each reply is exactly what the module prints.
"""

import pytest

from modem_emulator import EmulatedModem, NetworkState
from modem_emulator.bearer import drop_bearer
from modem_emulator.sim7080 import install as install_sim7080

from .conftest import FAST_BOOT, AtClient, Serve

ALL_DOWN = (
    b'\r\n+CNACT: 0,0,"0.0.0.0"\r\n+CNACT: 1,0,"0.0.0.0"\r\n+CNACT: 2,0,"0.0.0.0"\r\n'
    b'+CNACT: 3,0,"0.0.0.0"\r\n\r\nOK\r\n'
)
IDENTITY = "sim7080"


async def sim7080(
    serve: Serve, network: NetworkState | None = None
) -> tuple[EmulatedModem, AtClient]:
    modem = EmulatedModem(identity=IDENTITY, network=network, echo=False, **FAST_BOOT)
    install_sim7080(modem, request_delay=0.0)
    _server, client = await serve(modem)
    return modem, client


async def activate(client: AtClient) -> bytes:
    """AT+CNACT=0,1 up to and including the `+APP PDP:` line."""
    await client.send(b"AT+CNACT=0,1\r")
    return await client.read_until(b"\r\n+APP PDP: ") + await client.read_until(b"\r\n")


async def test_a_reboot_takes_the_network_down(serve: Serve) -> None:
    modem, client = await sim7080(serve)
    await activate(client)

    modem.reset()

    await client.read_until(b"SMS Ready\r\n")
    await client.command("ATE0")
    assert await client.command("AT+CNACT?") == ALL_DOWN


async def test_the_network_comes_up_after_ok_and_lists_its_address(serve: Serve) -> None:
    modem, client = await sim7080(serve)
    assert await client.command("AT+CNACT?") == ALL_DOWN

    assert await activate(client) == b"\r\nOK\r\n\r\n+APP PDP: 0,ACTIVE\r\n"

    assert await client.command("AT+CNACT?") == (
        b'\r\n+CNACT: 0,1,"10.64.0.2"\r\n+CNACT: 1,0,"0.0.0.0"\r\n+CNACT: 2,0,"0.0.0.0"\r\n'
        b'+CNACT: 3,0,"0.0.0.0"\r\n\r\nOK\r\n'
    )
    assert modem.network.contexts[1].active


async def test_deactivating_answers_ok_then_reports_the_network_down(serve: Serve) -> None:
    _modem, client = await sim7080(serve)
    await activate(client)

    assert await client.command("AT+CNACT=0,0", final=b"DEACTIVE\r\n") == (
        b"\r\nOK\r\n\r\n+APP PDP: 0,DEACTIVE\r\n"
    )
    assert await client.command("AT+CNACT?") == ALL_DOWN


async def test_an_active_network_cannot_be_activated_nor_an_inactive_one_deactivated(
    serve: Serve,
) -> None:
    _modem, client = await sim7080(serve)
    await client.command("AT+CMEE=2")
    not_allowed = b"\r\n+CME ERROR: operation not allowed\r\n"

    assert await client.command("AT+CNACT=0,0", final=b"allowed\r\n") == not_allowed
    await activate(client)
    assert await client.command("AT+CNACT=0,1", final=b"allowed\r\n") == not_allowed


async def test_an_apn_the_network_refuses_ends_in_deactive(serve: Serve) -> None:
    modem, client = await sim7080(serve, network=NetworkState(working_apns={"iot.1nce.net"}))

    assert await client.command('AT+CNCFG=0,1,"wrong.apn"') == b"\r\nOK\r\n"
    assert await activate(client) == b"\r\nOK\r\n\r\n+APP PDP: 0,DEACTIVE\r\n"

    await client.command('AT+CNCFG=0,1,"iot.1nce.net"')
    assert await activate(client) == b"\r\nOK\r\n\r\n+APP PDP: 0,ACTIVE\r\n"
    assert modem.network.contexts[1].apn == "iot.1nce.net"


async def test_cncfg_credentials_are_checked_by_the_network(serve: Serve) -> None:
    network = NetworkState(credentials={"internet": ("user", "secret")})
    _modem, client = await sim7080(serve, network=network)

    await client.command('AT+CNCFG=0,1,"internet","user","wrong",1')
    assert await activate(client) == b"\r\nOK\r\n\r\n+APP PDP: 0,DEACTIVE\r\n"

    await client.command('AT+CNCFG=0,1,"internet","user","secret",1')
    assert await activate(client) == b"\r\nOK\r\n\r\n+APP PDP: 0,ACTIVE\r\n"


async def test_without_registration_the_network_does_not_come_up(serve: Serve) -> None:
    _modem, client = await sim7080(serve, network=NetworkState(registration=2))

    assert await activate(client) == b"\r\nOK\r\n\r\n+APP PDP: 0,DEACTIVE\r\n"
    assert await client.command("AT+CGNAPN") == b'\r\n+CGNAPN: 0,""\r\n\r\nOK\r\n'


async def test_cgnapn_shows_the_apn_the_network_assigned(serve: Serve) -> None:
    _modem, client = await sim7080(serve)

    assert await client.command("AT+CGNAPN") == b'\r\n+CGNAPN: 1,"internet"\r\n\r\nOK\r\n'


async def test_the_network_dropping_the_context_is_announced(serve: Serve) -> None:
    modem, client = await sim7080(serve)
    await activate(client)

    drop_bearer(modem, 1)

    assert await client.read_until(b"DEACTIVE\r\n") == b"\r\n+APP PDP: 0,DEACTIVE\r\n"
    assert await client.command("AT+CNACT?") == ALL_DOWN


@pytest.mark.parametrize(
    "line",
    ["AT+CNACT=4,1", "AT+CNACT=0,3", "AT+CNACT=0", 'AT+CNCFG=0,3,"apn"', 'AT+CNCFG=9,1,"apn"'],
)
async def test_malformed_network_commands_answer_error(serve: Serve, line: str) -> None:
    _modem, client = await sim7080(serve)

    assert await client.command(line, final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_test_forms_answer_ok(serve: Serve) -> None:
    _modem, client = await sim7080(serve)

    for line in ("AT+CNACT=?", "AT+CNCFG=?", "AT+CGNAPN=?"):
        assert await client.command(line) == b"\r\nOK\r\n", line
