"""Stories of the network as the 3GPP status commands show it, moved by the radio knobs."""

import pytest

from modem_emulator.__main__ import apply_radio_options, build_parser
from modem_emulator.radio import Technology

from .conftest import Serve
from .status_rig import FAMILIES, connect, fresh, info, urcs


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_signal_strength_follows_the_rssi_the_radio_measures(
    serve: Serve, dialect: str
) -> None:
    host = await connect(serve, dialect)
    assert await host.ask("AT+CSQ") == info("+CSQ: 20,99")
    host.modem.radio.set(rssi_dbm=-51)
    assert await host.ask("AT+CSQ") == info("+CSQ: 31,99")
    host.modem.radio.set(rssi_dbm=-120)
    assert await host.ask("AT+CSQ") == info("+CSQ: 0,99")
    host.modem.radio.set(technology=Technology.GSM, rssi_dbm=-85, ber=2)
    assert await host.ask("AT+CSQ") == info("+CSQ: 14,2")
    host.modem.radio.set(coverage=False)
    assert await host.ask("AT+CSQ") == info("+CSQ: 99,99")


async def test_the_radio_off_measures_nothing(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    await host.ask("AT+CFUN=4")
    assert await host.ask("AT+CSQ") == info("+CSQ: 99,99")
    assert await host.ask("AT+CESQ") == info("+CESQ: 99,99,255,255,255,255")


@pytest.mark.parametrize(
    ("technology", "cesq"),
    [
        (Technology.LTE, "+CESQ: 99,99,255,255,20,46"),
        (Technology.NB_IOT, "+CESQ: 99,99,255,255,20,46"),
        (Technology.GSM, "+CESQ: 38,99,255,255,255,255"),
        (Technology.UMTS, "+CESQ: 99,99,36,37,255,255"),
    ],
)
async def test_extended_signal_quality_fills_the_fields_of_the_technology(
    serve: Serve, technology: Technology, cesq: str
) -> None:
    host = await connect(serve, "quectel")
    host.modem.radio.set(technology=technology)
    assert await host.ask("AT+CESQ") == info(cesq)


async def test_extended_signal_quality_tables_clamp_at_their_ends(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    host.modem.radio.set(rsrp_dbm=-150, rsrq_db=-2)
    assert await host.ask("AT+CESQ") == info("+CESQ: 99,99,255,255,34,0")
    host.modem.radio.set(rsrp_dbm=-40, rsrq_db=-25)
    assert await host.ask("AT+CESQ") == info("+CESQ: 99,99,255,255,0,97")
    assert await host.ask("AT+CESQ=?") == info(
        "+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),(0-97,255)"
    )


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_roaming_shows_in_every_registration_command_and_as_urcs(
    serve: Serve, dialect: str
) -> None:
    host = await connect(serve, dialect)
    await host.ask("AT+CREG=1;+CGREG=1;+CEREG=2")
    host.modem.radio.set(roaming=True)
    assert await host.line.read_until(b",7\r\n") == urcs(
        "+CREG: 5", "+CGREG: 5", '+CEREG: 5,"1A2B","01C2D3E4",7'
    )
    assert await host.ask("AT+CREG?") == info("+CREG: 1,5")
    assert await host.ask("AT+CEREG?") == info('+CEREG: 2,5,"1A2B","01C2D3E4",7')
    # Roaming is still registered: data can flow.
    assert await host.ask("AT+CGACT=1,1") == b"\r\nOK\r\n"


async def test_losing_coverage_searches_and_drops_the_data_context(serve: Serve) -> None:
    host = await connect(serve, "quectel")
    await host.ask("AT+QIACT=1")
    await host.ask("AT+CEREG=1")

    host.modem.radio.set(coverage=False)
    assert await host.line.read_until(b"+CEREG: 2\r\n") == urcs('+QIURC: "pdpdeact",1', "+CEREG: 2")
    assert await host.ask("AT+CEREG?") == info("+CEREG: 1,2")
    assert await host.ask("AT+COPS?") == info("+COPS: 0")
    assert await host.ask("AT+QIACT?") == b"\r\nOK\r\n"

    host.modem.radio.set(coverage=True)
    assert await host.line.read_until(b"+CEREG: 1\r\n") == urcs("+CEREG: 1")
    assert await host.ask("AT+QIACT?") == b"\r\nOK\r\n"


async def test_a_denied_registration_is_reported_without_location(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    await host.ask("AT+CREG=2")
    host.modem.radio.set(registration=3)
    assert await host.line.read_until(b"+CREG: 3\r\n") == urcs("+CREG: 3")
    assert await host.ask("AT+CREG?") == info("+CREG: 2,3")


async def test_an_unchanged_state_prints_no_urc(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    await host.ask("AT+CREG=1")
    host.modem.radio.set(rsrp_dbm=-100, roaming=False)
    assert await host.line.read_for(0.05) == b""


async def test_moving_to_gsm_leaves_eps_registration_and_changes_the_cell(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    await host.ask("AT+CREG=2;+CEREG=1")
    host.modem.radio.set(technology=Technology.GSM)
    assert await host.line.read_until(b"+CEREG: 0\r\n") == urcs(
        '+CREG: 1,"1A2B","D3E4",0', "+CEREG: 0"
    )


async def test_nb_iot_registers_on_eps_only(serve: Serve) -> None:
    host = await connect(serve, "quectel")
    host.modem.radio.set(technology=Technology.NB_IOT)
    assert await host.ask("AT+CEREG?") == info("+CEREG: 0,1")
    assert await host.ask("AT+CREG?") == info("+CREG: 0,0")
    assert await host.ask("AT+CGREG?") == info("+CGREG: 0,0")


@pytest.mark.parametrize(
    ("dialect", "technology", "act"),
    [
        ("simcom", Technology.GSM, 0),
        ("simcom", Technology.UMTS, 2),
        ("simcom", Technology.LTE, 7),
        ("simcom", Technology.LTE_M, 7),
        ("quectel", Technology.LTE_M, 8),
        ("httpcfg", Technology.LTE_M, 8),
        ("quectel", Technology.NB_IOT, 9),
        ("quectel", Technology.NR5G_NSA, 13),
    ],
)
async def test_the_operator_comes_with_the_access_technology_as_the_family_numbers_it(
    serve: Serve, dialect: str, technology: Technology, act: int
) -> None:
    host = await connect(serve, dialect)
    host.modem.radio.set(technology=technology)
    assert await host.ask("AT+COPS?") == info(f'+COPS: 0,0,"Operator",{act}')


async def test_the_operator_in_numeric_and_short_format(serve: Serve) -> None:
    host = await connect(serve, "quectel")
    host.modem.radio.set(operator="Telekom.de", mcc="262", mnc="01")
    await host.ask("AT+COPS=3,2")
    assert await host.ask("AT+COPS?") == info('+COPS: 0,2,"26201",7')
    await host.ask("AT+COPS=3,1")
    assert await host.ask("AT+COPS?") == info('+COPS: 0,1,"Telekom.",7')
    assert await host.refused("AT+COPS=3,7") == b"+CME ERROR: 50"
    await host.line.send(b"AT+CFUN=1,1\r")
    await host.line.read_until(b"+QIND: PB DONE\r\n")
    await host.line.command("ATE0")
    assert await host.ask("AT+COPS?") == info('+COPS: 0,0,"Telekom.de",7')


@pytest.mark.parametrize(
    ("dialect", "down", "up"),
    [
        ("simcom", "+CGPADDR: 1,0.0.0.0", "+CGPADDR: 1,10.64.0.2"),
        ("quectel", '+CGPADDR: 1,"0.0.0.0"', '+CGPADDR: 1,"10.64.0.2"'),
        ("httpcfg", '+CGPADDR: 1,"0.0.0.0"', '+CGPADDR: 1,"10.64.0.2"'),
    ],
)
async def test_the_context_address_appears_once_the_context_is_up(
    serve: Serve, dialect: str, down: str, up: str
) -> None:
    host = await connect(serve, dialect)
    assert await host.ask("AT+CGPADDR=1") == info(down)
    await host.ask("AT+CGACT=1,1")
    assert await host.ask("AT+CGPADDR=1") == info(up)
    await host.ask('AT+CGDCONT=2,"IP","apn.example"')
    second = down.replace("1,", "2,")
    assert await host.ask("AT+CGPADDR") == info(up, second)
    assert await host.ask("AT+CGPADDR=?") == info("+CGPADDR: (1,2)")
    assert await host.refused("AT+CGPADDR=5") == b"+CME ERROR: 3"


async def test_the_command_line_starts_a_roaming_nb_iot_modem_with_a_locked_sim(
    serve: Serve,
) -> None:
    args = build_parser().parse_args(
        [
            *("--dialect", "quectel", "--technology", "nb_iot", "--roaming"),
            *("--sim-pin", "0000", "--rsrp-dbm", "-118", "--temperature", "51"),
        ]
    )
    modem = fresh(args.dialect)
    apply_radio_options(modem, args)
    host = await connect(serve, "quectel", modem)

    assert await host.ask("AT+CPIN?") == info("+CPIN: SIM PIN")
    assert await host.ask("AT+CEREG?") == info("+CEREG: 0,0")
    assert await host.ask("AT+CPIN=0000") == b"\r\nOK\r\n"
    await host.line.read_until(b"+QIND: PB DONE\r\n")
    assert await host.ask("AT+CEREG?") == info("+CEREG: 0,5")
    assert await host.ask("AT+COPS?") == info('+COPS: 0,0,"Operator",9')
    assert await host.ask("AT+CESQ") == info("+CESQ: 99,99,255,255,20,23")
    assert await host.ask("AT+QTEMP") == info("+QTEMP: 49,48,51")


def test_the_command_line_refuses_a_pin_with_no_sim_and_a_pin_that_is_no_pin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["--sim-pin", "1234", "--no-sim"])
    assert "not allowed with argument" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["--sim-pin", "12ab"])
    assert "expected 4 to 8 digits" in capsys.readouterr().err


async def test_the_command_line_can_start_without_a_sim_or_coverage(serve: Serve) -> None:
    args = build_parser().parse_args(["--dialect", "simcom", "--no-sim", "--no-coverage"])
    modem = fresh(args.dialect)
    apply_radio_options(modem, args)
    host = await connect(serve, "simcom", modem)
    assert await host.refused("AT+CPIN?") == b"+CME ERROR: 10"
    assert await host.ask("AT+CPSI?") == info("+CPSI: NO SERVICE,Online")
