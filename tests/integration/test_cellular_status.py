"""What the dashboard shows about the cellular side, for each module family, from the modem itself.

Each story starts a fast-booting emulated module of the family on a TCP port, lets Home
Assistant set it up, turns on the entities created disabled (as a user does on the device page)
and compares each entity with what the module's own commands print: the emulator's radio state
is the single source, printed as AT+CPSI? (SIMCom), AT+QENG="servingcell" (Quectel) or AT+CESQ,
AT+CSQ and AT+CEREG with <n>=2 (the 27.007 family). Then the emulator's knobs move (roaming,
another technology, no coverage, the SIM pulled out, the data context dropped) and the entities
follow at the next poll. The commands of one poll are recorded and counted.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Final

import pytest
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.modem_http.atmodem import Reading
from custom_components.modem_http.const import DOMAIN
from modem_emulator.radio import Technology

from .conftest import ServiceModem, call_service, entity_id, state_of, wait_for_state
from .modems import STATUS_DIALECTS

ALWAYS: Final = (
    "sim_state",
    "network_registration",
    "network_type",
    "signal_strength",
    "ip_address",
)
"""Sensors every family has."""
OPTIONAL: Final = {
    "rsrp": Reading.RSRP,
    "rsrq": Reading.RSRQ,
    "sinr": Reading.SINR,
    "cell_id": Reading.CELL_ID,
    "area_code": Reading.AREA_CODE,
    "physical_cell_id": Reading.PHYSICAL_CELL_ID,
    "band": Reading.BAND,
    "channel": Reading.CHANNEL,
    "plmn": Reading.PLMN,
    "temperature": Reading.TEMPERATURE,
    "modem_bytes_sent": Reading.DATA_COUNTERS,
    "modem_bytes_received": Reading.DATA_COUNTERS,
    "operator": Reading.OPERATOR,
}
"""Sensors a family has only when it reports the reading."""
FAMILY_READINGS: Final = {
    "simcom": set(Reading) - {Reading.DATA_COUNTERS},
    "quectel": set(Reading),
    "httpcfg": {Reading.RSRP, Reading.RSRQ, Reading.CELL_ID, Reading.AREA_CODE, Reading.OPERATOR},
    "sim800": {Reading.CELL_ID, Reading.AREA_CODE, Reading.OPERATOR},
    "sim7080": set(Reading) - {Reading.TEMPERATURE, Reading.DATA_COUNTERS},
}
"""What each family's commands measure (the 27.007 family: no SINR, band, channel, PCI,
PLMN, temperature or counters; a 2G SIM800 only AT+CSQ and its registration's cell)."""
POLL: Final = {
    "simcom": ["AT+CPIN?", "AT+CEREG?", "AT+CPSI?", "AT+CGPADDR=1"],
    "quectel": ["AT+CPIN?", "AT+CEREG?", 'AT+QENG="servingcell"', "AT+CGPADDR=1"],
    "httpcfg": ["AT+CPIN?", "AT+CEREG?", "AT+CESQ", "AT+CSQ", "AT+CGPADDR=1"],
    "sim800": ["AT+CPIN?", "AT+CREG?", "AT+CSQ", "AT+SAPBR=2,1"],
    "sim7080": ["AT+CPIN?", "AT+CEREG?", "AT+CPSI?", "AT+CNACT?"],
}
"""One poll with the entities enabled by default, on each module's own radio (LTE; GSM for the
SIM800, LTE-M for the SIM7080): four commands, five for the 27.007 family (AT+CESQ has no
RSSI, so AT+CSQ follows). The SIM800 and SIM7080 read their own bearer's address."""
ON_DEMAND_COMMANDS: Final = {
    "simcom": ["AT+COPS?", "AT+CPMUTEMP"],
    "quectel": ["AT+COPS?", "AT+QTEMP", "AT+QGDCNT?"],
    "httpcfg": ["AT+COPS?"],
    "sim800": ["AT+COPS?"],
    "sim7080": ["AT+COPS?"],
}
"""What the operator, temperature and data counter sensors add once the user enables them."""
HOME_TECHNOLOGY: Final = {"sim800": Technology.GSM, "sim7080": Technology.LTE_M}
"""What a module camps on at power-on when it is not LTE (a 2G SIM800, a Cat-M SIM7080)."""
OTHER_TECHNOLOGY: Final = {"sim7080": Technology.NB_IOT}
"""Where a module moves for the roaming story when it is not a GSM cell (SIM7080 has no 2G)."""
UMTS_DIALECTS: Final = ("simcom", "quectel", "httpcfg")
"""The families whose modules have a 3G radio."""

type Start = Callable[..., Awaitable[ServiceModem]]


@pytest.fixture(params=STATUS_DIALECTS)
async def status_modem(
    request: pytest.FixtureRequest, service_modem_factory: Start
) -> ServiceModem:
    """One loaded modem of each family in turn."""
    return await service_modem_factory(request.param)


async def enable_everything(hass: HomeAssistant, served: ServiceModem) -> None:
    """The user turns on every entity of the modem that was created disabled."""
    registry = er.async_get(hass)
    for entry in er.async_entries_for_config_entry(registry, served.entry.entry_id):
        if entry.disabled_by is not None:
            registry.async_update_entity(entry.entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(served.entry.entry_id)
    # An on-demand reading an entity now shows is read at once, in the background; so is the
    # SMS inbox's start-up scan of the new session.
    await hass.async_block_till_done(wait_background_tasks=True)
    await served.entry.runtime_data.modem.inbox.drained()


async def poll(hass: HomeAssistant, served: ServiceModem) -> None:
    """The next status poll, and whatever it set off (a data context brought back)."""
    await served.entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)


def value(hass: HomeAssistant, served: ServiceModem, platform: str, key: str) -> str:
    return state_of(hass, platform, key, served.imei).state


def number(hass: HomeAssistant, served: ServiceModem, key: str) -> float:
    return float(value(hass, served, "sensor", key))


async def test_each_family_creates_the_entities_its_commands_can_fill(
    hass: HomeAssistant, status_modem: ServiceModem
) -> None:
    """No entity that would stay unknown forever: the 27.007 family has no SINR, band..."""
    registry = er.async_get(hass)
    readings = FAMILY_READINGS[status_modem.dialect]
    for key in ALWAYS:
        assert registry.async_get_entity_id("sensor", DOMAIN, f"{status_modem.imei}_{key}")
    for key, reading in OPTIONAL.items():
        found = registry.async_get_entity_id("sensor", DOMAIN, f"{status_modem.imei}_{key}")
        assert (found is not None) is (reading in readings), key
    for key in ("fallback_ready", "roaming", "data_attached"):
        assert registry.async_get_entity_id("binary_sensor", DOMAIN, f"{status_modem.imei}_{key}")


async def test_every_entity_shows_what_the_module_printed(
    hass: HomeAssistant, status_modem: ServiceModem
) -> None:
    """A healthy module at home: the values of its radio state, through its commands."""
    served = status_modem
    modem = served.link.modem
    await enable_everything(hass, served)
    radio, net = modem.radio.state, modem.network
    cell, signal = radio.cell, radio.signal

    assert value(hass, served, "sensor", "sim_state") == "ready"
    assert value(hass, served, "sensor", "network_registration") == "home"
    technology = HOME_TECHNOLOGY.get(served.dialect, Technology.LTE)
    assert radio.technology is technology
    assert value(hass, served, "sensor", "network_type") == technology.value
    assert number(hass, served, "signal_strength") == signal.rssi_dbm
    assert value(hass, served, "sensor", "ip_address") == net.contexts[1].address
    assert value(hass, served, "binary_sensor", "roaming") == STATE_OFF
    assert value(hass, served, "binary_sensor", "data_attached") == STATE_ON
    ready = state_of(hass, "binary_sensor", "fallback_ready", served.imei)
    assert ready.state == STATE_ON
    assert ready.attributes["problem"] is None

    expected: dict[str, float | str] = {
        "rsrp": signal.rsrp_dbm,
        "rsrq": signal.rsrq_db,
        "sinr": signal.sinr_db,
        # A GSM cell identity is 16 bits: the registration read prints the low ones.
        "cell_id": cell.cell_id & 0xFFFF if technology is Technology.GSM else cell.cell_id,
        "area_code": cell.area_code,
        "physical_cell_id": cell.pci,
        "band": cell.band,
        "channel": cell.channel,
        "temperature": net.temperature_c,
        "modem_bytes_sent": net.data_counter.sent,
        "modem_bytes_received": net.data_counter.received,
    }
    for key, wanted in expected.items():
        if OPTIONAL[key] in FAMILY_READINGS[served.dialect]:
            assert number(hass, served, key) == wanted, key
    if Reading.PLMN in FAMILY_READINGS[served.dialect]:
        assert value(hass, served, "sensor", "plmn") == f"{cell.mcc}-{cell.mnc}"
    assert value(hass, served, "sensor", "operator") == net.operator


async def test_units_and_device_classes(hass: HomeAssistant, status_modem: ServiceModem) -> None:
    """DBm for powers, dB for ratios, the signal strength class on all four; degrees Celsius."""
    served = status_modem
    await enable_everything(hass, served)
    units = {"signal_strength": "dBm", "rsrp": "dBm", "rsrq": "dB", "sinr": "dB"}
    for key, unit in units.items():
        if key in OPTIONAL and OPTIONAL[key] not in FAMILY_READINGS[served.dialect]:
            continue
        state = state_of(hass, "sensor", key, served.imei)
        assert state.attributes["unit_of_measurement"] == unit, key
        assert state.attributes["device_class"] == "signal_strength", key
        assert state.attributes["state_class"] == "measurement", key
    if Reading.TEMPERATURE in FAMILY_READINGS[served.dialect]:
        temperature = state_of(hass, "sensor", "temperature", served.imei)
        assert temperature.attributes["unit_of_measurement"] == "°C"
        assert temperature.attributes["device_class"] == "temperature"


async def test_one_poll_is_a_short_fixed_sequence(
    hass: HomeAssistant, status_modem: ServiceModem
) -> None:
    """Four commands a poll (five by 27.007); the SIM identity and URC modes are not re-asked."""
    served = status_modem
    mark = len(served.sent)
    await poll(hass, served)
    assert served.commands_since(mark) == POLL[served.dialect]

    await enable_everything(hass, served)
    mark = len(served.sent)
    await poll(hass, served)
    assert served.commands_since(mark) == [
        *POLL[served.dialect],
        *ON_DEMAND_COMMANDS[served.dialect],
    ]


async def test_roaming_and_another_technology(
    hass: HomeAssistant, status_modem: ServiceModem
) -> None:
    """Abroad on a GSM cell (NB-IoT for a SIM7080): roaming on, its network type, its signal."""
    served = status_modem
    modem = served.link.modem
    technology = OTHER_TECHNOLOGY.get(served.dialect, Technology.GSM)

    modem.radio.set(roaming=True, technology=technology, rssi_dbm=-81)
    await poll(hass, served)

    assert value(hass, served, "sensor", "network_registration") == "roaming"
    assert value(hass, served, "binary_sensor", "roaming") == STATE_ON
    assert value(hass, served, "sensor", "network_type") == technology.value
    # AT+CSQ reports in 2 dB steps (-81 is index 16); SIMCom's and Quectel's own commands
    # print the level itself.
    assert number(hass, served, "signal_strength") == -81
    # A visited network still carries data.
    await wait_for_state(
        hass, entity_id(hass, "binary_sensor", "fallback_ready", served.imei), STATE_ON
    )


@pytest.mark.parametrize("dialect", UMTS_DIALECTS)
async def test_umts_signal_comes_from_csq(
    hass: HomeAssistant, service_modem_factory: Start, dialect: str
) -> None:
    """On 3G the families' own commands give RSCP and Ec/Io, not RSSI: AT+CSQ fills it in."""
    served = await service_modem_factory(dialect)
    served.link.modem.radio.set(technology=Technology.UMTS, rssi_dbm=-75)
    mark = len(served.sent)
    await poll(hass, served)

    assert value(hass, served, "sensor", "network_type") == "umts"
    assert number(hass, served, "signal_strength") == -75
    sent = served.commands_since(mark)
    assert "AT+CSQ" in sent
    # Not registered on EPS on a UMTS cell: the GPRS registration is read as well.
    assert sent[1:3] == ["AT+CEREG?", "AT+CGREG?"]


async def test_lost_coverage_then_back(hass: HomeAssistant, status_modem: ServiceModem) -> None:
    """The cell goes away: not ready, not registered; then back, with the data context.

    The integration brings the context back by itself, so the fallback is ready before a
    request needs it.
    """
    served = status_modem
    modem = served.link.modem
    fallback = entity_id(hass, "binary_sensor", "fallback_ready", served.imei)

    modem.radio.set(coverage=False)
    await poll(hass, served)
    assert value(hass, served, "sensor", "network_registration") == "searching"
    assert hass.states.get(fallback).state == STATE_OFF
    assert hass.states.get(fallback).attributes["problem"] == "not_registered"
    assert value(hass, served, "binary_sensor", "data_attached") == STATE_OFF

    modem.radio.set(coverage=True)
    await poll(hass, served)
    await wait_for_state(hass, fallback, STATE_ON)
    assert value(hass, served, "binary_sensor", "data_attached") == STATE_ON
    assert modem.network.context_active(1)


async def test_the_sim_pulled_out_and_put_back(
    hass: HomeAssistant, status_modem: ServiceModem
) -> None:
    """Without a SIM, AT+CPIN? answers +CME ERROR: 10: SIM not inserted, and the poll stops."""
    served = status_modem
    modem = served.link.modem
    fallback = entity_id(hass, "binary_sensor", "fallback_ready", served.imei)

    modem.radio.remove_sim()
    mark = len(served.sent)
    await poll(hass, served)
    assert served.commands_since(mark) == ["AT+CPIN?"]
    assert value(hass, served, "sensor", "sim_state") == "not_inserted"
    assert hass.states.get(fallback).attributes["problem"] == "sim_missing"
    assert value(hass, served, "binary_sensor", "data_attached") == STATE_OFF

    modem.radio.insert_sim()
    await poll(hass, served)
    assert value(hass, served, "sensor", "sim_state") == "ready"
    await wait_for_state(hass, fallback, STATE_ON)


async def test_the_module_counts_the_requests_bytes(
    hass: HomeAssistant, service_modem_factory: Start, far_end: Any
) -> None:
    """Quectel's AT+QGDCNT counts what its data stack moved; the byte totals count bodies."""
    served = await service_modem_factory("quectel")
    await enable_everything(hass, served)
    counter = served.link.modem.network.data_counter

    await call_service(hass, "get", url=far_end.url("/text"))
    await poll(hass, served)

    assert counter.received > len(b"hello from the far end")  # status line and headers too
    assert number(hass, served, "modem_bytes_received") == counter.received
    assert number(hass, served, "modem_bytes_sent") == counter.sent
    assert number(hass, served, "bytes_received") == len(b"hello from the far end")
