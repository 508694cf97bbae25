"""SIM7070/SIM7080 (LTE-M/NB-IoT): HTTP(S) with the AT+SH* commands over an AT+CNACT bearer.

These modules have no AT+HTTPINIT: their HTTP client keeps one connection to one server
(docs/families/sim800_sim7080.md, section 2). Detection recognises them by `AT+SHCONF=?`, which
prints `+SHCONF: "HTTPParamTag","HTTPParamValue"` (SIM7000 AT manual, AT+SHCONF test form) and
which no other family known here answers; it is asked before the AT+HTTPINIT families' probes.
"""

from typing import ClassVar

from ...router import LineTables
from ...sms import SIMCOM_CMS_CODES
from ...sms_commands import PduModeSms
from ..base import Limits, Probe
from .bearer import CnactContext
from .http import Sim7080Http
from .plan import LIMITS
from .status import Sim7080Status
from .tls import Sim7080Tls, SslChoice


class Sim7080Family:
    """SIMCom SIM7070/SIM7080: AT+SH* HTTP, AT+CNACT bearer, AT+CSSLCFG / AT+SHSSL TLS."""

    name: ClassVar[str] = "sim7080"
    probe: ClassVar[Probe] = Probe("AT+SHCONF=?", "+SHCONF:")
    lines: ClassVar[LineTables] = LineTables(
        # Boot: RDY, +CFUN: 1, +CPIN: READY, SMS Ready (TinyGSM waits for SMS Ready). Network
        # time comes at any moment, even between OK and +SHREQ (botletics issue #243 log shows
        # *PSUTTZ there). +APP PDP announces network 0 going up or down, +SHSTATE: 0 a
        # connection the server closed.
        restart_lines=frozenset({"RDY"}),
        unsolicited=(
            "SMS Ready",
            "+CFUN:",
            "+APP PDP:",
            "+SHSTATE:",
            "*PSUTTZ:",
            "+CTZV:",
            "DST:",
            "NORMAL POWER DOWN",
        ),
    )
    unsafe_commands: ClassVar[frozenset[str]] = frozenset(
        {
            # sleep and power
            "+CSCLK",
            "+CPOWD",
            # payloads after a prompt, and raw data the engine would not frame
            "+SHBOD",
            "+SHREAD",
            "+CFSWFILE",
            "+CFSRFILE",
            "+CASEND",
            "+CARECV",
        }
    )
    limits: ClassVar[Limits] = LIMITS

    def __init__(self) -> None:
        """A fresh HTTP client state for one modem."""
        choice = SslChoice()
        self.http = Sim7080Http(choice)
        self.bearer = CnactContext()
        self.tls = Sim7080Tls(choice)
        self.status = Sim7080Status()
        # SMS over 27.005 in PDU mode as in the other SIMCom families (SIM7070/SIM7080/SIM7090
        # AT Command Manual, SMS chapter); `SMS Ready` ends the boot (the line TinyGSM waits for,
        # cited with `lines`); messages on the SIM ("SM"). Numbers from 512 up are read with the
        # table of SIMCom's other families; one it lacks reads as "unknown error" with its number.
        self.sms = PduModeSms(ready_line="SMS Ready", storage="SM", cms_codes=SIMCOM_CMS_CODES)


__all__ = ["Sim7080Family"]
