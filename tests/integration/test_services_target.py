"""Which modem a service call uses, and many calls at once on one modem.

A home may have two modems (say a SIMCom on the alarm panel, a Quectel in the rack). Calls name
theirs with config_entry_id; with a single loaded modem the field may be left out.
"""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import FarEnd, ServiceModem, call_service

pytestmark = pytest.mark.usefixtures("socket_enabled")

Factory = Callable[..., Awaitable[ServiceModem]]


call = call_service


async def test_two_modems_each_call_goes_to_the_one_named(
    hass: HomeAssistant, service_modem_factory: Factory, far_end: FarEnd
) -> None:
    """With two modems the entry id picks the modem; only that one sends the request."""
    simcom = await service_modem_factory("simcom")
    quectel = await service_modem_factory("httpcfg")
    simcom.sent.clear()
    quectel.sent.clear()

    await call(
        hass, "get", config_entry_id=quectel.entry.entry_id, url=far_end.url("/text?via=quectel")
    )

    assert b"HTTPURL" in quectel.sent
    assert b"HTTP" not in simcom.sent
    quectel.sent.clear()

    await call(
        hass, "get", config_entry_id=simcom.entry.entry_id, url=far_end.url("/text?via=simcom")
    )

    assert b"HTTPACTION" in simcom.sent
    assert b"HTTP" not in quectel.sent


async def test_two_modems_without_an_entry_id_is_ambiguous(
    hass: HomeAssistant, service_modem_factory: Factory, far_end: FarEnd
) -> None:
    """Leaving the modem out is an error when there are two to choose from."""
    await service_modem_factory("simcom")
    await service_modem_factory("httpcfg")

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "get", url=far_end.url("/text"))

    assert raised.value.translation_key == "multiple_modems"
    assert far_end.requests == []


async def test_an_unplugged_second_modem_still_makes_the_call_ambiguous(
    hass: HomeAssistant, service_modem_factory: Factory, far_end: FarEnd
) -> None:
    """One modem is unloaded (unplugged): a call without an entry id still does not guess.

    Home Assistant's rule for actions: an automation must not move to another modem (another
    SIM, another bill) because its own is away for a while.
    """
    first = await service_modem_factory("simcom")
    second = await service_modem_factory("httpcfg")
    assert await hass.config_entries.async_unload(second.entry.entry_id)
    first.sent.clear()

    with pytest.raises(ServiceValidationError) as ambiguous:
        await call(hass, "get", url=far_end.url("/text"))
    assert ambiguous.value.translation_key == "multiple_modems"

    with pytest.raises(ServiceValidationError) as unloaded:
        await call(hass, "get", config_entry_id=second.entry.entry_id, url=far_end.url("/text"))
    assert unloaded.value.translation_key == "modem_not_loaded"
    assert unloaded.value.translation_placeholders == {"name": second.entry.title}
    assert far_end.requests == []
    assert b"HTTP" not in first.sent

    response = await call(
        hass, "get", config_entry_id=first.entry.entry_id, url=far_end.url("/text")
    )
    assert response["status"] == 200


async def test_no_modem_an_unloaded_one_or_an_unknown_entry(
    hass: HomeAssistant, service_modem_factory: Factory, far_end: FarEnd
) -> None:
    """An id that is not a modem, the only modem unloaded, no modem at all: the call says which."""
    only = await service_modem_factory("httpcfg")

    with pytest.raises(ServiceValidationError) as unknown:
        await call(hass, "get", config_entry_id="not-an-entry", url=far_end.url("/text"))
    assert unknown.value.translation_key == "modem_not_found"
    assert unknown.value.translation_placeholders == {"entry_id": "not-an-entry"}

    assert await hass.config_entries.async_unload(only.entry.entry_id)
    with pytest.raises(ServiceValidationError) as unloaded:
        await call(hass, "get", url=far_end.url("/text"))
    assert unloaded.value.translation_key == "modem_not_loaded"

    assert await hass.config_entries.async_remove(only.entry.entry_id)
    with pytest.raises(ServiceValidationError) as none:
        await call(hass, "get", url=far_end.url("/text"))
    assert none.value.translation_key == "no_modem"
    assert far_end.requests == []


async def test_concurrent_posts_each_get_their_own_answer(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Twenty automations post at once: the modem queues them and nobody gets another's reply."""
    bodies = [f"automation-{n}-{'x' * n}" for n in range(20)]

    responses = await asyncio.gather(
        *(call(hass, "post", url=far_end.url("/echo"), payload=body) for body in bodies)
    )

    assert [response["content"] for response in responses] == bodies
    assert sorted(r.body.decode() for r in far_end.requests) == sorted(bodies)
    assert service_modem.entry.runtime_data.coordinator.stats.requests == 20
