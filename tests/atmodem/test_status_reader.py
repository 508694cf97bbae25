"""Modem.status() and the SIM's PIN, per family, against the emulator on a real socket.

Each story opens the library the integration's way (open_modem on a serial URL) on an emulated
module of the family, moves the emulator's knobs and reads what `Modem.status()` gives back,
with the commands the host sent, so the cost of a poll is part of what is checked.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

import pytest

from custom_components.modem_http.atmodem import (
    Modem,
    ModemStatus,
    ModemTimeoutError,
    Reading,
    RegistrationState,
    RequestRejected,
    SimNotReadyError,
    SimState,
    Technology,
    open_modem,
)
from custom_components.modem_http.atmodem.status import ON_DEMAND
from modem_emulator import EmulatedModem, create_modem
from modem_emulator.commands import CmeError, PlainError
from modem_emulator.radio import Technology as Knob
from modem_emulator.server import ModemServer

from ..recording import record_input

PROFILES = {"simcom": "simcom", "quectel": "quectel", "httpcfg": "quectel"}
"""The module (emulator identity profile) that speaks each family."""


@dataclass
class Rig:
    """An emulated module on a TCP port, what it received, and the library on it."""

    emulator: EmulatedModem
    server: ModemServer
    received: bytearray
    modem: Modem

    def commands_since(self, mark: int) -> list[str]:
        text = bytes(self.received[mark:]).decode("latin-1")
        return [line.strip() for line in text.split("\r") if line.strip()]

    async def status(
        self, wanted: frozenset[Reading] = frozenset()
    ) -> tuple[ModemStatus, list[str]]:
        """One poll and the commands it sent."""
        mark = len(self.received)
        status = await self.modem.status(wanted=wanted)
        return status, self.commands_since(mark)


type Open = Callable[..., Awaitable[Rig]]


@pytest.fixture
async def open_rig(socket_enabled: None) -> AsyncIterator[Open]:
    """Start emulated modules of a family (with a PIN, when given) and open the library on them."""
    rigs: list[Rig] = []

    async def start(dialect: str, *, pin: str | None = None, prepare: Any = None) -> Rig:
        emulator = create_modem(
            dialect, identity=PROFILES[dialect], boot_delay=0.05, boot_step=0.005
        )
        if prepare is not None:
            prepare(emulator)
        received = record_input(emulator)
        server = ModemServer(emulator)
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False, pin=pin)
        rig = Rig(emulator, server, received, modem)
        rigs.append(rig)
        return rig

    yield start
    for rig in rigs:
        await rig.modem.close()
        await rig.server.close()


@pytest.fixture(params=sorted(PROFILES))
def dialect(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


async def test_the_first_poll_sets_up_once_and_later_polls_are_four_or_five_commands(
    open_rig: Open, dialect: str
) -> None:
    """The registration URC mode and the IMSI are asked once; a poll is then a fixed sequence."""
    rig = await open_rig(dialect)
    _first, commands = await rig.status()
    assert commands[:4] == ["AT+CPIN?", "AT+CEREG=2", "AT+CGREG=2", "AT+CIMI"]

    status, commands = await rig.status()
    radio = {"simcom": ["AT+CPSI?"], "quectel": ['AT+QENG="servingcell"']}
    assert commands == [
        "AT+CPIN?",
        "AT+CEREG?",
        *radio.get(dialect, ["AT+CESQ", "AT+CSQ"]),
        "AT+CGPADDR=1",
    ]
    assert status.imsi is not None
    assert status.imsi.value == rig.emulator.identity.imsi


async def test_a_healthy_module_on_lte(open_rig: Open, dialect: str) -> None:
    """What the module prints, typed: the family's own command where it has one."""
    rig = await open_rig(dialect)
    await rig.modem.connect()
    cell, signal = rig.emulator.radio.state.cell, rig.emulator.radio.state.signal

    status, _commands = await rig.status(wanted=ON_DEMAND)

    assert status.sim is not None
    assert status.sim.state is SimState.READY
    assert status.registration is RegistrationState.HOME
    assert status.roaming is False
    assert status.technology is Technology.LTE
    assert status.signal.rssi_dbm == signal.rssi_dbm
    assert status.signal.rsrp_dbm == signal.rsrp_dbm
    assert status.signal.rsrq_db == signal.rsrq_db
    assert status.data_active is True
    assert status.address is not None
    assert status.address.ipv4 == IPv4Address(rig.emulator.network.contexts[1].address)
    assert status.operator == rig.emulator.network.operator
    assert status.cell is not None
    assert (status.cell.cell_id, status.cell.area_code) == (cell.cell_id, cell.area_code)
    if dialect == "httpcfg":
        # 27.007 only: no SINR, no band, no temperature; the cell from +CEREG with <n>=2.
        assert (status.signal.sinr_db, status.cell.band, status.temperature_c) == (None,) * 3
        assert status.data_counters is None
    else:
        assert status.signal.sinr_db == signal.sinr_db
        assert (status.cell.band, status.cell.channel) == (cell.band, cell.channel)
        assert status.cell.physical_id == cell.pci
        assert status.cell.plmn == f"{cell.mcc}-{cell.mnc}"
        assert status.temperature_c == rig.emulator.network.temperature_c
    if dialect == "quectel":
        assert status.data_counters is not None


@pytest.mark.parametrize(
    ("knob", "technology"),
    [(Knob.LTE_M, Technology.LTE_M), (Knob.NB_IOT, Technology.NB_IOT), (Knob.GSM, Technology.GSM)],
)
async def test_the_technology_by_family(
    open_rig: Open, dialect: str, knob: Knob, technology: Technology
) -> None:
    """LTE-M is <AcT> 7 on SIMCom and 8 on Quectel: each family reads its own numbering."""
    rig = await open_rig(dialect)
    rig.emulator.radio.set(technology=knob)

    status, _commands = await rig.status()

    if dialect == "httpcfg" and knob is Knob.LTE_M:
        # The seed family follows 27.007 (8 is EC-GSM-IoT); the emulator's Quectel profile
        # prints a BG96's 8, which that table does not call LTE-M.
        assert status.technology is Technology.GSM
    else:
        assert status.technology is technology
    assert status.registered


async def test_a_module_that_refuses_its_own_radio_command_falls_back_for_good(
    open_rig: Open,
) -> None:
    """Firmware without AT+QENG and AT+QCSQ: AT+CESQ takes over and they are not asked again."""

    def without_engineering_commands(emulator: EmulatedModem) -> None:
        async def refuse(_modem: EmulatedModem, _request: Any) -> None:
            raise PlainError

        emulator.register("+QENG", refuse)
        emulator.register("+QCSQ", refuse)

    rig = await open_rig("quectel", prepare=without_engineering_commands)
    await rig.status()
    status, commands = await rig.status()

    assert commands == ["AT+CPIN?", "AT+CEREG?", "AT+CESQ", "AT+CSQ", "AT+CGPADDR=1"]
    assert status.signal.rsrp_dbm == rig.emulator.radio.state.signal.rsrp_dbm
    assert status.technology is Technology.LTE  # from +CEREG's <AcT>


async def test_an_unreadable_reply_leaves_its_reading_unknown(open_rig: Open) -> None:
    """A garbled AT+CPSI? answer does not fail the poll: the rest is read as usual."""
    rig = await open_rig("simcom")

    async def garbled(modem: EmulatedModem, _request: Any) -> None:
        modem.send_line("+CPSI: LTE,Online,garbage")

    rig.emulator.register("+CPSI", garbled)
    status, commands = await rig.status()

    assert status.registration is RegistrationState.HOME
    assert status.signal.rssi_dbm == rig.emulator.radio.state.signal.rssi_dbm  # from AT+CSQ
    assert "AT+CSQ" in commands
    # What +CEREG with <n>=2 names is still there: the cell and its area, nothing else.
    cell = rig.emulator.radio.state.cell
    assert status.cell is not None
    assert (status.cell.cell_id, status.cell.area_code) == (cell.cell_id, cell.area_code)
    assert (status.cell.band, status.cell.physical_id, status.signal.rsrp_dbm) == (None,) * 3


async def test_no_sim_ends_the_poll_after_cpin(open_rig: Open, dialect: str) -> None:
    """+CME ERROR: 10 to AT+CPIN? is a state (not inserted), and nothing else can be read."""
    rig = await open_rig(dialect)
    rig.emulator.radio.remove_sim()

    status, commands = await rig.status()

    assert commands == ["AT+CPIN?"]
    assert status.sim is not None
    assert status.sim.state is SimState.NOT_INSERTED
    assert status.data_active is False
    with pytest.raises(SimNotReadyError) as refused:
        await rig.modem.connect(timeout=5)
    assert refused.value.cause == "no SIM card is inserted"


@pytest.mark.parametrize("answer", ["error", "bare_ok"])
async def test_the_identity_without_a_sim(open_rig: Open, dialect: str, answer: str) -> None:
    """The ICCID command answers +CME ERROR: 10 or a bare OK: no ICCID, the rest is there."""

    def no_sim(emulator: EmulatedModem) -> None:
        emulator.network.sim.iccid_without_sim = answer  # type: ignore[assignment]
        emulator.network.sim.inserted = False

    rig = await open_rig(dialect, prepare=no_sim)
    identity = await rig.modem.device_info()

    assert identity.iccid is None
    assert identity.imei == rig.emulator.identity.imei


async def test_the_pin_is_entered_once_and_its_ready_line_is_no_restart(
    open_rig: Open, dialect: str
) -> None:
    """After the right PIN the module prints +CPIN: READY unasked: the engine expected it."""
    rig = await open_rig(dialect, pin="1234", prepare=lambda e: e.radio.lock_sim("1234"))
    generation = rig.modem.engine.generation
    restarts: list[object] = []
    rig.modem.add_listener(restarts.append)

    status, commands = await rig.status()

    assert [c for c in commands if c.startswith("AT+CPIN=")] == ['AT+CPIN="1234"']
    assert status.sim is not None
    assert status.sim.state is SimState.READY
    await rig.modem.connect()  # registration follows the unlocked SIM
    await rig.status()  # +CPIN: READY, SMS DONE... have long arrived
    assert rig.emulator.network.sim.status == "READY"
    assert restarts == []
    assert rig.modem.engine.generation == generation


async def test_a_refused_pin_is_not_entered_again_even_after_a_restart(
    open_rig: Open, dialect: str
) -> None:
    """One wrong try, then never again until a new PIN is given; the new one is entered."""
    rig = await open_rig(dialect, pin="0000", prepare=lambda e: e.radio.lock_sim("1234"))

    status, _commands = await rig.status()
    assert status.sim is not None
    assert (status.sim.state, status.sim.pin_refused) == (SimState.PIN_REQUIRED, True)
    with pytest.raises(SimNotReadyError):
        await rig.modem.connect(timeout=5)
    rig.emulator.reset()
    await rig.emulator.wait_booted()
    await rig.status()

    assert b'AT+CPIN="0000"' in rig.received
    assert rig.received.count(b"AT+CPIN=") == 1
    assert rig.emulator.network.sim.pin_attempts == 2

    rig.modem.sim.set_pin("1234")
    status, _commands = await rig.status()
    assert status.sim is not None
    assert status.sim.state is SimState.READY
    assert rig.emulator.network.sim.pin_attempts == 3


async def test_a_sim_that_wants_its_puk_is_never_given_the_pin(open_rig: Open) -> None:
    """+CPIN: SIM PUK: the stored PIN is not tried (it would not help); the tries left show."""

    def blocked(emulator: EmulatedModem) -> None:
        emulator.radio.lock_sim("1234")
        emulator.radio.block_pin()

    rig = await open_rig("simcom", pin="1234", prepare=blocked)
    status, commands = await rig.status()

    assert commands == ["AT+CPIN?", "AT+SPIC"]
    assert status.sim is not None
    assert (status.sim.state, status.sim.pin_tries, status.sim.puk_tries) == (
        SimState.PUK_REQUIRED,
        0,
        10,
    )
    unlocked = await rig.modem.enter_puk("12345678", "4321")
    assert unlocked is not None
    assert unlocked.state is SimState.READY
    assert rig.emulator.network.sim.pin == "4321"


async def test_a_new_pin_that_is_no_pin_is_refused_whatever_the_sims_state(
    open_rig: Open,
) -> None:
    """enter_puk keeps the new PIN for later starts, so it is checked even on a ready SIM."""
    rig = await open_rig("simcom")
    mark = len(rig.received)

    with pytest.raises(RequestRejected) as caught:
        await rig.modem.enter_puk("12345678", "12ab")

    assert caught.value.field == "pin"
    assert rig.commands_since(mark) == []  # refused before the modem heard of it


async def test_a_pin_whose_answer_never_comes_is_not_repeated_in_that_session(
    open_rig: Open,
) -> None:
    """The modem stops answering right after AT+CPIN=: the SIM may have counted the try.

    Not entered again until the modem starts a new session (a restart); then once more.
    """
    rig = await open_rig("simcom", pin="1234", prepare=lambda e: e.radio.lock_sim("1234"))
    original = rig.emulator.handler_for("+CPIN")
    assert original is not None

    answer_late = asyncio.Event()

    async def hang_on_the_pin(modem: EmulatedModem, request: Any) -> None:
        if request.kind == "set":
            await answer_late.wait()  # long after the host gave up; the SIM never saw it
            raise CmeError(100)
        await original(modem, request)

    rig.emulator.register("+CPIN", hang_on_the_pin)
    with pytest.raises(ModemTimeoutError):
        await rig.modem.status(timeout=1.0)
    answer_late.set()
    rig.emulator.register("+CPIN", original)

    status, commands = await rig.status()
    assert status.sim is not None
    assert (status.sim.state, status.sim.pin_refused) == (SimState.PIN_REQUIRED, False)
    assert not [c for c in commands if c.startswith("AT+CPIN=")]

    rig.emulator.reset()
    await rig.emulator.wait_booted()
    status, commands = await rig.status()
    assert [c for c in commands if c.startswith("AT+CPIN=")] == ['AT+CPIN="1234"']
    assert status.sim is not None
    assert status.sim.state is SimState.READY


async def test_any_refusal_of_the_pin_counts_as_wrong(open_rig: Open) -> None:
    """Firmware that answers a wrong PIN with another error than 16 still gets no second try."""
    rig = await open_rig("quectel", pin="1234", prepare=lambda e: e.radio.lock_sim("1234"))
    original = rig.emulator.handler_for("+CPIN")
    assert original is not None

    async def unknown_error_to_the_pin(modem: EmulatedModem, request: Any) -> None:
        if request.kind == "set":
            raise CmeError(100)
        await original(modem, request)

    rig.emulator.register("+CPIN", unknown_error_to_the_pin)
    status, _commands = await rig.status()
    await rig.status()

    assert status.sim is not None
    assert status.sim.pin_refused
    assert rig.received.count(b"AT+CPIN=") == 1
