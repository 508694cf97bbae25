"""Which modem an action goes to: the config entry the call names, or the only one there is."""

from homeassistant.core import ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.service import async_get_config_entry

from ..const import DOMAIN
from ..models import ModemHttpConfigEntry
from .errors import entry_error
from .fields import ATTR_CONFIG_ENTRY_ID


@callback
def modem_entry(call: ServiceCall) -> ModemHttpConfigEntry:
    """The loaded entry of the call's modem, or the caller's translated mistake.

    Home Assistant's own rule decides: a named entry must be this integration's and loaded; without
    a name there must be exactly one entry (a second modem, even unplugged, makes the call
    ambiguous, so an automation never switches modems because one of them is away).
    """
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    try:
        entry: ModemHttpConfigEntry = async_get_config_entry(call.hass, DOMAIN, entry_id)
    except ServiceValidationError as err:
        raise entry_error(err, entry_id) from err
    return entry
