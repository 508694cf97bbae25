"""Quectel's file handles: AT+QFOPEN, AT+QFREAD and AT+QFCLOSE over the module's file system.

Hosts read back what AT+QHTTPREADFILE stored with these (AT+QFUPL, AT+QFDEL and AT+QFLST live
with the certificate handling in `tls`). Formats, from the Quectel FILE AT commands manual
(BG96 / EC2x):

- `AT+QFOPEN="<filename>"[,<mode>]` -> `+QFOPEN: <filehandle>`, OK. Mode 0 opens or creates,
  1 creates or clears, 2 opens read-only and fails with `+CME ERROR: 405` (file not found) when
  there is no such file. Handles are numbers the module picks; real modules give large ones
  (1027, 1028...), so the emulator does too.
- `AT+QFREAD=<filehandle>[,<length>]` -> `CONNECT <read_length>`, exactly that many bytes, OK;
  `CONNECT 0` and OK at the end of the file. Without a length, the rest of the file.
- `AT+QFCLOSE=<filehandle>` -> OK. An unknown handle answers `+CME ERROR: 400` (invalid
  input value).
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, CmeError
from modem_emulator.filesystem import FileSystemError

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

ERR_INVALID: Final = 400
ERR_NOT_FOUND: Final = 405
FIRST_HANDLE: Final = 1027


@dataclass
class OpenFile:
    """A file opened with AT+QFOPEN and where its next read starts."""

    directory: str
    name: str
    position: int = 0


@dataclass
class FileHandles:
    """The handles open on the module; a restart closes them all."""

    open: dict[int, OpenFile] = field(default_factory=dict)
    next_handle: int = FIRST_HANDLE
    log: list[str] = field(default_factory=list)

    def reset(self) -> None:
        """A restart closes every handle (handle numbers go on counting, as on the module)."""
        self.open.clear()


def install(modem: EmulatedModem) -> FileHandles:
    """Register AT+QFOPEN, AT+QFREAD and AT+QFCLOSE (tests reach the state as `modem.files`)."""
    handles = FileHandles()
    modem.on_reset(handles.reset)

    async def qfopen(modem: EmulatedModem, req: AtRequest) -> None:
        handles.log.append(req.raw)
        if req.kind != "set" or not 1 <= len(req.args) <= 2:
            raise CmeError(ERR_INVALID)
        try:
            directory, name = modem.fs.split_path(req.arg_str(0))
            modem.fs.validate_name(name)
        except FileSystemError:
            raise CmeError(ERR_INVALID) from None
        mode = req.arg_int(1, 0)
        if mode not in (0, 1, 2):
            raise CmeError(ERR_INVALID)
        if not modem.fs.exists(directory, name):
            if mode == 2:
                raise CmeError(ERR_NOT_FOUND)
            modem.fs.write(directory, name, b"")
        elif mode == 1:
            modem.fs.write(directory, name, b"")
        handle = handles.next_handle
        handles.next_handle += 1
        handles.open[handle] = OpenFile(directory, name)
        modem.send_line(f"+QFOPEN: {handle}")

    async def qfread(modem: EmulatedModem, req: AtRequest) -> None:
        handles.log.append(req.raw)
        if req.kind != "set" or not 1 <= len(req.args) <= 2:
            raise CmeError(ERR_INVALID)
        opened = handles.open.get(req.arg_int(0))
        if opened is None:
            raise CmeError(ERR_INVALID)
        try:
            data = modem.fs.read(opened.directory, opened.name)
        except FileSystemError:
            raise CmeError(ERR_NOT_FOUND) from None
        wanted = req.arg_int(1, len(data))
        if wanted < 0:
            raise CmeError(ERR_INVALID)
        piece = data[opened.position : opened.position + wanted]
        opened.position += len(piece)
        modem.send_raw(f"\r\nCONNECT {len(piece)}\r\n".encode() + piece)

    async def qfclose(modem: EmulatedModem, req: AtRequest) -> None:
        handles.log.append(req.raw)
        if req.kind != "set" or len(req.args) != 1:
            raise CmeError(ERR_INVALID)
        if handles.open.pop(req.arg_int(0), None) is None:
            raise CmeError(ERR_INVALID)

    modem.register("+QFOPEN", qfopen)
    modem.register("+QFREAD", qfread)
    modem.register("+QFCLOSE", qfclose)
    modem.files = handles  # type: ignore[attr-defined]
    return handles
