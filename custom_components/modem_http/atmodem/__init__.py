"""atmodem: HTTP(S) through a cellular modem's own HTTP stack, driven with AT commands.

No Home Assistant imports below this package: it is usable (and tested) on its own.
"""

from .bearer import AuthType, BearerSettings, NoDataConnectionError
from .dialects import DIALECTS, NoHttpCommandsError
from .engine import AtEngine, AtReply, ConnectionState, Prompt, Urc
from .errors import (
    AtCommandError,
    HttpFailure,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemTimeoutError,
    RequestRejected,
    ResponseTooLargeError,
)
from .modem import Modem, open_modem
from .response import HttpResponse
from .status import DeviceInfo, ModemStatus, Registration
from .tls import TlsSettings, TlsVerify, TlsVersion

__all__ = [
    "DIALECTS",
    "AtCommandError",
    "AtEngine",
    "AtReply",
    "AuthType",
    "BearerSettings",
    "ConnectionState",
    "DeviceInfo",
    "HttpFailure",
    "HttpResponse",
    "Modem",
    "ModemDisconnectedError",
    "ModemError",
    "ModemHttpError",
    "ModemStatus",
    "ModemTimeoutError",
    "NoDataConnectionError",
    "NoHttpCommandsError",
    "Prompt",
    "Registration",
    "RequestRejected",
    "ResponseTooLargeError",
    "TlsSettings",
    "TlsVerify",
    "TlsVersion",
    "Urc",
    "open_modem",
]
