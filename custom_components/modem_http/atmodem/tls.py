"""TLS for HTTPS requests: the modem's SSL context, and certificate files on the modem.

Modules do not verify servers unless told to, and a module told to verify fails the handshake
(SIMCom 715) unless its SSL context names a CA file that is really on the module. So an HTTPS
setup is: put the CA (and for mutual TLS the client certificate and key) into the module's file
system, then configure the SSL context the HTTP stack uses:

- SIMCom: `AT+CCERTDOWN="<name>",<len>` (`>` prompt) stores a file in the certificate folder;
  `AT+CSSLCFG="sslversion"|"authmode"|"cacert"|"clientcert"|"clientkey"|"enableSNI",<ctx>,<v>`;
  the request picks the context with `AT+HTTPPARA="SSLCFG",<ctx>`.
- Quectel: `AT+QFUPL="UFS:<name>",<len>,<timeout>` (CONNECT, then `+QFUPL: <size>,<checksum>`);
  `AT+QSSLCFG="sslversion"|"seclevel"|"cacert"|"clientcert"|"clientkey"|"sni",<ctx>,<v>`; the HTTP
  stack uses `AT+QHTTPCFG="sslctxid",<ctx>`.
- The AT+HTTPCFG family configures with `AT+SSLCFG` (seed manual 000) and has no upload command:
  a CA gets there with AT+HTTPREADFILE from a URL (`Modem.download_ca`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Final

from .deadline import Deadline
from .engine import AtEngine, Prompt
from .errors import AtCommandError, ModemError, RequestRejected
from .validation import check_file_name

MAX_CERT_FILE: Final = 10240
"""SIMCom AT+CCERTDOWN takes at most 10 KiB; enough for any CA or client certificate."""
MAX_FILE_NAME: Final = 64
_COMMAND_TIMEOUT: Final = 10.0


class TlsVerify(StrEnum):
    """Who proves what in the handshake."""

    NONE = "none"
    """No server verification (the modules' default)."""
    SERVER = "server"
    """The server's certificate must chain to the CA file."""
    MUTUAL = "mutual"
    """Server verified, and the modem presents its own certificate."""


class TlsVersion(IntEnum):
    """`sslversion` values, the same on SIMCom and Quectel."""

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
    """The SSL context to configure and use; None: the driver's default (SIMCom 0, Quectel 1,
    AT+HTTPCFG 2)."""

    def __post_init__(self) -> None:
        """Refuse incomplete settings before anything reaches the modem."""
        object.__setattr__(self, "verify", TlsVerify(self.verify))
        object.__setattr__(self, "version", TlsVersion(self.version))
        for name in ("ca_file", "client_cert_file", "client_key_file"):
            value = getattr(self, name)
            if value is not None:
                check_file_name(name, value, max_length=MAX_FILE_NAME)
        if self.verify is not TlsVerify.NONE and not self.ca_file:
            raise RequestRejected("ca_file", "server verification needs a CA file")
        if self.verify is TlsVerify.MUTUAL and not (self.client_cert_file and self.client_key_file):
            raise RequestRejected(
                "client_cert_file", "mutual TLS needs a client certificate and its key"
            )


def family_file_name(family: str, name: str) -> str:
    """How the family's SSL commands name a file: SIMCom bare, Quectel with its `UFS:` drive."""
    if family == "simcom" or ":" in name:
        return name
    return f"UFS:{name}"


def _cfg_command(family: str) -> str:
    return {"simcom": "AT+CSSLCFG", "quectel": "AT+QSSLCFG"}.get(family, "AT+SSLCFG")


def tls_commands(family: str, settings: TlsSettings, ctx_id: int) -> list[str]:
    """The SSL context configuration for `settings`, in the family's words."""
    command = _cfg_command(family)
    simcom = family == "simcom"
    auth = {TlsVerify.NONE: 0, TlsVerify.SERVER: 1, TlsVerify.MUTUAL: 2}[settings.verify]
    commands = [
        f'{command}="sslversion",{ctx_id},{int(settings.version)}',
        f'{command}="{"authmode" if simcom else "seclevel"}",{ctx_id},{auth}',
    ]
    files = (
        ("cacert", settings.ca_file),
        ("clientcert", settings.client_cert_file),
        ("clientkey", settings.client_key_file),
    )
    for parameter, name in files:
        if name:
            commands.append(f'{command}="{parameter}",{ctx_id},"{family_file_name(family, name)}"')
    commands.append(f'{command}="{"enableSNI" if simcom else "sni"}",{ctx_id},{int(settings.sni)}')
    return commands


async def configure_tls(
    engine: AtEngine, family: str, settings: TlsSettings, ctx_id: int, deadline: Deadline
) -> None:
    """Send the SSL context configuration; a refused step raises AtCommandError."""
    for command in tls_commands(family, settings, ctx_id):
        await engine.command(command, timeout=deadline.step(_COMMAND_TIMEOUT))


def checksum(data: bytes) -> str:
    """Quectel's upload checksum: the data's 16-bit words XORed together, in hex."""
    value = 0
    for index in range(0, len(data), 2):
        value ^= int.from_bytes(data[index : index + 2].ljust(2, b"\0"), "big")
    return f"{value:x}"


async def upload_file(
    engine: AtEngine, family: str, name: str, data: bytes, deadline: Deadline
) -> str:
    """Store `data` as a certificate file on the modem; returns the name SSL commands use.

    An existing file of that name is replaced (deleted first: Quectel refuses to overwrite).
    """
    check_file_name("file_name", name, max_length=MAX_FILE_NAME)
    if not data:
        raise RequestRejected("data", "the file is empty")
    if len(data) > MAX_CERT_FILE:
        raise RequestRejected("data", f"is {len(data)} bytes; the modem takes {MAX_CERT_FILE}")
    if family == "simcom":
        with contextlib.suppress(AtCommandError):
            await engine.command(f'AT+CCERTDELE="{name}"', timeout=deadline.step(_COMMAND_TIMEOUT))
        await engine.command(
            f'AT+CCERTDOWN="{name}",{len(data)}',
            timeout=deadline.left(),
            payload=data,
            prompt=Prompt.GREATER_THAN,
        )
        return name
    if family == "quectel":
        path = family_file_name(family, name)
        with contextlib.suppress(AtCommandError):
            await engine.command(f'AT+QFDEL="{path}"', timeout=deadline.step(_COMMAND_TIMEOUT))
        seconds = max(5, round(deadline.left()))
        reply = await engine.command(
            f'AT+QFUPL="{path}",{len(data)},{seconds}',
            timeout=deadline.left(),
            payload=data,
            prompt=Prompt.CONNECT,
        )
        stored = reply.first("+QFUPL:").split(",")
        if stored[0].strip() != str(len(data)) or (
            len(stored) > 1 and stored[1].strip().lower() != checksum(data)
        ):
            raise ModemError(f"the modem stored {path} damaged ({','.join(stored)})")
        return path
    raise UnsupportedOperation(
        "the AT+HTTPCFG family has no file upload command; download the CA from a URL instead"
    )


__all__ = [
    "TlsSettings",
    "TlsVerify",
    "TlsVersion",
    "UnsupportedOperation",
    "configure_tls",
    "family_file_name",
    "tls_commands",
    "upload_file",
]
