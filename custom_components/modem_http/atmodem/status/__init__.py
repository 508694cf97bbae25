"""A modem's status: its identity, its SIM, the network and radio it is on, its data context.

- model.py      the frozen values a poll gives (ModemStatus, SimStatus) and the optional readings
- standard.py   what a family's `status` member is (StatusCommands) and the 27.007 readings
- sim_lock.py   the SIM's PIN: entered once per session, never again once refused
- reader.py     one poll: the command sequence every family follows with its own commands
- device.py     manufacturer, model, firmware, IMEI, ICCID
"""

from .device import DeviceInfo, read_device_info
from .model import ON_DEMAND, ModemStatus, RadioReading, Reading, SimStatus
from .reader import StatusReader
from .sim_lock import SimLock, SimNotReadyError, SmsSimNotReadyError, check_code
from .standard import READ_TIMEOUT, IccidCommand, StandardStatus, StatusCommands

__all__ = [
    "ON_DEMAND",
    "READ_TIMEOUT",
    "DeviceInfo",
    "IccidCommand",
    "ModemStatus",
    "RadioReading",
    "Reading",
    "SimLock",
    "SimNotReadyError",
    "SimStatus",
    "SmsSimNotReadyError",
    "StandardStatus",
    "StatusCommands",
    "StatusReader",
    "check_code",
    "read_device_info",
]
