"""What the config flows ask a modem before anything is saved: who it is, and what its SIM wants.

Each helper opens the port, asks, and closes it again, so a flow never holds a port while the
user reads a form. Failures become a ProbeError whose reason is the form error's translation key.
"""

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from .atmodem import (
    AtCommandError,
    Modem,
    ModemDisconnectedError,
    ModemError,
    NoHttpCommandsError,
    SimStatus,
    open_modem,
)
from .atmodem import DeviceInfo as ModemIdentity
from .atmodem.transport import redact_url
from .const import CONF_BAUDRATE, CONF_DEVICE, CONF_DIALECT, PROBE_TIMEOUT

_LOGGER = logging.getLogger(__name__)


class ProbeError(Exception):
    """The probe failed; `reason` is the translation key of the form error or abort."""

    def __init__(self, reason: str) -> None:
        """Reason is one of cannot_connect, no_modem, no_http_commands, wrong_puk."""
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the modem said about itself during the probe."""

    identity: ModemIdentity
    dialect: str
    sim: SimStatus | None = None
    """What the SIM lets the modem do (None: the modem did not say)."""

    @property
    def title(self) -> str:
        """Manufacturer and model, as the modem names them."""
        return f"{self.identity.manufacturer} {self.identity.model}".strip()


@asynccontextmanager
async def _opened(connection: Mapping[str, Any]) -> AsyncIterator[Modem]:
    device = connection[CONF_DEVICE]
    try:
        modem = await open_modem(
            device,
            connection[CONF_BAUDRATE],
            connection[CONF_DIALECT],
            timeout=PROBE_TIMEOUT,
            reconnect=False,
        )
    except NoHttpCommandsError as err:
        raise ProbeError("no_http_commands") from err
    except ModemDisconnectedError as err:
        raise ProbeError("cannot_connect") from err
    except ModemError as err:
        raise ProbeError("no_modem") from err
    try:
        yield modem
    finally:
        await modem.close()


async def async_probe_modem(connection: Mapping[str, Any]) -> ProbeResult:
    """Open the port, detect (or take) the dialect, read the identity and SIM state, close."""
    async with _opened(connection) as modem:
        try:
            identity = await modem.device_info()
        except ModemError as err:
            _LOGGER.debug(
                "The modem on %s answered AT but not its identity: %s",
                redact_url(connection[CONF_DEVICE]),
                err,
            )
            raise ProbeError("no_modem") from err
        try:
            sim = await modem.sim_status()
        except ModemError as err:
            _LOGGER.debug("The modem did not say what its SIM wants: %s", err)
            sim = None
        return ProbeResult(identity=identity, dialect=modem.dialect, sim=sim)


async def async_enter_pin(connection: Mapping[str, Any], pin: str) -> SimStatus | None:
    """Open the port, enter the user's PIN if the SIM asks for one, close.

    RequestRejected for a PIN that is not 4 to 8 digits (nothing is sent).
    """
    async with _opened(connection) as modem:
        try:
            return await modem.enter_pin(pin)
        except ModemError as err:
            raise ProbeError("no_modem") from err


async def async_enter_puk(connection: Mapping[str, Any], puk: str, pin: str) -> SimStatus | None:
    """Open the port, unlock the SIM with its PUK and a new PIN, close (wrong_puk if refused)."""
    async with _opened(connection) as modem:
        try:
            return await modem.enter_puk(puk, pin)
        except AtCommandError as err:
            raise ProbeError("wrong_puk") from err
        except ModemError as err:
            raise ProbeError("no_modem") from err
