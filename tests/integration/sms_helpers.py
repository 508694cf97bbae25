"""How a user adds recipients and webhooks, sends notifications, and waits for received SMS."""

import asyncio
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.modem_http.const import DOMAIN, EVENT_SMS_RECEIVED

from .far_end import WAIT


async def add_subentry(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str, **fields: Any
) -> FlowResult[Any, Any]:
    """Open "Add recipient" / "Add webhook" on the modem and submit `fields` once."""
    flows = hass.config_entries.subentries
    started = await flows.async_init((entry.entry_id, kind), context={"source": SOURCE_USER})
    assert started["type"] is FlowResultType.FORM
    result = await flows.async_configure(started["flow_id"], fields)
    await hass.async_block_till_done()
    return result


async def add_recipient(hass: HomeAssistant, entry: MockConfigEntry, name: str, number: str) -> str:
    """Add a recipient; its subentry id."""
    result = await add_subentry(hass, entry, "sms_recipient", name=name, number=number)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (subentry_id,) = (
        sub.subentry_id for sub in entry.subentries.values() if sub.unique_id == number
    )
    return subentry_id


async def add_webhook(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    name: str,
    url: str,
    *,
    content_type: str = "text/plain",
    body_template: str = "{{ message }}",
) -> None:
    """Add a webhook that POSTs the notification to `url` (the message alone unless templated)."""
    result = await add_subentry(
        hass,
        entry,
        "webhook",
        name=name,
        url=url,
        method="POST",
        content_type=content_type,
        body_template=body_template,
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")


async def notify(
    hass: HomeAssistant, entity_id: str, message: str, title: str | None = None
) -> None:
    """notify.send_message, as an automation calls it; failures must read as sentences."""
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    data: dict[str, Any] = {"entity_id": entity_id, "message": message}
    if title is not None:
        data["title"] = title
    try:
        await hass.services.async_call("notify", "send_message", data, blocking=True)
    except HomeAssistantError as err:
        if err.translation_domain == DOMAIN:
            _check_message(str(err), err.translation_key)
        raise


def _check_message(message: str, key: str | None) -> None:
    assert message != key, f"no message for {key}"
    assert "{" not in message, f"placeholder missing in {message!r}"


class ReceivedEvents:
    """The modem_http_sms_received events fired from the moment it is made."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen at once, so no event can be missed."""
        self.events: list[Event] = []
        self._arrived = asyncio.Event()

        @callback
        def take(event: Event) -> None:
            self.events.append(event)
            self._arrived.set()

        self.remove = hass.bus.async_listen(EVENT_SMS_RECEIVED, take)

    async def wait_for(self, count: int) -> list[dict[str, Any]]:
        """The data of the first `count` events, once they have all been fired."""
        async with asyncio.timeout(WAIT):
            while len(self.events) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return [dict(event.data) for event in self.events]
