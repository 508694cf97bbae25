"""The entry's data connection and TLS options: form fields, checks, and what atmodem is given.

The options flow shows these fields next to the default request timeout. An empty APN means
"the network's default", which is what most SIM cards need; TLS verification needs a CA file from
a folder listed in `allowlist_external_dirs`, which is uploaded to the modem when the entry loads
(and again by the `modem_http.install_ca` action when the CA is rotated).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .atmodem import (
    AuthType,
    BearerSettings,
    Modem,
    ModemError,
    RequestRejected,
    TlsSettings,
    TlsVerify,
)
from .atmodem.tls import MAX_CERT_FILE, UnsupportedOperation
from .const import (
    APN_AUTH_OPTIONS,
    CONF_APN,
    CONF_APN_AUTH,
    CONF_APN_PASSWORD,
    CONF_APN_USERNAME,
    CONF_CA_PATH,
    CONF_CLIENT_CERT_PATH,
    CONF_CLIENT_KEY_PATH,
    CONF_PDP_CONTEXT,
    CONF_TLS_VERIFY,
    DEFAULT_PDP_CONTEXT,
    DOMAIN,
    MODEM_CA_FILE,
    MODEM_CLIENT_CERT_FILE,
    MODEM_CLIENT_KEY_FILE,
    TLS_VERIFY_OPTIONS,
)
from .file_transfer import read_allowed_file

_LOGGER = logging.getLogger(__name__)

_AUTH: Final = {"none": AuthType.NONE, "pap": AuthType.PAP, "chap": AuthType.CHAP}
_FILES: Final = (
    (CONF_CA_PATH, MODEM_CA_FILE),
    (CONF_CLIENT_CERT_PATH, MODEM_CLIENT_CERT_FILE),
    (CONF_CLIENT_KEY_PATH, MODEM_CLIENT_KEY_FILE),
)
OPTION_KEYS: Final = (
    CONF_APN,
    CONF_APN_USERNAME,
    CONF_APN_PASSWORD,
    CONF_APN_AUTH,
    CONF_PDP_CONTEXT,
    CONF_TLS_VERIFY,
    CONF_CA_PATH,
    CONF_CLIENT_CERT_PATH,
    CONF_CLIENT_KEY_PATH,
)


def options_schema_fields(options: Mapping[str, Any]) -> dict[Any, Any]:
    """The form fields, filled with the entry's current values."""
    text = TextSelector()
    path = TextSelector(TextSelectorConfig(type=TextSelectorType.TEXT))

    def optional(key: str, default: Any) -> vol.Optional:
        return vol.Optional(key, description={"suggested_value": options.get(key, default)})

    return {
        optional(CONF_APN, ""): text,
        optional(CONF_APN_USERNAME, ""): text,
        optional(CONF_APN_PASSWORD, ""): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
        vol.Required(CONF_APN_AUTH, default=options.get(CONF_APN_AUTH, "none")): SelectSelector(
            SelectSelectorConfig(
                options=APN_AUTH_OPTIONS,
                mode=SelectSelectorMode.DROPDOWN,
                translation_key=CONF_APN_AUTH,
            )
        ),
        vol.Required(
            CONF_PDP_CONTEXT, default=options.get(CONF_PDP_CONTEXT, DEFAULT_PDP_CONTEXT)
        ): NumberSelector(NumberSelectorConfig(min=1, max=16, step=1, mode=NumberSelectorMode.BOX)),
        vol.Required(CONF_TLS_VERIFY, default=options.get(CONF_TLS_VERIFY, "none")): SelectSelector(
            SelectSelectorConfig(
                options=TLS_VERIFY_OPTIONS,
                mode=SelectSelectorMode.DROPDOWN,
                translation_key=CONF_TLS_VERIFY,
            )
        ),
        optional(CONF_CA_PATH, ""): path,
        optional(CONF_CLIENT_CERT_PATH, ""): path,
        optional(CONF_CLIENT_KEY_PATH, ""): path,
    }


def options_from_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form of the fields (empty text fields stored as empty strings)."""
    return {
        CONF_APN: str(user_input.get(CONF_APN) or "").strip(),
        CONF_APN_USERNAME: str(user_input.get(CONF_APN_USERNAME) or ""),
        CONF_APN_PASSWORD: str(user_input.get(CONF_APN_PASSWORD) or ""),
        CONF_APN_AUTH: user_input.get(CONF_APN_AUTH, "none"),
        CONF_PDP_CONTEXT: int(user_input.get(CONF_PDP_CONTEXT, DEFAULT_PDP_CONTEXT)),
        CONF_TLS_VERIFY: user_input.get(CONF_TLS_VERIFY, "none"),
        CONF_CA_PATH: str(user_input.get(CONF_CA_PATH) or "").strip(),
        CONF_CLIENT_CERT_PATH: str(user_input.get(CONF_CLIENT_CERT_PATH) or "").strip(),
        CONF_CLIENT_KEY_PATH: str(user_input.get(CONF_CLIENT_KEY_PATH) or "").strip(),
    }


def validate_options(hass: HomeAssistant, options: Mapping[str, Any]) -> dict[str, str]:
    """Form errors (field -> error key) for options atmodem or Home Assistant would refuse."""
    errors: dict[str, str] = {}
    try:
        bearer_settings(options)
    except RequestRejected as err:
        field = {"apn": CONF_APN, "username": CONF_APN_USERNAME}.get(err.field, CONF_APN_PASSWORD)
        errors[field] = "invalid_bearer_text"
    verify = options.get(CONF_TLS_VERIFY, "none")
    needed = {"none": (), "server": (CONF_CA_PATH,), "mutual": tuple(k for k, _ in _FILES)}
    for key in needed.get(verify, ()):
        if not options.get(key):
            errors[key] = "tls_file_required"
    for key, _name in _FILES:
        path = options.get(key)
        if path and not hass.config.is_allowed_path(hass.config.path(path)):
            errors[key] = "path_not_allowed"
    return errors


def bearer_settings(options: Mapping[str, Any]) -> BearerSettings:
    """What atmodem needs to bring the data connection up (RequestRejected for bad text)."""
    return BearerSettings(
        apn=str(options.get(CONF_APN, "")),
        username=str(options.get(CONF_APN_USERNAME, "")),
        password=str(options.get(CONF_APN_PASSWORD, "")),
        auth=_AUTH.get(str(options.get(CONF_APN_AUTH, "none")), AuthType.NONE),
        cid=int(options.get(CONF_PDP_CONTEXT, DEFAULT_PDP_CONTEXT)),
    )


def tls_settings(options: Mapping[str, Any]) -> TlsSettings | None:
    """The SSL context configuration, or None when the options never mention TLS."""
    verify = str(options.get(CONF_TLS_VERIFY, "none"))
    if CONF_TLS_VERIFY not in options:
        return None
    if verify == "none":
        return TlsSettings()
    mutual = verify == "mutual"
    return TlsSettings(
        verify=TlsVerify(verify),
        ca_file=MODEM_CA_FILE,
        client_cert_file=MODEM_CLIENT_CERT_FILE if mutual else None,
        client_key_file=MODEM_CLIENT_KEY_FILE if mutual else None,
    )


@dataclass(frozen=True, slots=True)
class CertificateFile:
    """A local certificate or key file and the name it gets on the modem."""

    local_path: str
    modem_name: str
    data: bytes


def read_certificate_files(
    hass: HomeAssistant, options: Mapping[str, Any]
) -> list[CertificateFile]:
    """Read the configured CA / client files (blocking: run in the executor).

    Raises HomeAssistantError (translated) for a path outside the allowlist or an unreadable file.
    """
    if options.get(CONF_TLS_VERIFY, "none") == "none":
        return []
    files = []
    for key, name in _FILES:
        path = options.get(key)
        if path:
            files.append(CertificateFile(path, name, read_allowed_file(hass, path, MAX_CERT_FILE)))
    return files


async def async_setup_certificates(
    hass: HomeAssistant, options: Mapping[str, Any], modem: Modem
) -> None:
    """Upload the configured CA / client files to the modem while the entry sets up.

    A file that cannot be read is the user's to fix (ConfigEntryError); a modem that fails the
    upload may do better on the next try (ConfigEntryNotReady). The AT+HTTPCFG family has no
    upload command: there the CA comes with the install_ca action and a URL.
    """
    try:
        files = await hass.async_add_executor_job(read_certificate_files, hass, options)
    except HomeAssistantError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="setup_certificate_unreadable",
            translation_placeholders={"error": str(err)},
        ) from err
    for file in files:
        try:
            await modem.install_ca(file.modem_name, file.data)
        except UnsupportedOperation:
            _LOGGER.warning(
                "The %s modem cannot take uploaded files; install the CA with the "
                "modem_http.install_ca action and a URL",
                modem.dialect,
            )
            return
        except ModemError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="setup_certificate_upload_failed",
                translation_placeholders={"file": file.local_path, "error": str(err)},
            ) from err


__all__ = [
    "OPTION_KEYS",
    "CertificateFile",
    "async_setup_certificates",
    "bearer_settings",
    "options_from_input",
    "options_schema_fields",
    "read_certificate_files",
    "tls_settings",
    "validate_options",
]
