"""Diagnostics: what a bug report needs, with the modem's and SIM's identities left out.

The IMEI and ICCID identify a person's line; credentials can sit in a serial URL
(`rfc2217://user:pass@host`, ESPHome keys) and in request headers. All are redacted here.
"""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .atmodem.transport import redact_url
from .const import CONF_DEVICE
from .models import ModemHttpConfigEntry

TO_REDACT = {
    "imei",
    "iccid",
    "serial_number",
    "unique_id",
    "authorization",
    "Authorization",
    "proxy-authorization",
    "Proxy-Authorization",
    "password",
    "username",
    "apn_password",
    "apn_username",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ModemHttpConfigEntry
) -> dict[str, Any]:
    """The entry, the modem's identity and dialect, its last status and request figures."""
    coordinator = entry.runtime_data.coordinator
    modem = entry.runtime_data.modem
    data = dict(entry.data)
    if isinstance(data.get(CONF_DEVICE), str):
        data[CONF_DEVICE] = redact_url(data[CONF_DEVICE])
    status = coordinator.data.status
    stats = coordinator.data.requests
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": data,
            "options": dict(entry.options),
        },
        "device": {
            **asdict(coordinator.identity),
            "dialect": modem.dialect,
            "methods": sorted(modem.methods),
            "max_body": modem.max_body,
        },
        "connection": {
            "connected": modem.connected,
            "last_update_success": coordinator.last_update_success,
            "last_exception": (
                str(coordinator.last_exception) if coordinator.last_exception else None
            ),
        },
        "status": asdict(status) if status is not None else None,
        "requests": {
            "last": asdict(stats.last) if stats.last is not None else None,
            "last_failure": asdict(stats.last_failure) if stats.last_failure else None,
            "bytes_sent": stats.bytes_sent,
            "bytes_received": stats.bytes_received,
            "requests": stats.requests,
            "failures": stats.failures,
        },
    }
    return async_redact_data(diagnostics, TO_REDACT)
