"""Adding a modem: pick its port (or type a URL), let the flow talk to it, done.

The flow opens the port and asks the modem who it is before anything is saved, so a typo, a
modem on another port, or a port that is not a modem's AT interface is caught while the user is
still at the form. The IMEI is the unique ID: the same modem cannot be added twice, however many
ports or paths lead to it, and a reconfigure must land on the same modem.

A port the running entry holds open is never opened a second time: two readers of one serial
line would each receive half the modem's replies. A modem found by USB discovery is not opened
at all until the user confirms it: until then its ports may belong to other programs.
"""

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, override

import probatio as vol
from homeassistant.components import usb
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
    OptionsFlowWithReload,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    SerialPortSelector,
)
from homeassistant.helpers.service_info.usb import UsbServiceInfo

from .atmodem import DeviceInfo as ModemIdentity
from .atmodem import (
    ModemDisconnectedError,
    ModemError,
    NoHttpCommandsError,
    open_modem,
)
from .atmodem.transport import redact_url
from .const import (
    BAUDRATES,
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_TIMEOUT,
    DEFAULT_BAUDRATE,
    DEFAULT_TIMEOUT,
    DIALECT_AUTO,
    DIALECT_OPTIONS,
    DOMAIN,
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    PROBE_TIMEOUT,
)
from .models import ModemHttpConfigEntry
from .options import options_from_input, options_schema_fields, validate_options
from .usb_ports import ModemPorts, find_modem_ports, is_by_id_name, module_layout

_LOGGER = logging.getLogger(__name__)


class ProbeError(Exception):
    """The probe failed; `reason` is the translation key of the form error or abort."""

    def __init__(self, reason: str) -> None:
        """Reason is one of cannot_connect, no_modem, no_http_commands."""
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the modem said about itself during the probe."""

    identity: ModemIdentity
    dialect: str

    @property
    def title(self) -> str:
        """Manufacturer and model, as the modem names them."""
        return f"{self.identity.manufacturer} {self.identity.model}".strip()


async def async_probe_modem(device: str, baudrate: int, dialect: str) -> ProbeResult:
    """Open the port, detect (or take) the dialect, read the identity, close again."""
    try:
        modem = await open_modem(device, baudrate, dialect, timeout=PROBE_TIMEOUT, reconnect=False)
    except NoHttpCommandsError as err:
        raise ProbeError("no_http_commands") from err
    except ModemDisconnectedError as err:
        raise ProbeError("cannot_connect") from err
    except ModemError as err:
        raise ProbeError("no_modem") from err
    try:
        identity = await modem.device_info()
    except ModemError as err:
        _LOGGER.debug(
            "The modem on %s answered AT but not its identity: %s", redact_url(device), err
        )
        raise ProbeError("no_modem") from err
    finally:
        await modem.close()
    return ProbeResult(identity=identity, dialect=modem.dialect)


CONNECTION_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_DEVICE): SerialPortSelector(),
        vol.Required(CONF_BAUDRATE, default=str(DEFAULT_BAUDRATE)): SelectSelector(
            SelectSelectorConfig(
                options=[str(rate) for rate in BAUDRATES],
                mode=SelectSelectorMode.DROPDOWN,
                sort=False,
            )
        ),
        vol.Required(CONF_DIALECT, default=DIALECT_AUTO): SelectSelector(
            SelectSelectorConfig(
                options=DIALECT_OPTIONS,
                mode=SelectSelectorMode.DROPDOWN,
                translation_key=CONF_DIALECT,
            )
        ),
    }
)


def _connection_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    return {
        CONF_DEVICE: str(user_input[CONF_DEVICE]).strip(),
        CONF_BAUDRATE: int(user_input[CONF_BAUDRATE]),
        CONF_DIALECT: user_input[CONF_DIALECT],
    }


def _same_port(device: str, others: list[str]) -> bool:
    """Whether `device` is one of `others`, under any spelling.

    `/dev/serial/by-id/...` and `/dev/ttyUSB2` can name one port; resolving the links reads the
    file system, so this runs in the executor.
    """
    if device in others:
        return True
    if "://" in device:
        return False
    real = os.path.realpath(device)
    return any("://" not in other and os.path.realpath(other) == real for other in others)


def _any_same_port(devices: tuple[str, ...], others: list[str]) -> bool:
    """Whether any of `devices` is one of `others`, under any spelling (reads the file system)."""
    return any(_same_port(device, others) for device in devices)


def _discovered_modem_ports(device: str, at_interface: int) -> ModemPorts | None:
    """The ports of the modem a discovered port belongs to (reads the file system).

    Discovery reports a port as its /dev/serial/by-id link where udev made one, or else as
    /dev/ttyUSB<n>; the by-id names are what tell the modem's ports apart, so the plain name is
    looked up there first.
    """
    by_id = device if is_by_id_name(device) else usb.get_serial_by_id(device)
    return find_modem_ports(by_id, at_interface)


class ModemHttpConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a modem from the UI or from USB discovery; move it with reconfigure."""

    VERSION = 1
    MINOR_VERSION = 2
    """1.2 dropped the poll interval option (see async_migrate_entry)."""

    def __init__(self) -> None:
        """Discovery keeps what it found for the confirm step."""
        self._discovered: dict[str, Any] = {}
        self._discovered_title = ""

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ModemHttpConfigEntry) -> OptionsFlow:
        """Default request timeout, data connection and TLS."""
        return ModemHttpOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the modem's port or type its URL, then probe it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _connection_data(user_input)
            await self._async_abort_if_port_in_use(data[CONF_DEVICE])
            try:
                result = await async_probe_modem(
                    data[CONF_DEVICE], data[CONF_BAUDRATE], data[CONF_DIALECT]
                )
            except ProbeError as err:
                errors["base"] = err.reason
            else:
                await self.async_set_unique_id(result.identity.imei)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=result.title, data=data)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(CONNECTION_SCHEMA, user_input or {}),
            errors=errors,
        )

    @override
    async def async_step_usb(self, discovery_info: UsbServiceInfo) -> ConfigFlowResult:
        """A supported module was plugged in: find its AT port, then ask the user first.

        Home Assistant starts one discovery per serial port, and a module has several
        (diagnostics, GPS/NMEA, AT, PPP, audio) that other programs may hold. Nothing is sent
        to any of them here: the module's USB identity names its AT port (usb_ports.py), all
        ports of one physical modem share one flow (the others abort as already in progress),
        and the modem is only opened once the user confirms.
        """
        layout = module_layout(discovery_info.vid, discovery_info.pid)
        if layout is None:
            return self.async_abort(reason="not_supported")
        ports = await self.hass.async_add_executor_job(
            _discovered_modem_ports, discovery_info.device, layout.at_interface
        )
        if ports is None:
            return self.async_abort(reason="usb_port_unknown")
        await self.async_set_unique_id(ports.modem)
        # An ignored discovery of this modem keeps it ignored.
        self._abort_if_unique_id_configured()
        in_use = self._ports_in_use()
        if await self.hass.async_add_executor_job(_any_same_port, ports.ports, in_use):
            raise AbortFlow("already_configured")
        if ports.at_port is None:
            return self.async_abort(reason="at_port_missing")
        self._discovered = {
            CONF_DEVICE: ports.at_port,
            CONF_BAUDRATE: DEFAULT_BAUDRATE,
            CONF_DIALECT: DIALECT_AUTO,
        }
        self._discovered_title = layout.name
        self.context["title_placeholders"] = {"name": layout.name}
        return await self.async_step_usb_confirm()

    async def async_step_usb_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before talking to a discovered modem; on yes, probe it like the user step.

        A failed probe (the port held by another program, the modem still booting) shows the
        error on this form, and the user may try again or close it.
        """
        errors: dict[str, str] = {}
        device = self._discovered[CONF_DEVICE]
        if user_input is not None:
            try:
                result = await async_probe_modem(device, DEFAULT_BAUDRATE, DIALECT_AUTO)
            except ProbeError as err:
                errors["base"] = err.reason
            else:
                existing = await self.async_set_unique_id(
                    result.identity.imei, raise_on_progress=False
                )
                if existing is not None and existing.state is not ConfigEntryState.LOADED:
                    # A configured modem came back on another path (re-plugged, renumbered,
                    # by-id links missing before): the entry follows it. A loaded entry keeps
                    # its port; it works, and the user asked for nothing to move.
                    self._abort_if_unique_id_configured(updates={CONF_DEVICE: device})
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=result.title, data=self._discovered)
        self._set_confirm_only()
        return self.async_show_form(
            step_id="usb_confirm",
            description_placeholders={"name": self._discovered_title, "device": device},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the modem to another port, URL, baud rate or dialect; it must be the same one."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _connection_data(user_input)
            await self._async_abort_if_port_in_use(data[CONF_DEVICE])
            try:
                async with self._async_port_released(entry, data[CONF_DEVICE]):
                    result = await async_probe_modem(
                        data[CONF_DEVICE], data[CONF_BAUDRATE], data[CONF_DIALECT]
                    )
            except ProbeError as err:
                errors["base"] = err.reason
            else:
                await self.async_set_unique_id(result.identity.imei)
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                CONNECTION_SCHEMA,
                user_input or {**entry.data, CONF_BAUDRATE: str(entry.data[CONF_BAUDRATE])},
            ),
            description_placeholders={"title": entry.title},
            errors=errors,
        )

    def _ports_in_use(self) -> list[str]:
        """The ports and URLs of the other entries (a reconfigured entry's own is free)."""
        return [
            entry.data.get(CONF_DEVICE, "")
            for entry in self._async_current_entries(include_ignore=False)
            if not (
                self.source == SOURCE_RECONFIGURE and entry.entry_id == self._reconfigure_entry_id
            )
        ]

    async def _async_abort_if_port_in_use(self, device: str) -> None:
        """Abort before opening a port another entry uses (it would steal that entry's replies)."""
        in_use = self._ports_in_use()
        if await self.hass.async_add_executor_job(_same_port, device, in_use):
            raise AbortFlow("already_configured")

    @contextlib.asynccontextmanager
    async def _async_port_released(
        self, entry: ModemHttpConfigEntry, device: str
    ) -> AsyncIterator[None]:
        """Let the probe open a port the entry holds: unload it, and set it up again on failure.

        On success the caller's update-and-reload brings the entry back on its new settings.
        """
        release = entry.state is ConfigEntryState.LOADED and (
            await self.hass.async_add_executor_job(
                _same_port, device, [entry.data.get(CONF_DEVICE, "")]
            )
        )
        if release:
            await self.hass.config_entries.async_unload(entry.entry_id)
        try:
            yield
        except BaseException:
            if release:
                await self.hass.config_entries.async_setup(entry.entry_id)
            raise


class ModemHttpOptionsFlow(OptionsFlowWithReload):
    """How long requests may take by default, and the data connection and TLS settings.

    There is no poll interval here: the integration polls at a fixed interval (SCAN_INTERVAL),
    as Home Assistant asks of integrations; `homeassistant.update_entity` polls on demand.
    """

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form; saving reloads the entry so the new settings apply at once."""
        errors: dict[str, str] = {}
        if user_input is not None:
            # Data connection and TLS fields: options.py.
            connection = options_from_input(user_input)
            errors = await self.hass.async_add_executor_job(validate_options, self.hass, connection)
            if not errors:
                return self.async_create_entry(
                    data={CONF_TIMEOUT: int(user_input[CONF_TIMEOUT]), **connection}
                )
        options = {**self.config_entry.options, **(user_input or {})}
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_TIMEOUT, default=options.get(CONF_TIMEOUT, DEFAULT_TIMEOUT)
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_TIMEOUT,
                        max=MAX_TIMEOUT,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="s",
                    )
                ),
            }
        )
        schema = schema.extend(options_schema_fields(options))
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)
