"""The readings agree with the emulator: what a knob sets is what the parsers read back.

The emulator prints each family's formats (see modem_emulator/*_status.py for their sources);
these stories run its real bytes through the parsers, per family and per technology, so the two
cannot drift apart unnoticed.
"""

from collections.abc import AsyncIterator
from ipaddress import IPv4Address

import pytest

from custom_components.modem_http.atmodem.readings import (
    ACT_3GPP,
    ACT_LTE_M_AS_8,
    PinCounters,
    RegistrationState,
    ServingCell,
    SignalQuality,
    SimState,
    Technology,
    parse_cesq,
    parse_cgpaddr,
    parse_cimi,
    parse_cops,
    parse_cpin,
    parse_cpmutemp,
    parse_cpsi,
    parse_csq,
    parse_qcsq,
    parse_qeng_servingcell,
    parse_qgdcnt,
    parse_qpinc,
    parse_qtemp,
    parse_registration,
    parse_spic,
    technology_from_act,
)
from modem_emulator import EmulatedModem, create_modem
from modem_emulator.radio import SimCard
from modem_emulator.radio import Technology as Knob

TECHNOLOGIES = [
    (Knob.GSM, Technology.GSM),
    (Knob.UMTS, Technology.UMTS),
    (Knob.LTE, Technology.LTE),
    (Knob.LTE_M, Technology.LTE_M),
    (Knob.NB_IOT, Technology.NB_IOT),
    (Knob.NR5G_NSA, Technology.NR5G_NSA),
]


async def ask(modem: EmulatedModem, command: str) -> list[str]:
    """The information lines of one command's reply, which must end in OK."""
    raw = await modem.exchange(command.encode() + b"\r")
    lines = [line for line in raw.decode().split("\r\n") if line]
    assert lines[-1] == "OK", lines
    return lines[:-1]


@pytest.fixture(params=["simcom", "quectel", "httpcfg"])
async def modem(request: pytest.FixtureRequest) -> AsyncIterator[EmulatedModem]:
    """A module of each family, talked to without a transport."""
    emulated = create_modem(request.param, echo=False, boot_delay=0.01, boot_step=0.001)
    yield emulated
    await emulated.close()


@pytest.mark.parametrize(("knob", "technology"), TECHNOLOGIES)
async def test_operator_registration_and_3gpp_signal(
    modem: EmulatedModem, knob: Knob, technology: Technology
) -> None:
    modem.radio.set(technology=knob, roaming=True, rssi_dbm=-81, rsrp_dbm=-104, rsrq_db=-12)
    table = ACT_3GPP if modem.identity.profile == "simcom" else ACT_LTE_M_AS_8
    operator = parse_cops(await ask(modem, "AT+COPS?"))
    expected = technology
    if knob is Knob.LTE_M and modem.identity.profile == "simcom":
        expected = Technology.LTE  # SIMCom's AcT 7 cannot tell LTE-M from LTE; AT+CPSI? can
    assert technology_from_act(operator.act, table) is expected
    assert operator.name == "Operator"

    await ask(modem, "AT+CREG=2;+CEREG=2")
    command = "AT+CREG?" if technology in {Technology.GSM, Technology.UMTS} else "AT+CEREG?"
    registration = parse_registration(await ask(modem, command), command)
    assert registration.state is RegistrationState.ROAMING
    assert registration.area_code == modem.network.radio.cell.area_code

    assert parse_csq(await ask(modem, "AT+CSQ")).rssi_dbm == -81
    cesq = parse_cesq(await ask(modem, "AT+CESQ"))
    if technology is Technology.GSM:
        assert cesq.rxlev_dbm == -81
    elif technology is Technology.UMTS:
        assert (cesq.rscp_dbm, cesq.ecno_db) == (-85, -6.0)
    else:
        assert (cesq.rsrp_dbm, cesq.rsrq_db) == (-104, -12.0)


@pytest.mark.parametrize(("knob", "technology"), TECHNOLOGIES)
async def test_the_familys_serving_cell_command(
    modem: EmulatedModem, knob: Knob, technology: Technology
) -> None:
    modem.radio.set(technology=knob, rsrp_dbm=-104, rsrq_db=-12, sinr_db=7, rssi_dbm=-75)
    cell = modem.network.radio.cell
    if modem.identity.profile == "simcom":
        info = parse_cpsi(await ask(modem, "AT+CPSI?"))
        parsed_cell, signal, nr_signal = info.cell, info.signal, info.nr_signal
        assert info.technology is technology
    else:
        qeng = parse_qeng_servingcell(await ask(modem, 'AT+QENG="servingcell"'))
        parsed_cell, signal, nr_signal = qeng.cell, qeng.signal, qeng.nr_signal
        assert qeng.technology is technology
        qcsq = parse_qcsq(await ask(modem, "AT+QCSQ"))
        assert qcsq.technology is technology
        if technology not in {Technology.GSM, Technology.UMTS}:
            assert qcsq.signal == SignalQuality(-75, -104, -12, 7)
    assert parsed_cell is not None
    assert (parsed_cell.mcc, parsed_cell.mnc) == ("262", "01")
    assert parsed_cell.area_code == cell.area_code
    assert parsed_cell.channel == cell.channel
    if technology is Technology.GSM:
        assert parsed_cell.cell_id == cell.cell_id & 0xFFFF
        assert signal == SignalQuality(rssi_dbm=-75)
    elif technology is Technology.UMTS:
        assert parsed_cell.cell_id == cell.cell_id
        assert signal == SignalQuality(rscp_dbm=-85, ecio_db=-6)
    else:
        assert parsed_cell == ServingCell(
            parsed_cell.technology,
            "262",
            "01",
            cell.area_code,
            cell.cell_id,
            cell.pci,
            cell.band,
            cell.channel,
        )
        assert signal == SignalQuality(rssi_dbm=-75, rsrp_dbm=-104, rsrq_db=-12, sinr_db=7)
    if technology is Technology.NR5G_NSA:
        assert nr_signal == SignalQuality(rsrp_dbm=-88, rsrq_db=-11, sinr_db=18)


async def test_pin_state_counters_and_imsi(modem: EmulatedModem) -> None:
    modem.network.sim = SimCard(pin="1234")
    assert parse_cpin(await ask(modem, "AT+CPIN?")) is SimState.PIN_REQUIRED
    await modem.exchange(b"AT+CPIN=9999\r", until=(b"ERROR",))
    if modem.identity.profile == "simcom":
        assert parse_spic(await ask(modem, "AT+SPIC")) == PinCounters(2, 10, 3, 10)
    else:
        assert parse_qpinc(await ask(modem, "AT+QPINC?")) == PinCounters(2, 10, 3, 10)
    # OK, then the SIM's readiness unasked; both SIMCom and Quectel end with phonebook readiness.
    unlocked = await modem.exchange(b"AT+CPIN=1234\r", until=(b"PB DONE\r\n",))
    assert unlocked.startswith(b"\r\nOK\r\n\r\n+CPIN: READY\r\n")
    assert parse_cpin(await ask(modem, "AT+CPIN?")) is SimState.READY
    assert parse_cimi(await ask(modem, "AT+CIMI")).value == modem.identity.imsi


async def test_address_temperature_and_counters(modem: EmulatedModem) -> None:
    await ask(modem, "AT+CGACT=1,1")
    assert parse_cgpaddr(await ask(modem, "AT+CGPADDR=1"))[0].ipv4 == IPv4Address("10.64.0.2")
    modem.network.temperature_c = 44
    if modem.identity.profile == "simcom":
        assert parse_cpmutemp(await ask(modem, "AT+CPMUTEMP")) == 44
        return
    assert parse_qtemp(await ask(modem, "AT+QTEMP")).hottest_c == 44
    modem.network.data_counter.add(512, 4096)
    counters = parse_qgdcnt(await ask(modem, "AT+QGDCNT?"))
    assert (counters.sent_bytes, counters.received_bytes) == (512, 4096)
