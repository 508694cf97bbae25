"""atmodem: HTTP(S) through a cellular modem's own HTTP stack, driven with AT commands.

No Home Assistant imports below this package: it is usable (and tested) on its own.

How it is laid out, from the wire up:

- transport.py      opens the line with serialx (device paths, socket://, rfc2217://, esphome://)
- serial_link.py    the line: reconnect with backoff, link grace, paced writes, connection listeners
- framing.py        byte stream -> lines, raw data blocks and prompts (pure, synchronous)
- router.py         which command, URC handler or nobody each line belongs to (pure, synchronous)
- engine.py, gate.py  one command at a time, resynchronisation and initialisation, one path
- families/         one package per module family, created by detection (families/__init__.py):
    base.py           the protocols every family implements (HTTP driver, bearer, TLS, tables)
    simcom/           the AT+HTTPINIT family (SIMCom SIM7600, A76xx)
    sim800/           SIM800/SIM900: the 2G AT+HTTPINIT session over an AT+SAPBR bearer
    sim7080/          SIM7070/SIM7080: AT+SH* HTTP over an AT+CNACT bearer
    httpcfg/          the AT+HTTPCFG family (seed manual 000) and Quectel's AT+QHTTPCFG twin
- bearer.py, tls.py   what every family shares about data contexts and SSL contexts
- connection.py     brings the bearer and the SSL context up, recovers a lost bearer once
- operation.py      the one path every public operation takes (link, queue, set-up, deadline)
- modem.py          Modem and open_modem(): HTTP requests, file transfers, SMS, status; admin.py:
                    restart, raw commands and certificate files (modem.admin)
- status/           identity, the SIM and its PIN, and one status poll in the family's commands
- sms_commands.py   the 27.005 SMS commands in PDU mode (each family's `sms` member)
- inbox.py          received SMS: indications queued, read, joined, delivered once, deleted
- request.py, response.py, validation.py, deadline.py, errors.py, shown.py

Pure parsers and planners (no I/O of their own):

- readings/         status replies (SIM, registration, signal, serving cell) to typed values
- sms/              SMS PDUs, the AT lines around them, concatenation, +CMS ERROR causes
- resume.py, resume_facts.py  the next ranged request of a resumed download, and its checks
"""

from .admin import ModemAdmin
from .bearer import AuthType, BearerSettings, NoDataConnectionError
from .engine import AtEngine, AtReply, ConnectionState, Prompt, Urc
from .errors import (
    AtCommandError,
    DownloadGaveUpError,
    HttpFailure,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemInputOpenError,
    ModemTimeoutError,
    RequestRejected,
    ResponseCutError,
    ResponseTooLargeError,
    SmsRejected,
)
from .families import DIALECTS, SHORTEST_URL_LIMIT, NoHttpCommandsError
from .inbox import ReceivedSms, SmsInbox
from .modem import Modem, SentSms, open_modem
from .readings import RegistrationState, ServingCell, SignalQuality, SimState, Technology
from .response import HttpResponse
from .status import (
    ON_DEMAND,
    DeviceInfo,
    ModemStatus,
    Reading,
    SimNotReadyError,
    SimStatus,
    SmsSimNotReadyError,
)
from .tls import TlsSettings, TlsVerify, TlsVersion, UnsupportedOperation

__all__ = [
    "DIALECTS",
    "ON_DEMAND",
    "SHORTEST_URL_LIMIT",
    "AtCommandError",
    "AtEngine",
    "AtReply",
    "AuthType",
    "BearerSettings",
    "ConnectionState",
    "DeviceInfo",
    "DownloadGaveUpError",
    "HttpFailure",
    "HttpResponse",
    "Modem",
    "ModemAdmin",
    "ModemDisconnectedError",
    "ModemError",
    "ModemHttpError",
    "ModemInputOpenError",
    "ModemStatus",
    "ModemTimeoutError",
    "NoDataConnectionError",
    "NoHttpCommandsError",
    "Prompt",
    "Reading",
    "ReceivedSms",
    "RegistrationState",
    "RequestRejected",
    "ResponseCutError",
    "ResponseTooLargeError",
    "SentSms",
    "ServingCell",
    "SignalQuality",
    "SimNotReadyError",
    "SimState",
    "SimStatus",
    "SmsInbox",
    "SmsRejected",
    "SmsSimNotReadyError",
    "Technology",
    "TlsSettings",
    "TlsVerify",
    "TlsVersion",
    "UnsupportedOperation",
    "Urc",
    "open_modem",
]
