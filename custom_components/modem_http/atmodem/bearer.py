"""The packet data bearer (PDP context) every modem HTTP stack runs over.

Real modules answer HTTP requests with 601/703/714 (SIMCom) or 709 "network deactivated"
(AT+HTTPCFG / Quectel) until a PDP context is active, and a fresh module has none active. The
manuals leave the bring-up to the host, so this module does it the way each family needs:

- SIMCom and the AT+HTTPCFG family: `AT+CGDCONT` (APN), `AT+CGAUTH` when credentials are given
  (SIMCom takes the password before the user name), `AT+CGACT=1,<cid>`; the AT+HTTPCFG family is
  then pointed at the context with `AT+HTTPCFG="contextid"` (the seed module refuses it and always
  uses context 1, which is fine).
- Quectel: `AT+QICSGP=<cid>,1,"<apn>","<user>","<pwd>",<auth>`, `AT+QIACT=<cid>`, then
  `AT+QHTTPCFG="contextid",<cid>`.

Every step reads first (`AT+CGDCONT?`, `AT+CGACT?`, `AT+QIACT?`, `AT+QICSGP=<cid>`) and is skipped
when already in place, so a healthy modem costs two reads once per session. Registration is waited
for first. Every step runs within the caller's deadline, and when it runs out the error names what
was still missing (registration, activation); a serial link that goes away meanwhile is not a
data connection problem and passes through as ModemDisconnectedError. Once up, the bearer is
trusted until the modem says otherwise:
`+CGEV: NW|ME [PDN] DEACT <cid>`, `+QIURC: "pdpdeact",<cid>`, a restart, or a request failing with
one of the family's no-bearer codes while a read confirms the context is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final

from .deadline import MIN_STEP, Deadline
from .engine import AtEngine, Urc
from .errors import (
    AtCommandError,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemTimeoutError,
    RequestRejected,
)
from .status import parse_registration
from .validation import check_range, check_text

_LOGGER = logging.getLogger(__name__)

MAX_APN: Final = 99
"""3GPP TS 23.003: an APN is at most 100 octets."""
MAX_CREDENTIAL: Final = 127
CID_RANGE: Final = (1, 16)
"""Quectel takes 1-16, SIMCom 1-24: the common range."""
ACTIVATION_TIMEOUT: Final = 150.0
"""AT+CGACT / AT+QIACT: the manuals give 150 s as the maximum response time."""
_READ_TIMEOUT: Final = 10.0
_POLL_STEP: Final = 1.0

NO_BEARER_CODES: Final[dict[str, frozenset[int]]] = {
    # SIMCom: 601 network error, 703 busy, 714 connect socket failed, 717 no network.
    "simcom": frozenset({601, 703, 714, 717}),
    # AT+HTTPCFG family: 707 network open failed, 708 no configuration, 709 deactivated, 710 error.
    "httpcfg": frozenset({707, 708, 709, 710}),
    "quectel": frozenset({707, 708, 709, 710}),
}
"""The modem's HTTP errors that may mean the bearer is gone (a context read decides)."""

_CGEV_DEACT: Final = re.compile(
    r"\+CGEV: (?:NW|ME) (?:PDN )?DEACT\s+(?:\"[^\"]*\",\"[^\"]*\",)?(\d+)"
)
_QIURC_DEACT: Final = re.compile(r'\+QIURC: "pdpdeact",\s*(\d+)')


class AuthType(IntEnum):
    """Authentication the network wants for the APN (`<auth_type>` of AT+CGAUTH / AT+QICSGP)."""

    NONE = 0
    PAP = 1
    CHAP = 2


class NoDataConnectionError(ModemError):
    """No data connection (PDP context) could be brought up; `cause` says what failed."""

    def __init__(self, cause: str) -> None:
        """Cause is a sentence fragment a user can act on (APN, SIM, coverage)."""
        self.cause = cause
        super().__init__(f"no data connection: {cause}")


@dataclass(frozen=True, slots=True)
class BearerSettings:
    """How the modem gets its data connection; the defaults use the network's default APN."""

    apn: str = ""
    """Empty: keep what the modem has configured, or let the network pick its default."""
    username: str = ""
    password: str = field(default="", repr=False)
    auth: AuthType = AuthType.NONE
    cid: int = 1
    """The PDP context the HTTP stack uses."""
    registration_timeout: float = 60.0
    """How long to wait for network registration before giving up."""

    def __post_init__(self) -> None:
        """Refuse what cannot be put in a quoted AT argument (RequestRejected, nothing sent)."""
        check_text("apn", self.apn, max_length=MAX_APN)
        check_text("username", self.username, max_length=MAX_CREDENTIAL)
        check_text("password", self.password, max_length=MAX_CREDENTIAL)
        check_range("cid", self.cid, *CID_RANGE)
        try:
            object.__setattr__(self, "auth", AuthType(self.auth))
        except ValueError:
            raise RequestRejected("auth", "must be none (0), PAP (1) or CHAP (2)") from None
        if self.registration_timeout <= 0:
            raise RequestRejected("registration_timeout", "must be positive")

    @property
    def credentials(self) -> bool:
        """Whether the APN needs a user name, password or authentication."""
        return bool(self.username or self.password or self.auth is not AuthType.NONE)


class Bearer:
    """Brings one family's PDP context up, and notices when it goes down."""

    def __init__(self, family: str, settings: BearerSettings | None = None) -> None:
        """Family is the dialect name (simcom, httpcfg or quectel)."""
        self.family = family
        self.settings = settings or BearerSettings()
        self.up = False
        """True from a successful bring-up until a deactivation or restart is seen."""
        self.last_cause: str | None = None
        self._removers: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ URCs

    def attach(self, engine: AtEngine) -> None:
        """Listen for the modem's bearer URCs (and swallow registration chatter)."""
        self.detach()
        self._removers = [
            engine.on_urc("+CGEV:", self._on_cgev),
            engine.on_urc('+QIURC: "pdpdeact"', self._on_qiurc),
        ]

    def detach(self) -> None:
        """Stop listening."""
        for remove in self._removers:
            remove()
        self._removers = []

    def _on_cgev(self, urc: Urc) -> None:
        match = _CGEV_DEACT.match(urc.line)
        if match and int(match.group(1)) == self.settings.cid:
            _LOGGER.info("data connection lost (%s)", urc.line)
            self.up = False

    def _on_qiurc(self, urc: Urc) -> None:
        match = _QIURC_DEACT.match(urc.line)
        if match and int(match.group(1)) == self.settings.cid:
            _LOGGER.info("data connection lost (%s)", urc.line)
            self.up = False

    def mark_down(self) -> None:
        """Forget that the bearer was up (after a restart or reconnect)."""
        self.up = False

    # ------------------------------------------------------------------ checks

    def suspect(self, err: BaseException) -> bool:
        """Could this request failure be a missing bearer? (A context read then decides.)"""
        if isinstance(err, ModemHttpError):
            return err.code in NO_BEARER_CODES.get(self.family, frozenset())
        # SIMCom's AT+HTTPINIT (which activates the context itself) answers plain ERROR.
        return isinstance(err, AtCommandError)

    async def is_active(self, engine: AtEngine, timeout: float = _READ_TIMEOUT) -> bool:
        """Read whether the context is active (`AT+QIACT?` on Quectel, `AT+CGACT?` otherwise)."""
        cid = self.settings.cid
        if self.family == "quectel":
            reply = await engine.command("AT+QIACT?", timeout=timeout)
            return any(_first_int(line) == cid for line in reply.lines_with("+QIACT:"))
        reply = await engine.command("AT+CGACT?", timeout=timeout)
        for line in reply.lines_with("+CGACT:"):
            fields = line.split(",")
            if len(fields) >= 2 and _first_int(fields[0]) == cid:
                return fields[1].strip() == "1"
        return False

    # ------------------------------------------------------------------ bring-up

    async def ensure(self, engine: AtEngine, deadline: Deadline) -> None:
        """Bring the bearer up unless it is known to be up."""
        if not self.up:
            await self.bring_up(engine, deadline)

    async def bring_up(self, engine: AtEngine, deadline: Deadline) -> None:
        """Registration, context definition, credentials, activation, HTTP context id.

        Raises NoDataConnectionError naming what failed, also when the deadline runs out while
        the modem is still unregistered or still activating; ModemDisconnectedError when the
        serial link goes away.
        """
        try:
            await self._wait_registered(engine, deadline)
            with contextlib.suppress(AtCommandError):
                # +CGEV URCs tell us when the network drops the context.
                await engine.command("AT+CGEREP=2", timeout=deadline.step(_READ_TIMEOUT))
            if self.family == "quectel":
                await self._quectel(engine, deadline)
            else:
                await self._cgact_family(engine, deadline)
            await self._http_context_id(engine, deadline)
        except NoDataConnectionError as err:
            self.up = False
            self.last_cause = err.cause
            raise
        self.up = True
        self.last_cause = None

    async def _wait_registered(self, engine: AtEngine, deadline: Deadline) -> None:
        """Poll registration until it is there, the settings' wait or the deadline runs out.

        A form the modem refuses (AT+CEREG? on a 2G module) is skipped. A link that goes down
        ends the wait with ModemDisconnectedError, and a modem that stops answering with
        ModemTimeoutError, unless time is up anyway: then the state last read is the cause.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        give_up = min(deadline.end, started + self.settings.registration_timeout)
        last = "unknown"
        while True:
            for command, prefix in (("AT+CEREG?", "+CEREG:"), ("AT+CREG?", "+CREG:")):
                wait = max(MIN_STEP, min(_READ_TIMEOUT, give_up - loop.time()))
                try:
                    reply = await engine.command(command, timeout=wait)
                    state = parse_registration(reply.first(prefix))
                except ModemDisconnectedError:
                    raise
                except ModemTimeoutError:
                    if loop.time() < give_up:
                        raise
                    break
                except ModemError:
                    continue  # refused, or no such line: the other form may answer
                if state.registered:
                    return
                last = state.value
            remaining = give_up - loop.time()
            if remaining <= MIN_STEP:
                raise NoDataConnectionError(
                    f"the modem is not registered on the network (state {last}) after "
                    f"{loop.time() - started:.1f} s; check the SIM, the antenna and the coverage"
                )
            # The module's own pace of registration; the last read comes just before the end.
            await asyncio.sleep(min(_POLL_STEP, remaining - MIN_STEP))

    def _refused(self, err: AtCommandError) -> NoDataConnectionError:
        apn = self.settings.apn or "the network's default APN"
        return NoDataConnectionError(
            f"the network refused to activate PDP context {self.settings.cid} with {apn} "
            f"({err.final}); check the APN, user name and password"
        )

    def _not_activated(self, deadline: Deadline, err: ModemTimeoutError) -> ModemError:
        """An activation that did not answer: the data connection is the cause, not a timeout."""
        if not deadline.expired:
            return err  # the modem stopped answering well before the caller's time ran out
        apn = self.settings.apn or "the network's default APN"
        return NoDataConnectionError(
            f"PDP context {self.settings.cid} with {apn} was still being activated when the "
            f"{deadline.timeout:g} s ran out; check the coverage, or allow more time"
        )

    async def _activate(self, engine: AtEngine, command: str, deadline: Deadline) -> None:
        try:
            await engine.command(command, timeout=deadline.step(ACTIVATION_TIMEOUT))
        except AtCommandError as err:
            raise self._refused(err) from err
        except ModemTimeoutError as err:
            raise self._not_activated(deadline, err) from err

    async def _cgact_family(self, engine: AtEngine, deadline: Deadline) -> None:
        settings = self.settings
        cid = settings.cid
        defined = await self._defined_apn(engine, deadline)
        active = await self.is_active(engine, deadline.step(_READ_TIMEOUT))
        wrong_apn = bool(settings.apn) and defined is not None and defined != settings.apn
        if active and not wrong_apn:
            return
        if active:
            await engine.command(f"AT+CGACT=0,{cid}", timeout=deadline.step(ACTIVATION_TIMEOUT))
        if defined is None or wrong_apn:
            await engine.command(
                f'AT+CGDCONT={cid},"IP","{settings.apn}"', timeout=deadline.step(_READ_TIMEOUT)
            )
        if settings.credentials:
            first, second = settings.username, settings.password
            if self.family == "simcom":
                first, second = second, first  # SIMCom: <passwd> before <user>
            await engine.command(
                f'AT+CGAUTH={cid},{int(settings.auth)},"{first}","{second}"',
                timeout=deadline.step(_READ_TIMEOUT),
            )
        await self._activate(engine, f"AT+CGACT=1,{cid}", deadline)

    async def _defined_apn(self, engine: AtEngine, deadline: Deadline) -> str | None:
        """The APN of our context in `AT+CGDCONT?`, or None when it is not defined."""
        reply = await engine.command("AT+CGDCONT?", timeout=deadline.step(_READ_TIMEOUT))
        for line in reply.lines_with("+CGDCONT:"):
            fields = line.split(",")
            if len(fields) >= 3 and _first_int(fields[0]) == self.settings.cid:
                return fields[2].strip().strip('"')
        return None

    async def _quectel(self, engine: AtEngine, deadline: Deadline) -> None:
        settings = self.settings
        cid = settings.cid
        active = await self.is_active(engine, deadline.step(_READ_TIMEOUT))
        wanted = f'1,"{settings.apn}","{settings.username}","{settings.password}",{settings.auth}'
        change = False
        if settings.apn or settings.credentials:
            reply = await engine.command(f"AT+QICSGP={cid}", timeout=deadline.step(_READ_TIMEOUT))
            current = reply.lines_with("+QICSGP:")
            change = not current or current[0].replace(" ", "") != wanted.replace(" ", "")
        if active and not change:
            return
        if active:
            await engine.command(f"AT+QIDEACT={cid}", timeout=deadline.step(ACTIVATION_TIMEOUT))
        if change:
            await engine.command(f"AT+QICSGP={cid},{wanted}", timeout=deadline.step(_READ_TIMEOUT))
        await self._activate(engine, f"AT+QIACT={cid}", deadline)

    async def _http_context_id(self, engine: AtEngine, deadline: Deadline) -> None:
        if self.family == "simcom":
            return
        prefix = "Q" if self.family == "quectel" else ""
        command = f'AT+{prefix}HTTPCFG="contextid",{self.settings.cid}'
        try:
            await engine.command(command, timeout=deadline.step(_READ_TIMEOUT))
        except AtCommandError as err:
            # The seed module cannot change it: it always uses context 1.
            if self.settings.cid != 1:
                _LOGGER.warning("the modem refused %s (%s); it uses context 1", command, err)


def _first_int(text: str) -> int | None:
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None


__all__ = [
    "NO_BEARER_CODES",
    "AuthType",
    "Bearer",
    "BearerSettings",
    "NoDataConnectionError",
]
