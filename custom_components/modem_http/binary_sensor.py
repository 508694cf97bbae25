"""Binary sensors: would the fallback work, is the modem there, is data up, roaming, last request.

"Cellular fallback ready" answers a dashboard's question in one entity: on when Home Assistant
talks to the modem, its SIM is ready, it is registered and its data context is up; its `problem`
attribute (translated) names the first condition that fails (fallback.py). Like the modem
connection sensor it stays available while the modem is gone: "not ready, modem disconnected"
is its answer then.

The last-request sensor uses the PROBLEM device class (on = the last request failed) rather than a
plain "succeeded" sensor: Home Assistant shows PROBLEM as "OK"/"Problem", which reads right on a
dashboard, and an automation that alerts on trouble triggers on "on" like every other problem
sensor.

The connectivity sensor for the modem itself stays available while the modem is gone: its whole
job is to say "disconnected", which an unavailable entity cannot.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import ModemCoordinator
from .entity import ModemEntity
from .fallback import FallbackProblem, fallback_problem
from .models import ModemHttpConfigEntry

# The coordinator serialises all modem I/O; entities only read its data.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ModemBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor read from the coordinator."""

    value_fn: Callable[[ModemCoordinator], bool | None]
    always_available: bool = False
    attributes_fn: Callable[[ModemCoordinator], dict[str, Any]] | None = None


def _last_request_failed(coordinator: ModemCoordinator) -> bool | None:
    last = coordinator.data.requests.last
    return None if last is None else last.error is not None


def _data_attached(coordinator: ModemCoordinator) -> bool | None:
    """The HTTP stack's PDP context has an address (attach alone does not carry data)."""
    status = coordinator.data.status
    return status.data_active if status is not None else None


def _roaming(coordinator: ModemCoordinator) -> bool | None:
    status = coordinator.data.status
    return status.roaming if status is not None else None


def _problem(coordinator: ModemCoordinator) -> FallbackProblem | None:
    data = coordinator.data
    return fallback_problem(coordinator.reachable, data.status if data is not None else None)


def _fallback_attributes(coordinator: ModemCoordinator) -> dict[str, Any]:
    """The first failing condition (a translated state of the attribute); None when ready."""
    problem = _problem(coordinator)
    return {"problem": problem.value if problem is not None else None}


BINARY_SENSORS: tuple[ModemBinarySensorEntityDescription, ...] = (
    ModemBinarySensorEntityDescription(
        key="fallback_ready",
        translation_key="fallback_ready",
        value_fn=lambda coordinator: _problem(coordinator) is None,
        always_available=True,
        attributes_fn=_fallback_attributes,
    ),
    ModemBinarySensorEntityDescription(
        key="modem_connected",
        translation_key="modem_connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda coordinator: coordinator.reachable,
        always_available=True,
    ),
    ModemBinarySensorEntityDescription(
        key="data_attached",
        translation_key="data_attached",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        value_fn=_data_attached,
    ),
    ModemBinarySensorEntityDescription(
        key="roaming",
        translation_key="roaming",
        value_fn=_roaming,
    ),
    ModemBinarySensorEntityDescription(
        key="last_request",
        translation_key="last_request",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=_last_request_failed,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One set of binary sensors per modem."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        ModemBinarySensor(coordinator, description) for description in BINARY_SENSORS
    )


class ModemBinarySensor(ModemEntity, BinarySensorEntity):
    """A binary value from the coordinator."""

    entity_description: ModemBinarySensorEntityDescription

    @property
    @override
    def available(self) -> bool:
        """The connectivity sensor must be able to say "disconnected"."""
        return self.entity_description.always_available or super().available

    @property
    @override
    def is_on(self) -> bool | None:
        """Read the description's value."""
        return self.entity_description.value_fn(self.coordinator)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Why the fallback is not ready (the fallback sensor only)."""
        attributes_fn = self.entity_description.attributes_fn
        return attributes_fn(self.coordinator) if attributes_fn is not None else None
