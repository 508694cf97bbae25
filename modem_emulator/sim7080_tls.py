"""AT+CSSLCFG as SIM7070 / SIM7080 firmware has it: per-context TLS settings and certificate import.

The settings land in a `tls.TlsState` (SSL contexts 0-5), whose `ssl_context()` builds what a
request through a context gets; AT+SHSSL (`sim7080.py`) decides whether a context verifies and
against which CA.

Formats, with their sources:
- Parameters SSLVERSION, CIPHERSUITE, IGNORERTCTIME, PROTOCOL, SNI, CTXINDEX, MAXFRAGLENDISABLE,
  CONVERT (SIM7070/SIM7080/SIM7090 AT Command Manual V1.05 11.2.1, as quoted in VMflow
  modem_https.c). Firmware differs on their case: TinyGSM notes "sslversion" must be lower case,
  VMflow sends "SSLVERSION" to 1951B17; both are accepted here.
- `AT+CSSLCFG="sslversion",<ctx>,<v>`: 0 unknown (negotiate), 1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2,
  4 DTLS 1.0, 5 DTLS 1.2 (TinyGSM TinyGsmClientSIM7080.h comment).
- `AT+CSSLCFG="convert",2,"<ca>"` turns a file of the customer folder into a CA list the SSL stack
  can use (botletics/SIM7000-LTE-Shield issues #165 and #195 logs); a missing file, or one that is
  not PEM, is refused with ERROR. Client certificates (type 1) are not emulated.
- CTXINDEX (which prints a context's settings) is not emulated: no public log shows its output.
"""

from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, PlainError
from modem_emulator.filesystem import FileSystemError
from modem_emulator.sim7080_files import CUSTOMER, FOLDERS
from modem_emulator.simcom import bare_number, quoted_text
from modem_emulator.tls import CERT_DIRECTORY, TlsState

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

MAX_CONTEXT: Final = 5
CA_LIST: Final = 2
# AT+CSSLCFG "sslversion" -> the `tls.SslConfig.version` that allows the same protocols: TLS 1.0
# and 1.1 only (which a modern server refuses), TLS 1.2 only, or anything; DTLS cannot carry HTTPS.
_VERSIONS: Final = {0: 4, 1: 1, 2: 2, 3: 3, 4: 0, 5: 0}
_ACCEPTED: Final = frozenset({"ciphersuite", "protocol", "maxfraglendisable", "ignorertctime"})
_MAX_TEXT: Final = 256


class Sim7080Tls:
    """The SSL contexts of one SIM7070/SIM7080 and its AT+CSSLCFG command."""

    def __init__(self, modem: EmulatedModem) -> None:
        self.modem = modem
        self.state = TlsState(modem, "simcom")
        self.sni: dict[int, str] = {}
        self.log: list[str] = []
        """Every AT+CSSLCFG received (tests assert on it)."""

    def install(self) -> None:
        """Register AT+CSSLCFG; a reboot forgets the contexts (converted certificates stay)."""
        self.modem.register("+CSSLCFG", self.csslcfg)
        self.modem.on_reset(self.state.reset)
        # Where the other families' TLS state is, for tests to look at (tls.install does so).
        self.modem.tls = self.state  # type: ignore[attr-defined]

    async def csslcfg(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Set one parameter of one SSL context, or convert a certificate file."""
        self.log.append(req.raw)
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) < 3:
            raise PlainError
        name = str(req.args[0]).lower()
        if name == "convert":
            self._convert(req)
            return
        ctx = bare_number(req.args[1], 0, MAX_CONTEXT)
        value = req.args[2]
        if name == "sslversion":
            self.state.config(ctx).version = _VERSIONS[bare_number(value, 0, 5)]
        elif name == "sni":
            self.sni[ctx] = quoted_text(value, _MAX_TEXT)
        elif name not in _ACCEPTED:
            raise PlainError

    def _convert(self, req: AtRequest) -> None:
        if bare_number(req.args[1], 0, 3) != CA_LIST or len(req.args) != 3:
            raise PlainError
        name = quoted_text(req.args[2], _MAX_TEXT)
        try:
            pem = self.modem.fs.read(FOLDERS[CUSTOMER], name)
        except FileSystemError:
            raise PlainError from None
        if b"-----BEGIN CERTIFICATE-----" not in pem:
            raise PlainError
        self.modem.fs.write(CERT_DIRECTORY, name, pem)
