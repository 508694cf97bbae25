"""Stories of SIMCom's AT+CPSI? and AT+CPMUTEMP, in each system mode the module reports."""

import pytest

from modem_emulator.radio import Technology

from .conftest import Serve
from .status_rig import connect, info

LTE = "+CPSI: LTE,Online,262-01,0x1A2B,29545444,257,EUTRAN-BAND3,1300,5,5,-100,-950,-730,15"


@pytest.mark.parametrize(
    ("technology", "lines"),
    [
        (
            Technology.LTE,
            (LTE,),
        ),
        (
            Technology.LTE_M,
            (
                "+CPSI: LTE CAT-M1,Online,262-01,0x1A2B,29545444,187,EUTRAN-BAND20,6400,3,3,"
                "-10,-95,-73,15",
            ),
        ),
        (
            Technology.NB_IOT,
            (
                "+CPSI: LTE NB-IOT,Online,262-01,0x1A2B,29545444,12,EUTRAN-BAND8,3702,0,0,"
                "-10,-95,-73,15",
            ),
        ),
        (
            Technology.GSM,
            ("+CPSI: GSM,Online,262-01,0x1a2b,54244,26 EGSM 900,-73,0,33-33",),
        ),
        (
            Technology.UMTS,
            (
                "+CPSI: WCDMA,Online,262-01,0x1A2B,29545444,WCDMA IMT 2000,279,10663,"
                "0,6.0,85,18,30,500",
            ),
        ),
        (
            Technology.NR5G_NSA,
            (
                LTE,
                "+CPSI: NR5G,832,627264,-11,-88,180",
            ),
        ),
    ],
)
async def test_system_information_in_each_mode(
    serve: Serve, technology: Technology, lines: tuple[str, ...]
) -> None:
    host = await connect(serve, "simcom")
    host.modem.radio.set(technology=technology)
    assert await host.ask("AT+CPSI?") == info(*lines)


async def test_system_information_follows_the_signal_and_the_cell(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    host.modem.radio.set(
        rsrp_dbm=-112, rsrq_db=-14, rssi_dbm=-80, sinr_db=-3, pci=58, cell_id=22060
    )
    assert await host.ask("AT+CPSI?") == info(
        "+CPSI: LTE,Online,262-01,0x1A2B,22060,58,EUTRAN-BAND3,1300,5,5,-140,-1120,-800,-3"
    )


async def test_no_service_and_low_power_mode(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    host.modem.radio.set(coverage=False)
    assert await host.ask("AT+CPSI?") == info("+CPSI: NO SERVICE,Online")
    await host.ask("AT+CFUN=0")
    assert await host.ask("AT+CPSI?") == info("+CPSI: NO SERVICE,Low Power Mode")


async def test_a_sim_less_module_still_shows_the_cell_it_camps_on(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    host.modem.radio.remove_sim()
    await host.line.read_until(b"REMOVED\r\n")
    assert (await host.ask("AT+CPSI?")).startswith(b"\r\n+CPSI: LTE,Online,262-01,")


async def test_the_module_temperature(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    assert await host.ask("AT+CPMUTEMP") == info("+CPMUTEMP: 36")
    host.modem.network.temperature_c = 71
    assert await host.ask("AT+CPMUTEMP") == info("+CPMUTEMP: 71")


async def test_quectel_commands_are_unknown_to_simcom(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    assert await host.refused('AT+QENG="servingcell"') == b"ERROR"
    assert await host.refused("AT+QGDCNT?") == b"ERROR"
