"""Dialect drivers, looked up by name, and detection of which one a modem speaks.

Drivers are imported lazily so one dialect's module never costs the other's import time.
"""

from __future__ import annotations

import importlib
import logging

from ..engine import AtEngine
from ..errors import AtCommandError, ModemError, ModemTimeoutError
from ..router import STANDARD_LINES, LineTables
from .base import HttpDriver, HttpRequest

_LOGGER = logging.getLogger(__name__)

DIALECTS: tuple[str, ...] = ("simcom", "httpcfg", "quectel")

# Probe order matters: the Q-prefixed form is unique to Quectel; a module answering the HTTPCFG
# test form speaks seed 000's family; SIMCom's family is recognised by AT+HTTPACTION's test form.
_PROBES: tuple[tuple[str, str, str], ...] = (
    ("quectel", "AT+QHTTPCFG=?", "+QHTTPCFG:"),
    ("httpcfg", "AT+HTTPCFG=?", "+HTTPCFG:"),
    ("simcom", "AT+HTTPACTION=?", "+HTTPACTION:"),
)


# SIMCom prints RDY, +CPIN: READY, SMS DONE, PB DONE (A76xx *ATREADY) when it boots, and
# +HTTP_PEER_CLOSED / +HTTP_NONET_EVENT unasked; Quectel prints RDY, +CFUN: 1, +CPIN: READY,
# +QUSIM: 1, +QIND: SMS DONE, and +QIURC for bearer events.
MODULE_LINES = STANDARD_LINES.merged(
    LineTables(
        restart_lines=frozenset({"RDY"}),
        unsolicited=(
            "SMS DONE",
            "PB DONE",
            "*ATREADY:",
            "+QIND:",
            "+QUSIM:",
            "+QIURC:",
            "+HTTP_PEER_CLOSED",
            "+HTTP_NONET_EVENT",
        ),
    )
)


class NoHttpCommandsError(ModemError):
    """The modem answers AT commands but none of the HTTP command families."""


def create_driver(name: str) -> HttpDriver:
    """A fresh driver for dialect `name`."""
    if name == "simcom":
        module = importlib.import_module(f"{__name__}.simcom")
        simcom: HttpDriver = module.SimcomDriver()
        return simcom
    if name in ("httpcfg", "quectel"):
        module = importlib.import_module(f"{__name__}.httpcfg")
        httpcfg: HttpDriver = module.HttpcfgDriver(prefix="Q" if name == "quectel" else "")
        return httpcfg
    raise ValueError(f"unknown dialect {name!r}; expected one of {', '.join(DIALECTS)}")


async def detect_dialect(engine: AtEngine, timeout: float = 5.0) -> str:
    """Ask the test form of each family's command and pick the first that answers."""
    for name, command, prefix in _PROBES:
        try:
            reply = await engine.command(command, timeout=timeout)
        except (AtCommandError, ModemTimeoutError) as err:
            _LOGGER.debug("dialect probe %s: %s", command, err)
            continue
        if reply.lines_with(prefix):
            return name
    raise NoHttpCommandsError("the modem answers none of the HTTP command families")


__all__ = [
    "DIALECTS",
    "HttpDriver",
    "HttpRequest",
    "NoHttpCommandsError",
    "create_driver",
    "detect_dialect",
]
