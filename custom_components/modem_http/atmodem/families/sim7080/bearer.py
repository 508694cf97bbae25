"""The SIM7070/SIM7080 bearer: application network 0 (PDP context 1), brought up with AT+CNACT.

The module's own IP applications run over "application networks" 0-3; network 0 is PDP context 1
(TinyGSM TinyGsmClientSIM7080.h: "use PDP context identifier of 0 for what we defined as 1"), and
the AT+SH* HTTP stack uses network 0 (no AT+SHCONF parameter names another). Formats
(docs/families/sim800_sim7080.md, 2.1):

    AT+CNCFG=<pdpidx>,<ip_type>,"<apn>","<user>","<password>",<auth>   -> OK
    AT+CNACT=<pdpidx>,1   -> OK, then +APP PDP: <pdpidx>,ACTIVE (or DEACTIVE when refused)
    AT+CNACT?             -> +CNACT: <pdpidx>,<status>,"<ip>" for each of the four networks

`+APP PDP: <pdpidx>,DEACTIVE` also comes unasked when the network drops the context (botletics/
SIM7000-LTE-Shield issue #200, VMflow modem_https.c). Activating an active network is refused
(`+CME ERROR: 3`), so a refusal is read back before it counts. The configured APN cannot be read
back (no source shows `AT+CNCFG?`), so an active network is left as it is.
"""

import re
from typing import Final

from ...bearer import (
    ACTIVATION_TIMEOUT,
    READ_TIMEOUT,
    BearerSettings,
    NoDataConnectionError,
    first_int,
)
from ...deadline import Deadline
from ...engine import AtEngine
from ...errors import AtCommandError, ModemTimeoutError
from .errors import CONNECTION_REFUSED, NETWORK_ERROR

HTTP_CONTEXT: Final = 1
"""The PDP context of application network 0, the one AT+SH* uses."""
IP_TYPE: Final = 1
"""AT+CNCFG <ip_type> 1: IP (0 is IPv4v6, 2 IPv6)."""
NO_BEARER_CODES: Final = frozenset({CONNECTION_REFUSED, NETWORK_ERROR})
"""What AT+SHCONN (3) and +SHREQ (601) report without network 0; a read then decides."""
_APP_PDP: Final = re.compile(r"\+APP PDP:\s*(\d+)\s*,\s*(\w+)")


def _network(cid: int) -> int:
    if cid != HTTP_CONTEXT:
        raise NoDataConnectionError(
            f"the SIM7070/SIM7080 HTTP stack runs over PDP context {HTTP_CONTEXT} (application "
            f"network 0), not {cid}; choose PDP context {HTTP_CONTEXT} in the options"
        )
    return cid - 1


class CnactContext:
    """AT+CNCFG / AT+CNACT application networks."""

    deactivation_prefixes: Final = ("+APP PDP:",)
    no_bearer_codes: Final = NO_BEARER_CODES

    def deactivated_context(self, line: str) -> int | None:
        """The PDP context of `+APP PDP: <pdpidx>,DEACTIVE`."""
        match = _APP_PDP.match(line)
        if match is None or match.group(2).upper() != "DEACTIVE":
            return None
        return int(match.group(1)) + 1

    async def is_active(self, engine: AtEngine, cid: int, timeout: float) -> bool:
        """`+CNACT: <pdpidx>,1,"<ip>"` means active."""
        pdpidx = _network(cid)
        reply = await engine.command("AT+CNACT?", timeout=timeout)
        for line in reply.lines_with("+CNACT:"):
            fields = line.split(",")
            if len(fields) >= 2 and first_int(fields[0]) == pdpidx:
                return first_int(fields[1]) == 1
        return False

    async def activate(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Give the APN and credentials, activate, wait for `+APP PDP: 0,ACTIVE`."""
        pdpidx = _network(settings.cid)
        if await self.is_active(engine, settings.cid, deadline.step(READ_TIMEOUT)):
            return
        if settings.apn or settings.credentials:
            await engine.command(
                f'AT+CNCFG={pdpidx},{IP_TYPE},"{settings.apn}","{settings.username}",'
                f'"{settings.password}",{int(settings.auth)}',
                timeout=deadline.step(READ_TIMEOUT),
            )
        with engine.expect_urc("+APP PDP:") as waiter:
            try:
                await engine.command(f"AT+CNACT={pdpidx},1", timeout=deadline.step(READ_TIMEOUT))
            except AtCommandError as err:
                if await self.is_active(engine, settings.cid, deadline.step(READ_TIMEOUT)):
                    return  # it came up meanwhile
                raise NoDataConnectionError(
                    f"the module refused to activate PDP context {settings.cid} with "
                    f"{settings.apn_shown} ({err.final}); check the APN, user name and password"
                ) from err
            while True:
                try:
                    urc = await waiter.wait(deadline.step(ACTIVATION_TIMEOUT))
                except ModemTimeoutError as err:
                    if not deadline.expired:
                        raise
                    raise NoDataConnectionError(
                        f"PDP context {settings.cid} with {settings.apn_shown} was still being "
                        f"activated when the {deadline.timeout:g} s ran out; check the "
                        "coverage, or allow more time"
                    ) from err
                match = _APP_PDP.match(urc.line)
                if match is None or int(match.group(1)) != pdpidx:
                    continue
                if match.group(2).upper() == "ACTIVE":
                    return
                raise NoDataConnectionError(
                    f"the network refused to activate PDP context {settings.cid} with "
                    f"{settings.apn_shown} ({urc.line}); check the APN, user name and password"
                )

    async def bind_http(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """AT+SH* always uses network 0: nothing to tell it."""


__all__ = ["NO_BEARER_CODES", "CnactContext"]
