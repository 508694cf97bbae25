"""Status commands of a 2G SIM800 and a Cat-M/NB-IoT SIM7080, as their firmware prints them."""

import pytest

from modem_emulator.__main__ import apply_radio_options, build_parser
from modem_emulator.radio import Technology

from .conftest import Serve
from .status_rig import connect, fresh, info, urcs


async def test_a_sim800_is_a_gsm_module_without_eps_or_act(serve: Serve) -> None:
    """+CREG with a 16-bit cell id and no <AcT>, no AT+CEREG, no AT+CESQ, no AT+CPSI."""
    host = await connect(serve, "sim800")
    assert host.modem.network.radio.technology is Technology.GSM

    assert await host.ask("AT+CREG=2") == b"\r\nOK\r\n"
    assert await host.ask("AT+CREG?") == info('+CREG: 2,1,"1A2B","D3E4"')
    assert await host.ask("AT+COPS?") == info('+COPS: 0,0,"Operator"')
    assert await host.ask("AT+CSQ") == info("+CSQ: 20,99")
    for command in ("AT+CEREG?", "AT+CESQ", "AT+CPSI?"):
        assert await host.refused(command) == b"ERROR"


async def test_a_sim800_roams_and_loses_coverage(serve: Serve) -> None:
    host = await connect(serve, "sim800")
    await host.ask("AT+CREG=2")

    host.modem.radio.set(roaming=True)
    assert await host.ask("AT+CREG?") == urcs('+CREG: 5,"1A2B","D3E4"') + info(
        '+CREG: 2,5,"1A2B","D3E4"'
    )

    host.modem.radio.set(coverage=False)
    assert await host.ask("AT+CREG?") == urcs("+CREG: 2") + info("+CREG: 2,2")
    assert await host.ask("AT+CSQ") == info("+CSQ: 99,99")


async def test_a_sim800_has_no_lte_radio(serve: Serve) -> None:
    host = await connect(serve, "sim800")
    with pytest.raises(ValueError, match="gsm only"):
        host.modem.radio.set(technology=Technology.LTE)
    assert host.modem.network.radio.technology is Technology.GSM


async def test_a_sim7080_reports_its_cat_m_cell_with_cpsi(serve: Serve) -> None:
    """LTE CAT-M1 in whole dB(m), then NB-IoT (<AcT> 9), then no service (searching)."""
    host = await connect(serve, "sim7080")
    assert host.modem.network.radio.technology is Technology.LTE_M

    assert await host.ask("AT+CPSI?") == info(
        "+CPSI: LTE CAT-M1,Online,262-01,0x1A2B,29545444,187,EUTRAN-BAND20,6400,3,3,-10,-95,-73,15"
    )
    await host.ask("AT+CEREG=2")
    assert await host.ask("AT+CEREG?") == info('+CEREG: 2,1,"1A2B","01C2D3E4",7')

    host.modem.radio.set(technology=Technology.NB_IOT, rsrp_dbm=-77, rsrq_db=-7, sinr_db=14)
    assert await host.ask("AT+CPSI?") == urcs('+CEREG: 1,"1A2B","01C2D3E4",9') + info(
        "+CPSI: LTE NB-IOT,Online,262-01,0x1A2B,29545444,12,EUTRAN-BAND8,3702,0,0,-7,-77,-73,14"
    )
    assert await host.ask("AT+COPS?") == info('+COPS: 0,0,"Operator",9')

    host.modem.radio.set(coverage=False)
    assert await host.ask("AT+CPSI?") == urcs("+CEREG: 2") + info("+CPSI: NO SERVICE,Online")


async def test_a_sim7080_has_no_temperature_command_nor_lte_cat_1(serve: Serve) -> None:
    host = await connect(serve, "sim7080")
    assert await host.refused("AT+CPMUTEMP") == b"ERROR"
    with pytest.raises(ValueError, match="lte_m, nb_iot only"):
        host.modem.radio.set(technology=Technology.LTE)


def test_the_command_line_refuses_a_technology_the_module_has_not() -> None:
    modem = fresh("sim800")
    args = build_parser().parse_args(["--dialect", "sim800", "--technology", "lte"])
    with pytest.raises(ValueError, match="gsm only"):
        apply_radio_options(modem, args)
    fine = build_parser().parse_args(["--dialect", "sim7080", "--technology", "nb_iot"])
    nb_iot = fresh("sim7080")
    apply_radio_options(nb_iot, fine)
    assert nb_iot.network.radio.technology is Technology.NB_IOT
