"""A modem plugged in over USB: one discovery per modem, its AT port by model, nothing sent unasked.

A module shows up as several serial ports, one per USB interface. Here each is a pseudo-terminal
behind a /dev/serial/by-id style link in a temporary folder, named the way udev names them: the
AT interface leads to the emulated modem, every other interface to an idle port that records
whatever the host writes to it (a diagnostics, NMEA or audio port nobody should touch). Only the
discovery data Home Assistant's USB integration would hand over (UsbServiceInfo) is made up.
"""

import asyncio
import contextlib
import json
import os
import tty
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import pytest
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_USB, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.usb import UsbServiceInfo

from custom_components.modem_http.const import CONF_BAUDRATE, CONF_DEVICE, CONF_DIALECT, DOMAIN
from custom_components.modem_http.usb_ports import AT_PORTS
from modem_emulator.commands import PlainError

from .conftest import (
    QUECTEL_IMEI,
    SIMCOM_IMEI,
    SIMCOM_TITLE,
    PtyModemLink,
    entry_for,
    make_modem,
)

PACKAGE = Path(__file__).parents[2] / "custom_components" / "modem_http"
SIM7600_ID = "usb-SimTech__Incorporated_SimTech__Incorporated_0123456789ABCDEF"
"""udev's ID_SERIAL-based name shared by every port of one SIM7600 (vendor, model, serial)."""


class IdlePort:
    """A serial port that never answers and keeps every byte the host writes to it."""

    def __init__(self) -> None:
        """A fresh pseudo-terminal; `path` is what a host would open."""
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.path = os.ttyname(slave)
        self.received = bytearray()
        asyncio.get_running_loop().add_reader(master, self._on_readable)

    def _on_readable(self) -> None:
        with contextlib.suppress(BlockingIOError):
            self.received += os.read(self._master, 4096)

    def close(self) -> None:
        """Stop reading and close both ends."""
        asyncio.get_running_loop().remove_reader(self._master)
        os.close(self._master)
        os.close(self._slave)


@dataclass(eq=False)
class PluggedModem:
    """The by-id links of one plugged-in module, and what each of its ports heard."""

    folder: Path
    name: str
    vid: str
    pid: str
    serial_number: str | None
    idle: dict[int, IdlePort] = field(default_factory=dict)

    def link(self, interface: int) -> Path:
        """The by-id link of one interface's port (udev: `<name>-if<NN>-port0`)."""
        return self.folder / f"{self.name}-if{interface:02x}-port0"

    def info(self, interface: int) -> UsbServiceInfo:
        """What Home Assistant's USB discovery reports for that port."""
        return UsbServiceInfo(
            device=str(self.link(interface)),
            vid=self.vid,
            pid=self.pid,
            serial_number=self.serial_number,
            manufacturer="SimTech, Incorporated" if self.vid == "1E0E" else "Quectel",
            description=None,
        )

    def nothing_sent_to_idle_ports(self) -> bool:
        """No byte reached a port that is not the AT port."""
        return all(not port.received for port in self.idle.values())


type PlugIn = Callable[..., Awaitable[PluggedModem]]


@pytest.fixture
async def plug_in(tmp_path: Path) -> AsyncIterator[PlugIn]:
    """Plug modems in: the AT interface's link leads to `at_port`, the others to idle ports."""
    idle_ports: list[IdlePort] = []

    async def plug(
        at_port: str | None,
        *,
        vid: str = "1E0E",
        pid: str = "9001",
        name: str = SIM7600_ID,
        serial_number: str | None = "0123456789ABCDEF",
        interfaces: range = range(5),
    ) -> PluggedModem:
        folder = tmp_path / "by-id"
        folder.mkdir(exist_ok=True)
        modem = PluggedModem(folder, name, vid, pid, serial_number)
        at_interface = AT_PORTS[(vid, pid)].at_interface
        for interface in interfaces:
            if interface == at_interface and at_port is not None:
                modem.link(interface).symlink_to(at_port)
            elif interface != at_interface:
                port = IdlePort()
                idle_ports.append(port)
                modem.idle[interface] = port
                modem.link(interface).symlink_to(port.path)
        return modem

    yield plug
    for port in idle_ports:
        port.close()


async def discover(hass: HomeAssistant, info: UsbServiceInfo) -> Any:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=info
    )


async def test_a_plugged_in_modem_is_offered_once_and_probed_only_when_confirmed(
    hass: HomeAssistant,
    pty_link: PtyModemLink,
    plug_in: PlugIn,
    mock_setup_entry: AsyncMock,
) -> None:
    """A SIM7600 brings five ports; the user sees one discovery and confirms it."""
    modem = await plug_in(pty_link.path)

    # Home Assistant reports the ports in the order it finds them; the first makes the offer.
    result = await discover(hass, modem.info(0))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "usb_confirm"
    assert result["description_placeholders"] == {
        "name": "SIMCom SIM7600",
        "device": str(modem.link(2)),
    }
    for interface in (1, 2, 3, 4):
        other = await discover(hass, modem.info(interface))
        assert other["type"] is FlowResultType.ABORT
        assert other["reason"] == "already_in_progress"
    assert len(hass.config_entries.flow.async_progress_by_handler(DOMAIN)) == 1
    assert pty_link.modem.last_line is None
    assert modem.nothing_sent_to_idle_ports()

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SIMCOM_TITLE
    assert result["data"] == {
        CONF_DEVICE: str(modem.link(2)),
        CONF_BAUDRATE: 115200,
        CONF_DIALECT: "auto",
    }
    assert result["result"].unique_id == SIMCOM_IMEI
    assert len(mock_setup_entry.mock_calls) == 1
    assert modem.nothing_sent_to_idle_ports()


async def test_a_quectel_is_added_through_its_if02_port(
    hass: HomeAssistant, plug_in: PlugIn, mock_setup_entry: AsyncMock
) -> None:
    """An EC25 without a USB serial number: its by-id name alone groups its ports."""
    link = PtyModemLink(make_modem("quectel", "quectel"))
    await link.start()
    try:
        modem = await plug_in(
            link.path, vid="2C7C", pid="0125", name="usb-Quectel_EC25", serial_number=None
        )
        result = await discover(hass, modem.info(3))
        assert result["description_placeholders"]["device"] == str(modem.link(2))

        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    finally:
        await link.close()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Quectel EC25"
    assert result["result"].unique_id == QUECTEL_IMEI
    assert modem.nothing_sent_to_idle_ports()


@pytest.mark.parametrize(("vid", "pid"), sorted(AT_PORTS))
async def test_each_known_module_is_offered_on_its_at_interface(
    hass: HomeAssistant, plug_in: PlugIn, vid: str, pid: str
) -> None:
    """The table picks the AT interface of every supported USB composition."""
    at_port = IdlePort()
    try:
        modem = await plug_in(at_port.path, vid=vid, pid=pid, interfaces=range(6))
        result = await discover(hass, modem.info(0))
    finally:
        at_port.close()

    at_interface = AT_PORTS[(vid, pid)].at_interface
    assert result["step_id"] == "usb_confirm"
    assert result["description_placeholders"]["device"] == str(modem.link(at_interface))
    assert not at_port.received
    assert modem.nothing_sent_to_idle_ports()


def test_the_manifest_matches_exactly_the_known_modules() -> None:
    """Home Assistant starts a discovery only for what the table knows the AT port of."""
    manifest = json.loads((PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    assert {(matcher["vid"], matcher["pid"]) for matcher in manifest["usb"]} == set(AT_PORTS)


type Fault = Callable[[PtyModemLink, Path], Callable[[], None]]
"""Puts something in the way of the probe; returns what takes it away again."""


def port_gone(link: PtyModemLink, at_link: Path) -> Callable[[], None]:
    """The module re-enumerates: its AT port's link leads nowhere for a moment."""
    at_link.unlink()
    at_link.symlink_to(at_link.parent / "gone")

    def back() -> None:
        at_link.unlink()
        at_link.symlink_to(link.path)

    return back


def still_silent(link: PtyModemLink, _at_link: Path) -> Callable[[], None]:
    """The modem does not answer yet (still booting, or another program drains the port)."""
    link.modem.faults.stop_answering()
    return link.modem.faults.resume


def http_commands_refused(link: PtyModemLink, _at_link: Path) -> Callable[[], None]:
    """AT answers, but the HTTP family's test command is refused with ERROR."""
    original = link.modem.handler_for("+HTTPACTION")
    assert original is not None

    async def refuse(modem: Any, request: Any) -> None:
        raise PlainError

    link.modem.register("+HTTPACTION", refuse)
    return lambda: link.modem.register("+HTTPACTION", original)


CONFIRM_FAULTS = [
    pytest.param(port_gone, "cannot_connect", id="port-gone"),
    pytest.param(still_silent, "no_modem", id="silent"),
    pytest.param(http_commands_refused, "no_http_commands", id="no-http"),
]


@pytest.mark.parametrize(("fault", "error"), CONFIRM_FAULTS)
async def test_a_failed_probe_on_confirm_can_be_retried(
    hass: HomeAssistant,
    pty_link: PtyModemLink,
    plug_in: PlugIn,
    mock_setup_entry: AsyncMock,
    fault: Fault,
    error: str,
) -> None:
    """The confirm form says what went wrong; once it is cleared, confirming again adds it."""
    modem = await plug_in(pty_link.path)
    result = await discover(hass, modem.info(2))
    clear = fault(pty_link, modem.link(2))

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "usb_confirm"
    assert result["errors"] == {"base": error}

    clear()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SIMCOM_IMEI
    assert len(mock_setup_entry.mock_calls) == 1
    assert modem.nothing_sent_to_idle_ports()


async def test_a_failed_probe_on_confirm_can_be_given_up(
    hass: HomeAssistant, pty_link: PtyModemLink, plug_in: PlugIn
) -> None:
    """ModemManager holds the modem: the user closes the form and nothing is added."""
    modem = await plug_in(pty_link.path)
    result = await discover(hass, modem.info(2))
    pty_link.modem.faults.stop_answering()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "no_modem"}

    hass.config_entries.flow.async_abort(result["flow_id"])

    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.parametrize("configured_as", ["by-id", "tty"])
async def test_a_modem_already_added_is_not_offered_again(
    hass: HomeAssistant, pty_link: PtyModemLink, plug_in: PlugIn, configured_as: str
) -> None:
    """Its entry uses one of its ports (by its by-id link or its plain name): nothing is sent."""
    modem = await plug_in(pty_link.path)
    entry_for(str(modem.link(2)) if configured_as == "by-id" else pty_link.path).add_to_hass(hass)

    result = await discover(hass, modem.info(0))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert pty_link.modem.last_line is None
    assert modem.nothing_sent_to_idle_ports()


async def test_an_ignored_modem_stays_ignored(
    hass: HomeAssistant, pty_link: PtyModemLink, plug_in: PlugIn
) -> None:
    """The user ignores the discovery; plugging the modem in again offers nothing."""
    modem = await plug_in(pty_link.path)
    result = await discover(hass, modem.info(0))
    flow = hass.config_entries.flow.async_get(result["flow_id"])
    await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_IGNORE},
        data={"unique_id": flow["context"]["unique_id"], "title": "SIMCom SIM7600"},
    )

    result = await discover(hass, modem.info(2))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert pty_link.modem.last_line is None


async def test_a_configured_modem_on_a_new_path_is_followed(
    hass: HomeAssistant, pty_link: PtyModemLink, plug_in: PlugIn
) -> None:
    """The entry's /dev/ttyUSB7 is gone; confirming the discovery finds the same IMEI."""
    entry = entry_for("/dev/ttyUSB7")
    entry.add_to_hass(hass)
    modem = await plug_in(pty_link.path)
    result = await discover(hass, modem.info(0))

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_DEVICE] == str(modem.link(2))


async def test_a_working_entry_of_the_same_modem_keeps_its_port(
    hass: HomeAssistant, loaded_entry: Any, pty_link: PtyModemLink, plug_in: PlugIn
) -> None:
    """The modem is in use over ser2net; a USB path to it does not move the running entry."""
    original = loaded_entry.data[CONF_DEVICE]
    modem = await plug_in(pty_link.path)
    result = await discover(hass, modem.info(0))

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert loaded_entry.data[CONF_DEVICE] == original
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_a_module_whose_at_port_is_not_up_yet(hass: HomeAssistant, plug_in: PlugIn) -> None:
    """Only the diagnostics and NMEA ports exist so far: no offer, and they hear nothing."""
    modem = await plug_in(None, interfaces=range(2))

    result = await discover(hass, modem.info(0))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "at_port_missing"
    assert modem.nothing_sent_to_idle_ports()


async def test_an_unknown_product_of_a_known_vendor(hass: HomeAssistant) -> None:
    """A Prolink PH-300 (1E0E:9100, a SimTech-based 3G stick): no known AT port, not offered."""
    info = UsbServiceInfo(
        device=f"/dev/serial/by-id/{SIM7600_ID}-if02-port0",
        vid="1E0E",
        pid="9100",
        serial_number="0123456789ABCDEF",
        manufacturer="SimTech, Incorporated",
        description=None,
    )

    result = await discover(hass, info)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_ports_without_by_id_names(hass: HomeAssistant) -> None:
    """Without udev's by-id links the ports of one modem cannot be told apart: not offered."""
    info = UsbServiceInfo(
        device="/dev/ttyUSB42",
        vid="1E0E",
        pid="9001",
        serial_number="0123456789ABCDEF",
        manufacturer="SimTech, Incorporated",
        description=None,
    )

    result = await discover(hass, info)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "usb_port_unknown"


async def test_two_modems_are_offered_each_with_its_own_at_port(
    hass: HomeAssistant, pty_link: PtyModemLink, plug_in: PlugIn
) -> None:
    """Two SIM7600s told apart by their USB serial numbers: two offers, two AT ports."""
    first = await plug_in(pty_link.path)
    second = await plug_in(
        pty_link.path,
        name=SIM7600_ID.replace("0123456789ABCDEF", "FEDCBA9876543210"),
        serial_number="FEDCBA9876543210",
    )

    offers = [await discover(hass, first.info(1)), await discover(hass, second.info(1))]

    assert [offer["description_placeholders"]["device"] for offer in offers] == [
        str(first.link(2)),
        str(second.link(2)),
    ]
    assert pty_link.modem.last_line is None


async def test_a_modem_unplugged_before_its_discovery_is_handled(
    hass: HomeAssistant, plug_in: PlugIn, tmp_path: Path
) -> None:
    """Udev already removed the links when the flow starts: no offer, no error."""
    info = UsbServiceInfo(
        device=str(tmp_path / "gone" / f"{SIM7600_ID}-if00-port0"),
        vid="1E0E",
        pid="9001",
        serial_number="0123456789ABCDEF",
        manufacturer="SimTech, Incorporated",
        description=None,
    )

    result = await discover(hass, info)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "at_port_missing"
