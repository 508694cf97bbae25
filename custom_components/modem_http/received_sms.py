"""Received SMS in Home Assistant: one `modem_http_sms_received` event per message.

The modem's inbox (atmodem/inbox.py) hands each message over once, its parts joined; this fires
it on the event bus, where automations trigger on it, and the event entity (event.py) shows the
last one on the dashboard. The inbox starts once the entry's platforms are set up, so messages
stored on the SIM while Home Assistant was away reach the event entity too, and stops before the
port closes.
"""

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .atmodem import ReceivedSms
from .const import (
    CONF_DELETE_RECEIVED_SMS,
    DEFAULT_DELETE_RECEIVED_SMS,
    DOMAIN,
    EVENT_SMS_RECEIVED,
)
from .models import ModemHttpConfigEntry


def sms_event_data(message: ReceivedSms) -> dict[str, Any]:
    """What an automation reads from a received message (the event's and the entity's fields)."""
    return {
        "sender": message.sender,
        "text": message.text,
        "time": message.timestamp.isoformat() if message.timestamp is not None else None,
        "parts": message.parts,
        "parts_total": message.parts_total,
        "complete": message.complete,
    }


@callback
def async_start_inbox(hass: HomeAssistant, entry: ModemHttpConfigEntry) -> None:
    """Fire an event for every received message, from now until the entry unloads."""
    modem = entry.runtime_data.modem
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry.runtime_data.coordinator.identity.imei), entry.entry_id
    )
    device_id = device.id if device is not None else None

    @callback
    def fire(message: ReceivedSms) -> None:
        hass.bus.async_fire(
            EVENT_SMS_RECEIVED,
            {"config_entry_id": entry.entry_id, "device_id": device_id, **sms_event_data(message)},
        )

    entry.async_on_unload(modem.inbox.add_listener(fire))
    modem.inbox.start(
        delete_after_reading=bool(
            entry.options.get(CONF_DELETE_RECEIVED_SMS, DEFAULT_DELETE_RECEIVED_SMS)
        )
    )
