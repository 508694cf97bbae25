"""Reading a Quectel response whose length nothing announces, through the module's file system.

When the result URC carries no length and the response is not known to be chunked, no framing of
the AT+QHTTPREAD output is safe: its end (`OK`, then `+QHTTPREAD: <err>` as an unsolicited result,
with other unsolicited lines free to come in between) is text a body can contain. So the module
stores the response in a file and hands it back with the length announced:

- `AT+QFDEL="UFS:<name>"`: a file left by an interrupted read (`+CME ERROR: 405` when none);
- `AT+QHTTPREADFILE="UFS:<name>",<wait_time>`: OK, later `+QHTTPREADFILE: <err>` (Quectel
  HTTP(S) AT commands manual; the seed manual 000 documents the same command without the Q);
- `AT+QFOPEN="UFS:<name>",2`: `+QFOPEN: <filehandle>`, OK (mode 2: open read-only; Quectel FILE
  AT commands manual, BG96/EC2x);
- `AT+QFREAD=<filehandle>,<length>`: `CONNECT <read_length>`, exactly that many bytes, OK (same
  manual); repeated until a read returns less than asked;
- `AT+QFCLOSE=<filehandle>`, then `AT+QFDEL` again, so nothing is left on the module.

The seed module (AT+HTTPCFG without the Q) has no command that reads a file back, so it cannot
take this path; httpcfg_read says what it does instead.
"""

import contextlib
from typing import Final

from ...deadline import Deadline
from ...engine import AtEngine
from ...errors import AtCommandError, ModemError, ResponseTooLargeError
from ...validation import fit_range
from .errors import http_error, translate
from .read import HEAD_END, parse_result

FILE_NAME: Final = "UFS:modem_http_response.tmp"
READ_PIECE: Final = 32768
"""Bytes per AT+QFREAD: each read stays a few seconds on a 115200-baud line."""
_COMMAND_TIMEOUT: Final = 10.0
_WAIT_TIME: Final = (1, 65535)


async def read_through_file(
    engine: AtEngine,
    deadline: Deadline,
    method: str,
    *,
    headers: bool,
    limit: int | None = None,
) -> bytes:
    """Store the response on the module, read it back byte-exact, delete the file.

    `headers` says the module stores the header block before the body (`responseheader` 1).
    With `limit`, reading stops (ResponseTooLargeError) as soon as more body than that has come:
    the stored file may be large, and little more than what the caller accepts is held.
    """
    with contextlib.suppress(AtCommandError):
        await engine.command(f'AT+QFDEL="{FILE_NAME}"', timeout=deadline.step(_COMMAND_TIMEOUT))
    await _store(engine, deadline, method)
    try:
        return await _read_file(engine, deadline, _BodyLimit(limit, headers=headers))
    finally:
        with contextlib.suppress(ModemError):
            await engine.command(f'AT+QFDEL="{FILE_NAME}"', timeout=deadline.step(_COMMAND_TIMEOUT))


async def _store(engine: AtEngine, deadline: Deadline, method: str) -> None:
    wait_time = fit_range(deadline.left(), _WAIT_TIME)
    with engine.expect_urc("+QHTTPREADFILE:") as stored:
        try:
            await engine.command(
                f'AT+QHTTPREADFILE="{FILE_NAME}",{wait_time}',
                timeout=deadline.step(_COMMAND_TIMEOUT),
            )
        except AtCommandError as err:
            raise translate(err, method=method) from err
        urc = await stored.wait(deadline.left())
    outcome = parse_result(urc.line[len("+QHTTPREADFILE:") :])
    if outcome.err != 0:
        raise http_error(outcome.err, method=method)


class _BodyLimit:
    """Counts body bytes as the file comes in (the header block, when stored, is not body)."""

    def __init__(self, limit: int | None, *, headers: bool) -> None:
        self.limit = limit
        self._head_length: int | None = None if headers else 0

    def check(self, data: bytearray) -> None:
        if self.limit is None:
            return
        if self._head_length is None:
            end = data.find(HEAD_END)
            if end < 0:
                return
            self._head_length = end + len(HEAD_END)
        if len(data) - self._head_length > self.limit:
            raise ResponseTooLargeError(self.limit)


async def _read_file(engine: AtEngine, deadline: Deadline, limit: _BodyLimit) -> bytes:
    reply = await engine.command(
        f'AT+QFOPEN="{FILE_NAME}",2', timeout=deadline.step(_COMMAND_TIMEOUT)
    )
    handle = reply.first("+QFOPEN:").strip()
    if not handle.isdigit():
        raise ModemError(f"AT+QFOPEN answered an unusable file handle {handle!r}")
    data = bytearray()
    try:
        while True:
            read = await engine.command(
                f"AT+QFREAD={handle},{READ_PIECE}",
                timeout=deadline.step(_COMMAND_TIMEOUT + 2 * engine.link.line_seconds(READ_PIECE)),
                data_after=_announced_read,
            )
            data += read.data
            limit.check(data)
            if len(read.data) < READ_PIECE:
                return bytes(data)
    finally:
        with contextlib.suppress(ModemError):
            await engine.command(f"AT+QFCLOSE={handle}", timeout=deadline.step(_COMMAND_TIMEOUT))


def _announced_read(line: str) -> int | None:
    """`CONNECT <read_length>` announces exactly that many bytes (0: end of the file)."""
    if not line.startswith("CONNECT"):
        return None
    value = line[len("CONNECT") :].strip()
    return (int(value) or None) if value.isdigit() else None
