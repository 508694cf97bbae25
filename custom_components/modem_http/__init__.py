"""The Modem HTTP integration: HTTP(S) requests through a cellular modem's own HTTP stack.

Each config entry owns one open modem for as long as it is loaded. Setup opens the port, checks
the modem is the one the entry was made for (same IMEI), brings the data connection up (entering
the SIM's PIN first when it asks for it), polls its status once, and only then creates entities;
any failure closes the port again and leaves Home Assistant to retry. A SIM that wants a PIN or
PUK the integration may not enter does not fail the setup: the entities say so (SIM state,
fallback ready), and a repair issue and reauthentication ask the user (sim_issues.py).
"""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .atmodem import (
    Modem,
    ModemDisconnectedError,
    ModemError,
    NoHttpCommandsError,
    open_modem,
)
from .atmodem.shown import shown
from .atmodem.transport import redact_url
from .certificate_setup import async_setup_certificates
from .const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_PIN,
    CONF_PIN_REFUSED,
    CONF_SCAN_INTERVAL,
    DEFAULT_BAUDRATE,
    DIALECT_AUTO,
    DOMAIN,
)
from .coordinator import ModemCoordinator
from .data_connection import async_connect
from .models import ModemHttpConfigEntry, ModemHttpData
from .options import bearer_settings, tls_settings
from .received_sms import async_start_inbox
from .sensor import enabled_readings
from .services import async_setup_services

__all__ = [
    "DOMAIN",
    "async_migrate_entry",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
]

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NOTIFY,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once; they find their modem by config entry at call time."""
    async_setup_services(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: ModemHttpConfigEntry) -> bool:
    """Bring an entry saved by an older version up to the current one.

    1.1 -> 1.2: the poll interval is fixed now, so the user-set interval option is dropped
    rather than left in the stored options, where it would look as if it still counted.
    """
    if entry.version > 1:
        # Saved by a newer version of the integration: refuse rather than guess.
        return False
    if entry.minor_version < 2:
        options = {key: value for key, value in entry.options.items() if key != CONF_SCAN_INTERVAL}
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ModemHttpConfigEntry) -> bool:
    """Open the modem, check its identity, poll it once, then set up the platforms."""
    device = entry.data[CONF_DEVICE]
    modem = await _async_open(device, entry)
    try:
        try:
            identity = await modem.device_info()
        except ModemError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="setup_modem_not_answering",
                translation_placeholders={"device": redact_url(device), "error": shown(str(err))},
            ) from err
        _check_same_modem(entry, identity.imei)
        await async_setup_certificates(hass, entry.options, modem)
        await async_connect(hass, entry, modem)
        coordinator = ModemCoordinator(
            hass, entry, modem, identity, wanted=enabled_readings(hass, entry)
        )
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await modem.close()
        raise
    entry.runtime_data = ModemHttpData(modem=modem, coordinator=coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # After the platforms: the messages found on the SIM reach the event entity too.
    async_start_inbox(hass, entry)
    return True


def _check_same_modem(entry: ModemHttpConfigEntry, imei: str) -> None:
    """Refuse another modem on the entry's port.

    Its requests would be billed to another SIM and its entities would land on the wrong device;
    reconfigure is the way out.
    """
    if entry.unique_id is not None and imei != entry.unique_id:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="setup_wrong_modem",
            translation_placeholders={"device": redact_url(entry.data[CONF_DEVICE])},
        )


def _pin_to_enter(entry: ModemHttpConfigEntry) -> str | None:
    """The stored PIN, unless the SIM refused it: then not even a restart may enter it again."""
    if entry.data.get(CONF_PIN_REFUSED):
        return None
    pin = entry.data.get(CONF_PIN)
    return str(pin) if pin else None


async def _async_open(device: str, entry: ModemHttpConfigEntry) -> Modem:
    """open_modem with each failure turned into a translated "not ready" reason."""
    placeholders = {"device": redact_url(device)}
    try:
        return await open_modem(
            device,
            entry.data.get(CONF_BAUDRATE, DEFAULT_BAUDRATE),
            entry.data.get(CONF_DIALECT, DIALECT_AUTO),
            bearer=bearer_settings(entry.options),
            tls=tls_settings(entry.options),
            pin=_pin_to_enter(entry),
        )
    except NoHttpCommandsError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="setup_no_http_commands",
            translation_placeholders=placeholders,
        ) from err
    except ModemDisconnectedError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="setup_cannot_open_port",
            translation_placeholders={**placeholders, "error": shown(str(err))},
        ) from err
    except ModemError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="setup_modem_not_answering",
            translation_placeholders={**placeholders, "error": shown(str(err))},
        ) from err


async def async_unload_entry(hass: HomeAssistant, entry: ModemHttpConfigEntry) -> bool:
    """Remove the entities, then close the port so another entry or program may open it."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        # Stop the coordinator first, so closing the port is not reported as a lost modem.
        await entry.runtime_data.coordinator.async_shutdown()
        await entry.runtime_data.modem.close()  # stops the inbox first
    return unloaded
