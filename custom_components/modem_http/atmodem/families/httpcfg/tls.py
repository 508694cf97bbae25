"""SSL contexts and certificate files of the AT+HTTPCFG family and of Quectel modules.

- The seed family configures with `AT+SSLCFG` (seed manual 000) and has no upload command: a CA
  gets there with AT+HTTPREADFILE from a URL (download_ca).
- Quectel: `AT+QSSLCFG="sslversion"|"seclevel"|"cacert"|"clientcert"|"clientkey"|"sni",<ctx>,<v>`;
  the HTTP stack uses `AT+QHTTPCFG="sslctxid",<ctx>`. `AT+QFUPL="UFS:<name>",<len>,<timeout>`
  prints CONNECT, takes the bytes, then `+QFUPL: <size>,<checksum>`.
- Both name files with their `UFS:` drive.
"""

import contextlib
from typing import Final

from ...deadline import Deadline
from ...engine import AtEngine, Prompt
from ...errors import AtCommandError, ModemError
from ...tls import (
    COMMAND_TIMEOUT,
    SslConfigWords,
    TlsSettings,
    UnsupportedOperation,
    check_certificate,
    ssl_configuration,
)

SEED_WORDS: Final = SslConfigWords("AT+SSLCFG", verification="seclevel", sni="sni")
QUECTEL_WORDS: Final = SslConfigWords("AT+QSSLCFG", verification="seclevel", sni="sni")
DRIVE: Final = "UFS:"


def checksum(data: bytes) -> str:
    """Quectel's upload checksum: the data's 16-bit words XORed together, in hex."""
    value = 0
    for index in range(0, len(data), 2):
        value ^= int.from_bytes(data[index : index + 2].ljust(2, b"\0"), "big")
    return f"{value:x}"


class HttpcfgTls:
    """AT+SSLCFG; no way to upload a file."""

    words: SslConfigWords = SEED_WORDS

    def configuration(self, settings: TlsSettings, context: int) -> list[str]:
        """The SSL configuration commands for `settings`."""
        return ssl_configuration(self.words, settings, context, self.file_name)

    def file_name(self, name: str) -> str:
        """Files live on the `UFS:` drive."""
        return name if ":" in name else f"{DRIVE}{name}"

    async def upload(self, engine: AtEngine, name: str, data: bytes, deadline: Deadline) -> str:
        """The family has no upload command."""
        check_certificate(name, data)
        raise UnsupportedOperation(
            "the AT+HTTPCFG family has no file upload command; download the CA from a URL instead"
        )


class QuectelTls(HttpcfgTls):
    """AT+QSSLCFG and AT+QFUPL."""

    words = QUECTEL_WORDS

    async def upload(self, engine: AtEngine, name: str, data: bytes, deadline: Deadline) -> str:
        """Replace `UFS:<name>` (Quectel refuses to overwrite, so it is deleted first)."""
        check_certificate(name, data)
        path = self.file_name(name)
        with contextlib.suppress(AtCommandError):
            await engine.command(f'AT+QFDEL="{path}"', timeout=deadline.step(COMMAND_TIMEOUT))
        seconds = max(5, round(deadline.left()))
        reply = await engine.command(
            f'AT+QFUPL="{path}",{len(data)},{seconds}',
            timeout=deadline.left(),
            payload=data,
            prompt=Prompt.CONNECT,
            input_window=seconds,
        )
        stored = reply.first("+QFUPL:").split(",")
        if stored[0].strip() != str(len(data)) or (
            len(stored) > 1 and stored[1].strip().lower() != checksum(data)
        ):
            raise ModemError(f"the modem stored {path} damaged ({','.join(stored)})")
        return path


__all__ = ["HttpcfgTls", "QuectelTls", "checksum"]
