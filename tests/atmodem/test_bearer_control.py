"""Modem control: a restart that brings everything back, and raw commands for troubleshooting."""

import pytest

from custom_components.modem_http.atmodem import RequestRejected, TlsSettings
from custom_components.modem_http.atmodem.admin import check_user_command

from .bearer_fixtures import ACTIVATION, FAMILIES, bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.mark.parametrize("family", FAMILIES)
async def test_restart_waits_for_the_modem_and_sets_it_up_again(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server, tls=TlsSettings()) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        await rig.modem.admin.restart(timeout=10)

        assert rig.emulator.reset_count == 1
        assert "AT+CFUN=1,1" in rig.commands()
        # Everything the reboot forgot is back before the first request after it.
        assert rig.emulator.network.context_active(1)
        assert rig.count(ACTIVATION[family]) == 2
        assert not rig.emulator.echo  # the engine's ATE0 again
        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        assert response.body == b"hello"


@pytest.mark.parametrize("family", ["simcom", "quectel"])
async def test_a_raw_command_returns_the_modems_lines(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        lines, final = await rig.modem.admin.send_command("AT+CSQ")
        assert (lines, final) == (["+CSQ: 20,99"], "OK")

        lines, final = await rig.modem.admin.send_command("ATI")
        assert final == "OK"
        assert any(rig.emulator.identity.model in line for line in lines)

        # An error is an answer too, not an exception.
        rig.emulator.cmee = 1
        assert await rig.modem.admin.send_command("AT+CPIN=1234") == ([], "+CME ERROR: 3")
        assert await rig.modem.admin.send_command("AT+NOSUCHTHING") == ([], "ERROR")


@pytest.mark.parametrize(
    "command",
    [
        "ATE1",
        "ATV0",
        "ATQ1",
        "ATZ",
        "AT&F",
        "AT&W",
        "ATD*99#",
        "ATH",
        "ATO",
        "ATA",
        "A/",
        "+++",
        "AT+IPR=9600",
        "AT+CMEE=0",
        "AT+CFUN=0",
        "at+cfun=1,1",
        "AT+HTTPDATA=10,10",
        "AT+QHTTPURL=20,80",
        'AT+CCERTDOWN="x.pem",100',
        'AT+QFUPL="UFS:x",10',
        'AT+CMGS="123"',
        "AT+CSQ;E1",
        'AT+HTTPPARA="URL","http://x',
        "AT+CSQ\r\nATE1",
        "CSQ",
        "",
    ],
)
async def test_commands_that_would_break_the_session_are_refused(command, aiohttp_server) -> None:
    async with bearer_rig("simcom", aiohttp_server) as rig:
        mark = len(rig.sent)

        with pytest.raises(RequestRejected) as caught:
            await rig.modem.admin.send_command(command)

        assert caught.value.field == "command"
        assert rig.sent[mark:] == b""


@pytest.mark.parametrize(
    "command",
    [
        "AT",
        "ATI",
        "AT&V",
        "AT+CSQ",
        "AT+CGACT?",
        "AT+COPS=?",
        'AT+CSSLCFG="sslversion",0',
        "at+cgmr",
    ],
)
def test_reading_commands_are_allowed(command) -> None:
    assert check_user_command(command) == command


def test_a_semicolon_inside_quotes_is_not_a_second_command() -> None:
    assert check_user_command('AT+HTTPPARA="USERDATA","a;b"') == 'AT+HTTPPARA="USERDATA","a;b"'
