"""The module families atmodem knows, and detection of which one a modem belongs to.

Each family declares the probe only its modules answer; detection asks them in the order below
and creates the family object of the first that answers:

- the Q-prefixed form is unique to Quectel; a module answering the AT+HTTPCFG test form speaks
  seed manual 000's family;
- SIM7070/SIM7080 answer `AT+SHCONF=?` (their AT+SH* client), which nothing else here has;
- SIM800/SIM900 answer `AT+SAPBR=?` (their bearer command, absent from SIM7600-class modules);
  they come before the SIM7600 family because a SIM800 may answer its probe too;
- SIMCom's SIM7600/A76xx family is recognised by AT+HTTPACTION's test form.

A family's name is the dialect string of the public contract (`modem.dialect`).
"""

import logging
from typing import Final

from ..engine import AtEngine
from ..errors import AtCommandError, ModemError, ModemTimeoutError
from ..router import LineTables, merge_tables
from .base import Family, FamilyKind, HttpDriver, RequestPlan, SmsCommands
from .httpcfg import HttpcfgFamily, QuectelFamily
from .sim800 import Sim800Family
from .sim7080 import Sim7080Family
from .simcom import SimcomFamily

_LOGGER = logging.getLogger(__name__)

FAMILIES: Final[tuple[FamilyKind, ...]] = (
    QuectelFamily,
    HttpcfgFamily,
    Sim7080Family,
    Sim800Family,
    SimcomFamily,
)
"""Every known family, in the order detection probes them."""
DIALECTS: Final = tuple(kind.name for kind in FAMILIES)
"""The dialect names a caller may ask for instead of detection."""
SHORTEST_URL_LIMIT: Final = min(kind.limits.max_url for kind in FAMILIES)
"""The longest URL every family can send: for a URL saved before its modem is known."""
PROBE_TIMEOUT: Final = 5.0


class NoHttpCommandsError(ModemError):
    """The modem answers AT commands but none of the HTTP command families."""


def family_kind(name: str) -> FamilyKind:
    """The family called `name`; ValueError for a name no family has."""
    for kind in FAMILIES:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown dialect {name!r}; expected one of {', '.join(DIALECTS)}")


def every_family_lines() -> LineTables:
    """What any known module may print unasked: the engine's tables before detection."""
    return merge_tables(kind.lines for kind in FAMILIES)


async def detect_family(engine: AtEngine, timeout: float = PROBE_TIMEOUT) -> FamilyKind:
    """Ask each family's probe and take the first family that answers it."""
    for kind in FAMILIES:
        probe = kind.probe
        try:
            reply = await engine.command(probe.command, timeout=timeout)
        except (AtCommandError, ModemTimeoutError) as err:
            _LOGGER.debug("family probe %s: %s", probe.command, err)
            continue
        if reply.lines_with(probe.answer):
            return kind
    raise NoHttpCommandsError("the modem answers none of the HTTP command families")


__all__ = [
    "DIALECTS",
    "FAMILIES",
    "Family",
    "FamilyKind",
    "HttpDriver",
    "NoHttpCommandsError",
    "RequestPlan",
    "SmsCommands",
    "detect_family",
    "every_family_lines",
    "family_kind",
]
