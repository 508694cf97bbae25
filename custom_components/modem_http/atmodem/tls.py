"""TLS for HTTPS requests: the settings, and the SSL context configuration every family shares.

Modules do not verify servers unless told to, and a module told to verify fails the handshake
unless its SSL context names a CA file that is really on the module. So an HTTPS setup is: put
the CA (and for mutual TLS the client certificate and key) into the module's file system, then
configure the SSL context the HTTP stack uses. The families say the same things in their own
words (`AT+CSSLCFG="authmode"` on SIMCom, `AT+QSSLCFG="seclevel"` on Quectel); `SslConfigWords`
holds those words and `ssl_configuration` writes the commands, so the order and the values are
the same for every family. How a file gets onto the module is each family's own (TlsCommands).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Final

from .errors import ModemError, RequestRejected
from .validation import check_file_name

MAX_CERT_FILE: Final = 10240
"""SIMCom AT+CCERTDOWN takes at most 10 KiB; enough for any CA or client certificate."""
MAX_CERT_NAME: Final = 64
"""The longest certificate file name every family takes."""
COMMAND_TIMEOUT: Final = 10.0


class TlsVerify(StrEnum):
    """Who proves what in the handshake."""

    NONE = "none"
    """No server verification (the modules' default)."""
    SERVER = "server"
    """The server's certificate must chain to the CA file."""
    MUTUAL = "mutual"
    """Server verified, and the modem presents its own certificate."""


class TlsVersion(IntEnum):
    """`sslversion` values, the same in every family."""

    SSL3 = 0
    TLS1_0 = 1
    TLS1_1 = 2
    TLS1_2 = 3
    ALL = 4


class UnsupportedOperation(ModemError):
    """The modem's command family cannot do this (for example upload a file)."""


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """How HTTPS requests authenticate; file names are the names on the modem."""

    verify: TlsVerify = TlsVerify.NONE
    ca_file: str | None = None
    client_cert_file: str | None = None
    client_key_file: str | None = None
    version: TlsVersion = TlsVersion.ALL
    sni: bool = True
    context_id: int | None = None
    """The SSL context to configure and use; None: the family's default."""

    def __post_init__(self) -> None:
        """Refuse incomplete settings before anything reaches the modem."""
        object.__setattr__(self, "verify", TlsVerify(self.verify))
        object.__setattr__(self, "version", TlsVersion(self.version))
        for name, value in (
            ("ca_file", self.ca_file),
            ("client_cert_file", self.client_cert_file),
            ("client_key_file", self.client_key_file),
        ):
            if value is not None:
                check_file_name(name, value, max_length=MAX_CERT_NAME)
        if self.verify is not TlsVerify.NONE and not self.ca_file:
            raise RequestRejected("ca_file", "server verification needs a CA file")
        if self.verify is TlsVerify.MUTUAL and not (self.client_cert_file and self.client_key_file):
            raise RequestRejected(
                "client_cert_file", "mutual TLS needs a client certificate and its key"
            )


@dataclass(frozen=True, slots=True)
class SslConfigWords:
    """A family's words for the SSL context configuration."""

    command: str
    """`AT+CSSLCFG`, `AT+QSSLCFG`, `AT+SSLCFG`."""
    verification: str
    """`authmode` or `seclevel`: 0 none, 1 server, 2 mutual."""
    sni: str
    """`enableSNI` or `sni`."""


def ssl_configuration(
    words: SslConfigWords,
    settings: TlsSettings,
    context: int,
    file_name: Callable[[str], str],
) -> list[str]:
    """The SSL context configuration for `settings` in a family's words.

    `file_name` turns a stored file's name into the one the family's SSL commands use.
    """
    command = words.command
    auth = {TlsVerify.NONE: 0, TlsVerify.SERVER: 1, TlsVerify.MUTUAL: 2}[settings.verify]
    commands = [
        f'{command}="sslversion",{context},{int(settings.version)}',
        f'{command}="{words.verification}",{context},{auth}',
    ]
    files = (
        ("cacert", settings.ca_file),
        ("clientcert", settings.client_cert_file),
        ("clientkey", settings.client_key_file),
    )
    for parameter, name in files:
        if name:
            commands.append(f'{command}="{parameter}",{context},"{file_name(name)}"')
    commands.append(f'{command}="{words.sni}",{context},{int(settings.sni)}')
    return commands


def check_certificate(name: str, data: bytes) -> None:
    """A certificate file every family could store (RequestRejected otherwise)."""
    check_file_name("file_name", name, max_length=MAX_CERT_NAME)
    if not data:
        raise RequestRejected("data", "the file is empty")
    if len(data) > MAX_CERT_FILE:
        raise RequestRejected("data", f"is {len(data)} bytes; the modem takes {MAX_CERT_FILE}")


__all__ = [
    "COMMAND_TIMEOUT",
    "MAX_CERT_FILE",
    "MAX_CERT_NAME",
    "SslConfigWords",
    "TlsSettings",
    "TlsVerify",
    "TlsVersion",
    "UnsupportedOperation",
    "check_certificate",
    "ssl_configuration",
]
