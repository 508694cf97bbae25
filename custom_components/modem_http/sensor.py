"""Sensors: what the last request did, byte totals, and the modem's radio status.

Enabled by default is what a dashboard of a cellular fallback needs: can the modem reach the
network (registration, signal), did the last request get through (status, error), and how much
data the requests moved (byte totals, for a metered SIM). The per-request duration and size and
the operator's name are details most users never look at, and the first two change with every
request: they are created disabled, and one click in the entity settings turns them on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfInformation,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .atmodem import Registration
from .coordinator import ModemData
from .entity import ModemEntity
from .models import ErrorKind, ModemHttpConfigEntry

# The coordinator serialises all modem I/O; entities only read its data.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ModemSensorEntityDescription(SensorEntityDescription):
    """A sensor read from the coordinator's data."""

    value_fn: Callable[[ModemData], StateType]
    attributes_fn: Callable[[ModemData], dict[str, Any]] | None = None


def _last_error(data: ModemData) -> str | None:
    failure = data.requests.last_failure
    return failure.error if failure is not None else None


def _last_error_attributes(data: ModemData) -> dict[str, Any]:
    """Only the modem's own number: the kind is the state, the rest is in diagnostics."""
    failure = data.requests.last_failure
    return {"modem_code": failure.error_code if failure is not None else None}


@dataclass(frozen=True, kw_only=True)
class ModemTotalSensorEntityDescription(SensorEntityDescription):
    """A byte counter carried over restarts; `field` names the RequestStats attribute."""

    field: str


SENSORS: tuple[ModemSensorEntityDescription, ...] = (
    ModemSensorEntityDescription(
        key="last_status_code",
        translation_key="last_status_code",
        value_fn=lambda data: data.requests.last.status if data.requests.last else None,
    ),
    ModemSensorEntityDescription(
        key="last_response_size",
        translation_key="last_response_size",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.requests.last.bytes_received if data.requests.last else None,
    ),
    ModemSensorEntityDescription(
        key="last_request_duration",
        translation_key="last_request_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
        value_fn=lambda data: round(data.requests.last.duration, 3) if data.requests.last else None,
    ),
    ModemSensorEntityDescription(
        key="last_error",
        translation_key="last_error",
        device_class=SensorDeviceClass.ENUM,
        options=[kind.value for kind in ErrorKind],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_error,
        attributes_fn=_last_error_attributes,
    ),
    ModemSensorEntityDescription(
        key="signal_strength",
        translation_key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.status.rssi_dbm if data.status else None,
    ),
    ModemSensorEntityDescription(
        key="network_registration",
        translation_key="network_registration",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in Registration],
        value_fn=lambda data: data.status.registration.value if data.status else None,
    ),
    ModemSensorEntityDescription(
        key="operator",
        translation_key="operator",
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.status.operator if data.status else None,
    ),
)

TOTALS: tuple[ModemTotalSensorEntityDescription, ...] = (
    ModemTotalSensorEntityDescription(
        key="bytes_sent",
        translation_key="bytes_sent",
        field="bytes_sent",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
    ModemTotalSensorEntityDescription(
        key="bytes_received",
        translation_key="bytes_received",
        field="bytes_received",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One set of sensors per modem."""
    coordinator = entry.runtime_data.coordinator
    entities: list[SensorEntity] = [
        ModemSensor(coordinator, description) for description in SENSORS
    ]
    entities.extend(ModemTotalSensor(coordinator, description) for description in TOTALS)
    async_add_entities(entities)


class ModemSensor(ModemEntity, SensorEntity):
    """A value straight from the coordinator's data."""

    entity_description: ModemSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType:
        """Read the description's field from the latest data."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The few attributes a description asks for (the last error's modem number)."""
        attributes_fn = self.entity_description.attributes_fn
        return attributes_fn(self.coordinator.data) if attributes_fn is not None else None


class ModemTotalSensor(ModemEntity, RestoreSensor):
    """A byte counter that never goes backwards, not even across restarts or reloads."""

    entity_description: ModemTotalSensorEntityDescription

    @override
    async def async_added_to_hass(self) -> None:
        """Add the last known total to the coordinator's count, once."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is None or not isinstance(last.native_value, (int, float, str)):
            return
        try:
            restored = int(float(last.native_value))
        except ValueError:
            return
        self.coordinator.async_restore_totals(**{self.entity_description.field: restored})

    @property
    @override
    def native_value(self) -> int:
        """The total from the coordinator, restored part included."""
        value: int = getattr(self.coordinator.data.requests, self.entity_description.field)
        return value
