"""Setting a modem up, waiting for an absent one, unloading and reloading."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.modem_http.const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_SCAN_INTERVAL,
    CONF_TIMEOUT,
    DOMAIN,
    SCAN_INTERVAL,
)

from .conftest import (
    QUECTEL_IMEI,
    SIMCOM_IMEI,
    SIMCOM_TITLE,
    ModemLink,
    entry_for,
    wait_for_entry_state,
)


async def test_setup_creates_the_modem_device(hass: HomeAssistant, loaded_entry: Any) -> None:
    """The device page shows what the modem told about itself."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, SIMCOM_IMEI), loaded_entry.entry_id
    )

    assert device is not None
    assert device.manufacturer == "SIMCOM INCORPORATED"
    assert device.model == "SIMCOM_SIM7600E-H"
    assert device.sw_version == "LE20B04SIM7600M22"
    assert device.serial_number == SIMCOM_IMEI
    assert device.name == SIMCOM_TITLE
    assert loaded_entry.runtime_data.modem.dialect == "simcom"


async def test_unload_closes_the_port_and_reload_opens_it(
    hass: HomeAssistant, loaded_entry: Any
) -> None:
    """Unloading frees the serial port for other programs; reloading takes it back."""
    modem = loaded_entry.runtime_data.modem

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert not modem.connected

    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.modem is not modem
    assert loaded_entry.runtime_data.modem.connected


async def test_modem_absent_at_start_is_retried_until_it_appears(
    hass: HomeAssistant,
    link_factory: Callable[..., Any],
) -> None:
    """Home Assistant starts before the ser2net box; the entry waits and then comes up."""
    link: ModemLink = await link_factory()
    await link.stop()
    entry = entry_for(link.url)
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "Cannot open the modem port" in entry.reason

    await link.start()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5))

    await wait_for_entry_state(entry, ConfigEntryState.LOADED)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_modem_without_http_commands_is_not_ready(
    hass: HomeAssistant, link_factory: Callable[..., Any]
) -> None:
    """A modem whose firmware has no HTTP stack cannot be used (the reason says why)."""
    link: ModemLink = await link_factory(dialect=None)
    entry = entry_for(link.url)
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "none of the supported HTTP command families" in entry.reason
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_silent_modem_at_start_is_not_ready(hass: HomeAssistant, silent_port: str) -> None:
    """The port opens but nothing answers: not ready, with the reason."""
    entry = entry_for(silent_port)
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "does not answer" in entry.reason
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_modem_that_stops_answering_during_setup_is_not_ready(
    hass: HomeAssistant, modem_link: ModemLink, fast_status: None
) -> None:
    """The modem hangs at the first status poll's serving-cell read (AT+CPSI? on SIMCom)."""
    entry = entry_for(modem_link.url)
    entry.add_to_hass(hass)

    original = modem_link.modem.handler_for("+CPSI")
    assert original is not None

    async def hang(modem: Any, request: Any) -> None:
        modem.faults.stop_answering()

    modem_link.modem.register("+CPSI", hang)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "stopped answering status requests" in entry.reason
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_modem_that_hides_its_identity_is_not_ready(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """AT+CGSN fails (firmware busy): no device can be made yet, so setup is retried."""
    entry = entry_for(modem_link.url)
    entry.add_to_hass(hass)

    async def refuse(modem: Any, request: Any) -> None:
        from modem_emulator.commands import CmeError

        raise CmeError(14)  # SIM busy

    modem_link.modem.register("+CGSN", refuse)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "does not answer" in entry.reason
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_another_modem_on_the_port_is_an_error(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """The entry was made for a Quectel, but a SIM7600 now sits on the port."""
    entry = entry_for(modem_link.url, unique_id=QUECTEL_IMEI)
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "Another modem" in entry.reason
    assert modem_link.modem.last_line is not None


async def test_an_entry_with_the_old_poll_interval_option_is_migrated(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """An entry saved before the poll interval became fixed loses that option and keeps the rest."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=SIMCOM_TITLE,
        unique_id=SIMCOM_IMEI,
        version=1,
        minor_version=1,
        data={CONF_DEVICE: modem_link.url, CONF_BAUDRATE: 115200, CONF_DIALECT: "auto"},
        options={CONF_SCAN_INTERVAL: 10, CONF_TIMEOUT: 120},
    )
    entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.options == {CONF_TIMEOUT: 120}
    assert entry.runtime_data.coordinator.update_interval == SCAN_INTERVAL
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_from_a_newer_version_is_not_touched(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """After a downgrade, an entry saved by a newer major version is refused, not rewritten."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=SIMCOM_TITLE,
        unique_id=SIMCOM_IMEI,
        version=2,
        minor_version=1,
        data={CONF_DEVICE: modem_link.url, CONF_BAUDRATE: 115200, CONF_DIALECT: "auto"},
        options={CONF_TIMEOUT: 120},
    )
    entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert entry.options == {CONF_TIMEOUT: 120}
    assert modem_link.modem.last_line is None  # the port was never opened
