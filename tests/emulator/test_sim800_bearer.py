"""The emulated SIM800's AT+SAPBR bearer as a host sees it.

Echo is off unless a story says otherwise, so each reply is exactly what the module prints.
"""

import pytest

from modem_emulator import EmulatedModem, NetworkState
from modem_emulator.bearer import drop_bearer
from modem_emulator.sim800 import install as install_sim800

from .conftest import FAST_BOOT, AtClient, Serve

CLOSED = b'\r\n+SAPBR: 1,3,"0.0.0.0"\r\n\r\nOK\r\n'
OPEN = b'\r\n+SAPBR: 1,1,"10.64.0.2"\r\n\r\nOK\r\n'
NOT_ALLOWED = b"\r\n+CME ERROR: operation not allowed\r\n"
IDENTITY = "sim800"


async def sim800(
    serve: Serve, network: NetworkState | None = None
) -> tuple[EmulatedModem, AtClient]:
    modem = EmulatedModem(identity=IDENTITY, network=network, echo=False, **FAST_BOOT)
    install_sim800(modem, action_delay=0.0)
    _server, client = await serve(modem)
    return modem, client


async def test_a_reboot_closes_the_bearer(serve: Serve) -> None:
    modem, client = await sim800(serve)
    await client.command('AT+SAPBR=3,1,"APN","internet"')
    await client.command("AT+SAPBR=1,1")

    modem.reset()

    await client.read_until(b"SMS Ready\r\n")
    await client.command("ATE0")
    assert await client.command("AT+SAPBR=2,1") == CLOSED


async def test_the_bearer_opens_with_the_operators_apn_and_shows_its_address(serve: Serve) -> None:
    modem, client = await sim800(serve)

    assert await client.command('AT+SAPBR=3,1,"Contype","GPRS"') == b"\r\nOK\r\n"
    assert await client.command('AT+SAPBR=3,1,APN,"internet"') == b"\r\nOK\r\n"
    assert await client.command("AT+SAPBR=2,1") == CLOSED
    assert await client.command("AT+SAPBR=1,1") == b"\r\nOK\r\n"

    assert await client.command("AT+SAPBR=2,1") == OPEN
    assert await client.command("AT+SAPBR=4,1") == (
        b"\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: internet\r\nPHONENUM: \r\nUSER: \r\nPWD: \r\n"
        b"RATE: 2\r\n\r\nOK\r\n"
    )
    assert modem.network.contexts[1].active
    assert await client.command("AT+SAPBR=0,1") == b"\r\nOK\r\n"
    assert await client.command("AT+SAPBR=2,1") == CLOSED


async def test_the_test_form_lists_the_manuals_ranges(serve: Serve) -> None:
    _modem, client = await sim800(serve)

    assert await client.command("AT+SAPBR=?") == (
        b'\r\n+SAPBR: (0-4),(1-3),"ConParamTag","ConParamValue"\r\n\r\nOK\r\n'
    )


async def test_an_apn_the_network_does_not_know_is_refused_and_the_bearer_stays_closed(
    serve: Serve,
) -> None:
    _modem, client = await sim800(serve, network=NetworkState(working_apns={"internet"}))
    await client.command('AT+SAPBR=3,1,"APN","wrong.apn"')

    assert await client.command("AT+SAPBR=1,1", final=b"ERROR\r\n") == b"\r\nERROR\r\n"
    assert await client.command("AT+SAPBR=2,1") == CLOSED


async def test_credentials_are_checked_by_the_network(serve: Serve) -> None:
    network = NetworkState(credentials={"internet": ("telenor", "gprs")})
    modem, client = await sim800(serve, network=network)
    await client.command('AT+SAPBR=3,1,"APN","internet"')
    await client.command('AT+SAPBR=3,1,"USER","telenor"')
    await client.command('AT+SAPBR=3,1,"PWD","wrong"')

    assert await client.command("AT+SAPBR=1,1", final=b"ERROR\r\n") == b"\r\nERROR\r\n"

    await client.command('AT+SAPBR=3,1,"PWD","gprs"')
    assert await client.command("AT+SAPBR=1,1") == b"\r\nOK\r\n"
    assert (modem.network.contexts[1].username, modem.network.contexts[1].password) == (
        "telenor",
        "gprs",
    )


async def test_without_registration_the_bearer_cannot_open(serve: Serve) -> None:
    _modem, client = await sim800(serve, network=NetworkState(registration=2))

    assert await client.command("AT+SAPBR=1,1", final=b"ERROR\r\n") == b"\r\nERROR\r\n"
    assert await client.command("AT+SAPBR=2,1") == CLOSED


async def test_opening_an_open_bearer_or_closing_a_closed_one_is_not_allowed(serve: Serve) -> None:
    _modem, client = await sim800(serve)
    await client.command("AT+CMEE=2")

    assert await client.command("AT+SAPBR=0,1", final=b"allowed\r\n") == NOT_ALLOWED
    await client.command("AT+SAPBR=1,1")
    assert await client.command("AT+SAPBR=1,1", final=b"allowed\r\n") == NOT_ALLOWED


async def test_detaching_reports_the_bearer_going_down_before_ok(serve: Serve) -> None:
    _modem, client = await sim800(serve)
    await client.command("AT+SAPBR=1,1")

    assert await client.command("AT+CGATT=0") == b"\r\n+SAPBR 1: DEACT\r\n\r\nOK\r\n"
    assert await client.command("AT+SAPBR=2,1") == CLOSED


async def test_the_network_dropping_the_bearer_is_announced(serve: Serve) -> None:
    modem, client = await sim800(serve)
    await client.command("AT+SAPBR=1,1")

    drop_bearer(modem, 1)

    assert await client.read_until(b"DEACT\r\n") == b"\r\n+SAPBR 1: DEACT\r\n"
    assert await client.command("AT+SAPBR=2,1") == CLOSED


@pytest.mark.parametrize(
    "line",
    [
        "AT+SAPBR=1,4",
        "AT+SAPBR=1,0",
        "AT+SAPBR=5,1",
        "AT+SAPBR=2",
        'AT+SAPBR=3,1,"NOSUCH","x"',
        'AT+SAPBR=3,1,"RATE",4',
        'AT+SAPBR=3,1,"APN"',
        "AT+SAPBR?",
    ],
)
async def test_malformed_bearer_commands_answer_error(serve: Serve, line: str) -> None:
    _modem, client = await sim800(serve)

    assert await client.command(line, final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_a_circuit_switched_bearer_cannot_open_here(serve: Serve) -> None:
    _modem, client = await sim800(serve)
    await client.command('AT+SAPBR=3,1,"CONTYPE","CSD"')

    assert await client.command("AT+SAPBR=1,1", final=b"ERROR\r\n") == b"\r\nERROR\r\n"
