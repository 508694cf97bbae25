"""A repair issue while the modem has no data connection, gone with the next request that works.

Requests are what find out (the bearer is brought up on demand), so the issue follows their
outcome: NoDataConnectionError raises it with the cause atmodem named (registration, a refused
APN, a connection that keeps dropping), and the next successful request deletes it.
"""

import logging
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .atmodem import Modem, ModemError, NoDataConnectionError
from .atmodem.shown import shown
from .const import CONF_APN, DOMAIN, ISSUE_NO_DATA_CONNECTION
from .models import ModemHttpConfigEntry

_LOGGER = logging.getLogger(__name__)

SETUP_CONNECT_TIMEOUT: Final = 20.0
"""How long setup waits for registration and activation before going on without them."""


def issue_id(entry: ModemHttpConfigEntry) -> str:
    """One issue per config entry."""
    return f"{ISSUE_NO_DATA_CONNECTION}_{entry.entry_id}"


@callback
def async_track_data_connection(
    hass: HomeAssistant, entry: ModemHttpConfigEntry, modem: Modem
) -> CALLBACK_TYPE:
    """Raise and clear the issue from request outcomes; returns the remover (also clears it)."""

    @callback
    def on_outcome(error: NoDataConnectionError | None) -> None:
        if error is None:
            ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
            return
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id(entry),
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_NO_DATA_CONNECTION,
            translation_placeholders={
                "title": shown(entry.title),
                "cause": shown(error.cause),
                "apn": shown(entry.options.get(CONF_APN) or "-"),
            },
        )

    stop_listening = modem.add_data_connection_listener(on_outcome)

    @callback
    def remove() -> None:
        stop_listening()
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry))

    return remove


async def async_connect(hass: HomeAssistant, entry: ModemHttpConfigEntry, modem: Modem) -> None:
    """Track the data connection for the entry's lifetime and bring it up now, best effort.

    Without a data connection the modem is still there (status, entities, the restart button),
    so setup goes on; the repair issue says what is wrong.
    """
    entry.async_on_unload(async_track_data_connection(hass, entry, modem))
    try:
        await modem.connect(SETUP_CONNECT_TIMEOUT)
    except NoDataConnectionError as err:
        _LOGGER.warning(
            "The modem %s has no data connection yet (%s); its requests will fail until it has",
            shown(entry.title),
            shown(err.cause),
        )
    except ModemError as err:
        _LOGGER.debug("Bringing the data connection up at setup failed: %s", shown(str(err)))
