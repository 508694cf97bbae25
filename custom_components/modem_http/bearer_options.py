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
from .atmodem.shown import shown
from .atmodem.tls import MAX_CERT_FILE, UnsupportedOperation
from .certificates import (
    CertificateError,
    Problem,
    check_ca,
    check_client_certificate,
    check_client_identity,
    check_private_key,
)
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
from .services_errors import MAX_PLACEHOLDER

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
    """Form errors (field -> error key) for options atmodem or Home Assistant would refuse.

    Blocking (it reads the certificate files): run in the executor. With verification on,
    every file is read and checked for what it claims to be before anything is saved, so a
    wrong file is caught at the form, not at the next setup.
    """
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
    files: list[CertificateFile] = []
    for key, name in _FILES:
        path = options.get(key)
        if not path:
            continue
        if verify == "none":
            if not hass.config.is_allowed_path(hass.config.path(path)):
                errors[key] = "path_not_allowed"
            continue
        try:
            files.append(_read_certificate_file(hass, key, path, name))
        except HomeAssistantError as err:
            errors[key] = _READ_ERRORS.get(err.translation_key or "", "certificate_unreadable")
    errors.update({key: problem.value for key, problem in certificate_problems(files).items()})
    return errors


_READ_ERRORS: Final = {
    "path_not_allowed": "path_not_allowed",
    "body_too_large": "certificate_too_large",
}
"""read_allowed_file's refusals as form errors; any other means the file cannot be read."""


def certificate_problems(files: list[CertificateFile]) -> dict[str, Problem]:
    """What is wrong with each file (option key -> problem); empty when all are fine."""
    problems: dict[str, Problem] = {}
    by_option = {file.option: file for file in files}
    checks = (
        (CONF_CA_PATH, check_ca),
        (CONF_CLIENT_CERT_PATH, check_client_certificate),
        (CONF_CLIENT_KEY_PATH, check_private_key),
    )
    for option, check in checks:
        if (file := by_option.get(option)) is not None:
            try:
                check(file.data)
            except CertificateError as err:
                problems[option] = err.problem
    cert, key = by_option.get(CONF_CLIENT_CERT_PATH), by_option.get(CONF_CLIENT_KEY_PATH)
    if cert is not None and key is not None and not problems.keys() & {cert.option, key.option}:
        try:
            check_client_identity(cert.data, key.data)
        except CertificateError as err:
            problems[key.option] = err.problem
    return problems


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
    """A local certificate or key file, the option that names it, its name on the modem."""

    option: str
    local_path: str
    modem_name: str
    data: bytes


def _read_certificate_file(
    hass: HomeAssistant, option: str, path: str, name: str
) -> CertificateFile:
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
        _read_certificate_file(hass, key, path, name)
        for key, name in _FILES
        if (path := options.get(key))
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
                translation_placeholders={
                    "file": shown(file.local_path),
                    "error": shown(str(err), limit=MAX_PLACEHOLDER),
                },
            ) from err


__all__ = [
    "OPTION_KEYS",
    "CertificateFile",
    "async_setup_certificates",
    "bearer_settings",
    "certificate_problems",
    "options_from_input",
    "options_schema_fields",
    "read_certificate_files",
    "tls_settings",
    "validate_options",
]
