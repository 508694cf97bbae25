"""Admin-only actions: send one AT command for troubleshooting, install a (rotated) CA.

Both act on the modem's session itself, so only administrators may call them. `send_command`
refuses commands that would break the library's conversation with the modem (the list and the
reasons are in atmodem.control); the modem's own error answers are returned, not raised, since
they are what the user is looking for.
"""

from __future__ import annotations

from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import ConfigEntrySelector
from homeassistant.helpers.service import async_register_admin_service

from .atmodem import ModemError, RequestRejected
from .atmodem.tls import MAX_CERT_FILE, UnsupportedOperation
from .const import DOMAIN, MODEM_CA_FILE
from .file_transfer import read_allowed_file
from .services_common import ATTR_CONFIG_ENTRY_ID, checked_url, resolve_entry
from .services_errors import to_service_error, validation_error

SERVICE_SEND_COMMAND: Final = "send_command"
SERVICE_INSTALL_CA: Final = "install_ca"
ATTR_COMMAND: Final = "command"
ATTR_TIMEOUT: Final = "timeout"
ATTR_PATH: Final = "path"
ATTR_URL: Final = "url"

_ENTRY: Final = {vol.Optional(ATTR_CONFIG_ENTRY_ID): ConfigEntrySelector({"integration": DOMAIN})}
SEND_COMMAND_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_COMMAND): cv.string,
        vol.Optional(ATTR_TIMEOUT, default=10): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=180)
        ),
    }
)
INSTALL_CA_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Exclusive(ATTR_PATH, "source"): cv.string,
        vol.Exclusive(ATTR_URL, "source"): cv.string,
    }
)


def async_setup_admin_services(hass: HomeAssistant) -> None:
    """Register send_command and install_ca (admin only)."""

    async def send_command(call: ServiceCall) -> ServiceResponse:
        return await _async_send_command(hass, call)

    async def install_ca(call: ServiceCall) -> ServiceResponse:
        return await _async_install_ca(hass, call)

    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_SEND_COMMAND,
        send_command,
        SEND_COMMAND_SCHEMA,
        SupportsResponse.ONLY,
    )
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_INSTALL_CA,
        install_ca,
        INSTALL_CA_SCHEMA,
        SupportsResponse.OPTIONAL,
    )


async def _async_send_command(hass: HomeAssistant, call: ServiceCall) -> dict[str, Any]:
    entry = resolve_entry(hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    command = str(call.data[ATTR_COMMAND])
    timeout = float(call.data[ATTR_TIMEOUT])
    try:
        lines, final = await entry.runtime_data.modem.send_command(command, timeout=timeout)
    except RequestRejected as err:
        raise validation_error(
            "command_refused", command=command.strip(), reason=err.reason
        ) from err
    except (ModemError, TimeoutError) as err:
        raise to_service_error(err, timeout=timeout) from err
    return {"command": command.strip(), "lines": lines, "final": final}


async def _async_install_ca(hass: HomeAssistant, call: ServiceCall) -> dict[str, Any]:
    entry = resolve_entry(hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    modem = entry.runtime_data.modem
    path, url = call.data.get(ATTR_PATH), call.data.get(ATTR_URL)
    if not path and not url:
        raise validation_error("ca_source_required")
    try:
        if path:
            data = await hass.async_add_executor_job(read_allowed_file, hass, path, MAX_CERT_FILE)
            stored = await modem.install_ca(MODEM_CA_FILE, data)
        else:
            await modem.download_ca(checked_url(str(url)), MODEM_CA_FILE)
            stored = MODEM_CA_FILE
    except UnsupportedOperation as err:
        raise validation_error("ca_upload_unsupported", dialect=modem.dialect) from err
    except HomeAssistantError:
        raise
    except (ModemError, TimeoutError) as err:
        raise to_service_error(err, timeout=60) from err
    return {"file": stored}
