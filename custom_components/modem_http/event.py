"""The received-SMS event entity: the last message on the dashboard, a trigger in automations.

Every message the modem's inbox hands over becomes one `received` event of this entity, with the
sender, text, time and parts as attributes (the same fields as the `modem_http_sms_received` bus
event). It listens from the moment it is added, so the messages found on the SIM at start-up
reach it as well.
"""

from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .atmodem import ReceivedSms
from .entity import ModemEntity
from .models import ModemHttpConfigEntry
from .received_sms import sms_event_data

# Events are pushed by the modem's inbox; nothing here talks to the modem.
PARALLEL_UPDATES = 0

EVENT_RECEIVED: str = "received"
RECEIVED_SMS = EventEntityDescription(
    key="received_sms", translation_key="received_sms", event_types=[EVENT_RECEIVED]
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One received-SMS event entity per modem."""
    async_add_entities([ReceivedSmsEvent(entry.runtime_data.coordinator, RECEIVED_SMS)])


class ReceivedSmsEvent(ModemEntity, EventEntity):
    """Shows each received SMS as an event."""

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to the modem's inbox until the entity is removed."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.modem.inbox.add_listener(self._received))

    @callback
    def _received(self, message: ReceivedSms) -> None:
        self._trigger_event(EVENT_RECEIVED, sms_event_data(message))
        self.async_write_ha_state()
