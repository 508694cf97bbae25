"""The 600-range numbers SIMCom's older HTTP stacks report in place of an HTTP status.

SIM800/SIM900 print them in `+HTTPACTION: <m>,<code>,0`, the SIM7070/SIM7080 AT+SH* stack in
`+SHREQ: "<m>",<code>,0`: the request got no HTTP answer. The table is the SIM800 Series AT Command
Manual V1.09's (AT+HTTPACTION <StatusCode>); what public logs add:

- 601 when the bearer is not open (botletics/SIM7000-LTE-Shield issue #325, maintainer's answer),
  and for a server that refuses the connection: the stack has no separate number for it;
- 603 for an unresolvable host and for a malformed URL (nager/Nager.Date issue #331, SIM800L);
- 606 when a TLS 1.2-only site ends the handshake of R14.18 firmware, which speaks TLS 1.0 only
  (same log; ostaquet/Arduino-SIM800L-driver issue #10). 605 and 606 are the TLS failures, and
  the message says what a user can do about them: the module's firmware, not the network.
"""

from typing import Final

from ...errors import HttpFailure, ModemHttpError

MODEM_ERROR_FLOOR: Final = 600
"""HTTP statuses stop at 599; from here on the number is the module's own."""

NETWORK_ERROR: Final = 601

HTTP_ERROR_TEXTS: Final[dict[int, str]] = {
    600: "not an HTTP PDU (the server's answer was not HTTP)",
    601: "network error (no data connection, or the server could not be reached)",
    602: "no memory",
    603: "DNS error (the host name could not be resolved)",
    604: "stack busy",
    605: "the SSL channel could not be established",
    606: (
        "SSL fatal alert: the server ended the TLS handshake; this module's firmware may only "
        "speak TLS 1.0, which current servers refuse (a firmware update or an HTTP endpoint helps)"
    ),
}

HTTP_FAILURES: Final[dict[int, HttpFailure]] = {
    601: HttpFailure.CONNECT,
    603: HttpFailure.DNS,
    605: HttpFailure.TLS,
    606: HttpFailure.TLS,
}
"""What each number is about; 600, 602 and 604 are the module's own trouble."""


def is_modem_error(status: int) -> bool:
    """True when a result's status is the module's number, not the server's."""
    return status >= MODEM_ERROR_FLOOR


def http_error(code: int, *, method: str | None = None) -> ModemHttpError:
    """The typed error for one of the module's numbers, with the manual's meaning as message."""
    text = HTTP_ERROR_TEXTS.get(code, "unknown modem HTTP error")
    return ModemHttpError(
        code, text, method=method, failure=HTTP_FAILURES.get(code, HttpFailure.OTHER)
    )


__all__ = ["NETWORK_ERROR", "http_error", "is_modem_error"]
