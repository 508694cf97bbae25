"""The AT+HTTPINIT family: SIMCom SIM7600, A76xx, SIM7080 and SIM800 variants (seed manual 002)."""

from typing import ClassVar, Final

from ...bearer import StandardContext
from ...router import LineTables
from ...sms import SIMCOM_CMS_CODES
from ...sms_commands import PduModeSms
from ..base import Limits, Probe
from .http import SimcomHttp
from .plan import LIMITS
from .status import SimcomStatus
from .tls import SimcomTls

NO_BEARER_CODES: Final = frozenset({601, 703, 714, 717})
"""601 network error, 703 busy, 714 connect socket failed, 717 no network: what SIMCom's HTTP
stack answers without a data context (a context read then decides)."""


class SimcomFamily:
    """SIMCom modules: HTTP over AT+HTTPINIT, bearer by 27.007, TLS by AT+CSSLCFG, AT+CPSI?."""

    name: ClassVar[str] = "simcom"
    probe: ClassVar[Probe] = Probe("AT+HTTPACTION=?", "+HTTPACTION:")
    lines: ClassVar[LineTables] = LineTables(
        # SIM7600 boots with RDY, +CPIN: READY, SMS DONE, PB DONE (Xinyuan-LilyGO/T-SIM7600X log);
        # A76xx adds *ATREADY. The HTTP stack reports a closed server connection and a lost
        # network unasked.
        restart_lines=frozenset({"RDY"}),
        unsolicited=("SMS DONE", "PB DONE", "*ATREADY:", "+HTTP_PEER_CLOSED", "+HTTP_NONET_EVENT"),
    )
    unsafe_commands: ClassVar[frozenset[str]] = frozenset(
        {
            # line, power and sleep settings
            "+CSCLK",
            "+CPOF",
            "+CRESET",
            # transparent socket mode
            "+CIPMODE",
            # a payload after a prompt, or raw data the engine would not frame
            "+HTTPDATA",
            "+HTTPREAD",
            "+CCERTDOWN",
            "+CIPSEND",
            "+CCHSEND",
        }
    )
    limits: ClassVar[Limits] = LIMITS

    def __init__(self) -> None:
        """A fresh HTTP stack state for one modem."""
        self.http = SimcomHttp()
        self.bearer = StandardContext(no_bearer_codes=NO_BEARER_CODES, password_first=True)
        self.tls = SimcomTls()
        self.status = SimcomStatus()
        # SMS DONE: the SIM7600 boot sequence (the log cited with `lines`); the SMS storage is
        # the SIM ("SM"); 512-540 are SIMCom's own +CMS ERROR numbers.
        self.sms = PduModeSms(ready_line="SMS DONE", storage="SM", cms_codes=SIMCOM_CMS_CODES)


__all__ = ["SimcomFamily"]
