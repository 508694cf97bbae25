"""SSL contexts and certificate files, as the modules' HTTPS stacks use them.

An HTTPS request names an SSL context (SIMCom `AT+HTTPPARA="SSLCFG",<id>`, Quectel
`AT+QHTTPCFG="sslctxid",<id>`); the context says which TLS version, whether and how to
authenticate, and which certificate files to use. Nothing is verified by default (authmode /
seclevel 0), so verification only happens when the host configures it, and it only succeeds when
the named CA file is really in the module's file system.

Formats, with their sources:
- SIMCom `AT+CSSLCFG="<param>",<ctx>,<value>` for "sslversion" (0 SSL3.0, 1 TLS1.0, 2 TLS1.1,
  3 TLS1.2, 4 all), "authmode" (0 none, 1 server, 2 server and client, 3 client only), "cacert",
  "clientcert", "clientkey" (a quoted file name in the certificate folder), "enableSNI" (0/1),
  "ignorelocaltime", "negotiatetime" (public SIM7600/A76xx sketches and TinyGSM's SIM7600 client;
  parameter names are lower case except enableSNI). Contexts 0-9.
- SIMCom `AT+CCERTDOWN="<name>",<len>`: `>`, exactly len bytes, OK (public A7672/SIM7600
  drivers wait for `>` and write the PEM); the file lands in the certificate folder, where
  `AT+HTTPREADFILE=<name>,4` also puts files. `AT+CCERTLIST` prints `+CCERTLIST: "<name>"` lines;
  `AT+CCERTDELE="<name>"`.
- Quectel `AT+QSSLCFG="<param>",<ctx>,<value>` for "sslversion" (same numbers), "seclevel" (0 none,
  1 server, 2 server and client), "cacert"/"clientcert"/"clientkey" ("UFS:<name>" or a bare name),
  "sni" (0/1) (BG96 MQTT application note examples, EC25 field sketches). Contexts 0-5. The
  AT+HTTPCFG family configures the same parameters with `AT+SSLCFG` (seed manual 000, note under
  table 2: "users should configure SSL parameters with +SSLCFG").
- Quectel `AT+QFUPL="<name>",<size>[,<timeout>]`: CONNECT, the bytes, then
  `+QFUPL: <size>,<checksum>` and OK (BG96 MQTT note: `+QFUPL: 1758,384a`); the checksum is the
  XOR of the data's 16-bit words, printed in hex. An existing name answers `+CME ERROR: 407`
  ("file already exists"), a missing one to AT+QFDEL `+CME ERROR: 405` (FILE AT manual).

SNI is kept but not acted on: tests reach the far end by IP address, where TLS sends none anyway.
"""

import contextlib
import ssl
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from modem_emulator.commands import AtRequest, CmeError, FinalSent, PayloadTimeout, PlainError
from modem_emulator.filesystem import FileSystemError

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

type Family = Literal["simcom", "quectel", "httpcfg"]

CERT_DIRECTORY: Final = "/mssl_cert/"
"""SIMCom's certificate folder (HTTPREADFILE path 4)."""
MAX_CERT: Final = 10240
ERR_INVALID: Final = 50
ERR_QUECTEL_INVALID: Final = 400
ERR_FILE_NOT_FOUND: Final = 405
ERR_FILE_EXISTS: Final = 407


@dataclass
class SslConfig:
    """One SSL context's settings."""

    version: int = 4
    auth: int = 0
    """SIMCom authmode / Quectel seclevel."""
    ca: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    sni: int = 0
    other: dict[str, str | int] = field(default_factory=dict)


class TlsState:
    """The SSL contexts of one module and the way its file names resolve."""

    def __init__(self, modem: EmulatedModem, family: Family) -> None:
        self.modem = modem
        self.family = family
        self.contexts: dict[int, SslConfig] = {}
        self.presets: dict[int, SslConfig] = {}
        """What each context holds after power-on (tests preset verification this way)."""
        self.log: list[str] = []
        """Every SSL/certificate command received (tests assert on it)."""

    @property
    def max_context(self) -> int:
        """SIMCom has contexts 0-9, Quectel 0-5."""
        return 9 if self.family == "simcom" else 5

    def config(self, ctx_id: int) -> SslConfig:
        """The settings of context `ctx_id` (defaults until configured)."""
        return self.contexts.setdefault(ctx_id, SslConfig())

    def reset(self) -> None:
        """A reboot forgets SSL contexts; certificate files stay (they are in flash)."""
        self.contexts = {ctx_id: replace(preset) for ctx_id, preset in self.presets.items()}

    def read_file(self, name: str) -> bytes | None:
        """A certificate file by the name the module's SSL commands use, or None."""
        try:
            if self.family == "simcom":
                return self.modem.fs.read(CERT_DIRECTORY, name)
            directory, bare = self.modem.fs.split_path(name)
            return self.modem.fs.read(directory, bare)
        except FileSystemError:
            return None

    def ssl_context(self, ctx_id: int) -> ssl.SSLContext:
        """The client TLS context a request through SSL context `ctx_id` gets.

        A CA or client certificate that is named but missing (or is not PEM) leaves the context
        without it, so verification (or the server's demand for a client certificate) fails the
        handshake, as on the module.
        """
        config = self.config(ctx_id)
        verify = config.auth in (1, 2)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if verify:
            ca = self.read_file(config.ca) if config.ca else None
            if ca is not None:
                # A file that is not PEM anchors nothing: every handshake fails verification.
                with contextlib.suppress(ssl.SSLError, ValueError, UnicodeDecodeError):
                    context.load_verify_locations(cadata=ca.decode("ascii"))
        else:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if config.auth in (2, 3):
            self._load_client_cert(context, config)
        _limit_version(context, config.version)
        return context

    def _load_client_cert(self, context: ssl.SSLContext, config: SslConfig) -> None:
        cert = self.read_file(config.client_cert) if config.client_cert else None
        key = self.read_file(config.client_key) if config.client_key else None
        if cert is None or key is None:
            return
        with tempfile.TemporaryDirectory() as folder:
            cert_path, key_path = Path(folder, "client.pem"), Path(folder, "client.key")
            cert_path.write_bytes(cert)
            key_path.write_bytes(key)
            # A broken pair is no client certificate at all.
            with contextlib.suppress(ssl.SSLError, ValueError):
                context.load_cert_chain(cert_path, key_path)


def _limit_version(context: ssl.SSLContext, version: int) -> None:
    """0-2 allow only protocols a modern server refuses; 3 is TLS 1.2 only; 4 anything."""
    if version == 3:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    elif version in (0, 1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.maximum_version = ssl.TLSVersion.TLSv1_1


def xor_checksum(data: bytes) -> str:
    """Quectel's file checksum: the 16-bit words XORed together, in hex."""
    value = 0
    for index in range(0, len(data), 2):
        word = data[index : index + 2].ljust(2, b"\0")
        value ^= int.from_bytes(word, "big")
    return f"{value:x}"


def install(modem: EmulatedModem, family: Family) -> TlsState:
    """Give `modem` its family's SSL and certificate commands; returns the state (`modem.tls`)."""
    state = TlsState(modem, family)
    modem.on_reset(state.reset)
    handlers = _Handlers(state)
    if family == "simcom":
        modem.register("+CSSLCFG", handlers.sslcfg)
        modem.register("+CCERTDOWN", handlers.ccertdown)
        modem.register("+CCERTLIST", handlers.ccertlist)
        modem.register("+CCERTDELE", handlers.ccertdele)
    elif family == "quectel":
        modem.register("+QSSLCFG", handlers.sslcfg)
        modem.register("+QFUPL", handlers.qfupl)
        modem.register("+QFDEL", handlers.qfdel)
        modem.register("+QFLST", handlers.qflst)
    else:
        modem.register("+SSLCFG", handlers.sslcfg)
    modem.tls = state  # type: ignore[attr-defined]
    return state


_SIMCOM_NAMES: Final = {
    "sslversion": "version",
    "authmode": "auth",
    "cacert": "ca",
    "clientcert": "client_cert",
    "clientkey": "client_key",
    "enablesni": "sni",
}
_QUECTEL_NAMES: Final = {
    "sslversion": "version",
    "seclevel": "auth",
    "cacert": "ca",
    "clientcert": "client_cert",
    "clientkey": "client_key",
    "sni": "sni",
}
_RANGES: Final = {"version": (0, 4), "sni": (0, 1)}


class _Handlers:
    def __init__(self, state: TlsState) -> None:
        self.state = state
        self.family = state.family
        self.prefix = {"simcom": "+CSSLCFG", "quectel": "+QSSLCFG", "httpcfg": "+SSLCFG"}[
            state.family
        ]

    def _error(self) -> CmeError:
        return CmeError(ERR_INVALID if self.family == "simcom" else ERR_QUECTEL_INVALID)

    async def sslcfg(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            names = _SIMCOM_NAMES if self.family == "simcom" else _QUECTEL_NAMES
            top = self.state.max_context
            modem.send_lines(f'{self.prefix}: "{name}",(0-{top})' for name in names)
            return
        if req.kind != "set" or len(req.args) < 2:
            raise self._error()
        name = str(req.args[0])
        ctx_id = req.args[1]
        if not isinstance(ctx_id, int) or not 0 <= ctx_id <= self.state.max_context:
            raise self._error()
        names = _SIMCOM_NAMES if self.family == "simcom" else _QUECTEL_NAMES
        attribute = names.get(name.lower())
        config = self.state.config(ctx_id)
        if len(req.args) == 2:
            value = getattr(config, attribute) if attribute else config.other.get(name, "")
            shown = f'"{value}"' if isinstance(value, str) or value is None else value
            modem.send_line(f'{self.prefix}: "{name}",{ctx_id},{shown or chr(34) * 2}')
            return
        value = req.args[2]
        if attribute is None:
            config.other[name] = value
            return
        if attribute in ("ca", "client_cert", "client_key"):
            if not isinstance(value, str) or not value:
                raise self._error()
            setattr(config, attribute, value)
            return
        low, high = _RANGES.get(attribute, (0, 3 if self.family == "simcom" else 2))
        if not isinstance(value, int) or not low <= value <= high:
            raise self._error()
        setattr(config, attribute, value)

    # --- SIMCom certificate folder ------------------------------------------------------------

    async def ccertdown(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line("+CCERTDOWN: 5120,256")
            return
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        name, size = req.args
        if not isinstance(name, str) or not isinstance(size, int) or not 1 <= size <= MAX_CERT:
            raise PlainError
        try:
            modem.fs.validate_name(name)
        except FileSystemError:
            raise PlainError from None
        modem.send_raw(b"\r\n>")
        try:
            data = await modem.receive_payload(size, 10.0)
        except PayloadTimeout:
            raise PlainError from None
        try:
            modem.fs.write(CERT_DIRECTORY, name, data)
        except FileSystemError:
            raise PlainError from None

    async def ccertlist(self, modem: EmulatedModem, req: AtRequest) -> None:
        if req.kind == "test":
            return
        if req.kind != "exec":
            raise PlainError
        names = modem.fs.list(CERT_DIRECTORY)
        if names:
            modem.send_lines(f'+CCERTLIST: "{name}"' for name in names)

    async def ccertdele(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            return
        if req.kind != "set" or len(req.args) != 1:
            raise PlainError
        try:
            modem.fs.delete(CERT_DIRECTORY, str(req.args[0]))
        except FileSystemError:
            raise PlainError from None

    # --- Quectel file system ------------------------------------------------------------------

    def _where(self, value: object) -> tuple[str, str]:
        if not isinstance(value, str) or not value:
            raise CmeError(ERR_QUECTEL_INVALID)
        try:
            directory, bare = self.state.modem.fs.split_path(value)
            self.state.modem.fs.validate_name(bare)
        except FileSystemError:
            raise CmeError(ERR_QUECTEL_INVALID) from None
        return directory, bare

    async def qfupl(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        self.state.log.append(req.raw)
        if req.kind == "test":
            modem.send_line(f"+QFUPL: <filename>[,(1-{modem.fs.free})[,(1-65535)[,(0,1)]]]")
            return None
        if req.kind != "set" or not 2 <= len(req.args) <= 4:
            raise CmeError(ERR_QUECTEL_INVALID)
        directory, bare = self._where(req.args[0])
        size, timeout = req.args[1], req.args[2] if len(req.args) > 2 else 5
        if not isinstance(size, int) or not isinstance(timeout, int) or size < 1:
            raise CmeError(ERR_QUECTEL_INVALID)
        if modem.fs.exists(directory, bare):
            raise CmeError(ERR_FILE_EXISTS)
        modem.send_raw(b"\r\nCONNECT\r\n")
        try:
            data = await modem.receive_payload(size, float(timeout))
        except PayloadTimeout:
            raise CmeError(ERR_INVALID) from None
        try:
            modem.fs.write(directory, bare, data)
        except FileSystemError:
            raise CmeError(ERR_QUECTEL_INVALID) from None
        modem.send_line(f"+QFUPL: {len(data)},{xor_checksum(data)}")
        return None

    async def qfdel(self, modem: EmulatedModem, req: AtRequest) -> None:
        self.state.log.append(req.raw)
        if req.kind != "set" or len(req.args) != 1:
            raise CmeError(ERR_QUECTEL_INVALID)
        directory, bare = self._where(req.args[0])
        try:
            modem.fs.delete(directory, bare)
        except FileSystemError:
            raise CmeError(ERR_FILE_NOT_FOUND) from None

    async def qflst(self, modem: EmulatedModem, req: AtRequest) -> None:
        if req.kind not in ("exec", "set"):
            raise CmeError(ERR_QUECTEL_INVALID)
        lines = [
            f'+QFLST: "UFS:{name}",{modem.fs.size("UFS:", name)}' for name in modem.fs.list("UFS:")
        ]
        if lines:
            modem.send_lines(lines)
