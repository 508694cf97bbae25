"""SSL contexts and certificate files on SIM7070/SIM7080.

What the module needs (docs/families/sim800_sim7080.md, 2.7, with its sources):
- `AT+CSSLCFG="sslversion",<ctx>,<v>` with 0 negotiate, 1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2 (TinyGSM
  TinyGsmClientSIM7080.h); parameter names in lower case, which every firmware takes.
- `AT+CSSLCFG="ignorertctime",<ctx>,1`: the module's clock starts at 1980 after boot, so a
  verified handshake fails until the time is set unless the certificate's dates are not checked
  against it (public SIM7080 project notes).
- A CA is a file of the customer folder (3), written with AT+CFSINIT, `AT+CFSWFILE=3,"<name>",0,
  <len>,<ms>` (DOWNLOAD, the bytes, OK) and AT+CFSTERM, then converted for the SSL stack with
  `AT+CSSLCFG="convert",2,"<name>"` (LassiHeikkila/SIM7000, botletics issues #165 and #195); the
  upload converts it at once, so the configuration only names it.
- `AT+SHSSL=<ctx>,"<ca>"` picks the context and CA of the HTTP connection; an empty CA means no
  verification, and the one-argument form is refused. It takes effect at the next AT+SHCONN.
- `AT+CSSLCFG="sni",<ctx>,"<host>"` names the server; without it Cloudflare-fronted hosts fail
  (VMflow modem_https.c). It names a host, so the driver sends it when it connects.

Client certificates (`convert` type 1) are not confirmed by any public log, so mutual TLS is
refused rather than attempted. The configuration also tells the HTTP driver (`SslChoice`) that
SHSSL was sent and whether SNI is wanted: without TLS settings the driver sends
`AT+SHSSL=<ctx>,""` itself before the first HTTPS connection.
"""

import contextlib
import math
from dataclasses import dataclass
from typing import Final

from ...deadline import Deadline
from ...engine import AtEngine, Prompt
from ...errors import AtCommandError
from ...tls import (
    COMMAND_TIMEOUT,
    TlsSettings,
    TlsVerify,
    TlsVersion,
    UnsupportedOperation,
    check_certificate,
)
from ...validation import fit_range

CUSTOMER_FOLDER: Final = 3
"""AT+CFSWFILE <index> 3: /customer/, where certificates go."""
INPUT_TIME_RANGE: Final = (100, 10000)
"""AT+CFSWFILE <time>: milliseconds (the emulator's bound, LassiHeikkila sends 3000-10000)."""
INPUT_MARGIN_MS: Final = 3000
"""Beyond twice the file's line time (host scheduling), as for a request body."""
SSL_VERSIONS: Final = {
    TlsVersion.ALL: 0,
    TlsVersion.TLS1_0: 1,
    TlsVersion.TLS1_1: 2,
    TlsVersion.TLS1_2: 3,
}
PEM_CERTIFICATE: Final = b"-----BEGIN CERTIFICATE-----"
NO_MUTUAL: Final = (
    "SIM7070 and SIM7080 client certificates are not supported (no public log confirms how the "
    "module takes them); use server verification"
)
NO_SSL3: Final = "SIM7070 and SIM7080 modules do not speak SSL 3.0; choose a TLS version"


@dataclass(slots=True)
class SslChoice:
    """What the TLS configuration decided for the HTTP connection, shared with the driver."""

    configured: bool = False
    """The configuration built since the settings last changed includes `AT+SHSSL`."""
    sni: bool = True
    version: int = 0
    """Counts configuration changes: a connection opened before one must be opened again."""

    def changed(self) -> None:
        """New settings (or none): SHSSL is to be sent again, the connection opened again."""
        self.configured = False
        self.sni = True
        self.version += 1


class Sim7080Tls:
    """AT+CSSLCFG, AT+SHSSL and the AT+CFS* file commands."""

    def __init__(self, choice: SslChoice) -> None:
        """`choice` is shared with the HTTP driver."""
        self.choice = choice

    def configuration(self, settings: TlsSettings, context: int) -> list[str]:
        """The commands for `settings` on SSL context `context`, AT+SHSSL included."""
        if settings.verify is TlsVerify.MUTUAL:
            raise UnsupportedOperation(NO_MUTUAL)
        version = SSL_VERSIONS.get(settings.version)
        if version is None:
            raise UnsupportedOperation(NO_SSL3)
        commands = [
            f'AT+CSSLCFG="sslversion",{context},{version}',
            f'AT+CSSLCFG="ignorertctime",{context},1',
        ]
        ca = settings.ca_file if settings.verify is TlsVerify.SERVER and settings.ca_file else ""
        # A CA that was never uploaded (or converted) fails the handshake at AT+SHCONN, as on
        # the other families, rather than the configuration.
        commands.append(f'AT+SHSSL={context},"{ca}"')
        self.choice.changed()
        self.choice.configured = True
        self.choice.sni = settings.sni
        return commands

    def file_name(self, name: str) -> str:
        """Certificate files are named bare."""
        return name

    async def upload(self, engine: AtEngine, name: str, data: bytes, deadline: Deadline) -> str:
        """Write `data` as `name` in the customer folder (replacing a file of that name)."""
        check_certificate(name, data)
        with contextlib.suppress(AtCommandError):
            # A file buffer left open (a crash, a raw command) refuses AT+CFSINIT.
            await engine.command("AT+CFSTERM", timeout=deadline.step(COMMAND_TIMEOUT))
        await engine.command("AT+CFSINIT", timeout=deadline.step(COMMAND_TIMEOUT))
        try:
            seconds = engine.link.line_seconds(len(data))
            input_ms = fit_range(math.ceil(seconds * 2000) + INPUT_MARGIN_MS, INPUT_TIME_RANGE)
            await engine.command(
                f'AT+CFSWFILE={CUSTOMER_FOLDER},"{name}",0,{len(data)},{input_ms}',
                timeout=deadline.step(seconds * 2 + COMMAND_TIMEOUT),
                payload=data,
                prompt=Prompt.DOWNLOAD,
                input_window=input_ms / 1000,
            )
        finally:
            with contextlib.suppress(AtCommandError):
                await engine.command("AT+CFSTERM", timeout=deadline.step(COMMAND_TIMEOUT))
        if PEM_CERTIFICATE in data:
            # The SSL stack reads converted CA lists only; a key file is stored as it is.
            await engine.command(
                f'AT+CSSLCFG="convert",2,"{name}"', timeout=deadline.step(COMMAND_TIMEOUT)
            )
        # The connection is opened again with the next request, so a rotated CA applies.
        self.choice.changed()
        return name


__all__ = ["Sim7080Tls", "SslChoice"]
