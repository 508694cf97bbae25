"""Adding, discovering, moving and tuning a modem through the UI, against emulated modems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import pytest
from homeassistant.config_entries import SOURCE_USB, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.service_info.usb import UsbServiceInfo

from custom_components.modem_http.const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_SCAN_INTERVAL,
    CONF_TIMEOUT,
    DOMAIN,
)
from modem_emulator.commands import CmeError

from .conftest import (
    QUECTEL_IMEI,
    SIMCOM_IMEI,
    SIMCOM_TITLE,
    ModemLink,
    PtyModemLink,
    entry_for,
)


def user_input(device: str, *, baudrate: str = "115200", dialect: str = "auto") -> dict[str, Any]:
    """What the user puts in the form."""
    return {CONF_DEVICE: device, CONF_BAUDRATE: baudrate, CONF_DIALECT: dialect}


def usb_info(device: str, vid: str = "1E0E") -> UsbServiceInfo:
    """What Home Assistant's USB discovery reports for a SIM7600's AT port."""
    return UsbServiceInfo(
        device=device,
        vid=vid,
        pid="9001",
        serial_number="0123456789ABCDEF",
        manufacturer="SimTech, Incorporated",
        description="SimTech, Incorporated",
    )


async def start_user_flow(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    flow_id: str = result["flow_id"]
    return flow_id


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_adds_modem_by_url(hass: HomeAssistant, modem_link: ModemLink) -> None:
    """The user types the ser2net URL; the modem answers with its identity and is added."""
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SIMCOM_TITLE
    assert result["data"] == {
        CONF_DEVICE: modem_link.url,
        CONF_BAUDRATE: 115200,
        CONF_DIALECT: "auto",
    }
    assert result["result"].unique_id == SIMCOM_IMEI


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_adds_a_quectel_detected_automatically(
    hass: HomeAssistant, link_factory: Callable[..., Any]
) -> None:
    """An EC25 answers AT+QHTTPCFG=?; the user left the family on automatic."""
    link: ModemLink = await link_factory(identity="quectel", dialect="quectel")
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(link.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Quectel EC25"
    assert result["result"].unique_id == QUECTEL_IMEI
    assert result["data"][CONF_DIALECT] == "auto"


async def test_port_that_cannot_be_opened(
    hass: HomeAssistant,
    closed_port_url: str,
    modem_link: ModemLink,
    mock_setup_entry: AsyncMock,
) -> None:
    """Nothing listens on the URL: the form says so, and the user corrects it."""
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(closed_port_url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, user_input("/dev/serial/by-id/no-such-modem-if02-port0")
    )
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.usefixtures("mock_setup_entry")
async def test_port_with_no_modem_answering(hass: HomeAssistant, silent_port: str) -> None:
    """The port opens but nothing answers AT (wrong port of the module, or nothing there)."""
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(silent_port))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_modem"}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_modem_without_http_commands(
    hass: HomeAssistant, link_factory: Callable[..., Any]
) -> None:
    """A modem that answers AT but knows none of the HTTP command families is refused."""
    link: ModemLink = await link_factory(dialect=None)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(link.url))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_http_commands"}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_modem_that_will_not_give_its_imei(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """AT+CGSN fails (firmware still busy after boot): without an IMEI nothing is saved."""

    async def busy(modem: Any, request: Any) -> None:
        raise CmeError(14)  # SIM busy

    modem_link.modem.register("+CGSN", busy)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_modem"}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_same_port_cannot_be_added_twice(hass: HomeAssistant, modem_link: ModemLink) -> None:
    """The port an entry already uses is refused before it is opened a second time."""
    entry_for(modem_link.url).add_to_hass(hass)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert modem_link.modem.last_line is None  # never opened


@pytest.mark.usefixtures("mock_setup_entry")
async def test_same_modem_on_another_path_cannot_be_added_twice(
    hass: HomeAssistant, modem_link: ModemLink
) -> None:
    """The IMEI tells it is the modem already added under another path."""
    entry_for("/dev/serial/by-id/usb-SimTech-if02-port0").add_to_hass(hass)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_usb_discovery_then_confirm(
    hass: HomeAssistant, pty_link: PtyModemLink, mock_setup_entry: AsyncMock
) -> None:
    """A SIM7600 is plugged in: Home Assistant finds its AT port, the user confirms."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=usb_info(pty_link.path)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "usb_confirm"
    assert result["description_placeholders"] == {"name": SIMCOM_TITLE, "device": pty_link.path}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SIMCOM_TITLE
    assert result["data"] == {
        CONF_DEVICE: pty_link.path,
        CONF_BAUDRATE: 115200,
        CONF_DIALECT: "auto",
    }
    assert result["result"].unique_id == SIMCOM_IMEI
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.usefixtures("mock_setup_entry")
async def test_usb_discovery_of_a_port_that_is_not_the_at_port(
    hass: HomeAssistant, pty_link: PtyModemLink
) -> None:
    """The module's diagnostic or NMEA port answers no AT: discovery ends quietly."""
    pty_link.modem.faults.stop_answering()

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=usb_info(pty_link.path)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_modem"


async def test_usb_discovery_follows_a_modem_that_moved(
    hass: HomeAssistant, pty_link: PtyModemLink
) -> None:
    """The configured modem came back on another port: its (not loaded) entry follows it."""
    entry = entry_for("/dev/ttyUSB7")
    entry.add_to_hass(hass)

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=usb_info(pty_link.path)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_DEVICE] == pty_link.path
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_usb_discovery_leaves_a_working_entry_on_its_port(
    hass: HomeAssistant, loaded_entry: Any, pty_link: PtyModemLink
) -> None:
    """Another AT port of a modem in use is discovered: the working entry keeps its port."""
    original = loaded_entry.data[CONF_DEVICE]

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=usb_info(pty_link.path)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert loaded_entry.data[CONF_DEVICE] == original


async def test_usb_discovery_of_the_port_in_use(
    hass: HomeAssistant, pty_link: PtyModemLink
) -> None:
    """Re-discovery of the port an entry holds is not probed (it would steal the replies)."""
    entry_for(pty_link.path).add_to_hass(hass)

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=usb_info(pty_link.path)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert pty_link.modem.last_line is None


@pytest.mark.usefixtures("mock_setup_entry")
async def test_port_in_use_under_another_name(
    hass: HomeAssistant, pty_link: PtyModemLink, tmp_path: Path
) -> None:
    """The entry uses /dev/ttyUSB2, the user picks its /dev/serial/by-id link: same port."""
    by_id = tmp_path / "usb-SimTech__Incorporated-if02-port0"
    by_id.symlink_to(pty_link.path)
    entry_for(pty_link.path).add_to_hass(hass)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(str(by_id)))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert pty_link.modem.last_line is None


async def test_reconfigure_moves_the_modem_to_another_port(
    hass: HomeAssistant, loaded_entry: Any, link_factory: Callable[..., Any]
) -> None:
    """The same modem is now reached through another port: the entry follows and reloads."""
    new_link: ModemLink = await link_factory()  # same identity, so same IMEI
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(new_link.url, baudrate="921600", dialect="simcom")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data == {
        CONF_DEVICE: new_link.url,
        CONF_BAUDRATE: 921600,
        CONF_DIALECT: "simcom",
    }
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.modem.engine.url == new_link.url


async def test_reconfigure_on_the_same_port(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """Changing only the dialect: the running entry lets go of the port for the probe."""
    result = await loaded_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(modem_link.url, dialect="simcom")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_DIALECT] == "simcom"
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_another_modem_is_refused(
    hass: HomeAssistant, loaded_entry: Any, link_factory: Callable[..., Any]
) -> None:
    """A Quectel with another IMEI is not the modem this entry was made for."""
    other: ModemLink = await link_factory(identity="quectel", dialect="quectel")
    before = dict(loaded_entry.data)
    result = await loaded_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(other.url)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert dict(loaded_entry.data) == before
    assert other.modem.identity.imei == QUECTEL_IMEI
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_a_dead_port_keeps_the_entry_running(
    hass: HomeAssistant, loaded_entry: Any, closed_port_url: str
) -> None:
    """A typo in the new URL: the form says so and the entry keeps working on its port."""
    result = await loaded_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(closed_port_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_probe_failure_on_the_same_port_sets_the_entry_up_again(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The modem stops answering during a reconfigure: the released entry is set up again."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    modem_link.modem.faults.stop_answering()

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(modem_link.url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_modem"}
    # Set up again right away; with the modem silent it waits for a retry.
    assert loaded_entry.state is ConfigEntryState.SETUP_RETRY


async def test_reconfigure_to_a_port_another_entry_uses(
    hass: HomeAssistant, loaded_entry: Any, link_factory: Callable[..., Any]
) -> None:
    """Pointing one entry at another entry's port is refused before the port is opened."""
    other: ModemLink = await link_factory(identity="quectel", dialect="quectel")
    entry_for(other.url, unique_id=QUECTEL_IMEI).add_to_hass(hass)
    result = await loaded_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(other.url)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert other.modem.last_line is None


async def test_options_change_poll_interval_and_timeout(
    hass: HomeAssistant, loaded_entry: Any
) -> None:
    """The user slows the polls down and gives requests more time; the entry reloads."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 300, CONF_TIMEOUT: 120}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {k: loaded_entry.options[k] for k in (CONF_SCAN_INTERVAL, CONF_TIMEOUT)} == {
        CONF_SCAN_INTERVAL: 300,
        CONF_TIMEOUT: 120,
    }
    assert loaded_entry.options["apn"] == ""  # the network's default APN unless set
    assert loaded_entry.state is ConfigEntryState.LOADED
    coordinator = loaded_entry.runtime_data.coordinator
    assert coordinator.update_interval is not None
    assert coordinator.update_interval.total_seconds() == 300


async def test_options_refuse_out_of_range_values(hass: HomeAssistant, loaded_entry: Any) -> None:
    """A 5 s poll interval would keep the modem busy; the form does not take it."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)

    with pytest.raises(InvalidData) as refused:
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: 5, CONF_TIMEOUT: 60}
        )
    assert set(refused.value.schema_errors) == {CONF_SCAN_INTERVAL}
    assert loaded_entry.options == {}
