"""Adding a modem: pick its port (or type a URL), let the flow talk to it, done.

The flow opens the port and asks the modem who it is before anything is saved, so a typo, a
modem on another port, or a port that is not a modem's AT interface is caught while the user is
still at the form. The IMEI is the unique ID: the same modem cannot be added twice, however many
ports or paths lead to it, and a reconfigure must land on the same modem.

A port the running entry holds open is never opened a second time: two readers of one serial
line would each receive half the modem's replies. A modem found by USB discovery is not opened
at all until the user confirms it: until then its ports may belong to other programs.

A SIM that asks for its PIN gets one more step that asks the user for it (or for the PUK and a
new PIN, once three wrong PINs locked it); the PIN is entered right there, so a wrong one is
caught at the form, and stored in the entry, which enters it at every start. Reauthentication
takes a new PIN (or the PUK) when the SIM refused the stored one: the integration never enters
a refused PIN again by itself.
"""

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, override

import probatio as vol
from homeassistant.components import usb
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    OptionsFlowWithReload,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    SerialPortSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.usb import UsbServiceInfo

from .atmodem import RequestRejected, SimState, SimStatus
from .atmodem.status import check_code
from .const import (
    BAUDRATES,
    CONF_BAUDRATE,
    CONF_DELETE_RECEIVED_SMS,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_NEW_PIN,
    CONF_PIN,
    CONF_PIN_REFUSED,
    CONF_PUK,
    CONF_TIMEOUT,
    DEFAULT_BAUDRATE,
    DEFAULT_DELETE_RECEIVED_SMS,
    DEFAULT_TIMEOUT,
    DIALECT_AUTO,
    DIALECT_OPTIONS,
    DOMAIN,
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    SUBENTRY_SMS_RECIPIENT,
    SUBENTRY_WEBHOOK,
)
from .models import ModemHttpConfigEntry
from .options import options_from_input, options_schema_fields, validate_options
from .probe import (
    ProbeError,
    ProbeResult,
    async_enter_pin,
    async_enter_puk,
    async_probe_modem,
)
from .sim_issues import sim_from_reauth
from .subentry_flows import RecipientSubentryFlow, WebhookSubentryFlow
from .usb_ports import ModemPorts, find_modem_ports, is_by_id_name, module_layout

_LOGGER = logging.getLogger(__name__)


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


_CODE = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PIN_SCHEMA = vol.Schema({vol.Required(CONF_PIN): _CODE})
PUK_SCHEMA = vol.Schema({vol.Required(CONF_PUK): _CODE, vol.Required(CONF_NEW_PIN): _CODE})


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """A modem the flow talked to, waiting for its SIM's PIN before it is added."""

    data: dict[str, Any]
    title: str


def _tries(sim: SimStatus | None, puk: bool = False) -> str:
    """Tries left for the form's text; "?" where the family cannot read them."""
    count = None if sim is None else (sim.puk_tries if puk else sim.pin_tries)
    return "?" if count is None else str(count)


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
        """Discovery keeps what it found for the confirm step; the SIM steps what they unlock."""
        self._discovered: dict[str, Any] = {}
        self._discovered_title = ""
        self._pending: PendingEntry | None = None
        self._sim: SimStatus | None = None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ModemHttpConfigEntry) -> OptionsFlow:
        """Default request timeout, data connection and TLS."""
        return ModemHttpOptionsFlow()

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """SMS recipients and webhooks, each a notify entity of the modem."""
        return {
            SUBENTRY_SMS_RECIPIENT: RecipientSubentryFlow,
            SUBENTRY_WEBHOOK: WebhookSubentryFlow,
        }

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the modem's port or type its URL, then probe it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _connection_data(user_input)
            await self._async_abort_if_port_in_use(data[CONF_DEVICE])
            try:
                result = await async_probe_modem(data)
            except ProbeError as err:
                errors["base"] = err.reason
            else:
                await self.async_set_unique_id(result.identity.imei)
                self._abort_if_unique_id_configured()
                return await self._async_create_or_ask_pin(result, data)
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
                result = await async_probe_modem(self._discovered)
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
                return await self._async_create_or_ask_pin(result, dict(self._discovered))
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
                    result = await async_probe_modem(data)
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

    async def _async_create_or_ask_pin(
        self, result: ProbeResult, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Add the modem, unless its SIM first wants its PIN (or PUK) from the user."""
        self._pending = PendingEntry(data, result.title)
        self._sim = result.sim
        if result.sim is not None and result.sim.state is SimState.PUK_REQUIRED:
            return await self.async_step_sim_puk()
        if result.sim is not None and result.sim.state is SimState.PIN_REQUIRED:
            return await self.async_step_sim_pin()
        return self.async_create_entry(title=result.title, data=data)

    async def async_step_sim_pin(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The SIM asks for its PIN: enter the user's now, so a wrong one is caught here.

        A wrong PIN costs one of the SIM's three tries; the form says how many are left, and
        after the last the SIM wants its PUK (the next step).
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            pin = str(user_input[CONF_PIN]).strip()
            try:
                check_code("pin", pin)
            except RequestRejected:
                errors[CONF_PIN] = "invalid_pin"
            else:
                try:
                    sim = await self._async_with_port(lambda data: async_enter_pin(data, pin))
                except ProbeError as err:
                    errors["base"] = err.reason
                else:
                    self._sim = sim
                    if sim is not None and sim.state is SimState.PUK_REQUIRED:
                        return await self.async_step_sim_puk()
                    if sim is not None and sim.pin_refused:
                        errors[CONF_PIN] = "wrong_pin"
                    else:
                        return await self._async_finish_with_pin(pin)
        return self.async_show_form(
            step_id="sim_pin",
            data_schema=PIN_SCHEMA,
            description_placeholders={"title": self._title(), "tries": _tries(self._sim)},
            errors=errors,
        )

    async def async_step_sim_puk(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Three wrong PINs locked the SIM: its PUK (from the SIM's card) and a new PIN."""
        errors: dict[str, str] = {}
        if user_input is not None:
            puk = str(user_input[CONF_PUK]).strip()
            pin = str(user_input[CONF_NEW_PIN]).strip()
            for field, code in ((CONF_PUK, puk), (CONF_NEW_PIN, pin)):
                try:
                    check_code(field, code)
                except RequestRejected:
                    errors[field] = "invalid_puk" if field == CONF_PUK else "invalid_pin"
            if not errors:
                try:
                    self._sim = await self._async_with_port(
                        lambda data: async_enter_puk(data, puk, pin)
                    )
                except ProbeError as err:
                    errors[CONF_PUK if err.reason == "wrong_puk" else "base"] = err.reason
                else:
                    return await self._async_finish_with_pin(pin)
        return self.async_show_form(
            step_id="sim_puk",
            data_schema=PUK_SCHEMA,
            description_placeholders={
                "title": self._title(),
                "tries": _tries(self._sim, puk=True),
            },
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The SIM wants a PIN or PUK the integration may not enter (sim_issues.py)."""
        entry = self._get_reauth_entry()
        self._pending = PendingEntry(dict(entry.data), entry.title)
        # Told by the poll that started it: the port is the running entry's, not the flow's.
        self._sim = sim_from_reauth(entry_data)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say why the SIM needs the user, then ask for the PIN, or for the PUK and a new PIN."""
        if user_input is None:
            return self.async_show_form(
                step_id="reauth_confirm",
                description_placeholders={"title": self._title(), "tries": _tries(self._sim)},
            )
        if self._sim is not None and self._sim.state is SimState.PUK_REQUIRED:
            return await self.async_step_sim_puk()
        return await self.async_step_sim_pin()

    async def _async_with_port[T](self, action: Callable[[Mapping[str, Any]], Awaitable[T]]) -> T:
        """Run `action` on the pending modem's port; in reauthentication, free it first.

        The entry that holds the port is unloaded for the action and set up again unless the
        flow is about to finish (which reloads it with the new PIN).
        """
        assert self._pending is not None
        data = self._pending.data
        if self.source != SOURCE_REAUTH:
            return await action(data)
        entry = self._get_reauth_entry()
        released = entry.state is ConfigEntryState.LOADED
        if released:
            await self.hass.config_entries.async_unload(entry.entry_id)
        try:
            outcome = await action(data)
        except BaseException:
            if released:
                await self.hass.config_entries.async_setup(entry.entry_id)
            raise
        if released and not (isinstance(outcome, SimStatus) and outcome.ready):
            await self.hass.config_entries.async_setup(entry.entry_id)
        return outcome

    async def _async_finish_with_pin(self, pin: str) -> ConfigFlowResult:
        """The SIM took the PIN: add the modem with it, or store it in the reauthenticated entry."""
        assert self._pending is not None
        if self.source == SOURCE_REAUTH:
            return self.async_update_reload_and_abort(
                self._get_reauth_entry(),
                data_updates={CONF_PIN: pin, CONF_PIN_REFUSED: False},
            )
        return self.async_create_entry(
            title=self._pending.title, data={**self._pending.data, CONF_PIN: pin}
        )

    def _title(self) -> str:
        return self._pending.title if self._pending is not None else ""

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
    """How long requests may take by default, received SMS, the data connection and TLS.

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
                    data={
                        CONF_TIMEOUT: int(user_input[CONF_TIMEOUT]),
                        CONF_DELETE_RECEIVED_SMS: bool(
                            user_input.get(CONF_DELETE_RECEIVED_SMS, DEFAULT_DELETE_RECEIVED_SMS)
                        ),
                        **connection,
                    }
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
                vol.Required(
                    CONF_DELETE_RECEIVED_SMS,
                    default=options.get(CONF_DELETE_RECEIVED_SMS, DEFAULT_DELETE_RECEIVED_SMS),
                ): BooleanSelector(),
            }
        )
        schema = schema.extend(options_schema_fields(options))
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)
