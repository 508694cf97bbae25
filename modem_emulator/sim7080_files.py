"""The SIM7070 / SIM7080 file system commands that bring certificates onto the module.

HTTPS verification on these modules needs the CA in the module's flash: the host opens the file
buffer (AT+CFSINIT), writes the file (AT+CFSWFILE), closes the buffer (AT+CFSTERM), and converts
the file for the SSL stack (`AT+CSSLCFG="convert"`, `sim7080_tls.py`).

Formats, with their sources:
- `AT+CFSWFILE=<index>,"<name>",<mode>,<size>,<time>`: `DOWNLOAD`, exactly <size> bytes within
  <time> milliseconds, OK; <mode> 0 overwrites, 1 appends; at most 10240 bytes (LassiHeikkila/
  SIM7000 https driver: `+CFSWFILE=3,"<name>",0,<len>,3000`, "ends in DOWNLOAD", then the bytes
  and OK; its `maxFileSize = 10240`).
- `AT+CFSGFIS=<index>,"<name>"`: `+CFSGFIS: <size>` (botletics/SIM7000-LTE-Shield issue #195 log:
  `+CFSGFIS: 3352`).
- Index 3 is the customer folder that certificates go in (both sources write there); 0-2 are the
  application, FOTA and data folders.
- Every file command needs AT+CFSINIT first; a second AT+CFSINIT is refused (botletics issue #165
  log sends AT+CFSTERM before AT+CFSINIT to be sure): `+CME ERROR: 3`.
"""

from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, CmeError, PayloadTimeout, PlainError, execute_form
from modem_emulator.filesystem import FileSystemError
from modem_emulator.simcom import bare_number, quoted_text

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

FOLDERS: Final = ("/custapp/", "/fota/", "/datatx/", "/customer/")
CUSTOMER: Final = 3
MAX_FILE: Final = 10240
MAX_INPUT_MS: Final = 10000
_MAX_NAME: Final = 230
_NOT_ALLOWED: Final = 3


class Sim7080Files:
    """The file buffer state and the AT+CFS* commands of one module."""

    def __init__(self, modem: EmulatedModem) -> None:
        self.modem = modem
        self.open = False
        for folder in FOLDERS:
            modem.fs.add_directory(folder)

    def install(self) -> None:
        """Register the file commands; a reboot closes the file buffer."""
        for name, handler in {
            "+CFSINIT": self.cfsinit,
            "+CFSTERM": self.cfsterm,
            "+CFSWFILE": self.cfswfile,
            "+CFSGFIS": self.cfsgfis,
            "+CFSDFILE": self.cfsdfile,
        }.items():
            self.modem.register(name, handler)
        self.modem.on_reset(self._close)

    def _close(self) -> None:
        self.open = False

    def _where(self, req: AtRequest) -> tuple[str, str]:
        if not self.open:
            raise CmeError(_NOT_ALLOWED)
        folder = FOLDERS[bare_number(req.args[0], 0, len(FOLDERS) - 1)]
        name = quoted_text(req.args[1], _MAX_NAME)
        try:
            self.modem.fs.validate_name(name)
        except FileSystemError:
            raise PlainError from None
        return folder, name

    async def cfsinit(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Open the file buffer."""
        if not execute_form(req):
            return
        if self.open:
            raise CmeError(_NOT_ALLOWED)
        self.open = True

    async def cfsterm(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Close the file buffer."""
        if not execute_form(req):
            return
        if not self.open:
            raise CmeError(_NOT_ALLOWED)
        self.open = False

    async def cfswfile(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`DOWNLOAD`, the file's bytes within the time given, OK."""
        if req.kind != "set" or len(req.args) != 5:
            raise PlainError
        folder, name = self._where(req)
        append = bare_number(req.args[2], 0, 1) == 1
        size = bare_number(req.args[3], 1, MAX_FILE)
        milliseconds = bare_number(req.args[4], 100, MAX_INPUT_MS)
        modem.send_line("DOWNLOAD")
        try:
            data = await modem.receive_payload(size, milliseconds / 1000)
        except PayloadTimeout:
            raise PlainError from None
        try:
            modem.fs.write(folder, name, data, append=append)
        except FileSystemError:
            raise PlainError from None

    async def cfsgfis(self, modem: EmulatedModem, req: AtRequest) -> None:
        """`+CFSGFIS: <size>` of a file; ERROR when there is none."""
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        folder, name = self._where(req)
        try:
            modem.send_line(f"+CFSGFIS: {modem.fs.size(folder, name)}")
        except FileSystemError:
            raise PlainError from None

    async def cfsdfile(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Delete a file; ERROR when there is none."""
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        folder, name = self._where(req)
        try:
            modem.fs.delete(folder, name)
        except FileSystemError:
            raise PlainError from None
