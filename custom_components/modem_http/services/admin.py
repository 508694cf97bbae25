"""Admin-only actions: send one AT command for troubleshooting, install a (rotated) CA.

Both act on the modem's session itself, so only administrators may call them. `send_command`
refuses commands that would break the library's conversation with the modem (the list and the
reasons are in atmodem.admin); the modem's own error answers are returned, not raised, since
they are what the user is looking for.
"""

from typing import Any, Final

import probatio as vol
from homeassistant.core import ServiceCall
from homeassistant.helpers import config_validation as cv

from ..atmodem import Modem, ModemError, ResponseTooLargeError
from ..atmodem.tls import MAX_CERT_FILE, UnsupportedOperation
from ..certificates import CertificateError, Problem, check_ca
from ..const import MODEM_CA_FILE
from .errors import library_error, modem_failure, validation_error
from .fields import ATTR_COMMAND, ATTR_PATH, ATTR_TIMEOUT, ATTR_URL, ENTRY_FIELD
from .local_files import read_allowed_file
from .target import modem_entry

SEND_COMMAND_SCHEMA: Final = vol.Schema(
    {
        **ENTRY_FIELD,
        vol.Required(ATTR_COMMAND): cv.string,
        vol.Optional(ATTR_TIMEOUT, default=10): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=180)
        ),
    }
)
INSTALL_CA_SCHEMA: Final = vol.Schema(
    {
        **ENTRY_FIELD,
        vol.Exclusive(ATTR_PATH, "source"): cv.string,
        vol.Exclusive(ATTR_URL, "source"): cv.string,
    }
)
CA_TIMEOUT: Final = 60.0
"""Seconds install_ca gives each fetch and the upload."""


async def async_send_command(call: ServiceCall) -> dict[str, Any]:
    """modem_http.send_command: one AT command, the modem's lines and final result back."""
    entry = modem_entry(call)
    command = str(call.data[ATTR_COMMAND])
    timeout = float(call.data[ATTR_TIMEOUT])
    try:
        lines, final = await entry.runtime_data.modem.admin.send_command(command, timeout=timeout)
    except (ModemError, TimeoutError) as err:
        raise library_error(err, timeout=timeout, command=command.strip()) from err
    return {"command": command.strip(), "lines": lines, "final": final}


async def async_install_ca(call: ServiceCall) -> dict[str, Any]:
    """modem_http.install_ca: a CA from a file or a URL, checked before the modem stores it.

    From a URL the bytes are fetched through the modem first (capped at the modems' certificate
    size), checked, and then exactly those bytes are uploaded. A family without an upload
    command (AT+HTTPCFG) can only store what it downloads itself: there the checked URL is
    fetched a second time into the modem's file and the length it announces must match what was
    checked. That leaves a window: a server that changes the file between the two fetches to
    another of the same length is not caught. Such a server could as well have served its own
    CA from the start, so the check is about mistakes (an error page, the wrong link), which it
    does catch.
    """
    hass = call.hass
    modem = modem_entry(call).runtime_data.modem
    path, url = call.data.get(ATTR_PATH), call.data.get(ATTR_URL)
    if not path and not url:
        raise validation_error("ca_source_required")
    source = str(path or url)
    try:
        if path:
            data = await hass.async_add_executor_job(read_allowed_file, hass, path, MAX_CERT_FILE)
        else:
            data = await _fetch_ca(modem, str(url))
        _check_ca(source, data)
        try:
            stored = await modem.admin.install_ca(MODEM_CA_FILE, data)
        except UnsupportedOperation as err:
            if not url:
                raise validation_error("ca_upload_unsupported", dialect=modem.dialect) from err
            # A family that cannot download into its storage either (SIM800) says why.
            stored = await _let_modem_fetch_ca(modem, url, data)
    except (ModemError, TimeoutError) as err:
        raise library_error(err, timeout=CA_TIMEOUT) from err
    return {"file": stored, "size": len(data)}


async def _fetch_ca(modem: Modem, url: str) -> bytes:
    """The CA's bytes, fetched through the modem; never more than a certificate file takes."""
    try:
        response = await modem.http_request(
            "GET", url, timeout=CA_TIMEOUT, max_response_size=MAX_CERT_FILE
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
    response = await modem.admin.download_ca(url, MODEM_CA_FILE, timeout=CA_TIMEOUT)
    stored = response.content_length
    if stored is not None and stored != len(checked):
        raise modem_failure("ca_changed", url=url, checked=len(checked), stored=stored)
    return MODEM_CA_FILE
