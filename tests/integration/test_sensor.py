"""What the sensors show: the modem's radio status and what the requests did."""

from typing import Any

from homeassistant.components.sensor import ATTR_OPTIONS, ATTR_STATE_CLASS, SensorStateClass
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from custom_components.modem_http.models import ErrorKind, RequestRecord

from .conftest import (
    SIMCOM_IMEI,
    ModemLink,
    call_service,
    enable_entities,
    entity_id,
    entry_for,
    state_of,
)

DETAILS = ("last_request_duration", "last_response_size", "operator")
"""Sensors created disabled: per-request details and the operator's name."""
RADIO_DETAILS = (
    "rsrp",
    "rsrq",
    "sinr",
    "cell_id",
    "area_code",
    "physical_cell_id",
    "band",
    "channel",
    "plmn",
    "ip_address",
    "temperature",
)
"""Created disabled too: antenna tuning figures, the serving cell, IP address, temperature."""
DASHBOARD = (
    "sim_state",
    "signal_strength",
    "network_registration",
    "network_type",
    "last_status_code",
    "last_error",
    "bytes_sent",
    "bytes_received",
)
"""Sensors a cellular fallback dashboard shows, enabled from the start."""


async def test_radio_status_after_setup(hass: HomeAssistant, loaded_entry: Any) -> None:
    """Signal, registration and operator come from the first poll; no request made yet."""
    signal = state_of(hass, "sensor", "signal_strength")
    assert signal.state == "-73.0"  # AT+CPSI? on LTE prints RSSI in tenths: -730
    assert signal.attributes[ATTR_UNIT_OF_MEASUREMENT] == "dBm"
    assert signal.attributes[ATTR_DEVICE_CLASS] == "signal_strength"

    registration = state_of(hass, "sensor", "network_registration")
    assert registration.state == "home"
    # 27.007's <stat> values in order, 0 (not registered) to 11 (restricted local services).
    assert registration.attributes[ATTR_OPTIONS] == [
        "not_registered",
        "home",
        "searching",
        "denied",
        "unknown",
        "roaming",
        "home_sms_only",
        "roaming_sms_only",
        "emergency_only",
        "home_csfb_not_preferred",
        "roaming_csfb_not_preferred",
        "rlos_only",
    ]

    assert state_of(hass, "sensor", "last_status_code").state == STATE_UNKNOWN
    assert state_of(hass, "sensor", "last_error").state == "none"
    assert state_of(hass, "sensor", "bytes_sent").state == "0"
    assert state_of(hass, "sensor", "bytes_received").state == "0"


async def test_entities_are_named_and_categorised(hass: HomeAssistant, loaded_entry: Any) -> None:
    """Translated names; diagnostics tucked away in the diagnostic category."""
    registry = er.async_get(hass)
    signal = registry.async_get(entity_id(hass, "sensor", "signal_strength"))
    assert signal is not None
    assert signal.entity_category is not None
    assert signal.translation_key == "signal_strength"
    assert signal.unique_id == f"{SIMCOM_IMEI}_signal_strength"
    assert state_of(hass, "sensor", "last_status_code").name.endswith("Last HTTP status")


async def test_details_are_created_disabled(hass: HomeAssistant, loaded_entry: Any) -> None:
    """A new modem shows its dashboard sensors; the per-request details wait to be enabled."""
    registry = er.async_get(hass)
    for key in (*DETAILS, *RADIO_DETAILS):
        entry = registry.async_get(entity_id(hass, "sensor", key))
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(entry.entity_id) is None
    for key in DASHBOARD:
        entry = registry.async_get(entity_id(hass, "sensor", key))
        assert entry is not None
        assert entry.disabled_by is None
        assert hass.states.get(entry.entity_id) is not None


async def test_enabled_details_show_the_next_request(
    hass: HomeAssistant, loaded_entry: Any, far_end: Any
) -> None:
    """The user turns the details on, then an automation fetches a page over the modem."""
    await enable_entities(hass, loaded_entry, "sensor", *DETAILS)
    assert state_of(hass, "sensor", "operator").state == "Operator"
    assert state_of(hass, "sensor", "last_response_size").state == STATE_UNKNOWN

    response = await call_service(hass, "get", url=far_end.url("/text"))
    await hass.async_block_till_done()

    assert response["status"] == 200
    assert state_of(hass, "sensor", "last_response_size").state == str(
        len(b"hello from the far end")
    )
    assert float(state_of(hass, "sensor", "last_request_duration").state) > 0


async def test_requests_update_the_request_sensors(hass: HomeAssistant, loaded_entry: Any) -> None:
    """A POST then a GET that the modem's HTTP stack failed with its DNS error 713."""
    await enable_entities(hass, loaded_entry, "sensor", *DETAILS)
    coordinator = loaded_entry.runtime_data.coordinator

    coordinator.async_record_request(RequestRecord("POST", 201, 300, 42, 1.23456))
    await hass.async_block_till_done()
    assert state_of(hass, "sensor", "last_status_code").state == "201"
    size = state_of(hass, "sensor", "last_response_size")
    assert size.state == "42"
    assert size.attributes[ATTR_UNIT_OF_MEASUREMENT] == "B"
    assert size.attributes[ATTR_DEVICE_CLASS] == "data_size"
    assert state_of(hass, "sensor", "last_request_duration").state == "1.235"
    assert state_of(hass, "sensor", "last_error").state == "none"
    assert state_of(hass, "sensor", "bytes_sent").state == "300"
    assert state_of(hass, "sensor", "bytes_received").state == "42"

    coordinator.async_record_request(
        RequestRecord("GET", None, 120, 0, 30.0, error=ErrorKind.DNS_FAILED, error_code=713)
    )
    await hass.async_block_till_done()
    assert state_of(hass, "sensor", "last_status_code").state == STATE_UNKNOWN
    last_error = state_of(hass, "sensor", "last_error")
    assert last_error.state == "dns_failed"
    assert last_error.attributes["modem_code"] == 713
    assert last_error.attributes[ATTR_DEVICE_CLASS] == "enum"
    assert "dns_failed" in last_error.attributes["options"]
    assert state_of(hass, "sensor", "bytes_sent").state == "420"
    assert state_of(hass, "sensor", "bytes_received").state == "42"

    # A later success keeps the last error visible (the binary sensor says it is over).
    coordinator.async_record_request(RequestRecord("GET", 200, 100, 1000, 0.5))
    await hass.async_block_till_done()
    assert state_of(hass, "sensor", "last_error").state == "dns_failed"
    assert state_of(hass, "sensor", "bytes_received").state == "1042"


async def test_byte_totals_are_total_increasing(hass: HomeAssistant, loaded_entry: Any) -> None:
    """Energy-style statistics need the state class to sum bytes over days."""
    for key in ("bytes_sent", "bytes_received"):
        total = state_of(hass, "sensor", key)
        assert total.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL_INCREASING
        assert total.attributes[ATTR_UNIT_OF_MEASUREMENT] == "B"


async def test_byte_totals_survive_a_restart(hass: HomeAssistant, modem_link: ModemLink) -> None:
    """After a restart the totals go on from where they were, never backwards."""
    entry = entry_for(modem_link.url)
    entry.add_to_hass(hass)
    sent_id = "sensor.simcom_incorporated_simcom_sim7600e_h_bytes_sent"
    received_id = "sensor.simcom_incorporated_simcom_sim7600e_h_bytes_received"
    mock_restore_cache_with_extra_data(
        hass,
        (
            (State(sent_id, "5000"), {"native_value": 5000, "native_unit_of_measurement": "B"}),
            (
                State(received_id, "70000"),
                {"native_value": 70000, "native_unit_of_measurement": "B"},
            ),
        ),
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_id(hass, "sensor", "bytes_sent") == sent_id

    assert hass.states.get(sent_id).state == "5000"
    assert hass.states.get(received_id).state == "70000"

    entry.runtime_data.coordinator.async_record_request(RequestRecord("POST", 200, 10, 20, 0.1))
    await hass.async_block_till_done()
    assert hass.states.get(sent_id).state == "5010"
    assert hass.states.get(received_id).state == "70020"

    # A reload (options change, reconfigure) restores from the state it left.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(sent_id).state == "5010"
    assert hass.states.get(received_id).state == "70020"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_unreadable_restored_total_starts_from_zero(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """A corrupt stored value is ignored rather than crashing the sensor."""
    entry = entry_for(modem_link.url)
    entry.add_to_hass(hass)
    sent_id = "sensor.simcom_incorporated_simcom_sim7600e_h_bytes_sent"
    received_id = "sensor.simcom_incorporated_simcom_sim7600e_h_bytes_received"
    mock_restore_cache_with_extra_data(
        hass,
        (
            (State(sent_id, "x"), {"native_value": "lots", "native_unit_of_measurement": "B"}),
            (State(received_id, "x"), {"native_value": None, "native_unit_of_measurement": "B"}),
        ),
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(sent_id).state == "0"
    assert hass.states.get(received_id).state == "0"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_lost_signal_is_unknown_not_a_number(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """No cell to camp on: AT+CPSI? says NO SERVICE and +CSQ: 99,99; unknown, not a number."""
    modem_link.modem.radio.set(coverage=False)

    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert state_of(hass, "sensor", "network_registration").state == "searching"
    assert state_of(hass, "sensor", "signal_strength").state == STATE_UNKNOWN
    assert state_of(hass, "sensor", "network_type").state == STATE_UNKNOWN
