"""Modem administration: a restart that sets the modem up again, one raw AT command, CA files.

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
  frame: AT+CMGS, AT+CMGW, and what each module family lists as unsafe (its HTTP data and read
  commands, certificate and file uploads, socket sends);
- text that is not one well-formed command: not starting with AT, control characters, an odd
  number of quotes, or several commands chained with `;`.

Of the basic commands only ATI (identification) and AT&V (settings) are allowed.
"""

import asyncio
import contextlib
import re
from typing import Final

from .deadline import Deadline
from .engine import ConnectionState
from .errors import AtCommandError, ModemDisconnectedError, ModemError, RequestRejected
from .families import FAMILIES
from .operation import Access, OperationPath
from .request import ResponseBody
from .response import HttpResponse

MAX_COMMAND: Final = 512
RESTART_TIMEOUT: Final = 90.0
"""Long enough for a module to reboot, register and activate its data connection again."""
SETTLE: Final = 1.0
"""After RDY, boot URCs (+CPIN: READY, SMS DONE...) come for a while; wait for this much quiet."""

_BASIC_ALLOWED: Final = re.compile(r"(?:I\d?|&V\d?)", re.IGNORECASE)
_REFUSED_STANDARD: Final = frozenset(
    {
        # the error format the engine parses, the line's speed and framing
        "+CMEE",
        "+IPR",
        "+IPREX",
        "+ICF",
        "+IFC",
        # radio and power (the restart waits for the modem to come back)
        "+CFUN",
        # leaving command mode, and SMS text after a prompt (3GPP TS 27.007 / 27.005)
        "+CGDATA",
        "+CMGS",
        "+CMGW",
    }
)
REFUSED_EXTENDED: Final = _REFUSED_STANDARD.union(*(kind.unsafe_commands for kind in FAMILIES))
"""Every extended command a raw command may not be, whichever family the modem belongs to."""
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
    if name in REFUSED_EXTENDED:
        hint = " (use the restart button)" if name == "+CFUN" else ""
        raise RequestRejected(
            "command",
            f"AT{name} would break the session (it changes the line, leaves command mode or "
            f"takes a payload){hint}",
        )
    return text


class ModemAdmin:
    """Restart, raw commands and certificate files of one modem.

    Each takes the modem the way an HTTP request does (the operation path): its timeout bounds
    the whole call, queueing included, and a serial link that is down fails it within seconds.
    """

    def __init__(self, path: OperationPath) -> None:
        """The operations run on `path`, the modem's own."""
        self._path = path

    async def send_command(self, command: str, *, timeout: float = 10.0) -> tuple[list[str], str]:
        """Send one checked AT command (check_user_command); return its lines and final code.

        An error final (ERROR, +CME ERROR) is returned, not raised: it is the answer the user
        wants to see. Runs between HTTP transactions, never inside one; the HTTP stack is set up
        again before the next request, in case the command changed it.
        """
        deadline = Deadline(timeout)
        text = check_user_command(command)
        engine = self._path.engine

        async def send() -> tuple[list[str], str]:
            self._path.forget_setup()
            try:
                reply = await engine.command(text, timeout=deadline.left())
            except AtCommandError as err:
                return [], err.final
            return reply.lines, reply.final or "OK"

        return await self._path.run(deadline, send, Access.EXCLUSIVE)

    async def restart(self, timeout: float = RESTART_TIMEOUT) -> None:
        """`AT+CFUN=1,1`, wait until the modem is back (RDY or the port returning), set it up.

        Raises ModemDisconnectedError when the serial link is down (before the restart, or still
        after the timeout), ModemTimeoutError when the modem does not come back in time,
        NoDataConnectionError when it comes back without a data connection (SimNotReadyError
        when its SIM is missing or locked).
        """
        deadline = Deadline(timeout)
        await self._path.run(deadline, lambda: self._restart(deadline), Access.EXCLUSIVE)

    async def _restart(self, deadline: Deadline) -> None:
        engine = self._path.engine
        back = asyncio.Event()

        def on_state(state: ConnectionState) -> None:
            if state is not ConnectionState.DISCONNECTED:
                back.set()

        # A link that is down already is not a restart in progress: say so within seconds.
        await engine.wait_for_link(deadline.left())
        remove = engine.add_listener(on_state)
        try:
            with contextlib.suppress(ModemDisconnectedError):
                # A USB modem may drop the port before its OK arrives.
                await engine.command("AT+CFUN=1,1", timeout=deadline.step(15.0))
            while True:
                try:
                    async with asyncio.timeout_at(deadline.end):
                        await back.wait()
                except TimeoutError:
                    if not engine.connected:
                        raise ModemDisconnectedError(
                            f"the modem at {engine.port} did not come back after the "
                            "restart (the serial link is still down)",
                            port=engine.port,
                        ) from None
                    raise deadline.timed_out("the modem did not restart") from None
                back.clear()
                # More boot lines may follow RDY; each counts as a restart. Wait for quiet.
                try:
                    async with asyncio.timeout(SETTLE):
                        await back.wait()
                except TimeoutError:
                    break
        finally:
            remove()
        connection = self._path.connection
        connection.forget()
        # A PIN-locked SIM asks for its PIN again after every restart; without it the modem
        # never registers.
        await self._path.ensure_sim(deadline)
        await connection.prepare(deadline)

    async def install_ca(self, name: str, data: bytes, *, timeout: float = 30.0) -> str:
        """Upload a certificate or key file; returns the name the SSL configuration uses.

        The SSL context is configured again before the next request, so a rotated CA applies.
        UnsupportedOperation when the modem's family cannot upload files.
        """
        deadline = Deadline(timeout)
        path = self._path

        async def upload() -> str:
            stored = await path.family.tls.upload(path.engine, name, data, deadline)
            path.connection.set_tls(path.connection.tls)
            return stored

        return await path.run(deadline, upload, Access.EXCLUSIVE)

    async def download_ca(self, url: str, name: str, *, timeout: float = 60.0) -> HttpResponse:
        """Let the modem fetch a CA file from url into its certificate storage (AT+HTTPREADFILE).

        The SSL context is configured again before the next request. ModemError when the server
        answers with anything but 2xx.
        """
        deadline = Deadline(timeout)
        path = self._path
        plan = path.family.http.plan_download(url, name, certificate=True)
        response = await path.http(plan, deadline, ResponseBody())
        path.connection.set_tls(path.connection.tls)
        if not response.ok:
            raise ModemError(f"the CA download answered HTTP {response.status}")
        return response


__all__ = ["MAX_COMMAND", "REFUSED_EXTENDED", "RESTART_TIMEOUT", "ModemAdmin", "check_user_command"]
