"""SSL contexts and certificate files on SIMCom modules.

`AT+CSSLCFG="sslversion"|"authmode"|"cacert"|"clientcert"|"clientkey"|"enableSNI",<ctx>,<value>`
configures a context; a request picks it with `AT+HTTPPARA="SSLCFG",<ctx>`. Files are named bare
(the SSL commands look in the certificate folder). `AT+CCERTDOWN="<name>",<len>` prints `>` and
takes exactly that many bytes into the certificate folder; AT+HTTPREADFILE path 4 stores a
downloaded file there too (seed manual 002).
"""

import contextlib
from typing import Final

from ...deadline import Deadline
from ...engine import AtEngine, Prompt
from ...errors import AtCommandError
from ...tls import (
    COMMAND_TIMEOUT,
    SslConfigWords,
    TlsSettings,
    check_certificate,
    ssl_configuration,
)

WORDS: Final = SslConfigWords("AT+CSSLCFG", verification="authmode", sni="enableSNI")


class SimcomTls:
    """AT+CSSLCFG and AT+CCERTDOWN."""

    def configuration(self, settings: TlsSettings, context: int) -> list[str]:
        """The AT+CSSLCFG commands for `settings`."""
        return ssl_configuration(WORDS, settings, context, self.file_name)

    def file_name(self, name: str) -> str:
        """Certificate files are named bare."""
        return name

    async def upload(self, engine: AtEngine, name: str, data: bytes, deadline: Deadline) -> str:
        """Replace the certificate file `name` (deleted first) with `data`."""
        check_certificate(name, data)
        with contextlib.suppress(AtCommandError):
            await engine.command(f'AT+CCERTDELE="{name}"', timeout=deadline.step(COMMAND_TIMEOUT))
        await engine.command(
            f'AT+CCERTDOWN="{name}",{len(data)}',
            timeout=deadline.left(),
            payload=data,
            prompt=Prompt.GREATER_THAN,
        )
        return name


__all__ = ["SimcomTls"]
