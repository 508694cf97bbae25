"""The data context of the AT+HTTPCFG family, and of Quectel modules.

- The seed family activates by 3GPP TS 27.007 (`AT+CGDCONT`, `AT+CGAUTH`, `AT+CGACT`) and is then
  pointed at the context with `AT+HTTPCFG="contextid",<cid>`; the seed module refuses that and
  always uses context 1, which is fine.
- Quectel: `AT+QICSGP=<cid>,1,"<apn>","<user>","<pwd>",<auth>`, `AT+QIACT=<cid>`, read back with
  `AT+QIACT?`, then `AT+QHTTPCFG="contextid",<cid>`; the module reports a context the network
  dropped as `+QIURC: "pdpdeact",<cid>` (Quectel TCP/IP AT commands manual).
"""

import logging
import re
from typing import Final

from ...bearer import (
    ACTIVATION_TIMEOUT,
    READ_TIMEOUT,
    BearerSettings,
    StandardContext,
    activate_context,
    first_int,
)
from ...deadline import Deadline
from ...engine import AtEngine
from ...errors import AtCommandError

_LOGGER = logging.getLogger(__name__)

NO_BEARER_CODES: Final = frozenset({707, 708, 709, 710})
"""707 network open failed, 708 no configuration, 709 network deactivated, 710 network error."""
_QIURC_DEACT: Final = re.compile(r'\+QIURC: "pdpdeact",\s*(\d+)')


async def bind_http_context(
    engine: AtEngine, prefix: str, settings: BearerSettings, deadline: Deadline
) -> None:
    """`AT+[Q]HTTPCFG="contextid",<cid>`; a module that refuses it uses context 1."""
    command = f'AT+{prefix}HTTPCFG="contextid",{settings.cid}'
    try:
        await engine.command(command, timeout=deadline.step(READ_TIMEOUT))
    except AtCommandError as err:
        if settings.cid != 1:
            _LOGGER.warning(
                "The modem refused %s (%s), so its HTTP stack uses PDP context 1.", command, err
            )


class HttpcfgContext(StandardContext):
    """27.007 activation, then the HTTP stack pointed at the context."""

    def __init__(self) -> None:
        """The family's no-bearer codes; AT+CGAUTH in the standard order."""
        super().__init__(no_bearer_codes=NO_BEARER_CODES)

    async def bind_http(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """`AT+HTTPCFG="contextid",<cid>`."""
        await bind_http_context(engine, "", settings, deadline)


class QuectelContext:
    """AT+QICSGP / AT+QIACT, then `AT+QHTTPCFG="contextid"`."""

    no_bearer_codes: Final = NO_BEARER_CODES
    deactivation_prefixes: Final = ('+QIURC: "pdpdeact"',)

    def deactivated_context(self, line: str) -> int | None:
        """The context of `+QIURC: "pdpdeact",<cid>`."""
        match = _QIURC_DEACT.match(line)
        return int(match.group(1)) if match else None

    async def is_active(self, engine: AtEngine, cid: int, timeout: float) -> bool:
        """`+QIACT: <cid>,<state>,...` lines list the active contexts."""
        reply = await engine.command("AT+QIACT?", timeout=timeout)
        return any(first_int(line) == cid for line in reply.lines_with("+QIACT:"))

    async def activate(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Correct the APN and credentials where they differ, then activate."""
        cid = settings.cid
        active = await self.is_active(engine, cid, deadline.step(READ_TIMEOUT))
        wanted = f'1,"{settings.apn}","{settings.username}","{settings.password}",{settings.auth}'
        change = False
        if settings.apn or settings.credentials:
            reply = await engine.command(f"AT+QICSGP={cid}", timeout=deadline.step(READ_TIMEOUT))
            current = reply.lines_with("+QICSGP:")
            change = not current or current[0].replace(" ", "") != wanted.replace(" ", "")
        if active and not change:
            return
        if active:
            await engine.command(f"AT+QIDEACT={cid}", timeout=deadline.step(ACTIVATION_TIMEOUT))
        if change:
            await engine.command(f"AT+QICSGP={cid},{wanted}", timeout=deadline.step(READ_TIMEOUT))
        await activate_context(engine, f"AT+QIACT={cid}", settings, deadline)

    async def bind_http(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """`AT+QHTTPCFG="contextid",<cid>`."""
        await bind_http_context(engine, "Q", settings, deadline)


__all__ = ["HttpcfgContext", "QuectelContext"]
