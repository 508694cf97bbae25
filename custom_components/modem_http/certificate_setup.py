"""The entry's certificate files: read from the allow-list, checked, uploaded as the entry sets up.

TLS verification needs a CA file (and for mutual TLS a client certificate and key) from a folder
listed in `allowlist_external_dirs`. They are uploaded to the modem when the entry loads, and the
CA again by the `modem_http.install_ca` action when it is rotated.
"""

import logging
from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady, HomeAssistantError

from .atmodem import Modem, ModemError
from .atmodem.shown import shown
from .atmodem.tls import MAX_CERT_FILE, UnsupportedOperation
from .certificates import CertificateError, CertificateFile, certificate_problems
from .const import (
    CONF_CA_PATH,
    CONF_CLIENT_CERT_PATH,
    CONF_CLIENT_KEY_PATH,
    CONF_TLS_VERIFY,
    DOMAIN,
    MODEM_CA_FILE,
    MODEM_CLIENT_CERT_FILE,
    MODEM_CLIENT_KEY_FILE,
)
from .services.errors import MAX_PLACEHOLDER
from .services.local_files import read_allowed_file

_LOGGER = logging.getLogger(__name__)

CERTIFICATE_OPTIONS: Final = (
    (CONF_CA_PATH, MODEM_CA_FILE),
    (CONF_CLIENT_CERT_PATH, MODEM_CLIENT_CERT_FILE),
    (CONF_CLIENT_KEY_PATH, MODEM_CLIENT_KEY_FILE),
)
"""Each option naming a local file, and the name the file gets on the modem."""


def read_certificate_file(hass: HomeAssistant, option: str, path: str) -> CertificateFile:
    """One configured file, allow-list checked (blocking: run in the executor)."""
    name = dict(CERTIFICATE_OPTIONS)[option]
    return CertificateFile(option, path, name, read_allowed_file(hass, path, MAX_CERT_FILE))


def read_certificate_files(
    hass: HomeAssistant, options: Mapping[str, Any]
) -> list[CertificateFile]:
    """Read the configured CA / client files (blocking: run in the executor).

    Raises HomeAssistantError (translated) for a path outside the allowlist or an unreadable file.
    """
    if options.get(CONF_TLS_VERIFY, "none") == "none":
        return []
    return [
        read_certificate_file(hass, option, path)
        for option, _ in CERTIFICATE_OPTIONS
        if (path := options.get(option))
    ]


async def async_setup_certificates(
    hass: HomeAssistant, options: Mapping[str, Any], modem: Modem
) -> None:
    """Check, then upload the configured CA / client files while the entry sets up.

    A file that cannot be read, or is not what it claims (the options form checks it, but the
    file may have changed since), is the user's to fix: ConfigEntryError, whose message says to
    choose another file in the options; saving them reloads the entry. A modem that fails the
    upload may do better on the next try (ConfigEntryNotReady). The AT+HTTPCFG family has no
    upload command: there the CA comes with the install_ca action and a URL.
    """
    try:
        files = await hass.async_add_executor_job(read_certificate_files, hass, options)
    except HomeAssistantError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="setup_certificate_unreadable",
            translation_placeholders={"error": shown(str(err), limit=MAX_PLACEHOLDER)},
        ) from err
    problems = certificate_problems(files)
    for file in files:
        if (problem := problems.get(file.option)) is not None:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="setup_certificate_invalid",
                translation_placeholders={
                    "file": shown(file.local_path),
                    "reason": str(CertificateError(problem)),
                },
            )
    for file in files:
        try:
            await modem.admin.install_ca(file.modem_name, file.data)
        except UnsupportedOperation:
            _LOGGER.warning(
                "The %s modem cannot take uploaded files, so its CA must be installed with the "
                "modem_http.install_ca action and a URL",
                modem.dialect,
            )
            return
        except ModemError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="setup_certificate_upload_failed",
                translation_placeholders={
                    "file": shown(file.local_path),
                    "error": shown(str(err), limit=MAX_PLACEHOLDER),
                },
            ) from err
