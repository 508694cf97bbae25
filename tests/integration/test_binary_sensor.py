"""Binary sensors: modem connection, cellular data attach, and whether the last request failed."""

from typing import Any

from homeassistant.const import ATTR_DEVICE_CLASS, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from custom_components.modem_http.models import RequestRecord

from .conftest import ModemLink, state_of


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


async def test_detached_from_packet_service(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The network detaches the modem (AT+CGATT? reports 0): cellular data is off."""
    modem_link.modem.network.attached = False

    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert state_of(hass, "binary_sensor", "data_attached").state == STATE_OFF
    assert state_of(hass, "binary_sensor", "modem_connected").state == STATE_ON


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
