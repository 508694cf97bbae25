"""Modem.status() on a 2G SIM800 and a Cat-M/NB-IoT SIM7080, against the emulator on a socket.

These modules' HTTP stacks run over their own bearers (AT+SAPBR profiles, AT+CNACT networks),
so the data connection's address is read from those; a SIM800 names no technology at all and
has no EPS registration, a SIM7080 answers AT+CPSI? in its Cat-M and NB-IoT layouts.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

import pytest

from custom_components.modem_http.atmodem import (
    Modem,
    ModemStatus,
    Reading,
    RegistrationState,
    SimState,
    Technology,
    open_modem,
)
from custom_components.modem_http.atmodem.families.sim800.status import parse_sapbr_address
from custom_components.modem_http.atmodem.families.sim7080.status import parse_cnact_address
from custom_components.modem_http.atmodem.readings import UnexpectedReply
from custom_components.modem_http.atmodem.status import ON_DEMAND
from modem_emulator import EmulatedModem, create_modem
from modem_emulator.commands import PlainError
from modem_emulator.radio import Technology as Knob
from modem_emulator.server import ModemServer

from ..recording import record_input


@dataclass
class Rig:
    """An emulated module on a TCP port, what it received, and the library on it."""

    emulator: EmulatedModem
    server: ModemServer
    received: bytearray
    modem: Modem

    async def status(
        self, wanted: frozenset[Reading] = frozenset()
    ) -> tuple[ModemStatus, list[str]]:
        """One poll and the commands it sent."""
        mark = len(self.received)
        status = await self.modem.status(wanted=wanted)
        text = bytes(self.received[mark:]).decode("latin-1")
        return status, [line.strip() for line in text.split("\r") if line.strip()]


type Open = Callable[[str], Awaitable[Rig]]


@pytest.fixture
async def open_rig(socket_enabled: None) -> AsyncIterator[Open]:
    rigs: list[Rig] = []

    async def start(dialect: str) -> Rig:
        emulator = create_modem(dialect, boot_delay=0.05, boot_step=0.005)
        received = record_input(emulator)
        server = ModemServer(emulator)
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False)
        rig = Rig(emulator, server, received, modem)
        rigs.append(rig)
        return rig

    yield start
    for rig in rigs:
        await rig.modem.close()
        await rig.server.close()


async def test_a_sim800_on_gsm_reads_creg_csq_and_its_bearer(open_rig: Open) -> None:
    """AT+CREG=2 once, then AT+CPIN?, AT+CREG?, AT+CSQ and AT+SAPBR=2,1: four commands."""
    rig = await open_rig("sim800")
    _first, commands = await rig.status()
    assert commands[:3] == ["AT+CPIN?", "AT+CREG=2", "AT+CIMI"]

    status, commands = await rig.status()
    assert commands == ["AT+CPIN?", "AT+CREG?", "AT+CSQ", "AT+SAPBR=2,1"]
    assert status.sim is not None
    assert status.sim.state is SimState.READY
    assert status.registration is RegistrationState.HOME
    assert status.technology is Technology.GSM  # no <AcT> anywhere: a SIM800 is a 2G module
    assert status.signal.rssi_dbm == rig.emulator.radio.state.signal.rssi_dbm
    assert (status.signal.rsrp_dbm, status.signal.sinr_db) == (None, None)
    cell = rig.emulator.radio.state.cell
    assert status.cell is not None
    assert (status.cell.cell_id, status.cell.area_code) == (cell.cell_id & 0xFFFF, cell.area_code)
    assert status.data_active is False  # the bearer profile is not open yet

    await rig.modem.connect()
    status, _commands = await rig.status(wanted=ON_DEMAND)
    assert status.data_active is True
    assert status.address is not None
    assert status.address.ipv4 == IPv4Address(rig.emulator.network.contexts[1].address)
    assert status.operator == rig.emulator.network.operator
    assert status.temperature_c is None


async def test_a_sim800_that_lost_coverage_is_not_registered_on_any_technology(
    open_rig: Open,
) -> None:
    rig = await open_rig("sim800")
    await rig.modem.connect()
    await rig.status()  # the session's set-up
    rig.emulator.radio.set(coverage=False)

    status, commands = await rig.status()

    assert status.registration is RegistrationState.SEARCHING
    assert status.technology is None
    assert status.data_active is False  # the network dropped the bearer with the registration
    assert commands[1:3] == ["AT+CREG?", "AT+CGREG?"]


async def test_a_sim7080_on_cat_m_then_nb_iot(open_rig: Open) -> None:
    """AT+CPSI? names the technology and the cell; AT+CNACT? says network 0 is up."""
    rig = await open_rig("sim7080")
    await rig.modem.connect()
    await rig.status()

    status, commands = await rig.status(wanted=ON_DEMAND)
    assert commands == ["AT+CPIN?", "AT+CEREG?", "AT+CPSI?", "AT+CNACT?", "AT+COPS?"]
    radio = rig.emulator.radio.state
    assert status.technology is Technology.LTE_M
    assert status.signal.rsrp_dbm == radio.signal.rsrp_dbm
    assert status.signal.rsrq_db == radio.signal.rsrq_db
    assert status.signal.sinr_db == radio.signal.sinr_db
    assert status.cell is not None
    assert (status.cell.band, status.cell.channel) == (radio.cell.band, radio.cell.channel)
    assert status.data_active is True
    assert status.address is not None
    assert status.address.ipv4 == IPv4Address(rig.emulator.network.contexts[1].address)
    assert status.temperature_c is None  # no source shows this family's temperature reply

    rig.emulator.radio.set(technology=Knob.NB_IOT, roaming=True)
    status, _commands = await rig.status()
    assert status.technology is Technology.NB_IOT
    assert status.roaming is True


async def test_a_sim7080_without_cpsi_takes_its_technology_from_cereg(open_rig: Open) -> None:
    """<AcT> 7 is LTE-M on a module with no LTE Cat-1 radio."""
    rig = await open_rig("sim7080")

    async def refused(modem: EmulatedModem, _request: Any) -> None:
        modem.send_line("ERROR")

    rig.emulator.register("+CPSI", refused)
    await rig.status()
    status, commands = await rig.status()

    assert status.technology is Technology.LTE_M
    assert "AT+CESQ" in commands


def test_the_sapbr_query_reads_the_profiles_address_only_while_connected() -> None:
    """`+SAPBR: <cid>,<status>,"<ip>"` (SIM800 Series AT Command Manual V1.09, AT+SAPBR)."""
    up = parse_sapbr_address(['+SAPBR: 1,1,"10.89.193.1"'], 1)
    assert up is not None
    assert up.ipv4 == IPv4Address("10.89.193.1")
    assert parse_sapbr_address(['+SAPBR: 1,3,"0.0.0.0"'], 1) is None
    assert parse_sapbr_address(['+SAPBR: 1,0,"0.0.0.0"'], 1) is None  # still connecting
    with pytest.raises(UnexpectedReply):
        parse_sapbr_address(['+SAPBR: 1,1,"not an address"'], 1)
    with pytest.raises(UnexpectedReply):
        parse_sapbr_address(['+SAPBR: 2,1,"10.0.0.1"'], 1)


def test_the_cnact_query_reads_the_network_that_runs_on_the_context() -> None:
    """Four `+CNACT: <pdpidx>,<status>,"<ip>"` lines; network 0 is PDP context 1."""
    lines = [
        '+CNACT: 0,1,"10.155.118.146"',
        '+CNACT: 1,0,"0.0.0.0"',
        '+CNACT: 2,0,"0.0.0.0"',
        '+CNACT: 3,0,"0.0.0.0"',
    ]
    up = parse_cnact_address(lines, 1)
    assert up is not None
    assert (up.cid, up.ipv4) == (1, IPv4Address("10.155.118.146"))
    assert parse_cnact_address(lines, 2) is None
    with pytest.raises(UnexpectedReply):
        parse_cnact_address(["OK"], 1)


async def test_what_a_module_refuses_or_garbles_is_unknown_and_the_poll_goes_on(
    open_rig: Open,
) -> None:
    """No EPS registration command, no AT+COPS, a garbled AT+CNACT? reply.

    The GPRS registration stands in, the operator and temperature stay unknown, and whether the
    data connection is up is unknown too rather than "down": nothing said it was.
    """
    rig = await open_rig("sim7080")

    async def refused(_modem: EmulatedModem, _request: Any) -> None:
        raise PlainError

    async def garbled(modem: EmulatedModem, _request: Any) -> None:
        modem.send_line("+CNACT: 0,1,somewhere")

    rig.emulator.register("+CEREG", refused)
    rig.emulator.register("+COPS", refused)
    rig.emulator.register("+CNACT", garbled)
    _first, first_commands = await rig.status()
    assert first_commands[1:3] == ["AT+CEREG=2", "AT+CGREG=2"]  # one refused, one taken

    status, commands = await rig.status(wanted=ON_DEMAND)

    assert commands[1:3] == ["AT+CEREG?", "AT+CGREG?"]
    assert status.registration is RegistrationState.HOME
    assert status.technology is Technology.LTE_M  # AT+CPSI? still names it
    assert status.operator is None
    assert status.temperature_c is None  # the family does not ask: no source shows its reply
    assert "AT+CPMUTEMP" not in commands
    assert status.data_active is None
    assert status.address is None


async def test_a_garbled_temperature_is_unknown(open_rig: Open) -> None:
    """A SIM7600 whose AT+CPMUTEMP prints no number: the rest of the poll stands."""
    rig = await open_rig("simcom")

    async def hot(modem: EmulatedModem, _request: Any) -> None:
        modem.send_line("+CPMUTEMP: very")

    rig.emulator.register("+CPMUTEMP", hot)
    await rig.modem.connect()
    status, commands = await rig.status(wanted=ON_DEMAND)

    assert "AT+CPMUTEMP" in commands
    assert status.temperature_c is None
    assert status.data_active is True
