"""The HTTP(S) stack's own error numbers of the AT+HTTPCFG / AT+QHTTPCFG family.

They appear in two places: as the final result of a command (`+CME ERROR: 716` to AT+QHTTPGET when
the socket cannot connect, seen on real EG800K firmware) and as the `<err>` field of the result
URCs (`+QHTTPGET: 702`). Both become ModemHttpError with the manual's meaning as message.

Source: Quectel's "Summary of Error Codes" table, printed identically in the EC2x/EG9x/EM05 and
BG96 HTTP(S) AT Commands Manuals and the BC660K-GL HTTP(S) Application Note (2024); the seed manual
(000) refers to `<err>` without printing the table. 724/725 are in the LTE manuals only.
"""

from typing import Final

from ...errors import AtCommandError, HttpFailure, ModemHttpError

HTTP_ERROR_TEXTS: Final[dict[int, str]] = {
    701: "HTTP(S) unknown error",
    702: "HTTP(S) timeout",
    703: "HTTP(S) busy",
    704: "HTTP(S) UART busy",
    705: "HTTP(S) no GET/POST requests",
    706: "HTTP(S) network busy",
    707: "HTTP(S) network open failed",
    708: "HTTP(S) network no configuration",
    709: "HTTP(S) network deactivated",
    710: "HTTP(S) network error",
    711: "HTTP(S) URL error",
    712: "HTTP(S) empty URL",
    713: "HTTP(S) IP address error",
    714: "HTTP(S) DNS error",
    715: "HTTP(S) socket create error",
    716: "HTTP(S) socket connect error",
    717: "HTTP(S) socket read error",
    718: "HTTP(S) socket write error",
    719: "HTTP(S) socket closed",
    720: "HTTP(S) data encode error",
    721: "HTTP(S) data decode error",
    722: "HTTP(S) read timeout",
    723: "HTTP(S) response failed",
    724: "incoming call busy",
    725: "voice call busy",
    726: "input timeout",
    727: "wait data timeout",
    728: "wait HTTP(S) response timeout",
    729: "memory allocation failed",
    730: "invalid parameter",
}

HTTP_FAILURES: Final[dict[int, HttpFailure]] = {
    714: HttpFailure.DNS,
    715: HttpFailure.CONNECT,
    716: HttpFailure.CONNECT,
    717: HttpFailure.CONNECT,
    718: HttpFailure.CONNECT,
    719: HttpFailure.CONNECT,
    702: HttpFailure.TIMEOUT,
    722: HttpFailure.TIMEOUT,
    727: HttpFailure.TIMEOUT,
    728: HttpFailure.TIMEOUT,
}
"""What each number is about, from the texts above. The table has no TLS number: the modules
report a failed handshake as a failed socket connection (716)."""


def is_http_error_code(code: int | None) -> bool:
    """True for the HTTP stack's own numbers (7xx), as opposed to 3GPP CME errors."""
    return code is not None and 700 <= code <= 799


def http_error(code: int, *, method: str | None = None) -> ModemHttpError:
    """The typed error for one of the stack's numbers, with the manual's text as message."""
    text = HTTP_ERROR_TEXTS.get(code, "unknown modem HTTP error")
    failure = HTTP_FAILURES.get(code, HttpFailure.OTHER)
    return ModemHttpError(code, text, method=method, failure=failure)


def translate(err: AtCommandError, *, method: str | None = None) -> Exception:
    """A `+CME ERROR: 7xx` final becomes ModemHttpError; anything else stays as it is."""
    if is_http_error_code(err.cme_code):
        assert err.cme_code is not None
        converted = http_error(err.cme_code, method=method)
        converted.__cause__ = err
        return converted
    return err
