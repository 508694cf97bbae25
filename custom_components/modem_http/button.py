"""The restart button: reboot the modem (AT+CFUN=1,1) and set it up again.

A module that stopped answering HTTP requests properly (a stuck stack, a bearer that will not
come back) usually recovers from a reboot. The button waits until the modem is back (RDY or the
port returning) and has its data connection again, so an automation can press it and then retry.
"""

from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .atmodem import ModemError
from .atmodem.admin import RESTART_TIMEOUT
from .atmodem.shown import shown
from .const import DOMAIN
from .entity import ModemEntity
from .models import ModemHttpConfigEntry

# A restart holds the modem; a second press waits for the first.
PARALLEL_UPDATES = 1

RESTART = ButtonEntityDescription(
    key="restart",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One restart button per modem."""
    async_add_entities([ModemRestartButton(entry.runtime_data.coordinator, RESTART)])


class ModemRestartButton(ModemEntity, ButtonEntity):
    """Reboot the modem and wait until it is usable again."""

    @property
    @override
    def available(self) -> bool:
        """Pressable while the port is open, even when the modem stopped answering polls."""
        return self.coordinator.modem.connected

    @override
    async def async_press(self) -> None:
        """AT+CFUN=1,1, wait for the modem, bring its data connection back, poll it."""
        try:
            await self.coordinator.modem.admin.restart(RESTART_TIMEOUT)
        except ModemError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="restart_failed",
                translation_placeholders={"error": shown(str(err) or type(err).__name__)},
            ) from err
        finally:
            # Now, not debounced: the entities should show the modem as it came back.
            await self.coordinator.async_refresh()
