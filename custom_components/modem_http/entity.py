"""The base of every modem_http entity: one device per modem, keyed by its IMEI."""

from typing import override

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import ModemCoordinator


class ModemEntity(CoordinatorEntity[ModemCoordinator]):
    """An entity of one modem; unavailable while the modem does not answer."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: ModemCoordinator, description: EntityDescription) -> None:
        """Unique IDs start with the IMEI, which survives a move to another port."""
        super().__init__(coordinator)
        self.entity_description = description
        identity = coordinator.identity
        self._attr_unique_id = f"{identity.imei}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, identity.imei)},
            manufacturer=identity.manufacturer,
            model=identity.model,
            sw_version=identity.revision,
            serial_number=identity.imei,
            name=coordinator.config_entry.title,
        )

    @property
    @override
    def available(self) -> bool:
        """The last poll worked and the serial port is open right now."""
        return self.coordinator.reachable
