"""The entry's options: the form's data connection and TLS fields, and what atmodem is given.

The options flow shows these fields next to the default request timeout. An empty APN means
"the network's default", which is what most SIM cards need; TLS verification needs certificate
files from a folder listed in `allowlist_external_dirs` (certificate_setup.py uploads them).
"""

from collections.abc import Mapping
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
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

from .atmodem import AuthType, BearerSettings, RequestRejected, TlsSettings, TlsVerify
from .certificate_setup import CERTIFICATE_OPTIONS, read_certificate_file
from .certificates import CertificateFile, certificate_problems
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
    MODEM_CA_FILE,
    MODEM_CLIENT_CERT_FILE,
    MODEM_CLIENT_KEY_FILE,
    TLS_VERIFY_OPTIONS,
)

_AUTH: Final = {"none": AuthType.NONE, "pap": AuthType.PAP, "chap": AuthType.CHAP}
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
    needed = {
        "none": (),
        "server": (CONF_CA_PATH,),
        "mutual": tuple(option for option, _ in CERTIFICATE_OPTIONS),
    }
    for key in needed.get(verify, ()):
        if not options.get(key):
            errors[key] = "tls_file_required"
    files: list[CertificateFile] = []
    for key, _ in CERTIFICATE_OPTIONS:
        path = options.get(key)
        if not path:
            continue
        if verify == "none":
            if not hass.config.is_allowed_path(hass.config.path(path)):
                errors[key] = "path_not_allowed"
            continue
        try:
            files.append(read_certificate_file(hass, key, path))
        except HomeAssistantError as err:
            errors[key] = _READ_ERRORS.get(err.translation_key or "", "certificate_unreadable")
    errors.update({key: problem.value for key, problem in certificate_problems(files).items()})
    return errors


_READ_ERRORS: Final = {
    "path_not_allowed": "path_not_allowed",
    "body_too_large": "certificate_too_large",
}
"""read_allowed_file's refusals as form errors; any other means the file cannot be read."""


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
