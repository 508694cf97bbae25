"""Sensors: what the last request did, byte totals, and the modem's SIM, network and radio.

Enabled by default is what a dashboard of a cellular fallback needs to explain its answer: the
SIM state (a PIN-locked or missing SIM is the commonest reason it is not ready), the network
registration and the network type (home or visited network, LTE or a 2G fallback), one signal
figure (RSSI, which every technology reports), whether the last request got through (status,
error), and how much data the requests moved (byte totals, for a metered SIM).

Created disabled are the figures for tuning an antenna or reporting a fault: RSRP, RSRQ and SINR
(LTE only; four signal sensors updating every minute would fill the recorder of every user for
the few who move an antenna), the serving cell (cell id, TAC/LAC, band, channel, PCI, MCC-MNC),
the data context's IP address, the module's temperature and its own byte counters, the operator's
name, and the per-request duration and size (they change with every request). One click in the
entity settings turns any of them on; those that cost a command of their own are only asked for
while an enabled entity shows them. A family that cannot report a reading gets no entity for it.
The transfer progress sensor (progress_sensor.py) shows a long download or upload as it runs.
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
    SIGNAL_STRENGTH_DECIBELS,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfInformation,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .atmodem import (
    ON_DEMAND,
    ModemStatus,
    Reading,
    RegistrationState,
    ServingCell,
    SignalQuality,
    SimState,
    Technology,
)
from .coordinator import ModemData
from .entity import ModemEntity
from .models import ErrorKind, ModemHttpConfigEntry
from .progress_sensor import TransferProgressSensor

# The coordinator serialises all modem I/O; entities only read its data.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ModemSensorEntityDescription(SensorEntityDescription):
    """A sensor read from the coordinator's data."""

    value_fn: Callable[[ModemData], StateType]
    attributes_fn: Callable[[ModemData], dict[str, Any]] | None = None
    reading: Reading | None = None
    """The family must report this reading for the sensor to exist (None: every family does)."""


NO_ERROR = "none"
"""Last error's state while no request has failed since Home Assistant started.

A dashboard then reads "None since start" rather than "Unknown": nothing is unknown about it.
"""


def _last_error(data: ModemData) -> str | None:
    failure = data.requests.last_failure
    if failure is None:
        return NO_ERROR
    return failure.error


def _last_error_attributes(data: ModemData) -> dict[str, Any]:
    """Only the modem's own number: the kind is the state, the rest is in diagnostics."""
    failure = data.requests.last_failure
    return {"modem_code": failure.error_code if failure is not None else None}


def _status[T](read: Callable[[ModemStatus], T]) -> Callable[[ModemData], T | None]:
    """A value of the last poll; None before the first."""
    return lambda data: read(data.status) if data.status is not None else None


def _signal(read: Callable[[SignalQuality], float | None]) -> Callable[[ModemData], float | None]:
    return _status(lambda status: read(status.signal))


def _cell(read: Callable[[ServingCell], StateType]) -> Callable[[ModemData], StateType]:
    return _status(lambda status: read(status.cell) if status.cell is not None else None)


def _sim_state(data: ModemData) -> str | None:
    status = data.status
    return status.sim.state.value if status is not None and status.sim is not None else None


def _sim_attributes(data: ModemData) -> dict[str, Any]:
    """The tries left, where the family reads them (while the SIM asks for a PIN or PUK)."""
    sim = data.status.sim if data.status is not None else None
    return {
        "pin_tries_left": sim.pin_tries if sim is not None else None,
        "puk_tries_left": sim.puk_tries if sim is not None else None,
    }


def _address(status: ModemStatus) -> str | None:
    address = status.address
    if address is None:
        return None
    found = address.ipv4 or address.ipv6
    return str(found) if found is not None else None


def _counter(read: Callable[[ModemStatus], int | None]) -> Callable[[ModemData], int | None]:
    return _status(read)


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
        options=[NO_ERROR, *(kind.value for kind in ErrorKind)],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_error,
        attributes_fn=_last_error_attributes,
    ),
    ModemSensorEntityDescription(
        key="sim_state",
        translation_key="sim_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in SimState],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_sim_state,
        attributes_fn=_sim_attributes,
    ),
    ModemSensorEntityDescription(
        key="network_registration",
        translation_key="network_registration",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in RegistrationState],
        value_fn=_status(lambda status: status.registration),
    ),
    ModemSensorEntityDescription(
        key="network_type",
        translation_key="network_type",
        device_class=SensorDeviceClass.ENUM,
        options=[technology.value for technology in Technology],
        value_fn=_status(lambda status: status.technology),
    ),
    ModemSensorEntityDescription(
        key="signal_strength",
        translation_key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_signal(lambda signal: signal.rssi_dbm),
    ),
    ModemSensorEntityDescription(
        key="rsrp",
        translation_key="rsrp",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.RSRP,
        value_fn=_signal(lambda signal: signal.rsrp_dbm),
    ),
    ModemSensorEntityDescription(
        key="rsrq",
        translation_key="rsrq",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.RSRQ,
        value_fn=_signal(lambda signal: signal.rsrq_db),
    ),
    ModemSensorEntityDescription(
        key="sinr",
        translation_key="sinr",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.SINR,
        value_fn=_signal(lambda signal: signal.sinr_db),
    ),
    ModemSensorEntityDescription(
        key="cell_id",
        translation_key="cell_id",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.CELL_ID,
        value_fn=_cell(lambda cell: cell.cell_id),
    ),
    ModemSensorEntityDescription(
        key="area_code",
        translation_key="area_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.AREA_CODE,
        value_fn=_cell(lambda cell: cell.area_code),
    ),
    ModemSensorEntityDescription(
        key="physical_cell_id",
        translation_key="physical_cell_id",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.PHYSICAL_CELL_ID,
        value_fn=_cell(lambda cell: cell.physical_id),
    ),
    ModemSensorEntityDescription(
        key="band",
        translation_key="band",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.BAND,
        value_fn=_cell(lambda cell: cell.band),
    ),
    ModemSensorEntityDescription(
        key="channel",
        translation_key="channel",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.CHANNEL,
        value_fn=_cell(lambda cell: cell.channel),
    ),
    ModemSensorEntityDescription(
        key="plmn",
        translation_key="plmn",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.PLMN,
        value_fn=_cell(lambda cell: cell.plmn),
    ),
    ModemSensorEntityDescription(
        key="ip_address",
        translation_key="ip_address",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_status(_address),
    ),
    ModemSensorEntityDescription(
        key="temperature",
        translation_key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.TEMPERATURE,
        value_fn=_status(lambda status: status.temperature_c),
    ),
    ModemSensorEntityDescription(
        key="modem_bytes_sent",
        translation_key="modem_bytes_sent",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.DATA_COUNTERS,
        value_fn=_counter(
            lambda status: status.data_counters.sent_bytes if status.data_counters else None
        ),
    ),
    ModemSensorEntityDescription(
        key="modem_bytes_received",
        translation_key="modem_bytes_received",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reading=Reading.DATA_COUNTERS,
        value_fn=_counter(
            lambda status: status.data_counters.received_bytes if status.data_counters else None
        ),
    ),
    ModemSensorEntityDescription(
        key="operator",
        translation_key="operator",
        entity_registry_enabled_default=False,
        reading=Reading.OPERATOR,
        value_fn=_status(lambda status: status.operator),
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


def enabled_readings(hass: HomeAssistant, entry: ModemHttpConfigEntry) -> frozenset[Reading]:
    """The on-demand readings (operator, temperature, counters) an enabled sensor shows.

    Read from the entity registry before the first poll, so that poll already asks for them;
    Home Assistant reloads the entry whenever the user enables or disables an entity.
    """
    by_key = {d.key: d.reading for d in SENSORS if d.reading in ON_DEMAND}
    found: set[Reading] = set()
    for registered in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        if registered.domain != "sensor" or registered.disabled_by is not None:
            continue
        _imei, _sep, key = registered.unique_id.partition("_")
        reading = by_key.get(key)
        if reading is not None:
            found.add(reading)
    return frozenset(found)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One set of sensors per modem."""
    coordinator = entry.runtime_data.coordinator
    readings = coordinator.modem.readings
    entities: list[SensorEntity] = [
        ModemSensor(coordinator, description)
        for description in SENSORS
        if description.reading is None or description.reading in readings
    ]
    entities.extend(ModemTotalSensor(coordinator, description) for description in TOTALS)
    entities.append(TransferProgressSensor(coordinator, entry.runtime_data.transfers))
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
