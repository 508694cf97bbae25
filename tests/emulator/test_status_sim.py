"""Stories of a SIM as a host meets it: ready, PIN-locked, blocked to PUK, missing, pulled out."""

import pytest

from modem_emulator.radio import SimCard

from .conftest import Serve
from .status_rig import FAMILIES, connect, fresh, info, urcs

SIMCOM_READY = ("+CPIN: READY", "SMS DONE", "PB DONE")
QUECTEL_READY = ("+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE")
READY_URCS = {"simcom": SIMCOM_READY, "quectel": QUECTEL_READY, "httpcfg": QUECTEL_READY}


def locked(pin: str = "1234") -> SimCard:
    """A SIM that asks for its PIN."""
    return SimCard(pin=pin, puk="12345678")


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_a_ready_sim_gives_its_imsi_and_iccid(serve: Serve, dialect: str) -> None:
    host = await connect(serve, dialect)
    assert await host.ask("AT+CPIN?") == info("+CPIN: READY")
    assert await host.ask("AT+CIMI") == info("262011234567890")
    iccid_command, prefix = host.modem.identity.iccid_commands[0]
    assert await host.ask(f"AT{iccid_command}") == info(f"{prefix}: 89490200001234567890")


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_a_locked_sim_asks_for_its_pin_and_keeps_the_modem_off_the_network(
    serve: Serve, dialect: str
) -> None:
    modem = fresh(dialect)
    modem.network.sim = locked()
    host = await connect(serve, dialect, modem)

    assert await host.ask("AT+CPIN?") == info("+CPIN: SIM PIN")
    assert await host.refused("AT+CIMI") == b"+CME ERROR: 11"
    # The ICCID file needs no PIN, and the radio still measures the cell it camps on.
    iccid_command, prefix = modem.identity.iccid_commands[0]
    assert await host.ask(f"AT{iccid_command}") == info(f"{prefix}: 89490200001234567890")
    assert await host.ask("AT+CSQ") == info("+CSQ: 20,99")
    assert await host.ask("AT+CREG?") == info("+CREG: 0,0")
    assert await host.ask("AT+COPS?") == info("+COPS: 0")
    assert await host.refused("AT+CGACT=1,1") == b"+CME ERROR: 30"


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_the_right_pin_unlocks_and_the_module_reports_it_unasked(
    serve: Serve, dialect: str
) -> None:
    modem = fresh(dialect)
    modem.network.sim = locked()
    host = await connect(serve, dialect, modem)
    await host.ask("AT+CREG=1")

    assert await host.ask("AT+CPIN=1234") == b"\r\nOK\r\n"
    ready = READY_URCS[dialect]
    # +CPIN: READY, registration right after it, then SMS and phonebook readiness.
    expected = urcs(ready[0], "+CREG: 1", *ready[1:])
    assert await host.line.read_until(ready[-1].encode() + b"\r\n") == expected
    assert await host.ask("AT+CPIN?") == info("+CPIN: READY")
    assert await host.ask("AT+CIMI") == info("262011234567890")


async def test_a_pin_keeps_its_leading_zeros(serve: Serve) -> None:
    modem = fresh("quectel")
    modem.network.sim = locked(pin="0042")
    host = await connect(serve, "quectel", modem)
    assert await host.refused("AT+CPIN=42") == b"+CME ERROR: 50"
    assert await host.ask('AT+CPIN="0042"') == b"\r\nOK\r\n"


async def test_simcom_counts_three_wrong_pins_down_to_the_puk(serve: Serve) -> None:
    modem = fresh("simcom")
    modem.network.sim = locked()
    host = await connect(serve, "simcom", modem)

    assert await host.ask("AT+SPIC") == info("+SPIC: 3,10,3,10")
    assert await host.refused("AT+CPIN=1111") == b"+CME ERROR: 16"
    assert await host.ask("AT+SPIC") == info("+SPIC: 2,10,3,10")
    assert await host.refused("AT+CPIN=2222") == b"+CME ERROR: 16"
    assert await host.refused("AT+CPIN=3333") == b"+CME ERROR: 16"
    assert await host.ask("AT+CPIN?") == info("+CPIN: SIM PUK")
    assert await host.ask("AT+SPIC") == info("+SPIC: 0,10,3,10")
    # Even the right PIN is no use now, and trying it costs no PUK try.
    assert await host.refused("AT+CPIN=1234") == b"+CME ERROR: 12"
    assert await host.ask("AT+SPIC") == info("+SPIC: 0,10,3,10")


async def test_quectel_counts_wrong_pins_in_qpinc(serve: Serve) -> None:
    modem = fresh("quectel")
    modem.network.sim = locked()
    host = await connect(serve, "quectel", modem)

    assert await host.ask("AT+QPINC=?") == info('+QPINC: ("SC","P2")')
    assert await host.ask("AT+QPINC?") == info('+QPINC: "SC",3,10', '+QPINC: "P2",3,10')
    assert await host.refused("AT+CPIN=9999") == b"+CME ERROR: 16"
    assert await host.ask('AT+QPINC="SC"') == info('+QPINC: "SC",2,10')


@pytest.mark.parametrize("dialect", ["simcom", "quectel"])
async def test_the_puk_sets_a_new_pin_that_the_next_start_asks_for(
    serve: Serve, dialect: str
) -> None:
    modem = fresh(dialect)
    modem.network.sim = SimCard(pin="1234", puk="12345678", pin_attempts=0)
    host = await connect(serve, dialect, modem)

    assert await host.ask("AT+CPIN?") == info("+CPIN: SIM PUK")
    assert await host.refused('AT+CPIN="87654321","4321"') == b"+CME ERROR: 16"
    assert modem.network.sim.puk_attempts == 9
    assert await host.ask('AT+CPIN="12345678","4321"') == b"\r\nOK\r\n"
    ready = READY_URCS[dialect]
    assert await host.line.read_until(ready[-1].encode() + b"\r\n") == urcs(*ready)

    await host.line.send(b"AT+CFUN=1,1\r")
    boot = (
        ("RDY", "+CPIN: SIM PIN")
        if dialect == "simcom"
        else ("RDY", "+CFUN: 1", "+CPIN: SIM PIN", "+QUSIM: 1")
    )
    assert await host.line.read_until(boot[-1].encode() + b"\r\n") == b"\r\nOK\r\n" + urcs(*boot)
    await host.line.command("ATE0")
    assert await host.ask("AT+CPIN=4321") == b"\r\nOK\r\n"


async def test_ten_wrong_puks_kill_the_sim(serve: Serve) -> None:
    modem = fresh("simcom")
    modem.network.sim = SimCard(pin="1234", pin_attempts=0, puk_attempts=1)
    host = await connect(serve, "simcom", modem)
    assert await host.refused('AT+CPIN="00000000","1111"') == b"+CME ERROR: 16"
    assert await host.refused("AT+CPIN?") == b"+CME ERROR: 13"


async def test_a_pin_when_none_is_asked_for_is_refused(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    assert await host.refused("AT+CPIN=1234") == b"+CME ERROR: 3"


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_without_a_sim_every_sim_command_says_so(serve: Serve, dialect: str) -> None:
    modem = fresh(dialect)
    modem.network.sim = SimCard(inserted=False)
    host = await connect(serve, dialect, modem)

    assert await host.refused("AT+CPIN?") == b"+CME ERROR: 10"
    assert await host.refused("AT+CIMI") == b"+CME ERROR: 10"
    iccid_command, _prefix = modem.identity.iccid_commands[0]
    assert await host.refused(f"AT{iccid_command}") == b"+CME ERROR: 10"
    counter = "AT+SPIC" if dialect == "simcom" else "AT+QPINC?"
    assert await host.refused(counter) == b"+CME ERROR: 10"
    await host.ask("AT+CMEE=2")
    assert await host.refused("AT+CPIN?") == b"+CME ERROR: SIM not inserted"


async def test_some_firmware_answers_the_iccid_command_with_a_bare_ok_without_a_sim(
    serve: Serve,
) -> None:
    modem = fresh("quectel")
    modem.network.sim = SimCard(inserted=False, iccid_without_sim="bare_ok")
    host = await connect(serve, "quectel", modem)
    assert await host.ask("AT+QCCID") == b"\r\nOK\r\n"


@pytest.mark.parametrize(
    ("dialect", "boot"),
    [
        ("simcom", ("RDY", "+CPIN: SIM REMOVED")),
        ("quectel", ("RDY", "+CFUN: 1", "+CPIN: NOT READY")),
    ],
)
async def test_a_module_starting_without_a_sim_says_so_and_stops_there(
    serve: Serve, dialect: str, boot: tuple[str, ...]
) -> None:
    modem = fresh(dialect)
    modem.network.sim = SimCard(inserted=False)
    host = await connect(serve, dialect, modem)
    await host.line.send(b"AT+CFUN=1,1\r")
    assert await host.line.read_until(boot[-1].encode() + b"\r\n") == b"\r\nOK\r\n" + urcs(*boot)
    assert await host.line.read_for(0.1) == b""


@pytest.mark.parametrize(
    ("dialect", "gone", "dropped"),
    [
        ("simcom", "+CPIN: SIM REMOVED", ("+CGEV: NW PDN DEACT 1",)),
        ("quectel", "+CPIN: NOT READY", ("+CGEV: NW PDN DEACT 1", '+QIURC: "pdpdeact",1')),
    ],
)
async def test_pulling_the_sim_out_drops_registration_and_data_and_putting_it_back_returns(
    serve: Serve, dialect: str, gone: str, dropped: tuple[str, ...]
) -> None:
    host = await connect(serve, dialect)
    await host.ask("AT+CREG=1;+CGEREP=1")
    await host.ask("AT+CGACT=1,1")

    host.modem.radio.remove_sim()
    assert await host.line.read_until(b"+CREG: 0\r\n") == urcs(gone, *dropped, "+CREG: 0")
    assert await host.ask("AT+CGACT?") == info("+CGACT: 1,0")

    host.modem.radio.insert_sim()
    ready = READY_URCS[dialect]
    expected = urcs(ready[0], "+CREG: 1", *ready[1:])
    assert await host.line.read_until(ready[-1].encode() + b"\r\n") == expected
    # The data context stays down: the host brings it up again, as after any loss.
    assert await host.ask("AT+CGACT?") == info("+CGACT: 1,0")


async def test_locking_the_sim_through_the_knob_asks_for_the_pin(serve: Serve) -> None:
    host = await connect(serve, "simcom")
    await host.ask("AT+CREG=1")
    host.modem.radio.lock_sim(pin="2468")
    assert await host.line.read_until(b"+CREG: 0\r\n") == urcs("+CPIN: SIM PIN", "+CREG: 0")
    host.modem.radio.block_pin()
    assert await host.line.read_until(b"PUK\r\n") == urcs("+CPIN: SIM PUK")
    assert await host.ask("AT+SPIC") == info("+SPIC: 0,10,3,10")
