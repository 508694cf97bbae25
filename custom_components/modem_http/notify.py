"""Notify entities: one per SMS recipient and one per webhook, each a config subentry.

`notify.send_message` on a recipient's entity texts that number through the modem; on a
webhook's entity it sends the webhook's request through the modem's HTTP stack. Both work when
the home's internet does not, which is the point of sending them this way.

Each subentry gets a device of its own (named as the user named the recipient or webhook,
reached through the modem), so the entity is `notify.<name>`. Subentries added while the modem
is loaded get their entity at once, without reloading the modem; a removed subentry takes its
entity and device with it (Home Assistant removes what belongs to it).

The entities stay available while the modem is away: a message sent then waits for the serial
link within its timeout and fails with the reason, rather than being skipped as an unavailable
entity's would be.
"""

from collections.abc import Callable
from typing import override

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigSubentry,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_NUMBER, DOMAIN, SUBENTRY_SMS_RECIPIENT, SUBENTRY_WEBHOOK
from .models import ModemHttpConfigEntry
from .services.fields import request_timeout
from .services.sms import async_send_text
from .webhooks import Webhook, async_send_webhook

# A notification holds the modem while it goes out: one at a time across this modem's notify
# entities (Home Assistant's limit is per platform), SMS and webhooks alike.
PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """An entity per recipient and webhook now, and for each one added later."""
    added: set[str] = set()
    modem_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.runtime_data.coordinator.identity.imei)},
    )

    @callback
    def add_new() -> None:
        for subentry in entry.subentries.values():
            factory = _ENTITIES.get(subentry.subentry_type)
            if factory is None or subentry.subentry_id in added:
                continue
            added.add(subentry.subentry_id)
            async_add_entities(
                [factory(entry, subentry, modem_device.id)],
                config_subentry_id=subentry.subentry_id,
            )

    @callback
    def on_entry_changed(change: ConfigEntryChange, changed: ConfigEntry) -> None:
        if change is ConfigEntryChange.UPDATED and changed.entry_id == entry.entry_id:
            added.intersection_update(entry.subentries)
            add_new()

    add_new()
    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, on_entry_changed)
    )


class SubentryNotify(NotifyEntity):
    """A notify entity of one subentry, on a device of its own reached through the modem."""

    _attr_has_entity_name = True
    _attr_name = None
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(
        self, entry: ModemHttpConfigEntry, subentry: ConfigSubentry, modem_device_id: str
    ) -> None:
        """Unique IDs start with the modem's IMEI, like the modem's own entities."""
        self._entry = entry
        self._subentry_id = subentry.subentry_id
        imei = entry.runtime_data.coordinator.identity.imei
        self._attr_unique_id = f"{imei}_{subentry.subentry_id}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, self._attr_unique_id)},
            name=subentry.title,
            entry_type=DeviceEntryType.SERVICE,
            via_device_id=modem_device_id,
        )

    @property
    def subentry(self) -> ConfigSubentry:
        """The subentry as it is now."""
        return self._entry.subentries[self._subentry_id]


class SmsRecipientNotify(SubentryNotify):
    """Texts one phone number; a title becomes the message's first line."""

    _attr_translation_key = "sms_recipient"

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the SMS (queued behind the modem's HTTP requests)."""
        text = f"{title}\n{message}" if title else message
        timeout = request_timeout(self._entry, {})
        await async_send_text(self._entry, self.subentry.data[CONF_NUMBER], text, timeout)


class WebhookNotify(SubentryNotify):
    """Sends the webhook's request through the modem's HTTP stack."""

    _attr_translation_key = "webhook"

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Render the body from the template and send it."""
        webhook = Webhook.from_data(self.subentry.data)
        await async_send_webhook(self.hass, self._entry, webhook, message, title)


_ENTITIES: dict[str, Callable[[ModemHttpConfigEntry, ConfigSubentry, str], SubentryNotify]] = {
    SUBENTRY_SMS_RECIPIENT: SmsRecipientNotify,
    SUBENTRY_WEBHOOK: WebhookNotify,
}
