"""The modem goes away and comes back: entities follow, and a long outage raises a repair issue.

Time is moved with async_fire_time_changed while nothing is in flight, so the coordinator's poll,
the engine's reconnect backoff and the repair timer all run at once; I/O itself is real.
"""

import logging
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.modem_http.const import DOMAIN, SCAN_INTERVAL, UNREACHABLE_ISSUE_AFTER
from custom_components.modem_http.models import RequestRecord

from .conftest import ModemLink, entity_id, wait_for_state

pytestmark = pytest.mark.usefixtures("fast_status")


def later(seconds: float) -> Any:
    """A point in the future to fire Home Assistant's (and asyncio's) timers up to."""
    return dt_util.utcnow() + timedelta(seconds=seconds)


def issue(hass: HomeAssistant, entry: Any) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"modem_unreachable_{entry.entry_id}")


async def test_unplugged_modem_goes_unavailable_then_raises_a_repair_issue_then_recovers(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The ser2net box loses power for 20 minutes, then comes back."""
    signal = entity_id(hass, "sensor", "signal_strength")
    connected = entity_id(hass, "binary_sensor", "modem_connected")
    assert hass.states.get(signal).state == "-73.0"  # AT+CPSI? in tenths: -730
    assert hass.states.get(connected).state == STATE_ON

    await modem_link.stop()
    await wait_for_state(hass, signal, STATE_UNAVAILABLE)
    # The connectivity sensor stays available to say so.
    assert hass.states.get(connected).state == STATE_OFF
    assert issue(hass, loaded_entry) is None

    async_fire_time_changed(hass, later(UNREACHABLE_ISSUE_AFTER - 60))
    await hass.async_block_till_done()
    assert issue(hass, loaded_entry) is None

    async_fire_time_changed(hass, later(UNREACHABLE_ISSUE_AFTER + 60))
    await hass.async_block_till_done()
    found = issue(hass, loaded_entry)
    assert found is not None
    assert found.translation_key == "modem_unreachable"
    assert found.severity is ir.IssueSeverity.WARNING
    assert found.translation_placeholders is not None
    assert found.translation_placeholders["device"] == modem_link.url
    assert found.translation_placeholders["minutes"] == "15"

    await modem_link.start()
    # Let the engine's reconnect backoff run out; the reconnect triggers a poll at once.
    async_fire_time_changed(hass, later(60))
    await wait_for_state(hass, signal, "-73.0")
    assert hass.states.get(connected).state == STATE_ON
    assert issue(hass, loaded_entry) is None


async def test_silent_modem_goes_unavailable_and_comes_back(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The firmware hangs with the port still open; the next poll notices, a later one recovers."""
    registration = entity_id(hass, "sensor", "network_registration")
    connected = entity_id(hass, "binary_sensor", "modem_connected")
    coordinator = loaded_entry.runtime_data.coordinator

    modem_link.modem.faults.stop_answering()
    async_fire_time_changed(hass, later(61))
    await wait_for_state(hass, registration, STATE_UNAVAILABLE)
    assert not coordinator.last_update_success
    assert hass.states.get(connected).state == STATE_OFF

    modem_link.modem.faults.resume()
    modem_link.modem.network.registration = 5  # came back roaming
    async_fire_time_changed(hass, later(61))
    await wait_for_state(hass, registration, "roaming")
    assert hass.states.get(connected).state == STATE_ON


async def test_short_outage_raises_no_issue(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """A modem back after a few minutes never bothers the user with a repair issue."""
    signal = entity_id(hass, "sensor", "signal_strength")
    modem_link.modem.faults.stop_answering()
    async_fire_time_changed(hass, later(61))
    await wait_for_state(hass, signal, STATE_UNAVAILABLE)

    modem_link.modem.faults.resume()
    async_fire_time_changed(hass, later(180))
    await wait_for_state(hass, signal, "-73.0")

    async_fire_time_changed(hass, later(UNREACHABLE_ISSUE_AFTER + 60))
    await hass.async_block_till_done()
    assert issue(hass, loaded_entry) is None


async def test_modem_restart_is_polled_at_once(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The module reboots (RDY) with a weaker signal: no need to wait for the next poll."""
    signal = entity_id(hass, "sensor", "signal_strength")
    modem_link.modem.network.rssi = 10

    modem_link.modem.reset()

    await wait_for_state(hass, signal, "-93.0")


async def test_issue_is_withdrawn_when_the_entry_unloads(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """Removing a dead modem's entry also removes its repair issue."""
    await modem_link.stop()
    async_fire_time_changed(hass, later(UNREACHABLE_ISSUE_AFTER + 60))
    await hass.async_block_till_done()
    assert issue(hass, loaded_entry) is not None

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)

    assert issue(hass, loaded_entry) is None


async def test_request_recorded_during_a_poll_is_kept(
    hass: HomeAssistant, loaded_entry: Any
) -> None:
    """A service records its request while a status poll is on the wire; the poll keeps it."""
    coordinator = loaded_entry.runtime_data.coordinator
    record = RequestRecord("GET", 200, 0, 512, 0.8)

    poll = hass.async_create_task(coordinator.async_refresh())
    coordinator.async_record_request(record)
    await poll

    assert coordinator.last_update_success
    assert coordinator.data.requests.last == record
    assert coordinator.data.requests.bytes_received == 512


async def test_failed_request_does_not_bring_an_unreachable_modem_back(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """A request failing while the modem is away updates the figures, not the availability."""
    coordinator = loaded_entry.runtime_data.coordinator
    signal = entity_id(hass, "sensor", "signal_strength")
    modem_link.modem.faults.stop_answering()
    async_fire_time_changed(hass, later(61))
    await wait_for_state(hass, signal, STATE_UNAVAILABLE)

    coordinator.async_record_request(RequestRecord("POST", None, 10, 0, 5.0, error="modem_timeout"))
    await hass.async_block_till_done()

    assert hass.states.get(signal).state == STATE_UNAVAILABLE
    assert coordinator.data.requests.last_failure is not None
    assert coordinator.data.requests.last_failure.error == "modem_timeout"
    assert not coordinator.last_update_success


async def test_brief_drop_between_polls(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The USB link blips and reconnects before any poll fails: entities come straight back."""
    signal = entity_id(hass, "sensor", "signal_strength")
    connected = entity_id(hass, "binary_sensor", "modem_connected")

    modem_link.modem.faults.drop_connection()
    await wait_for_state(hass, connected, STATE_OFF)
    assert hass.states.get(signal).state == STATE_UNAVAILABLE

    await wait_for_state(hass, connected, STATE_ON)
    await wait_for_state(hass, signal, "-73.0")


async def test_status_is_polled_at_a_fixed_interval_and_on_demand(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """Every minute by itself; `homeassistant.update_entity` reads the modem at once."""
    assert await async_setup_component(hass, "homeassistant", {})
    coordinator = loaded_entry.runtime_data.coordinator
    signal = entity_id(hass, "sensor", "signal_strength")
    assert coordinator.update_interval == SCAN_INTERVAL == timedelta(seconds=60)

    modem_link.modem.network.rssi = 25  # the antenna was moved
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": signal}, blocking=True
    )
    await hass.async_block_till_done()

    assert hass.states.get(signal).state == "-63.0"  # the RSSI of +CSQ: 25, in AT+CPSI? tenths


async def test_an_outage_is_logged_once_and_its_end_once(
    hass: HomeAssistant,
    loaded_entry: Any,
    modem_link: ModemLink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The firmware hangs for several polls, then the link drops and returns: two pairs of lines."""
    signal = entity_id(hass, "sensor", "signal_strength")
    caplog.set_level(logging.INFO, logger="custom_components.modem_http")

    modem_link.modem.faults.stop_answering()
    for minutes in (1, 2, 3):
        async_fire_time_changed(hass, later(61 * minutes))
        await wait_for_state(hass, signal, STATE_UNAVAILABLE)
    modem_link.modem.faults.resume()
    async_fire_time_changed(hass, later(61 * 4))
    await wait_for_state(hass, signal, "-73.0")

    await modem_link.stop()
    await wait_for_state(hass, signal, STATE_UNAVAILABLE)
    await modem_link.start()
    async_fire_time_changed(hass, later(61 * 6))
    await wait_for_state(hass, signal, "-73.0")

    messages = [record.getMessage() for record in caplog.records]
    assert sum("Error fetching" in message for message in messages) == 1
    assert sum("data recovered" in message for message in messages) == 1
    assert sum("Lost the serial connection" in message for message in messages) == 1
    assert sum("Serial connection to the modem" in message for message in messages) == 1
