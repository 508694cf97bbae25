"""The packet data bearer (PDP context) every modem HTTP stack runs over.

Real modules answer HTTP requests with their family's "no network" errors until a PDP context is
active, and a fresh module has none active. The manuals leave the bring-up to the host, so the
Bearer does it: it waits for registration (3GPP TS 27.007 `+CEREG?`/`+CREG?`, the same on every
module), asks for packet domain events (`AT+CGEREP=2`), then lets the family define, authenticate
and activate the context and point its HTTP stack at it (BearerCommands). The 27.007 way
(`AT+CGDCONT`, `AT+CGAUTH`, `AT+CGACT`) is here as `StandardContext`, for the families that use it.

Every step reads first and is skipped when already in place, so a healthy modem costs two reads
once per session. Every step runs within the caller's deadline, and when it runs out the error
names what was still missing (registration, activation); a serial link that goes away meanwhile is
not a data connection problem and passes through as ModemDisconnectedError. Once up, the bearer is
trusted until the modem says otherwise: `+CGEV: NW|ME [PDN] DEACT <cid>`, a deactivation URC of
the family's own, a restart, or a request failing with one of the family's no-bearer codes while a
read confirms the context is down.
"""

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final, Protocol

from .deadline import MIN_STEP, Deadline
from .engine import AtEngine, Urc
from .errors import (
    AtCommandError,
    ModemError,
    ModemHttpError,
    ModemTimeoutError,
    RequestRejected,
)
from .readings import ReadingError, parse_registration
from .validation import check_range, check_text

_LOGGER = logging.getLogger(__name__)

MAX_APN: Final = 99
"""3GPP TS 23.003: an APN is at most 100 octets."""
MAX_CREDENTIAL: Final = 127
CID_RANGE: Final = (1, 16)
"""Quectel takes 1-16, SIMCom 1-24: the range every family takes."""
ACTIVATION_TIMEOUT: Final = 150.0
"""AT+CGACT / AT+QIACT: the manuals give 150 s as the maximum response time."""
READ_TIMEOUT: Final = 10.0
_POLL_STEP: Final = 1.0

_CGEV_DEACT: Final = re.compile(
    r"\+CGEV: (?:NW|ME) (?:PDN )?DEACT\s+(?:\"[^\"]*\",\"[^\"]*\",)?(\d+)"
)


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

    @property
    def apn_shown(self) -> str:
        """The APN as an error message names it."""
        return self.apn or "the network's default APN"


class BearerCommands(Protocol):
    """How the family reads and brings up the packet data context (PDP context)."""

    @property
    def no_bearer_codes(self) -> frozenset[int]:
        """The modem's HTTP error numbers that may mean the bearer is gone (a read decides)."""

    @property
    def deactivation_prefixes(self) -> tuple[str, ...]:
        """Prefixes of the family's own URCs that announce a deactivated context."""

    def deactivated_context(self, line: str) -> int | None:
        """The context id a deactivation URC names (None: the line announces none)."""

    async def is_active(self, engine: AtEngine, cid: int, timeout: float) -> bool:
        """Read whether context `cid` is active now."""

    async def activate(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Define the context, give the credentials, activate it (skipping what is in place).

        NoDataConnectionError when the network refuses or the deadline ends the activation.
        """

    async def bind_http(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Point the HTTP stack at the context, where the family needs that."""


class Bearer:
    """Brings one modem's PDP context up in its family's way, and notices when it goes down."""

    def __init__(self, commands: BearerCommands, settings: BearerSettings | None = None) -> None:
        """`commands` are the family's; nothing is sent until `bring_up`."""
        self.commands = commands
        self.settings = settings or BearerSettings()
        self.up = False
        """True from a successful bring-up until a deactivation or restart is seen."""
        self._removers: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ URCs

    def attach(self, engine: AtEngine) -> None:
        """Listen for the modem's deactivation URCs (27.007 ones and the family's own)."""
        self.detach()
        self._removers = [
            engine.on_urc("+CGEV:", self._on_cgev),
            *(
                engine.on_urc(prefix, self._on_family_urc)
                for prefix in self.commands.deactivation_prefixes
            ),
        ]

    def detach(self) -> None:
        """Stop listening."""
        for remove in self._removers:
            remove()
        self._removers = []

    def _on_cgev(self, urc: Urc) -> None:
        match = _CGEV_DEACT.match(urc.line)
        if match:
            self._deactivated(int(match.group(1)), urc)

    def _on_family_urc(self, urc: Urc) -> None:
        cid = self.commands.deactivated_context(urc.line)
        if cid is not None:
            self._deactivated(cid, urc)

    def _deactivated(self, cid: int, urc: Urc) -> None:
        if cid == self.settings.cid:
            _LOGGER.info("The network deactivated the data connection (%s).", urc.line)
            self.up = False

    def mark_down(self) -> None:
        """Forget that the bearer was up (after a restart or reconnect)."""
        self.up = False

    # ------------------------------------------------------------------ checks

    def suspect(self, err: BaseException) -> bool:
        """Could this request failure be a missing bearer? (A context read then decides.)"""
        if isinstance(err, ModemHttpError):
            return err.code in self.commands.no_bearer_codes
        # An HTTP stack that activates the context itself (SIMCom's AT+HTTPINIT) answers ERROR.
        return isinstance(err, AtCommandError)

    async def is_active(self, engine: AtEngine, timeout: float = READ_TIMEOUT) -> bool:
        """Read whether the context is active now."""
        return await self.commands.is_active(engine, self.settings.cid, timeout)

    # ------------------------------------------------------------------ bring-up

    async def ensure(self, engine: AtEngine, deadline: Deadline) -> None:
        """Bring the bearer up unless it is known to be up."""
        if not self.up:
            await self.bring_up(engine, deadline)

    async def bring_up(self, engine: AtEngine, deadline: Deadline) -> None:
        """Registration, packet events, the family's activation and HTTP context binding.

        Raises NoDataConnectionError naming what failed, also when the deadline runs out while
        the modem is still unregistered or still activating; ModemDisconnectedError when the
        serial link goes away.
        """
        try:
            await self._wait_registered(engine, deadline)
            with contextlib.suppress(AtCommandError):
                # +CGEV URCs tell us when the network drops the context.
                await engine.command("AT+CGEREP=2", timeout=deadline.step(READ_TIMEOUT))
            await self.commands.activate(engine, self.settings, deadline)
            await self.commands.bind_http(engine, self.settings, deadline)
        except NoDataConnectionError:
            self.up = False
            raise
        self.up = True

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
            for command in ("AT+CEREG?", "AT+CREG?"):
                wait = max(MIN_STEP, min(READ_TIMEOUT, give_up - loop.time()))
                try:
                    reply = await engine.command(command, timeout=wait)
                except AtCommandError:
                    continue  # this form is refused: the other may answer
                except ModemTimeoutError:
                    if loop.time() < give_up:
                        raise
                    break
                try:
                    state = parse_registration(reply.lines, command).state
                except ReadingError:
                    continue  # not in the format: the other form may answer
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


async def activate_context(
    engine: AtEngine, command: str, settings: BearerSettings, deadline: Deadline
) -> None:
    """Send an activation command; its refusal or running out of time says what failed.

    A refusal names the APN and the final code; an activation still pending when the caller's
    time runs out is the data connection's fault, not a timeout (a modem that stopped answering
    well before the deadline stays a ModemTimeoutError).
    """
    try:
        await engine.command(command, timeout=deadline.step(ACTIVATION_TIMEOUT))
    except AtCommandError as err:
        raise NoDataConnectionError(
            f"the network refused to activate PDP context {settings.cid} with "
            f"{settings.apn_shown} ({err.final}); check the APN, user name and password"
        ) from err
    except ModemTimeoutError as err:
        if not deadline.expired:
            raise
        raise NoDataConnectionError(
            f"PDP context {settings.cid} with {settings.apn_shown} was still being activated "
            f"when the {deadline.timeout:g} s ran out; check the coverage, or allow more time"
        ) from err


def first_int(text: str) -> int | None:
    """The number a field starts with (`1,"IP"` -> 1)."""
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None


class StandardContext:
    """The 3GPP TS 27.007 commands: `AT+CGACT?`, `AT+CGDCONT`, `AT+CGAUTH`, `AT+CGACT`.

    `password_first`: SIMCom's AT+CGAUTH takes `<passwd>` before `<user>`, the standard the other
    way round. A family whose HTTP stack must be pointed at the context overrides `bind_http`.
    """

    deactivation_prefixes: tuple[str, ...] = ()

    def __init__(self, *, no_bearer_codes: frozenset[int], password_first: bool = False) -> None:
        """The family's no-bearer HTTP error numbers, and its AT+CGAUTH argument order."""
        self.no_bearer_codes = no_bearer_codes
        self.password_first = password_first

    def deactivated_context(self, line: str) -> int | None:
        """No URCs of its own: +CGEV is read by the Bearer for every family."""
        return None

    async def is_active(self, engine: AtEngine, cid: int, timeout: float) -> bool:
        """`+CGACT: <cid>,<state>` lines of `AT+CGACT?`."""
        reply = await engine.command("AT+CGACT?", timeout=timeout)
        for line in reply.lines_with("+CGACT:"):
            fields = line.split(",")
            if len(fields) >= 2 and first_int(fields[0]) == cid:
                return fields[1].strip() == "1"
        return False

    async def activate(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """Define (or correct) the APN, give credentials, activate; nothing when already right."""
        cid = settings.cid
        defined = await self._defined_apn(engine, cid, deadline)
        active = await self.is_active(engine, cid, deadline.step(READ_TIMEOUT))
        wrong_apn = bool(settings.apn) and defined is not None and defined != settings.apn
        if active and not wrong_apn:
            return
        if active:
            await engine.command(f"AT+CGACT=0,{cid}", timeout=deadline.step(ACTIVATION_TIMEOUT))
        if defined is None or wrong_apn:
            await engine.command(
                f'AT+CGDCONT={cid},"IP","{settings.apn}"', timeout=deadline.step(READ_TIMEOUT)
            )
        if settings.credentials:
            first, second = settings.username, settings.password
            if self.password_first:
                first, second = second, first
            await engine.command(
                f'AT+CGAUTH={cid},{int(settings.auth)},"{first}","{second}"',
                timeout=deadline.step(READ_TIMEOUT),
            )
        await activate_context(engine, f"AT+CGACT=1,{cid}", settings, deadline)

    async def bind_http(
        self, engine: AtEngine, settings: BearerSettings, deadline: Deadline
    ) -> None:
        """The HTTP stack uses the active context without being told."""

    async def _defined_apn(self, engine: AtEngine, cid: int, deadline: Deadline) -> str | None:
        """The APN of our context in `AT+CGDCONT?`, or None when it is not defined."""
        reply = await engine.command("AT+CGDCONT?", timeout=deadline.step(READ_TIMEOUT))
        for line in reply.lines_with("+CGDCONT:"):
            fields = line.split(",")
            if len(fields) >= 3 and first_int(fields[0]) == cid:
                return fields[2].strip().strip('"')
        return None


__all__ = [
    "ACTIVATION_TIMEOUT",
    "READ_TIMEOUT",
    "AuthType",
    "Bearer",
    "BearerCommands",
    "BearerSettings",
    "NoDataConnectionError",
    "StandardContext",
    "activate_context",
    "first_int",
]
