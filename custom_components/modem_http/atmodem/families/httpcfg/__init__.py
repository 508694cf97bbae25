"""The AT+HTTPCFG family (seed manual 000) and Quectel modules, which speak it with a `Q`.

Quectel modules (EC25, EG25, BG96, EC200...) answer AT+QHTTPCFG, AT+QHTTPURL, ...; modules of the
seed family answer the same commands without the `Q`. One HTTP driver serves both, told the
prefix; the bearer, TLS and file commands differ more, so each family has its own.
"""

from typing import ClassVar, Final

from ...router import LineTables
from ...sms import QUECTEL_CMS_CODES
from ...sms_commands import PduModeSms
from ...status import StandardStatus
from ..base import Limits, Probe
from .bearer import HttpcfgContext, QuectelContext
from .http import HttpcfgHttp
from .plan import LIMITS, limits
from .status import QuectelStatus
from .tls import HttpcfgTls, QuectelTls

BOOT_LINES: Final = LineTables(
    # EC25 boots with RDY, +CFUN: 1, +CPIN: READY, +QUSIM: 1, +QIND: SMS DONE, +QIND: PB DONE (EC25
    # AT manual, AT+QURCCFG "URC indication", and field logs). The seed manual prints no boot
    # lines; its modules are treated as printing the same.
    restart_lines=frozenset({"RDY"}),
    unsolicited=("+CFUN:", "+QUSIM:", "+QIND:"),
)
QUECTEL_SMS: Final = PduModeSms(
    # `+QIND: SMS DONE` (EC25 AT manual, AT+QURCCFG, and the boot logs cited with BOOT_LINES);
    # messages on the SIM ("SM", which the EC25 manual lists beside "ME" and "MT"); 512-531 are
    # Quectel's own +CMS ERROR numbers. The seed manual documents no SMS commands; its modules
    # are Quectel firmware without the prefix, so they get the same member.
    ready_line="+QIND: SMS DONE",
    storage="SM",
    cms_codes=QUECTEL_CMS_CODES,
)
HTTP_UNSAFE: Final = frozenset({"+HTTPURL", "+HTTPGET", "+HTTPGETEX", "+HTTPPOST", "+HTTPREAD"})
"""Commands that take a payload after CONNECT or print the response raw."""


class HttpcfgFamily:
    """Modules of the seed manual: AT+HTTPCFG without a prefix, AT+SSLCFG, 27.007 bearer."""

    name: ClassVar[str] = "httpcfg"
    probe: ClassVar[Probe] = Probe("AT+HTTPCFG=?", "+HTTPCFG:")
    lines: ClassVar[LineTables] = BOOT_LINES
    unsafe_commands: ClassVar[frozenset[str]] = HTTP_UNSAFE
    limits: ClassVar[Limits] = LIMITS

    def __init__(self) -> None:
        """Fresh HTTP stack state for one modem."""
        self.tls = HttpcfgTls()
        self.http = HttpcfgHttp(
            self.limits, prefix="", reads_files=False, certificate_name=self.tls.file_name
        )
        self.bearer = HttpcfgContext()
        self.status = StandardStatus()
        self.sms = QUECTEL_SMS


class QuectelFamily:
    """Quectel modules: AT+QHTTPCFG, AT+QSSLCFG, AT+QIACT, the UFS file commands."""

    name: ClassVar[str] = "quectel"
    probe: ClassVar[Probe] = Probe("AT+QHTTPCFG=?", "+QHTTPCFG:")
    lines: ClassVar[LineTables] = LineTables(
        BOOT_LINES.restart_lines,
        unsolicited=(*BOOT_LINES.unsolicited, "+QIURC:"),
    )
    unsafe_commands: ClassVar[frozenset[str]] = frozenset(
        {
            *(name.replace("+", "+Q", 1) for name in HTTP_UNSAFE),
            # sleep and power
            "+QSCLK",
            "+QPOWD",
            # transparent mode, socket and file payloads
            "+QISWTMD",
            "+QISEND",
            "+QSSLSEND",
            "+QFUPL",
            "+QFDWL",
            "+QFREAD",
            "+QFWRITE",
        }
    )
    limits: ClassVar[Limits] = limits(default_ssl_context=1)

    def __init__(self) -> None:
        """Fresh HTTP stack state for one modem."""
        self.tls = QuectelTls()
        self.http = HttpcfgHttp(
            self.limits, prefix="Q", reads_files=True, certificate_name=self.tls.file_name
        )
        self.bearer = QuectelContext()
        self.status = QuectelStatus()
        self.sms = QUECTEL_SMS


__all__ = ["HttpcfgFamily", "QuectelFamily"]
