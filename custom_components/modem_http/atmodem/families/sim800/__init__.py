"""SIM800/SIM900 (2G): the AT+HTTPINIT session of the 2G firmware over an AT+SAPBR bearer.

The commands share their names with the SIM7600 family but not their formats, ranges or errors
(docs/families/sim800_sim7080.md, section 1), so this family has its own driver. Detection
recognises it by the bearer command only these modules have among the families known here:
`AT+SAPBR=?` prints `+SAPBR: (0-4),(1-3),"ConParamTag","ConParamValue"` (SIM800 Series AT
Command Manual V1.05); SIM7600-class modules answer ERROR. It is asked before the SIM7600
family's probe, because a SIM800 may answer `AT+HTTPACTION=?` as well.
"""

from typing import ClassVar

from ...router import LineTables
from ...sms import SIMCOM_CMS_CODES
from ...sms_commands import PduModeSms
from ..base import Limits, Probe
from .bearer import SapbrContext
from .http import Sim800Http
from .plan import LIMITS
from .status import Sim800Status
from .tls import Sim800Tls


class Sim800Family:
    """SIMCom SIM800/SIM900: HTTP over AT+HTTPINIT, bearer by AT+SAPBR, TLS by AT+HTTPSSL."""

    name: ClassVar[str] = "sim800"
    probe: ClassVar[Probe] = Probe("AT+SAPBR=?", "+SAPBR:")
    lines: ClassVar[LineTables] = LineTables(
        # Boot: RDY, +CFUN: 1, +CPIN: READY, Call Ready, SMS Ready (TinyGSM issue #332 log; SIM900
        # prints no SMS Ready). The supply monitor's warnings keep the manual's spelling
        # ("WARNNING"). `+SAPBR <cid>: DEACT` announces a bearer the network dropped.
        restart_lines=frozenset({"RDY"}),
        unsolicited=(
            "Call Ready",
            "SMS Ready",
            "+CFUN:",
            "+SAPBR ",
            "UNDER-VOLTAGE",
            "OVER-VOLTAGE",
            "NORMAL POWER DOWN",
        ),
    )
    unsafe_commands: ClassVar[frozenset[str]] = frozenset(
        {
            # line, power and sleep settings
            "+CSCLK",
            "+CPOWD",
            # transparent socket mode and socket payloads
            "+CIPMODE",
            "+CIPSEND",
            # a payload after a prompt, or raw data the engine would not frame
            "+HTTPDATA",
            "+HTTPREAD",
        }
    )
    limits: ClassVar[Limits] = LIMITS

    def __init__(self) -> None:
        """A fresh HTTP session state for one modem."""
        self.http = Sim800Http()
        self.bearer = SapbrContext(self.http)
        self.tls = Sim800Tls()
        self.status = Sim800Status()
        # The same 27.005 commands as the other families (SIM800 Series AT Command Manual,
        # chapter 4); SIMCom's own +CMS ERROR numbers 512-540 are listed there as for the
        # SIM7600. `SMS Ready` ends the boot (the log cited with `lines`); a SIM900, which
        # prints none, is scanned a while after its restart instead. Messages on the SIM ("SM").
        self.sms = PduModeSms(ready_line="SMS Ready", storage="SM", cms_codes=SIMCOM_CMS_CODES)


__all__ = ["Sim800Family"]
