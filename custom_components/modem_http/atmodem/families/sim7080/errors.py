"""What the AT+SH* stack reports when a request fails, as typed errors.

Two ways (docs/families/sim800_sim7080.md, 2.8):
- `AT+SHCONN` answers `+CME ERROR: 3` when it cannot open the connection: a host that does not
  resolve, a server that refuses or does not answer, a failed TLS handshake (wrong CA, an old TLS
  version, the module's clock before the certificate's start), and also no active network 0
  (botletics/SIM7000-LTE-Shield issue #329 log, VMflow modem_https.c). The module does not say
  which, so the error names all of them rather than blaming one; the data connection layer reads
  the bearer before it counts as a connection failure (3 is one of the no-bearer codes).
- `+SHREQ: "<method>",<code>,0` with a code from 600 up: the SIM800 stack's table (sim800.errors),
  which SIMCom's older HTTP stacks share.
"""

from typing import Final

from ...errors import AtCommandError, HttpFailure, ModemHttpError
from ..sim800.errors import NETWORK_ERROR, http_error, is_modem_error

CONNECTION_REFUSED: Final = 3
"""`+CME ERROR: 3` (operation not allowed) of AT+SHCONN."""


def connection_error(err: AtCommandError, *, https: bool, method: str) -> ModemHttpError:
    """The typed error for an AT+SHCONN the module refused."""
    causes = "the host name did not resolve or the server did not answer"
    if https:
        causes += ", or the TLS handshake failed (CA, TLS version, the module's clock)"
    return ModemHttpError(
        err.cme_code if err.cme_code is not None else CONNECTION_REFUSED,
        f"the module could not connect to the server: {causes}; it does not say which",
        method=method,
        failure=HttpFailure.CONNECT,
    )


__all__ = [
    "CONNECTION_REFUSED",
    "NETWORK_ERROR",
    "connection_error",
    "http_error",
    "is_modem_error",
]
