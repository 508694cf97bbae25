"""Which serial port of a plugged-in modem takes AT commands, found without opening any port.

A cellular module shows up as several serial ports, one per USB interface: diagnostics (QCDM),
GPS/NMEA, AT, a second AT or PPP port, audio. Other programs may hold some of them (gpsd on the
NMEA port, ModemManager, pppd), and bytes written to a diagnostics port are not AT commands at
all, so discovery must not probe ports to find the right one. Two facts tell it instead:

- the module's USB vendor and product ID say which interface number carries the AT commands
  (AT_PORTS below, one row per supported USB composition);
- udev names every port of a physical modem `/dev/serial/by-id/usb-<ID_SERIAL>-if<NN>[-port<N>]`,
  where `<ID_SERIAL>` is the same for all of them (vendor, model and, where the module has one,
  its USB serial number) and `<NN>` is the interface number in hex.

Everything here reads the file system only (blocking: run it in the executor).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final


@dataclass(frozen=True, slots=True)
class ModuleLayout:
    """One USB composition of a supported module."""

    name: str
    """What the discovery shows before the modem has been asked who it is."""
    at_interface: int
    """The USB interface number of the module's primary AT command port."""


AT_PORTS: Final[dict[tuple[str, str], ModuleLayout]] = {
    # USB vendor and product ID (as Home Assistant's USB discovery spells them) -> layout.
    #
    # Sources, formats only (port roles per interface):
    # - ModemManager's udev rules, which tag each interface with its port type
    #   (ID_MM_PORT_TYPE_AT_PRIMARY): src/plugins/simtech/77-mm-simtech-port-types.rules
    #   ("SIM7000, SIM7100, SIM7600..." on 1E0E:9001: if00 QCDM, if01 GPS, if02 AT primary,
    #   if03 AT secondary, if04 audio; "SIM A7600E-H, A7602E-H" on 1E0E:9011: if04 AT primary,
    #   if05 PPP; "SIM7070, SIM7080, SIM7090" default layout 1E0E:9205: if00 QCDM, if01 GPS, if02
    #   AT primary, if03 PPP; their secondary layout 1E0E:9206: if02 AT primary, if05 PPP) and
    #   src/plugins/quectel/77-mm-quectel-port-types.rules (EC25/EG25 0125, EC21
    #   0121, EG91 0191, EG95 0195, BG96 0296: if00 QCDM, if01 GPS, if02 AT primary, if03 AT
    #   secondary), in github.com/linux-mobile-broadband/ModemManager.
    # - Quectel EC200T 2C7C:6026 has no ModemManager rule: interfaces 0-1 are CDC-ECM and 2-4
    #   serial (option driver), and the AT port is the second serial port, interface 3 (the
    #   usb/devices listing in the Quectel forum thread "EC200T-CN not working in openwrt-21.02
    #   with Rockchip RK3328", and "For EC200T, AT port sits on /dev/ttyUSB1" in the public
    #   set-up notes "Quectel EC200T on OpenWRT", blog.tanatos.org).
    # SIM800/SIM900 have no USB AT port of their own (they sit on a UART, often behind a
    # USB-serial adapter whose ID says nothing about the module): added by hand.
    ("1E0E", "9001"): ModuleLayout("SIMCom SIM7600", 0x02),
    ("1E0E", "9011"): ModuleLayout("SIMCom A7600", 0x04),
    ("1E0E", "9205"): ModuleLayout("SIMCom SIM7070/SIM7080", 0x02),
    ("1E0E", "9206"): ModuleLayout("SIMCom SIM7070/SIM7080", 0x02),
    ("2C7C", "0121"): ModuleLayout("Quectel EC21", 0x02),
    ("2C7C", "0125"): ModuleLayout("Quectel EC25/EG25", 0x02),
    ("2C7C", "0191"): ModuleLayout("Quectel EG91", 0x02),
    ("2C7C", "0195"): ModuleLayout("Quectel EG95", 0x02),
    ("2C7C", "0296"): ModuleLayout("Quectel BG96", 0x02),
    ("2C7C", "6026"): ModuleLayout("Quectel EC200T", 0x03),
}

_BY_ID_NAME: Final = re.compile(r"^(?P<modem>.+)-if(?P<interface>[0-9A-Fa-f]{2})(?:-port\d+)?$")
"""udev's 60-serial.rules link name for a port of a USB serial device."""


def module_layout(vid: str, pid: str) -> ModuleLayout | None:
    """The layout of a supported USB composition, or None."""
    return AT_PORTS.get((vid.upper(), pid.upper()))


@dataclass(frozen=True, slots=True)
class ModemPorts:
    """The serial ports of one physical modem, by their /dev/serial/by-id links."""

    modem: str
    """The part of the link names all ports of this modem share (`usb-<ID_SERIAL>`)."""
    ports: tuple[str, ...]
    """Every port of the modem that is there now."""
    at_port: str | None
    """The AT command port, None while the module has not brought that interface up."""


def find_modem_ports(by_id_path: str, at_interface: int) -> ModemPorts | None:
    """The ports of the modem `by_id_path` belongs to; None unless it is a by-id link name.

    The siblings are read from the link's own folder, so nothing depends on where /dev is.
    """
    link = Path(by_id_path)
    found = _BY_ID_NAME.match(link.name)
    if found is None:
        return None
    modem = found["modem"]
    ports: list[str] = []
    at_port: str | None = None
    try:
        siblings = list(link.parent.iterdir())
    except OSError:
        # Unplugged since it was discovered: udev removed the links with the ports.
        siblings = []
    for sibling in siblings:
        name = _BY_ID_NAME.match(sibling.name)
        if name is None or name["modem"] != modem:
            continue
        ports.append(str(sibling))
        if int(name["interface"], 16) == at_interface and sibling.exists():
            at_port = str(sibling)
    return ModemPorts(modem=modem, ports=tuple(sorted(ports)), at_port=at_port)


def is_by_id_name(path: str) -> bool:
    """Whether `path` is named like a /dev/serial/by-id link of a USB serial port."""
    return _BY_ID_NAME.match(Path(path).name) is not None


__all__ = [
    "AT_PORTS",
    "ModemPorts",
    "ModuleLayout",
    "find_modem_ports",
    "is_by_id_name",
    "module_layout",
]
