"""The restart button: the modem reboots and comes back with its data connection."""

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .conftest import ModemLink, call_service, entity_id

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_pressing_restart_reboots_the_modem_and_it_works_again(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink, far_end: Any
) -> None:
    button = entity_id(hass, "button", "restart")
    assert hass.states.get(button).attributes["device_class"] == "restart"

    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()

    assert modem_link.modem.reset_count == 1
    assert modem_link.modem.network.context_active(1)  # brought up again after the reboot
    assert hass.states.get(entity_id(hass, "binary_sensor", "data_attached")).state == "on"
    response = await call_service(hass, "get", url=far_end.url("/text"))
    assert response["status"] == 200


async def test_a_modem_that_does_not_come_back_is_a_translated_error(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink, monkeypatch: Any
) -> None:
    monkeypatch.setattr("custom_components.modem_http.button.RESTART_TIMEOUT", 0.5)
    modem_link.modem.boot_delay = 1.5  # takes longer than the button waits

    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            "button", "press", {"entity_id": entity_id(hass, "button", "restart")}, blocking=True
        )

    assert caught.value.translation_key == "restart_failed"
    assert "did not restart" in str(caught.value)
