"""The integration's actions, registered once in async_setup (not per entry).

Registering them with the integration rather than with a config entry keeps automations valid
while a modem is unplugged; each call finds its modem by `config_entry_id` (services/target.py).
Every call ends in a response or a translated error (services/errors.py), and every request that
reached the modem is recorded for the sensors (services/outcome.py).
"""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final

import probatio as vol
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers.service import async_register_admin_service

from ..const import DOMAIN
from . import admin, download, http, sms


@dataclass(frozen=True, slots=True)
class Action:
    """One action: its name, handler, fields and whether it answers."""

    name: str
    handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
    schema: vol.Schema
    response: SupportsResponse = SupportsResponse.OPTIONAL
    admin_only: bool = False
    """Reading and writing local files, talking to the modem directly (as in `downloader`), or
    texting any number (paid, and in the SIM owner's name)."""


ACTIONS: Final = (
    Action("get", http.async_get, http.GET_SCHEMA),
    Action("post", http.async_post, http.POST_SCHEMA),
    Action("request", http.async_request, http.REQUEST_SCHEMA),
    Action("post_file", http.async_post_file, http.POST_FILE_SCHEMA, admin_only=True),
    Action("download", download.async_download, download.DOWNLOAD_SCHEMA, admin_only=True),
    Action(
        "send_command",
        admin.async_send_command,
        admin.SEND_COMMAND_SCHEMA,
        SupportsResponse.ONLY,
        admin_only=True,
    ),
    Action("install_ca", admin.async_install_ca, admin.INSTALL_CA_SCHEMA, admin_only=True),
    Action("send_sms", sms.async_send_sms, sms.SEND_SMS_SCHEMA, admin_only=True),
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action; called once from async_setup."""
    for action in ACTIONS:
        if action.admin_only:
            async_register_admin_service(
                hass, DOMAIN, action.name, action.handler, action.schema, action.response
            )
        else:
            hass.services.async_register(
                DOMAIN, action.name, action.handler, action.schema, action.response
            )
