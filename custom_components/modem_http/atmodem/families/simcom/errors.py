"""The SIMCom HTTP stack's own error numbers, as they appear in place of an HTTP status.

`+HTTPACTION: <method>,<status>,<len>` carries either the server's status or one of these numbers
(manual chapter 13.3.2 for 7xx; 13.3.1 lists 600-604 next to the real HTTP statuses). HTTP itself
ends at 599, so anything from 600 up is the modem talking, never the server, and becomes a
ModemHttpError; a real 404 stays a response.

Sources for the texts: the seed manual refers to the tables without printing them; the numbers and
wording below match the A76XX library's header (github.com/gasagna/A76XX, `A76XX_HTTP_*` defines:
"additional error codes returned by the SIMCOM firmware") and user sketches for SIM7600G-H.
"""

from ...errors import HttpFailure, ModemHttpError

MODEM_ERROR_FLOOR = 600
"""HTTP statuses stop at 599; from here on the number is the modem's own."""

HTTP_ERROR_TEXTS: dict[int, str] = {
    600: "not an HTTP PDU",
    601: "network error",
    602: "no memory",
    603: "DNS error",
    604: "stack busy",
    701: "alert state",
    702: "unknown error",
    703: "busy",
    704: "connection closed error",
    705: "timeout",
    706: "receive/send socket data failed",
    707: "file does not exist or other memory error",
    708: "invalid parameter",
    709: "network error",
    710: "starting a new SSL session failed",
    711: "wrong state",
    712: "failed to create socket",
    713: "DNS lookup failed",
    714: "connecting the socket failed",
    715: "TLS handshake failed",
    716: "closing the socket failed",
    717: "no network",
    718: "sending data timed out",
    719: "CA certificate missing",
}


HTTP_FAILURES: dict[int, HttpFailure] = {
    603: HttpFailure.DNS,
    713: HttpFailure.DNS,
    704: HttpFailure.CONNECT,
    706: HttpFailure.CONNECT,
    714: HttpFailure.CONNECT,
    710: HttpFailure.TLS,
    715: HttpFailure.TLS,
    719: HttpFailure.TLS,
    705: HttpFailure.TIMEOUT,
    718: HttpFailure.TIMEOUT,
}
"""What each number is about, from the texts above; the rest is the modem's own trouble."""


def is_modem_error(status: int) -> bool:
    """True when an +HTTPACTION/+HTTPPOSTFILE status is the modem's error, not the server's."""
    return status >= MODEM_ERROR_FLOOR


def http_error(code: int, *, method: str | None = None) -> ModemHttpError:
    """The typed error for one of the modem's numbers, with the manual's meaning as message."""
    text = HTTP_ERROR_TEXTS.get(code, "unknown modem HTTP error")
    failure = HTTP_FAILURES.get(code, HttpFailure.OTHER)
    return ModemHttpError(code, text, method=method, failure=failure)
