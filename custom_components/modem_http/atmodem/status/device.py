"""Who the modem is: manufacturer, model, firmware, IMEI (27.007 section 5), and its SIM's ICCID.

These work the same on every module; only the prefixes some firmware adds to plain answers differ
(`+CGMR: LE20B04SIM7600M22` vs `Revision: EC25EFAR06A06M4G`), so they are stripped. The ICCID
command is the family's (status member); a module without a SIM answers it with an error or a
bare `OK`, and without an ICCID the modem is still the same modem (its IMEI says which).
"""

import logging
from dataclasses import dataclass

from ..deadline import Deadline
from ..engine import AtEngine, AtReply
from ..errors import AtCommandError, ModemError
from ..readings import ReadingError, parse_iccid
from .standard import READ_TIMEOUT, IccidCommand

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What the device registry shows."""

    manufacturer: str
    model: str
    revision: str
    imei: str
    iccid: str | None = None
    """None without a SIM, or when the module has no ICCID command it answers."""


def _plain_answer(reply: AtReply, *prefixes: str) -> str:
    for line in reply.lines:
        for prefix in prefixes:
            if line.startswith(prefix):
                return line[len(prefix) :].strip().strip('"')
        return line.strip().strip('"')
    raise ModemError(f"{reply.command}: empty reply")


async def read_iccid(
    engine: AtEngine, commands: tuple[IccidCommand, ...], deadline: Deadline
) -> str | None:
    """The first ICCID one of the family's commands gives; None when none gives one."""
    for command, prefixes in commands:
        try:
            reply = await engine.command(command, timeout=deadline.step(READ_TIMEOUT))
            return parse_iccid(reply.lines, command, *prefixes)
        except AtCommandError as err:
            _LOGGER.debug("%s refused: %s", command, err)
        except ReadingError as err:
            _LOGGER.debug("Unreadable ICCID: %s", err)
    return None


async def read_device_info(
    engine: AtEngine, iccid_commands: tuple[IccidCommand, ...], deadline: Deadline
) -> DeviceInfo:
    """Manufacturer, model, revision, IMEI and (when a SIM answers) ICCID, within the deadline."""
    manufacturer = _plain_answer(await engine.command("AT+CGMI", timeout=deadline.left()), "+CGMI:")
    model = _plain_answer(await engine.command("AT+CGMM", timeout=deadline.left()), "+CGMM:")
    revision = _plain_answer(
        await engine.command("AT+CGMR", timeout=deadline.left()), "+CGMR:", "Revision:"
    )
    imei = _plain_answer(await engine.command("AT+CGSN", timeout=deadline.left()), "+CGSN:")
    iccid = await read_iccid(engine, iccid_commands, deadline)
    return DeviceInfo(manufacturer, model, revision, imei, iccid)


__all__ = ["DeviceInfo", "read_device_info", "read_iccid"]
