"""TLS on SIM800/SIM900: one switch, AT+HTTPSSL, and nothing to configure.

The module's HTTPS is `AT+HTTPSSL=1` in the HTTP session (the driver sends it for https URLs).
There is no SSL context to configure, no certificate storage the HTTP stack reads, and the server's
certificate is never verified: the SIM800 Series AT Command Manual V1.09 has no command or
parameter that names a CA (docs/families/sim800_sim7080.md, 1.7). So
settings that ask for verification, or for a client certificate, are refused rather than
silently ignored: the user would believe the connection checked. The TLS version is the
firmware's (R14.18 speaks TLS 1.0 only), so a version setting changes nothing and is not refused.
"""

from ...deadline import Deadline
from ...engine import AtEngine
from ...tls import TlsSettings, TlsVerify, UnsupportedOperation

NO_VERIFICATION = (
    "SIM800 and SIM900 modules never verify a server's certificate and cannot present one of "
    "their own; set TLS verification to none"
)
NO_FILES = "SIM800 and SIM900 modules have no storage for certificate files"


class Sim800Tls:
    """HTTPS without verification, or a clear refusal."""

    def configuration(self, settings: TlsSettings, context: int) -> list[str]:
        """Nothing to send; UnsupportedOperation when the settings ask for verification."""
        if settings.verify is not TlsVerify.NONE:
            raise UnsupportedOperation(NO_VERIFICATION)
        return []

    def file_name(self, name: str) -> str:
        """Files are never stored, so a name is only ever shown."""
        return name

    async def upload(self, engine: AtEngine, name: str, data: bytes, deadline: Deadline) -> str:
        """UnsupportedOperation: there is nowhere to put the file."""
        raise UnsupportedOperation(NO_FILES)


__all__ = ["NO_FILES", "NO_VERIFICATION", "Sim800Tls"]
