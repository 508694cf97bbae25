"""Readings: pure functions from a status command's reply lines to typed, frozen values.

They take the information lines of one reply (what `AtReply.lines` holds, without the final
result code), send nothing and keep no state, so a family object can run its commands however it
likes and hand the lines here. A reply that is not in the command's format is refused with a
`ReadingError` (a `ModemError`); a value the modem reports as unknown, or a placeholder no radio
can measure, is None; nothing is ever guessed.
"""

from .address import PdpAddress, parse_cgpaddr
from .cell import ServingCell, SignalQuality
from .errors import ReadingError, UnexpectedReply, ValueOutOfRange
from .identity import Imsi, parse_cimi, parse_iccid
from .network import (
    Operator,
    Registration,
    RegistrationState,
    parse_cops,
    parse_registration,
    parse_registration_urc,
)
from .quectel import (
    DataCounters,
    ModuleTemperature,
    QcsqReading,
    ServingCellInfo,
    parse_qcsq,
    parse_qeng_servingcell,
    parse_qgdcnt,
    parse_qtemp,
)
from .signal import Cesq, Csq, parse_cesq, parse_csq
from .sim import PinCounters, SimState, parse_cpin, parse_qpinc, parse_spic, sim_state_from_cme
from .simcom import SystemInfo, parse_cpmutemp, parse_cpsi
from .technology import ACT_3GPP, ACT_LTE_M_AS_8, Technology, technology_from_act

__all__ = [
    "ACT_3GPP",
    "ACT_LTE_M_AS_8",
    "Cesq",
    "Csq",
    "DataCounters",
    "Imsi",
    "ModuleTemperature",
    "Operator",
    "PdpAddress",
    "PinCounters",
    "QcsqReading",
    "ReadingError",
    "Registration",
    "RegistrationState",
    "ServingCell",
    "ServingCellInfo",
    "SignalQuality",
    "SimState",
    "SystemInfo",
    "Technology",
    "UnexpectedReply",
    "ValueOutOfRange",
    "parse_cesq",
    "parse_cgpaddr",
    "parse_cimi",
    "parse_cops",
    "parse_cpin",
    "parse_cpmutemp",
    "parse_cpsi",
    "parse_csq",
    "parse_iccid",
    "parse_qcsq",
    "parse_qeng_servingcell",
    "parse_qgdcnt",
    "parse_qpinc",
    "parse_qtemp",
    "parse_registration",
    "parse_registration_urc",
    "parse_spic",
    "sim_state_from_cme",
    "technology_from_act",
]
