"""The fixed set of ways a request can fail, as the "Last error" sensor and the events show them.

Each is a state of an ENUM sensor with its own translation, so a dashboard reads "DNS lookup
failed" rather than an internal name with a number glued on. The modem's own number (SIMCom 715,
Quectel 716, a +CME ERROR code) is kept beside the kind, because it is what the module's manual
lists, but it never becomes part of the state.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

from .atmodem import (
    AtCommandError,
    HttpFailure,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemTimeoutError,
    NoDataConnectionError,
    ResponseTooLargeError,
)


class ErrorKind(StrEnum):
    """Why the last failed request failed; the values are the sensor's translated states."""

    DNS_FAILED = "dns_failed"
    CONNECTION_FAILED = "connection_failed"
    TLS_FAILED = "tls_failed"
    SERVER_TIMEOUT = "server_timeout"
    MODEM_HTTP_ERROR = "modem_http_error"
    NO_DATA_CONNECTION = "no_data_connection"
    MODEM_DISCONNECTED = "modem_disconnected"
    MODEM_TIMEOUT = "modem_timeout"
    COMMAND_FAILED = "command_failed"
    RESPONSE_TOO_LARGE = "response_too_large"
    FILE_WRITE_FAILED = "file_write_failed"
    CANCELLED = "cancelled"
    OTHER = "other"


_HTTP_FAILURES = {
    HttpFailure.DNS: ErrorKind.DNS_FAILED,
    HttpFailure.CONNECT: ErrorKind.CONNECTION_FAILED,
    HttpFailure.TLS: ErrorKind.TLS_FAILED,
    HttpFailure.TIMEOUT: ErrorKind.SERVER_TIMEOUT,
    HttpFailure.OTHER: ErrorKind.MODEM_HTTP_ERROR,
}


def error_kind(err: BaseException) -> ErrorKind:
    """The kind of a failure raised while the modem worked on a request."""
    match err:
        case ModemHttpError():
            return _HTTP_FAILURES[err.failure]
        case NoDataConnectionError():
            return ErrorKind.NO_DATA_CONNECTION
        case ResponseTooLargeError():
            return ErrorKind.RESPONSE_TOO_LARGE
        case ModemDisconnectedError():
            return ErrorKind.MODEM_DISCONNECTED
        case ModemTimeoutError() | TimeoutError():
            return ErrorKind.MODEM_TIMEOUT
        case AtCommandError():
            return ErrorKind.COMMAND_FAILED
        case ModemError():
            return ErrorKind.OTHER
        case OSError():
            # Not a modem error, so the download's own file (full disk, removed folder).
            return ErrorKind.FILE_WRITE_FAILED
        case asyncio.CancelledError():
            return ErrorKind.CANCELLED
    return ErrorKind.OTHER


def modem_code(err: BaseException) -> int | None:
    """The modem's own number for the failure, where it gave one."""
    match err:
        case ModemHttpError():
            return err.code
        case AtCommandError():
            return err.cme_code
    return None


__all__ = ["ErrorKind", "error_kind", "modem_code"]
