"""Binary sensors: fallback ready, modem connection, cellular data, and the last request."""

from typing import Any

from homeassistant.const import ATTR_DEVICE_CLASS, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from custom_components.modem_http.models import RequestRecord
from modem_emulator import EmulatedModem
from modem_emulator.bearer import drop_bearer

from .conftest import ModemLink, entity_id, state_of, wait_for_state


async def test_connected_and_attached_after_setup(hass: HomeAssistant, loaded_entry: Any) -> None:
    """A healthy modem: connected, packet service attached, no request yet."""
    connection = state_of(hass, "binary_sensor", "modem_connected")
    assert connection.state == STATE_ON
    assert connection.attributes[ATTR_DEVICE_CLASS] == "connectivity"
    data = state_of(hass, "binary_sensor", "data_attached")
    assert data.state == STATE_ON
    assert data.attributes[ATTR_DEVICE_CLASS] == "connectivity"
    last = state_of(hass, "binary_sensor", "last_request")
    assert last.state == STATE_UNKNOWN
    assert last.attributes[ATTR_DEVICE_CLASS] == "problem"
    ready = state_of(hass, "binary_sensor", "fallback_ready")
    assert ready.state == STATE_ON
    assert ready.attributes["problem"] is None
    assert state_of(hass, "binary_sensor", "roaming").state == STATE_OFF


async def test_a_dropped_data_context_is_seen_and_brought_back(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The network drops the context: off at the next poll, then activated again by itself.

    The module prints +CGEV: NW PDN DEACT 1; the poll sees no address (cellular data off,
    fallback not ready) and the integration brings the context back without a request.
    """
    fallback = entity_id(hass, "binary_sensor", "fallback_ready")
    activations: list[bool] = []
    loaded_entry.runtime_data.modem.add_data_connection_listener(
        lambda error: activations.append(error is None)
    )
    drop_bearer(modem_link.modem)

    await loaded_entry.runtime_data.coordinator.async_refresh()
    assert state_of(hass, "binary_sensor", "data_attached").state == STATE_OFF
    assert hass.states.get(fallback).attributes["problem"] == "no_data_connection"
    assert state_of(hass, "binary_sensor", "modem_connected").state == STATE_ON

    await wait_for_state(hass, fallback, STATE_ON)
    assert activations == [True]
    assert state_of(hass, "binary_sensor", "data_attached").state == STATE_ON
    assert modem_link.modem.network.context_active(1)


async def test_an_unreadable_data_context_is_not_ready_without_being_called_down(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The module answers AT+CGPADDR with a line that names no address.

    Whether data would flow is unknown, so the fallback is not ready; but nothing said the
    context is down, so neither the reason nor the Cellular data sensor claims it is.
    """

    async def garbled(modem: EmulatedModem, _request: Any) -> None:
        modem.send_line("+CGPADDR: somewhere")

    modem_link.modem.register("+CGPADDR", garbled)

    await loaded_entry.runtime_data.coordinator.async_refresh()

    fallback = state_of(hass, "binary_sensor", "fallback_ready")
    assert fallback.state == STATE_OFF
    assert fallback.attributes["problem"] == "data_connection_unknown"
    assert state_of(hass, "binary_sensor", "data_attached").state == STATE_UNKNOWN


async def test_last_request_problem_follows_the_requests(
    hass: HomeAssistant, loaded_entry: Any
) -> None:
    """Problem is on after a failed request and off again after a good one."""
    coordinator = loaded_entry.runtime_data.coordinator

    coordinator.async_record_request(RequestRecord("POST", 200, 10, 2, 0.3))
    await hass.async_block_till_done()
    assert state_of(hass, "binary_sensor", "last_request").state == STATE_OFF

    coordinator.async_record_request(
        RequestRecord("POST", None, 10, 0, 60.0, error="modem_timeout")
    )
    await hass.async_block_till_done()
    assert state_of(hass, "binary_sensor", "last_request").state == STATE_ON

    coordinator.async_record_request(RequestRecord("GET", 404, 0, 9, 0.2))
    await hass.async_block_till_done()
    # The modem delivered the server's answer: a 404 is the server's word, not a failed request.
    assert state_of(hass, "binary_sensor", "last_request").state == STATE_OFF
