"""Home Assistant finds and loads the integration from custom_components/."""

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component

from custom_components.modem_http.const import DOMAIN


async def test_home_assistant_loads_the_integration(hass: HomeAssistant) -> None:
    """A user installs through HACS; Home Assistant reads the manifest and sets the domain up."""
    integration = await async_get_integration(hass, DOMAIN)

    assert integration.is_built_in is False
    assert integration.manifest["config_flow"] is True
    assert integration.manifest["iot_class"] == "local_polling"
    assert any(req.startswith("serialx>=") for req in integration.requirements)

    assert await async_setup_component(hass, DOMAIN, {})
    assert DOMAIN in hass.config.components
