"""URCs while a request is in flight: it completes or fails typed, and the next one works.

Two moments are covered: while the library waits for the request's result URC (the modem is busy
on the network), and inside the reply of the next command (the `urc_in_reply` fault puts the line
between a command's information lines, or right before its final result).
"""

import asyncio

import pytest

from custom_components.modem_http.atmodem import HttpResponse, ModemDisconnectedError
from modem_emulator.bearer import drop_bearer

from .bearer_fixtures import FAMILIES, Rig, bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")

RESTART = "restart"
"""The expected outcome of a line that means the module rebooted: it forgot the request."""
DEACTIVATION = {
    "+CGEV: NW PDN DEACT 1",
    "+CGEV: ME PDN DEACT 1",
    '+QIURC: "pdpdeact",1',
    "+SAPBR 1: DEACT",
    "+APP PDP: 0,DEACTIVE",
}
URCS: dict[str, str] = {
    # The network dropped context 1 (3GPP +CGEV, Quectel +QIURC): the module really lost it
    # too. A response already on its way still comes; the next request activates again.
    "+CGEV: NW PDN DEACT 1": "served",
    "+CGEV: ME PDN DEACT 1": "served",
    '+QIURC: "pdpdeact",1': "served",
    # SIM800's bearer profile and SIM7080's application network 0 (their manuals' URCs).
    "+SAPBR 1: DEACT": "served",
    "+APP PDP: 0,DEACTIVE": "served",
    # The module rebooted: what it was doing is lost, and the request says so.
    "RDY": RESTART,
    "+CPIN: READY": RESTART,
    # Registration changes and boot chatter change nothing about the request.
    "+CREG: 1": "served",
    '+CEREG: 1,"1A2B","01C2D3E4",7': "served",
    "+CREG: 2": "served",
    "SMS DONE": "served",
}


def _announce(rig: Rig, urc: str) -> None:
    """Print the URC; a deactivation also really takes the context down."""
    if urc in DEACTIVATION:
        rig.emulator.network.contexts[1].active = False
    rig.emulator.send_urc(urc)


async def _next_request_works(rig: Rig) -> None:
    response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
    assert response.body == b"hello"


async def _outcome(request: asyncio.Task[HttpResponse]) -> str | bytes:
    """The body the request delivered, or RESTART when it failed because the module rebooted."""
    try:
        return (await request).body
    except ModemDisconnectedError as err:
        if not err.restarted:
            raise
        return RESTART


@pytest.mark.parametrize("urc", URCS)
@pytest.mark.parametrize("family", FAMILIES)
async def test_urc_while_the_request_waits_for_the_network(family, urc, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        await _next_request_works(rig)
        request = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/slow", timeout=8))
        await asyncio.wait_for(rig.far.arrived.wait(), 5)

        _announce(rig, urc)
        rig.far.release.set()

        expected = b"late hello" if URCS[urc] == "served" else RESTART
        assert await _outcome(request) == expected
        await _next_request_works(rig)


@pytest.mark.parametrize("urc", URCS)
@pytest.mark.parametrize("family", FAMILIES)
async def test_urc_inside_a_command_reply(family, urc, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        await _next_request_works(rig)
        if urc in DEACTIVATION:
            drop_bearer(rig.emulator)  # the state change; the URC itself comes in the reply
        rig.emulator.faults.urc_in_reply(urc)

        request = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/", timeout=8))

        expected = b"hello" if URCS[urc] == "served" else RESTART
        assert await _outcome(request) == expected
        await _next_request_works(rig)


async def test_a_dropped_bearer_during_a_request_is_brought_back_for_the_next(
    aiohttp_server,
) -> None:
    async with bearer_rig("quectel", aiohttp_server) as rig:
        await _next_request_works(rig)
        request = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/slow", timeout=8))
        await asyncio.wait_for(rig.far.arrived.wait(), 5)

        with rig.modem.engine.expect_urc('+QIURC: "pdpdeact"') as dropped:
            drop_bearer(rig.emulator)  # prints +QIURC: "pdpdeact",1
            await dropped.wait(2)  # the library hears it at once, mid-request
        assert not rig.modem.connection.bearer.up
        rig.far.release.set()
        assert (await request).body == b"late hello"  # the response was already on its way

        await _next_request_works(rig)
        assert rig.count("AT+QIACT=1") == 2


@pytest.mark.parametrize(
    ("family", "chatter", "manufacturer"),
    [
        ("simcom", "SMS DONE", "SIMCOM INCORPORATED"),
        ("simcom", "PB DONE", "SIMCOM INCORPORATED"),
        ("quectel", "+QIND: SMS DONE", "Quectel"),
        ("quectel", "+QUSIM: 1", "Quectel"),
        ("quectel", "+CFUN: 1", "Quectel"),
        ("sim800", "Call Ready", "SIMCOM_Ltd"),
        ("sim800", "SMS Ready", "SIMCOM_Ltd"),
        ("sim7080", "SMS Ready", "SIMCOM INCORPORATED"),
        # Network time, as SIMCom modules print it (public SIM808 and SIM7000 logs).
        ("sim7080", '*PSUTTZ: 2020,12,16,18,3,45,"+4",0', "SIMCOM INCORPORATED"),
        ("sim7080", "DST: 0", "SIMCOM INCORPORATED"),
    ],
)
async def test_boot_chatter_is_not_taken_for_an_answer(
    family, chatter, manufacturer, aiohttp_server
) -> None:
    """What a module prints as it boots must not answer AT+CGMI sent right after RDY."""
    async with bearer_rig(family, aiohttp_server) as rig:
        rig.emulator.faults.garbage_line(chatter)  # printed right before the reply

        info = await rig.modem.device_info()

        assert info.manufacturer == manufacturer
