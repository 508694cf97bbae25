"""Constants shared by the modem_http integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "modem_http"

CONF_DEVICE: Final = "device"
"""Serial device path or URL (socket://, rfc2217://, esphome://)."""
CONF_BAUDRATE: Final = "baudrate"
CONF_DIALECT: Final = "dialect"
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_TIMEOUT: Final = "timeout"

DIALECT_AUTO: Final = "auto"
DIALECT_OPTIONS: Final = ["auto", "simcom", "httpcfg", "quectel"]
BAUDRATES: Final = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]

DEFAULT_BAUDRATE: Final = 115200
DEFAULT_SCAN_INTERVAL: Final = 60
"""Seconds between status polls."""
DEFAULT_TIMEOUT: Final = 60
"""Default HTTP request timeout in seconds."""

EVENT_DOWNLOAD_COMPLETED: Final = "modem_http_download_completed"
EVENT_DOWNLOAD_FAILED: Final = "modem_http_download_failed"

# --- Config flow, coordinator and repairs (engineer A) ---

MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 3600
MIN_TIMEOUT: Final = 5
MAX_TIMEOUT: Final = 600

PROBE_TIMEOUT: Final = 10.0
"""Seconds the config flow gives a modem to open, answer AT and name its HTTP family."""
STATUS_TIMEOUT: Final = 5.0
"""Seconds each status command may take before the poll counts as failed."""

UNREACHABLE_ISSUE_AFTER: Final = 15 * 60
"""Seconds a modem may stay unreachable before a repair issue tells the user."""
ISSUE_MODEM_UNREACHABLE: Final = "modem_unreachable"
