"""A cellular modem speaking AT commands over a pseudo-terminal or TCP, for tests and development.

`EmulatedModem` (core.py) holds the line discipline and the plug-in API the HTTP dialects build on;
`ModemServer` (server.py) puts it on a TCP port or a pty; `FaultPlan` (faults.py) makes it
misbehave; `far_end.py` performs the HTTP requests for real; `sms.py` stores and sends messages
(`deliver_sms` plays the network, `modem.sms` holds the SIM and the log of sent messages).
"""

from modem_emulator.basic import PROFILES, Identity, NetworkState, PdpContext
from modem_emulator.commands import (
    NO_FINAL,
    AtRequest,
    CmeError,
    FinalSent,
    PayloadTimeout,
    PlainError,
)
from modem_emulator.core import CommandHandler, EmulatedModem
from modem_emulator.dialects import DIALECTS, DialectUnavailable, create_modem, install_dialect
from modem_emulator.faults import FaultPlan
from modem_emulator.filesystem import ModemFileSystem
from modem_emulator.network_status import announce_registration
from modem_emulator.radio import RadioControl, Technology
from modem_emulator.server import ModemServer, ModemServerThread
from modem_emulator.sms import SentMessage, SentSms, SmsState, deliver_pdu, deliver_sms

__all__ = [
    "DIALECTS",
    "NO_FINAL",
    "PROFILES",
    "AtRequest",
    "CmeError",
    "CommandHandler",
    "DialectUnavailable",
    "EmulatedModem",
    "FaultPlan",
    "FinalSent",
    "Identity",
    "ModemFileSystem",
    "ModemServer",
    "ModemServerThread",
    "NetworkState",
    "PayloadTimeout",
    "PdpContext",
    "PlainError",
    "RadioControl",
    "SentMessage",
    "SentSms",
    "SmsState",
    "Technology",
    "announce_registration",
    "create_modem",
    "deliver_pdu",
    "deliver_sms",
    "install_dialect",
]
