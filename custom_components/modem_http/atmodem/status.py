"""Device identity and network status, read with standard 3GPP 27.007 commands.

These work the same on SIMCom and Quectel modules; only the prefixes some firmware adds to plain
answers differ (`+CGMR: LE20B04SIM7600M22` vs `Revision: EC25EFAR06A06M4G`), so they are stripped.
"""

import contextlib
import re
from dataclasses import dataclass
from enum import StrEnum

from .deadline import Deadline
from .engine import AtEngine, AtReply
from .errors import AtCommandError, ModemError


class Registration(StrEnum):
    """Network registration state (<stat> of +CREG/+CEREG)."""

    NOT_REGISTERED = "not_registered"
    HOME = "home"
    SEARCHING = "searching"
    DENIED = "denied"
    UNKNOWN = "unknown"
    ROAMING = "roaming"

    @property
    def registered(self) -> bool:
        """Home or roaming: data can flow."""
        return self in (Registration.HOME, Registration.ROAMING)


_STAT = {
    0: Registration.NOT_REGISTERED,
    1: Registration.HOME,
    2: Registration.SEARCHING,
    3: Registration.DENIED,
    4: Registration.UNKNOWN,
    5: Registration.ROAMING,
    # 6-10 are SMS-only / CSFB variants of home and roaming (27.007 section 7.2).
    6: Registration.HOME,
    7: Registration.ROAMING,
    9: Registration.HOME,
    10: Registration.ROAMING,
}


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What the device registry shows."""

    manufacturer: str
    model: str
    revision: str
    imei: str
    iccid: str | None = None


@dataclass(frozen=True, slots=True)
class ModemStatus:
    """One poll of the modem's radio state."""

    rssi_dbm: int | None
    registration: Registration
    operator: str | None
    packet_attached: bool | None
    data_active: bool | None = None
    """The HTTP stack's PDP context is active (None: not read)."""


def csq_to_dbm(rssi: int) -> int | None:
    """Convert +CSQ <rssi> (0-31, 99 unknown) to dBm per 27.007 section 8.5."""
    if rssi == 99 or not 0 <= rssi <= 31:
        return None
    return -113 + 2 * rssi


def parse_registration(value: str) -> Registration:
    """`<n>,<stat>[,...]` (read form) or `<stat>[,...]` (URC form) to a Registration."""
    fields = [f.strip().strip('"') for f in value.split(",")]
    numbers = [int(f) for f in fields[:2] if f.isdigit()]
    if not numbers:
        return Registration.UNKNOWN
    stat = numbers[1] if len(numbers) == 2 and len(fields) >= 2 else numbers[0]
    return _STAT.get(stat, Registration.UNKNOWN)


def parse_operator(value: str) -> str | None:
    """`0,0,"Operator",7` to `Operator`; None when not registered (`0`)."""
    match = re.search(r'"([^"]*)"', value)
    return match.group(1) if match else None


def _plain_answer(reply: AtReply, *prefixes: str) -> str:
    for line in reply.lines:
        for prefix in prefixes:
            if line.startswith(prefix):
                return line[len(prefix) :].strip().strip('"')
        return line.strip().strip('"')
    raise ModemError(f"{reply.command}: empty reply")


async def read_device_info(engine: AtEngine, deadline: Deadline) -> DeviceInfo:
    """Manufacturer, model, revision, IMEI and (when a SIM answers) ICCID, within the deadline."""
    manufacturer = _plain_answer(await engine.command("AT+CGMI", timeout=deadline.left()), "+CGMI:")
    model = _plain_answer(await engine.command("AT+CGMM", timeout=deadline.left()), "+CGMM:")
    revision = _plain_answer(
        await engine.command("AT+CGMR", timeout=deadline.left()), "+CGMR:", "Revision:"
    )
    imei = _plain_answer(await engine.command("AT+CGSN", timeout=deadline.left()), "+CGSN:")
    iccid: str | None = None
    for command, prefixes in (
        ("AT+CICCID", ("+ICCID:", "ICCID:")),
        ("AT+QCCID", ("+QCCID:",)),
        ("AT+CCID", ("+CCID:", "+ICCID:")),
    ):
        with contextlib.suppress(AtCommandError):
            iccid = _plain_answer(await engine.command(command, timeout=deadline.left()), *prefixes)
            break
    return DeviceInfo(manufacturer, model, revision, imei, iccid)


async def read_status(engine: AtEngine, deadline: Deadline) -> ModemStatus:
    """Signal, registration (LTE first, then 2G/3G), operator and packet attach, in the deadline."""
    csq = (await engine.command("AT+CSQ", timeout=deadline.left())).first("+CSQ:")
    rssi_field = csq.split(",")[0].strip()
    rssi = csq_to_dbm(int(rssi_field)) if rssi_field.isdigit() else None

    registration = Registration.UNKNOWN
    for command, prefix in (("AT+CEREG?", "+CEREG:"), ("AT+CREG?", "+CREG:")):
        with contextlib.suppress(AtCommandError):
            found = parse_registration(
                (await engine.command(command, timeout=deadline.left())).first(prefix)
            )
            if found.registered or registration is Registration.UNKNOWN:
                registration = found
            if found.registered:
                break

    operator: str | None = None
    with contextlib.suppress(AtCommandError):
        operator = parse_operator(
            (await engine.command("AT+COPS?", timeout=deadline.left())).first("+COPS:")
        )

    attached: bool | None = None
    with contextlib.suppress(AtCommandError):
        value = (await engine.command("AT+CGATT?", timeout=deadline.left())).first("+CGATT:")
        attached = value.strip() == "1"
    return ModemStatus(rssi, registration, operator, attached)
