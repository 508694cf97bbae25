"""Runtime data shared by the integration's platforms and actions."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .atmodem import Modem
from .transfers import TransferMonitor

if TYPE_CHECKING:
    from .coordinator import ModemCoordinator


class ErrorKind(StrEnum):
    """Why the last failed request failed: the Last error sensor's translated states.

    A fixed set, so a dashboard reads "DNS lookup failed" rather than an internal name with a
    number glued on. The modem's own number (SIMCom 715, Quectel 716, a +CME ERROR code) is kept
    beside the kind, because it is what the module's manual lists, but never becomes the state.
    Which failure is which kind is decided in services/errors.py.
    """

    DNS_FAILED = "dns_failed"
    CONNECTION_FAILED = "connection_failed"
    TLS_FAILED = "tls_failed"
    SERVER_TIMEOUT = "server_timeout"
    MODEM_HTTP_ERROR = "modem_http_error"
    NO_DATA_CONNECTION = "no_data_connection"
    MODEM_DISCONNECTED = "modem_disconnected"
    MODEM_TIMEOUT = "modem_timeout"
    COMMAND_FAILED = "command_failed"
    RESPONSE_TOO_LARGE = "response_too_large"
    TRANSFER_CUT = "transfer_cut"
    """A body stopped midway and could not be resumed (or was cut too often)."""
    FILE_WRITE_FAILED = "file_write_failed"
    CANCELLED = "cancelled"
    OTHER = "other"


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
    transfers: TransferMonitor = field(default_factory=TransferMonitor)
    """Bodies in flight through the modem, for the transfer progress sensor."""


type ModemHttpConfigEntry = ConfigEntry[ModemHttpData]
