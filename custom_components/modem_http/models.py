"""Runtime data shared by the integration's platforms and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .atmodem import Modem
from .error_kinds import ErrorKind

if TYPE_CHECKING:
    from .coordinator import ModemCoordinator


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """What one service call did, for the sensors (last status, bytes, duration, error)."""

    method: str
    status: int | None
    """HTTP status, or None when the request failed before a response."""
    bytes_sent: int
    bytes_received: int
    duration: float
    """Seconds the request had the modem (queueing behind other requests not included)."""
    error: ErrorKind | None = None
    """Why it failed (one of a fixed set, the Last error sensor's states); None on success."""
    error_code: int | None = None
    """The modem's own number for the failure (SIMCom 715, a +CME ERROR code), if it gave one."""


@dataclass(slots=True)
class ModemHttpData:
    """What a config entry holds while loaded (entry.runtime_data)."""

    modem: Modem
    coordinator: ModemCoordinator


type ModemHttpConfigEntry = ConfigEntry[ModemHttpData]
