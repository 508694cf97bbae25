"""Adding, discovering, moving and tuning a modem through the UI, against emulated modems."""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData

from custom_components.modem_http.const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_SCAN_INTERVAL,
    CONF_TIMEOUT,
    DOMAIN,
    SCAN_INTERVAL,
)
from modem_emulator.commands import CmeError

from .conftest import (
    QUECTEL_IMEI,
    SIM800_IMEI,
    SIM7080_IMEI,
    SIMCOM_IMEI,
    SIMCOM_TITLE,
    ModemLink,
    PtyModemLink,
    entry_for,
)


def user_input(device: str, *, baudrate: str = "115200", dialect: str = "auto") -> dict[str, Any]:
    """What the user puts in the form."""
    return {CONF_DEVICE: device, CONF_BAUDRATE: baudrate, CONF_DIALECT: dialect}


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


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("identity", "dialect", "title", "imei"),
    [
        ("sim800", "sim800", "SIMCOM_Ltd SIMCOM_SIM800L", SIM800_IMEI),
        ("sim7080", "sim7080", "SIMCOM INCORPORATED SIMCOM_SIM7080G", SIM7080_IMEI),
    ],
)
async def test_user_adds_a_sim800_or_sim7080_detected_automatically(
    hass: HomeAssistant,
    link_factory: Callable[..., Any],
    identity: str,
    dialect: str,
    title: str,
    imei: str,
) -> None:
    """A SIM800L answers AT+SAPBR=?, a SIM7080G AT+SHCONF=?; the family is left on automatic."""
    link: ModemLink = await link_factory(identity=identity, dialect=dialect)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(link.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["result"].unique_id == imei
    assert result["data"][CONF_DIALECT] == "auto"


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_picks_the_sim7080_family_in_the_selector(
    hass: HomeAssistant, link_factory: Callable[..., Any]
) -> None:
    """The dialect selector offers every family; the choice is stored and taken as it is."""
    link: ModemLink = await link_factory(identity="sim7080", dialect="sim7080")
    form = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    selector = form["data_schema"].schema[CONF_DIALECT].config["options"]

    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], user_input(link.url, dialect="sim7080")
    )

    assert selector == ["auto", "quectel", "httpcfg", "sim7080", "sim800", "simcom"]
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_DIALECT] == "sim7080"


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


async def test_port_with_no_modem_answering(
    hass: HomeAssistant, silent_port: str, modem_link: ModemLink, mock_setup_entry: AsyncMock
) -> None:
    """The port opens but nothing answers AT (another port of the module); the right one works."""
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(silent_port))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_modem"}

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SIMCOM_IMEI
    assert len(mock_setup_entry.mock_calls) == 1


async def test_modem_without_http_commands(
    hass: HomeAssistant, link_factory: Callable[..., Any], mock_setup_entry: AsyncMock
) -> None:
    """A modem without any HTTP command family is refused; the user picks the other modem."""
    plain: ModemLink = await link_factory(dialect=None)
    quectel: ModemLink = await link_factory(identity="quectel", dialect="quectel")
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(plain.url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_http_commands"}

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(quectel.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == QUECTEL_IMEI
    assert len(mock_setup_entry.mock_calls) == 1


async def test_modem_that_will_not_give_its_imei(
    hass: HomeAssistant, modem_link: ModemLink, mock_setup_entry: AsyncMock
) -> None:
    """AT+CGSN fails (firmware still busy after boot); a moment later the user tries again."""
    ready = modem_link.modem.handler_for("+CGSN")
    assert ready is not None

    async def busy(modem: Any, request: Any) -> None:
        raise CmeError(14)  # SIM busy

    modem_link.modem.register("+CGSN", busy)
    flow_id = await start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_modem"}
    assert mock_setup_entry.mock_calls == []

    modem_link.modem.register("+CGSN", ready)
    result = await hass.config_entries.flow.async_configure(flow_id, user_input(modem_link.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SIMCOM_IMEI


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
    hass: HomeAssistant,
    loaded_entry: Any,
    closed_port_url: str,
    link_factory: Callable[..., Any],
) -> None:
    """A typo in the new URL: the form says so, the entry keeps working; the fix goes through."""
    new_link: ModemLink = await link_factory()
    result = await loaded_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(closed_port_url)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert loaded_entry.state is ConfigEntryState.LOADED

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(new_link.url)
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_DEVICE] == new_link.url
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_a_modem_without_http_commands(
    hass: HomeAssistant, loaded_entry: Any, link_factory: Callable[..., Any]
) -> None:
    """The new port leads to a modem without HTTP commands; the user corrects the port."""
    plain: ModemLink = await link_factory(dialect=None)
    new_link: ModemLink = await link_factory()
    result = await loaded_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(plain.url)
    )
    assert result["errors"] == {"base": "no_http_commands"}
    assert loaded_entry.state is ConfigEntryState.LOADED

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(new_link.url)
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_DEVICE] == new_link.url


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

    modem_link.modem.faults.resume()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(modem_link.url, dialect="simcom")
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_DIALECT] == "simcom"
    assert loaded_entry.state is ConfigEntryState.LOADED


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


async def test_options_change_the_default_timeout(hass: HomeAssistant, loaded_entry: Any) -> None:
    """The user gives requests more time; the entry reloads. There is no poll interval to set."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert CONF_SCAN_INTERVAL not in result["data_schema"].schema

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_TIMEOUT: 120}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_TIMEOUT] == 120
    assert CONF_SCAN_INTERVAL not in loaded_entry.options
    assert loaded_entry.options["apn"] == ""  # the network's default APN unless set
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.coordinator.update_interval == SCAN_INTERVAL


async def test_options_refuse_out_of_range_values(hass: HomeAssistant, loaded_entry: Any) -> None:
    """A 1 s default timeout is too short for any request; the form takes 5 s and up."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)

    with pytest.raises(InvalidData) as refused:
        await hass.config_entries.options.async_configure(result["flow_id"], {CONF_TIMEOUT: 1})
    assert set(refused.value.schema_errors) == {CONF_TIMEOUT}
    assert loaded_entry.options == {}

    result = await hass.config_entries.options.async_configure(result["flow_id"], {CONF_TIMEOUT: 5})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_TIMEOUT] == 5
