"""Stories of Quectel's AT+QENG="servingcell", AT+QCSQ, AT+QTEMP and AT+QGDCNT.

The unprefixed AT+HTTPCFG modem is served with the Quectel profile, so each story runs on both.
"""

import pytest

from modem_emulator.radio import Technology
from tests.atmodem.httpcfg_fixtures import ServerFactory, make_rig

from .conftest import Serve
from .status_rig import connect, info

QUECTEL_PROFILE = ("quectel", "httpcfg")
LTE_CELL = "262,01,1C2D3E4,257,1300,3,5,5,1A2B,-95,-10,-73,15"


@pytest.mark.parametrize("dialect", QUECTEL_PROFILE)
@pytest.mark.parametrize(
    ("technology", "lines"),
    [
        (Technology.LTE, (f'+QENG: "servingcell","NOCONN","LTE","FDD",{LTE_CELL},-',)),
        (
            Technology.LTE_M,
            (
                '+QENG: "servingcell","NOCONN","CAT-M","FDD",'
                "262,01,1C2D3E4,187,6400,20,3,3,1A2B,-95,-10,-73,15,-",
            ),
        ),
        (
            Technology.NB_IOT,
            (
                '+QENG: "servingcell","NOCONN","CAT-NB","FDD",'
                "262,01,1C2D3E4,12,3702,8,0,0,1A2B,-95,-10,-73,15,-",
            ),
        ),
        (
            Technology.UMTS,
            (
                '+QENG: "servingcell","NOCONN","WCDMA",'
                "262,01,1A2B,1C2D3E4,10663,279,1,-85,-6,-,-,-,-,-",
            ),
        ),
        (
            Technology.GSM,
            (
                '+QENG: "servingcell","NOCONN","GSM",'
                '262,01,1A2B,D3E4,26,26,-,-73,255,255,0,38,38,1,-,-,-,-,-,-,-,-,-,"-"',
            ),
        ),
        (
            Technology.NR5G_NSA,
            (
                '+QENG: "servingcell","NOCONN"',
                f'+QENG: "LTE","FDD",{LTE_CELL},15,20,-',
                '+QENG:"NR5G-NSA",262,01,832,-88,18,-11,627264,78,12,1',
            ),
        ),
    ],
)
async def test_serving_cell_in_each_technology(
    serve: Serve, dialect: str, technology: Technology, lines: tuple[str, ...]
) -> None:
    host = await connect(serve, dialect)
    host.modem.radio.set(technology=technology)
    assert await host.ask('AT+QENG="servingcell"') == info(*lines)


async def test_serving_cell_while_searching_and_in_limited_service(serve: Serve) -> None:
    host = await connect(serve, "quectel")
    host.modem.radio.set(coverage=False)
    assert await host.ask('AT+QENG="servingcell"') == info('+QENG: "servingcell","SEARCH"')
    host.modem.radio.set(coverage=True)
    host.modem.radio.lock_sim()
    await host.line.read_until(b"SIM PIN\r\n")
    assert await host.ask('AT+QENG="servingcell"') == info(
        f'+QENG: "servingcell","LIMSRV","LTE","FDD",{LTE_CELL},-'
    )
    assert await host.refused('AT+QENG="neighbourcell"') == b"+CME ERROR: 50"


@pytest.mark.parametrize(
    ("technology", "lines"),
    [
        (Technology.LTE, ('+QCSQ: "LTE",-73,-95,175,-10',)),
        (Technology.LTE_M, ('+QCSQ: "CAT-M1",-73,-95,175,-10',)),
        (Technology.NB_IOT, ('+QCSQ: "CAT-NB1",-73,-95,175,-10',)),
        (Technology.UMTS, ('+QCSQ: "WCDMA",73,-85,-6',)),
        (Technology.GSM, ('+QCSQ: "GSM",-73',)),
        (Technology.NR5G_NSA, ('+QCSQ: "LTE",-73,-95,175,-10', '+QCSQ: "NR5G",-88,18,-11')),
    ],
)
async def test_signal_per_technology(
    serve: Serve, technology: Technology, lines: tuple[str, ...]
) -> None:
    host = await connect(serve, "quectel")
    host.modem.radio.set(technology=technology)
    assert await host.ask("AT+QCSQ") == info(*lines)


async def test_sinr_is_encoded_in_fifths_of_a_db_and_clamped(serve: Serve) -> None:
    host = await connect(serve, "httpcfg")
    host.modem.radio.set(sinr_db=-20)
    assert await host.ask("AT+QCSQ") == info('+QCSQ: "LTE",-73,-95,0,-10')
    host.modem.radio.set(sinr_db=40)
    assert await host.ask("AT+QCSQ") == info('+QCSQ: "LTE",-73,-95,250,-10')
    host.modem.radio.set(coverage=False)
    assert await host.ask("AT+QCSQ") == info('+QCSQ: "NOSERVICE"')


@pytest.mark.parametrize("dialect", QUECTEL_PROFILE)
async def test_the_module_temperature_sensors(serve: Serve, dialect: str) -> None:
    host = await connect(serve, dialect)
    assert await host.ask("AT+QTEMP") == info("+QTEMP: 34,33,36")
    host.modem.network.temperature_c = 60
    assert await host.ask("AT+QTEMP") == info("+QTEMP: 58,57,60")


async def test_the_data_counter_counts_what_the_http_stack_moved(
    socket_enabled: None, aiohttp_server: ServerFactory
) -> None:
    async with make_rig("quectel", aiohttp_server) as rig:
        assert await rig.modem.admin.send_command("AT+QGDCNT?") == (["+QGDCNT: 0,0"], "OK")

        response = await rig.modem.http_request("POST", f"{rig.base}/echo", body=b"x" * 300)

        seen = rig.far.seen[0]
        head = f"POST {seen.path} HTTP/1.1\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in seen.headers.items())
        sent = len(head) + 2 + len(seen.body)
        counter = rig.emulator.network.data_counter
        assert counter.sent == sent
        assert counter.received > len(response.body) + len("HTTP/1.1 200 OK\r\n\r\n")
        assert await rig.modem.admin.send_command("AT+QGDCNT?") == (
            [f"+QGDCNT: {counter.sent},{counter.received}"],
            "OK",
        )


async def test_the_data_counter_is_cleared_saved_and_restored_at_the_next_start(
    serve: Serve,
) -> None:
    host = await connect(serve, "quectel")
    host.modem.network.data_counter.add(1200, 5400)
    assert await host.ask("AT+QGDCNT?") == info("+QGDCNT: 1200,5400")
    await host.ask("AT+QGDCNT=1")
    host.modem.network.data_counter.add(100, 100)
    await host.line.send(b"AT+CFUN=1,1\r")
    await host.line.read_until(b"+QIND: PB DONE\r\n")
    await host.line.command("ATE0")
    assert await host.ask("AT+QGDCNT?") == info("+QGDCNT: 1200,5400")
    await host.ask("AT+QGDCNT=0")
    assert await host.ask("AT+QGDCNT?") == info("+QGDCNT: 0,0")
    assert await host.ask("AT+QGDCNT=?") == info("+QGDCNT: (0,1)")
    assert await host.refused("AT+QGDCNT=2") == b"ERROR"


async def test_simcom_commands_are_unknown_to_quectel(serve: Serve) -> None:
    host = await connect(serve, "quectel")
    assert await host.refused("AT+CPSI?") == b"ERROR"
    assert await host.refused("AT+SPIC") == b"ERROR"
