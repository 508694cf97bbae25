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

from .atmodem import Modem, ModemError, RequestRejected, ResponseTooLargeError
from .atmodem.tls import MAX_CERT_FILE, UnsupportedOperation
from .certificates import CertificateError, Problem, check_ca
from .const import DOMAIN, MODEM_CA_FILE
from .file_transfer import read_allowed_file
from .services_common import ATTR_CONFIG_ENTRY_ID, checked_url, resolve_entry
from .services_errors import modem_failure, to_service_error, validation_error

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
    """Check the CA is one before the modem stores it, whether it comes from a file or a URL.

    From a URL the bytes are fetched through the modem first (capped at the modems' certificate
    size), checked, and then exactly those bytes are uploaded. A family without an upload
    command (AT+HTTPCFG) can only store what it downloads itself: there the checked URL is
    fetched a second time into the modem's file and the length it announces must match what was
    checked. That leaves a window: a server that changes the file between the two fetches to
    another of the same length is not caught. Such a server could as well have served its own
    CA from the start, so the check is about mistakes (an error page, the wrong link), which it
    does catch.
    """
    entry = resolve_entry(hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    modem = entry.runtime_data.modem
    path, url = call.data.get(ATTR_PATH), call.data.get(ATTR_URL)
    if not path and not url:
        raise validation_error("ca_source_required")
    source = str(path or url)
    try:
        if path:
            data = await hass.async_add_executor_job(read_allowed_file, hass, path, MAX_CERT_FILE)
        else:
            url = checked_url(str(url))
            data = await _fetch_ca(modem, url)
        _check_ca(source, data)
        try:
            stored = await modem.install_ca(MODEM_CA_FILE, data)
        except UnsupportedOperation:
            if not url:
                raise
            stored = await _let_modem_fetch_ca(modem, url, data)
    except UnsupportedOperation as err:
        raise validation_error("ca_upload_unsupported", dialect=modem.dialect) from err
    except HomeAssistantError:
        raise
    except (ModemError, TimeoutError) as err:
        raise to_service_error(err, timeout=_CA_TIMEOUT) from err
    return {"file": stored, "size": len(data)}


_CA_TIMEOUT: Final = 60.0


async def _fetch_ca(modem: Modem, url: str) -> bytes:
    """The CA's bytes, fetched through the modem; never more than a certificate file takes."""
    try:
        response = await modem.http_request(
            "GET", url, timeout=_CA_TIMEOUT, max_response_size=MAX_CERT_FILE
        )
    except ResponseTooLargeError as err:
        raise validation_error(
            "invalid_certificate",
            source=url,
            reason=str(CertificateError(Problem.TOO_LARGE)),
        ) from err
    if not response.ok:
        raise modem_failure("download_bad_status", status=response.status)
    return response.body


def _check_ca(source: str, data: bytes) -> None:
    try:
        check_ca(data)
    except CertificateError as err:
        raise validation_error("invalid_certificate", source=source, reason=str(err)) from err


async def _let_modem_fetch_ca(modem: Modem, url: str, checked: bytes) -> str:
    """The family stores only what it downloads: fetch again, and compare the length."""
    response = await modem.download_ca(url, MODEM_CA_FILE, timeout=_CA_TIMEOUT)
    stored = response.content_length
    if stored is not None and stored != len(checked):
        raise modem_failure("ca_changed", url=url, checked=len(checked), stored=stored)
    return MODEM_CA_FILE
