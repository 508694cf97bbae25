"""The SIM800/SIM900 bearer: AT+SAPBR profiles, which the HTTP session names with its CID.

The module's own IP applications (HTTP, FTP, NTP) do not use a 27.007 context the host activates;
they run over a bearer profile (1-3) opened with AT+SAPBR (SIM800 Series AT Command Manual V1.09,
AT+SAPBR; IP Application Note V1.02, 3.1):

    AT+SAPBR=3,<cid>,"Contype","GPRS"    AT+SAPBR=3,<cid>,"APN","<apn>"  (USER, PWD likewise)
    AT+SAPBR=1,<cid>   open (up to 85 s)  AT+SAPBR=2,<cid>  -> +SAPBR: <cid>,<status>,"<ip>"
    AT+SAPBR=0,<cid>   close              AT+SAPBR=4,<cid>  -> the profile's parameters

Status 1 is connected, 3 closed, 0 and 2 on the way (manual). Opening an open profile answers
`+CME ERROR: 3` (LilyGo-T-Call-SIM800 issue #259 log), so a refusal is read back before it counts.
`+SAPBR <cid>: DEACT` comes unasked when the network drops the bearer (manual; thehapyone/
BareBoneSim800 issue #10 log, also after AT+CGATT=0). The profile is the PDP context number the
settings name; the HTTP session is told it with AT+HTTPPARA="CID" (bind_http hands it to the
driver). AT+SAPBR has no authentication type: the network negotiates PAP or CHAP itself.
"""

import asyncio
import re
from typing import Final, Protocol

from ...bearer import (
    READ_TIMEOUT,
    BearerSettings,
    NoDataConnectionError,
    activate_context,
    first_int,
)
from ...deadline import MIN_STEP, Deadline
from ...engine import AtEngine
from .errors import NETWORK_ERROR

PROFILES: Final = (1, 3)
"""Bearer profiles (<cid>) the module has."""
CONNECTED: Final = 1
CLOSED: Final = 3
NO_BEARER_CODES: Final = frozenset({NETWORK_ERROR})
"""601 network error: what the HTTP stack answers when the profile named by CID is closed."""
_DEACT: Final = re.compile(r"\+SAPBR\s*(\d+):\s*DEACT")
_POLL_STEP: Final = 1.0


class HttpProfile(Protocol):
    """The HTTP driver, told which profile its requests name."""

    cid: int


class SapbrContext:
    """AT+SAPBR bearer profiles."""

    deactivation_prefixes: Final = ("+SAPBR ",)
    no_bearer_codes: Final = NO_BEARER_CODES

    def __init__(self, http: HttpProfile) -> None:
        """`http` learns the profile once it is open."""
        self._http = http

    def deactivated_context(self, line: str) -> int | None:
        """The profile of `+SAPBR <cid>: DEACT`."""
        match = _DEACT.match(line)
        return int(match.group(1)) if match else None

    async def is_active(self, engine: AtEngine, cid: int, timeout: float) -> bool:
        """`+SAPBR: <cid>,1,"<ip>"` means connected."""
        return await _status(engine, _profile(cid), timeout) == CONNECTED

    async def activate(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Set the profile's parameters and open it; nothing when it is open with our APN."""
        cid = _profile(settings.cid)
        status = await _status(engine, cid, deadline.step(READ_TIMEOUT))
        if status == CONNECTED:
            if not settings.apn or await _apn(engine, cid, deadline) == settings.apn:
                return
            await engine.command(f"AT+SAPBR=0,{cid}", timeout=deadline.step(READ_TIMEOUT))
        for tag, value in _parameters(settings):
            await engine.command(
                f'AT+SAPBR=3,{cid},"{tag}","{value}"', timeout=deadline.step(READ_TIMEOUT)
            )
        try:
            await activate_context(engine, f"AT+SAPBR=1,{cid}", settings, deadline)
        except NoDataConnectionError:
            # `+CME ERROR: 3` also means "already open" (a bearer that came up meanwhile). An
            # activation still pending when time ran out is not asked about: the module answers
            # nothing until AT+SAPBR=1 ends (up to 85 s), and the pending activation is the cause.
            if deadline.expired:
                raise
            if await _status(engine, cid, deadline.step(READ_TIMEOUT)) != CONNECTED:
                raise
            return
        await _wait_connected(engine, cid, settings, deadline)

    async def bind_http(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Requests name the profile with AT+HTTPPARA="CID": the driver is told, nothing sent."""
        self._http.cid = settings.cid


def _profile(cid: int) -> int:
    low, high = PROFILES
    if not low <= cid <= high:
        raise NoDataConnectionError(
            f"SIM800 modules have bearer profiles {low} to {high} only, not {cid}; choose PDP "
            f"context {low} to {high} in the options"
        )
    return cid


def _parameters(settings: BearerSettings) -> list[tuple[str, str]]:
    parameters = [("Contype", "GPRS")]
    if settings.apn:
        parameters.append(("APN", settings.apn))
    if settings.username:
        parameters.append(("USER", settings.username))
    if settings.password:
        parameters.append(("PWD", settings.password))
    return parameters


async def _status(engine: AtEngine, cid: int, timeout: float) -> int | None:
    """The <status> of `+SAPBR: <cid>,<status>,"<ip>"`."""
    reply = await engine.command(f"AT+SAPBR=2,{cid}", timeout=timeout)
    for line in reply.lines_with("+SAPBR:"):
        fields = line.split(",")
        if len(fields) >= 2 and first_int(fields[0]) == cid:
            return first_int(fields[1])
    return None


async def _apn(engine: AtEngine, cid: int, deadline: Deadline) -> str | None:
    """The APN line of `AT+SAPBR=4,<cid>` (`APN: internet`)."""
    reply = await engine.command(f"AT+SAPBR=4,{cid}", timeout=deadline.step(READ_TIMEOUT))
    for line in reply.lines:
        tag, colon, value = line.partition(":")
        if colon and tag.strip().upper() == "APN":
            return value.strip()
    return None


async def _wait_connected(
    engine: AtEngine, cid: int, settings: BearerSettings, deadline: Deadline
) -> None:
    """After the OK of AT+SAPBR=1, read until the profile says connected (manual: poll it)."""
    while True:
        status = await _status(engine, cid, deadline.step(READ_TIMEOUT))
        if status == CONNECTED:
            return
        if status == CLOSED or deadline.remaining <= _POLL_STEP:
            raise NoDataConnectionError(
                f"bearer profile {cid} with {settings.apn_shown} did not stay open (status "
                f"{status}); check the APN, user name and password"
            )
        await asyncio.sleep(max(MIN_STEP, _POLL_STEP))


__all__ = ["NO_BEARER_CODES", "PROFILES", "SapbrContext"]
