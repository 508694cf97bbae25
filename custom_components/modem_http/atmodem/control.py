"""Modem control for troubleshooting: one raw AT command, and a restart that re-initialises.

A raw command shares the line with the library's own conversation, so commands that would change
how the modem talks, leave command mode, take a payload or switch the radio off are refused:

- session settings: echo (ATE), verbose/quiet results (ATV, ATQ), profile resets (ATZ, AT&F) and
  saving them (AT&W), S-registers, the line's speed and framing (AT+IPR, AT+IPREX, AT+ICF,
  AT+IFC), the error format the engine parses (AT+CMEE), sleep modes (AT+CSCLK, AT+QSCLK);
- leaving command mode: dial and answer (ATD, ATA), hang up (ATH), back online (ATO), `+++`,
  `A/` (repeat), AT+CGDATA, transparent modes (AT+CIPMODE, AT+QISWTMD);
- radio and power: AT+CFUN (use the restart button, which waits for the modem to come back),
  AT+CPOF, AT+QPOWD, AT+CRESET;
- commands that read a payload after a prompt or print raw binary data the engine would not
  frame: HTTPDATA/HTTPURL/HTTPPOST/HTTPREAD of both families, AT+CCERTDOWN, AT+QFUPL, AT+QFDWL,
  AT+QFREAD/QFWRITE, AT+CMGS, AT+CMGW, AT+CIPSEND, AT+QISEND, AT+QSSLSEND, AT+CCHSEND;
- text that is not one well-formed command: not starting with AT, control characters, an odd
  number of quotes, or several commands chained with `;`.

Of the basic commands only ATI (identification) and AT&V (settings) are allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import Final

from .deadline import Deadline
from .dialects.base import HttpDriver
from .engine import AtEngine, ConnectionState
from .errors import (
    AtCommandError,
    ModemDisconnectedError,
    ModemError,
    ModemTimeoutError,
    RequestRejected,
)
from .link import DataLink
from .response import HttpResponse
from .tls import TlsSettings, family_file_name, upload_file

MAX_COMMAND: Final = 512

_BASIC_ALLOWED: Final = re.compile(r"(?:I\d?|&V\d?)", re.IGNORECASE)
_REFUSED_EXTENDED: Final = frozenset(
    {
        "+CMEE",
        "+IPR",
        "+IPREX",
        "+ICF",
        "+IFC",
        "+CSCLK",
        "+QSCLK",
        "+CFUN",
        "+CPOF",
        "+QPOWD",
        "+CRESET",
        "+CGDATA",
        "+CIPMODE",
        "+QISWTMD",
        "+HTTPDATA",
        "+HTTPURL",
        "+HTTPPOST",
        "+HTTPREAD",
        "+HTTPGET",
        "+HTTPGETEX",
        "+QHTTPURL",
        "+QHTTPPOST",
        "+QHTTPREAD",
        "+QHTTPGET",
        "+QHTTPGETEX",
        "+CCERTDOWN",
        "+QFUPL",
        "+QFDWL",
        "+QFREAD",
        "+QFWRITE",
        "+CMGS",
        "+CMGW",
        "+CIPSEND",
        "+QISEND",
        "+QSSLSEND",
        "+CCHSEND",
    }
)
_NAME: Final = re.compile(r"[+$^#%*!][A-Z0-9_&.\-/]+", re.IGNORECASE)


def check_user_command(command: str) -> str:
    """Return the command when it is safe to send as is; RequestRejected (field `command`) if not.

    The reason names the rule, so the user knows what to do instead.
    """
    text = command.strip()
    if not text:
        raise RequestRejected("command", "is empty")
    if len(text) > MAX_COMMAND:
        raise RequestRejected("command", f"is longer than {MAX_COMMAND} characters")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text) or not text.isascii():
        raise RequestRejected("command", "contains control or non-ASCII characters")
    if "+++" in text:
        raise RequestRejected("command", "+++ would leave command mode")
    if text[:2].upper() != "AT":
        raise RequestRejected("command", "must start with AT")
    if text.count('"') % 2:
        raise RequestRejected("command", "has an unbalanced quote")
    body = text[2:]
    if not body:
        return "AT"
    if ";" in re.sub(r'"[^"]*"', "", body):
        raise RequestRejected("command", "must be a single command (no ';')")
    if body.upper() == "A/" or body[:1] == "/":
        raise RequestRejected("command", "A/ repeats the library's last command")
    if body[0] not in "+$^#%*!":
        if not _BASIC_ALLOWED.fullmatch(body):
            raise RequestRejected(
                "command",
                "only ATI and AT&V of the basic commands are allowed; echo, result format, "
                "dialling and profile commands would break the session",
            )
        return text
    match = _NAME.match(body)
    if match is None:
        raise RequestRejected("command", "is not a well-formed extended command")
    name = match.group(0).upper()
    if name in _REFUSED_EXTENDED:
        hint = " (use the restart button)" if name == "+CFUN" else ""
        raise RequestRejected(
            "command",
            f"AT{name} would break the session (it changes the line, leaves command mode or "
            f"takes a payload){hint}",
        )
    return text


# ---------------------------------------------------------------------- the Modem's control methods

RESTART_TIMEOUT: Final = 60.0
_SETTLE: Final = 1.0
"""After RDY, boot URCs (+CPIN: READY, SMS DONE...) come for a while; wait for this much quiet."""


class ModemControl:
    """Restart, raw commands, certificate files and TLS settings; mixed into Modem.

    Each takes the modem like an HTTP transaction does (`_exclusive`, shared with Modem's own
    operations): its timeout bounds the whole call, queueing included, and a serial link that is
    down fails it within seconds.
    """

    engine: AtEngine
    link: DataLink
    _http_lock: asyncio.Lock
    _driver: HttpDriver

    async def _exclusive[T](self, deadline: Deadline, work: Callable[[], Awaitable[T]]) -> T:
        """Queue for the modem behind other operations, then run `work` holding it.

        The queueing counts against the deadline: a caller's timeout is the longest it waits
        for an answer, whatever else the modem is busy with.
        """
        try:
            # A link that is down fails callers side by side within the grace, rather than one
            # after another as each reaches the front of the queue.
            await self.engine.wait_for_link(deadline.left())
            async with asyncio.timeout_at(deadline.end):
                await self._http_lock.acquire()
        except ModemDisconnectedError as err:
            deadline.account(err)
            raise
        except TimeoutError:
            raise deadline.timed_out("it never got the modem") from None
        try:
            return await self._bounded(deadline, work)
        finally:
            self._http_lock.release()

    async def _bounded[T](self, deadline: Deadline, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` on the modem within the deadline; errors say where the time went.

        Every step of `work` takes its time from the deadline (cleanup after it has passed gets
        a few hundredths of a second), so the work ends within it without a timer of its own.
        A step that timed out becomes one ModemTimeoutError for the operation that keeps the
        step's cause and tells queueing and time on the modem apart; every other error keeps its
        type and cause (a link that is down, an unregistered modem, a refused APN).
        """
        deadline.got_modem()
        try:
            return await work()
        except ModemTimeoutError as err:
            raise deadline.timed_out(str(err)) from err
        except ModemError as err:
            deadline.account(err)
            raise
        except TimeoutError as err:
            raise deadline.timed_out("a step ran out of time") from err

    async def data_active(self, timeout: float = 5.0) -> bool | None:
        """Whether the HTTP stack's PDP context is active now (None when it cannot be read)."""
        try:
            return await self.link.bearer.is_active(self.engine, timeout)
        except ModemError:
            return None

    async def send_command(self, command: str, *, timeout: float = 10.0) -> tuple[list[str], str]:
        """Send one checked AT command (check_user_command); return its lines and final code.

        An error final (ERROR, +CME ERROR) is returned, not raised: it is the answer the user
        wants to see. Runs between HTTP transactions, never inside one.
        """
        deadline = Deadline(timeout)
        text = check_user_command(command)

        async def send() -> tuple[list[str], str]:
            try:
                reply = await self.engine.command(text, timeout=deadline.left())
            except AtCommandError as err:
                return [], err.final
            return reply.lines, reply.final or "OK"

        return await self._exclusive(deadline, send)

    async def restart(self, timeout: float = RESTART_TIMEOUT) -> None:
        """`AT+CFUN=1,1`, wait until the modem is back (RDY or the port returning), set it up.

        Raises ModemDisconnectedError when the serial link is down (before the restart, or still
        after the timeout), ModemTimeoutError when the modem does not come back in time,
        NoDataConnectionError when it comes back without a data connection.
        """
        deadline = Deadline(timeout)
        return await self._exclusive(deadline, lambda: self._restart(deadline))

    async def _restart(self, deadline: Deadline) -> None:
        back = asyncio.Event()

        def on_state(state: ConnectionState) -> None:
            if state is not ConnectionState.DISCONNECTED:
                back.set()

        # A link that is down already is not a restart in progress: say so within seconds.
        await self.engine.wait_for_link(deadline.left())
        remove = self.engine.add_listener(on_state)
        try:
            with contextlib.suppress(ModemDisconnectedError):
                # A USB modem may drop the port before its OK arrives.
                await self.engine.command("AT+CFUN=1,1", timeout=deadline.step(15.0))
            while True:
                try:
                    async with asyncio.timeout_at(deadline.end):
                        await back.wait()
                except TimeoutError:
                    if not self.engine.connected:
                        raise ModemDisconnectedError(
                            f"the modem at {self.engine.port} did not come back after the "
                            "restart (the serial link is still down)",
                            port=self.engine.port,
                        ) from None
                    raise deadline.timed_out("the modem did not restart") from None
                back.clear()
                # More boot lines may follow RDY; each counts as a restart. Wait for quiet.
                try:
                    async with asyncio.timeout(_SETTLE):
                        await back.wait()
                except TimeoutError:
                    break
        finally:
            remove()
        self.link.forget()
        await self.link.prepare(deadline)

    async def connect(self, timeout: float = 30.0) -> None:
        """Bring the data connection (and the SSL context) up now rather than at the first request.

        Raises NoDataConnectionError with the cause; data connection listeners hear the outcome.
        """
        deadline = Deadline(timeout)
        await self._exclusive(deadline, lambda: self.link.run(_nothing, deadline))

    def set_tls(self, tls: TlsSettings | None) -> None:
        """Use other TLS settings from the next HTTPS request on."""
        self.link.set_tls(tls)

    async def install_ca(self, name: str, data: bytes, *, timeout: float = 30.0) -> str:
        """Upload a certificate or key file; returns the name the SSL configuration uses.

        The SSL context is configured again before the next request, so a rotated CA applies.
        """
        deadline = Deadline(timeout)

        async def upload() -> str:
            stored = await upload_file(self.engine, self.link.family, name, data, deadline)
            self.link.set_tls(self.link.tls)
            return stored

        return await self._exclusive(deadline, upload)

    async def download_ca(self, url: str, name: str, *, timeout: float = 60.0) -> HttpResponse:
        """Let the modem fetch a CA file from url into its certificate storage (AT+HTTPREADFILE).

        SIMCom stores it in the certificate folder (path 4), the AT+HTTPCFG families on `UFS:`.
        """
        deadline = Deadline(timeout)
        family = self.link.family
        driver = self._driver
        if family == "simcom":

            async def fetch() -> HttpResponse:
                # SimcomDriver's extra `path` keyword is not part of the driver protocol.
                download: Callable[..., Awaitable[HttpResponse]] = driver.download_to_modem_file
                return await download(self.engine, url, name, deadline=deadline, path=CERT_FOLDER)

        else:
            target = family_file_name(family, name)

            async def fetch() -> HttpResponse:
                return await driver.download_to_modem_file(
                    self.engine, url, target, deadline=deadline
                )

        async def fetch_and_use() -> HttpResponse:
            fetched = await self.link.run(fetch, deadline)
            self.link.set_tls(self.link.tls)
            return fetched

        response = await self._exclusive(deadline, fetch_and_use)
        if not 200 <= response.status < 300:
            raise ModemError(f"the CA download answered HTTP {response.status}")
        return response


async def _nothing() -> None:
    """A transaction of no commands: only the preparation runs."""


CERT_FOLDER: Final = 4
"""SIMCom AT+HTTPREADFILE <path> 4: /mssl_cert/, where SSL contexts look for files."""


__all__ = ["MAX_COMMAND", "RESTART_TIMEOUT", "ModemControl", "check_user_command"]
