"""The 3GPP TS 27.007 / V.250 commands every module answers, with the values a healthy modem shows.

Formats follow what the modules print, not only what the manuals say:

- SIMCom SIM7600: `ATI` / `AT+SIMCOMATI` print `Manufacturer:`, `Model:`, `Revision:`, `IMEI:` and
  `+GCAP: +CGSM` lines (Xinyuan-LilyGO/LilyGo-Modem-Series issues #380 and #502, SIM7600G-H and
  SIM7600E-H logs); `AT+CGMR` prints `+CGMR: LE20B04SIM7600M22` (SIM7500/SIM7600 AT Command Manual
  section 3.30); `AT+CICCID` prints `+ICCID: ...`.
- Quectel EC25/EG25: `ATI` prints `Quectel`, the model and `Revision: <rev>` (lukejenkins/cwd
  documentation/quectel_ec2x_and_eg2x/outputs.md, EG25-G log); `AT+CGMR` prints the bare revision
  (Quectel EC25&EC21 AT Commands Manual V1.3 section 2.x, AT+CGMR example); `AT+QCCID` prints
  `+QCCID: ...` and `AT+CCID` `+CCID: ...`.
- Boot URCs: SIM7600 prints `RDY`, `+CPIN: READY`, `SMS DONE`, `PB DONE` (Xinyuan-LilyGO/T-SIM7600X
  PR #41 log; espressif/esp-protocols issue #789 hex dump shows the `\\r\\nRDY\\r\\n\\r\\n+CPIN:
  READY` framing); EC25 prints `RDY`, `+CFUN: 1`, `+CPIN: READY`, `+QUSIM: 1`, `+QIND: SMS DONE`,
  `+QIND: PB DONE` (EC25 AT manual, "URC indication" of AT+QURCCFG, and field logs).
- SIMCom SIM800 / SIM900 (2G): `ATI` prints one line, `SIM800 R14.18` (TinyGSM issue #332 log,
  SIM800L); `AT+CGMM` / `AT+GMM` print `SIMCOM_SIM800L` (same log); `AT+CGMR` prints
  `Revision:1418B04SIM800L24` (ostaquet/Arduino-SIM800L-driver issue #10 log); `AT+CGMI` prints
  `SIMCOM_Ltd` (SIM800 Series AT Command Manual V1.09, AT+CGMI example); `AT+CCID` prints the
  bare ICCID without a prefix (same driver's log: "SIM card number 8942..."). Boot: `RDY`,
  `+CFUN: 1`, `+CPIN: READY`, `Call Ready`, `SMS Ready` (TinyGSM issue #332 and
  Seeed-Studio/GPRS_SIM900 issue #39 logs); a SIM900 prints no `SMS Ready` and `ATI` says
  `SIM900 R11.0`.
- SIMCom SIM7070 / SIM7080 (LTE-M/NB-IoT): `ATI` prints `R1951.01` and `AT+CGMR`
  `Revision:1951B03SIM7070` (SIM7070G log in botletics/SIM7000-LTE-Shield issue #200);
  SIM7080G revisions `1951B05SIM7080` / `1951B10SIM7080` (TinyGSM issue #592); `AT+GMM` prints
  `SIMCOM_SIM7000E` on the sibling SIM7000 (TinyGSM issue #381), hence `SIMCOM_SIM7080G`;
  `AT+CCID` prints the bare ICCID (TinyGSM TinyGsmClientSIM70xx.h: "Doesn't return the +CCID
  before the number"). Boot: `RDY`, `+CFUN: 1`, `+CPIN: READY`, `SMS Ready` (TinyGSM's SIM70xx
  restart waits for `SMS Ready`).
- Unknown commands answer a plain `ERROR` whatever AT+CMEE says: V.250 treats them as syntax errors,
  and SIM7600 / EC25 logs show `ERROR` for them with AT+CMEE=2 set.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from modem_emulator.commands import NO_FINAL, AtRequest, CmeError, FinalSent, PlainError
from modem_emulator.radio import DataCounter, RadioState, SimCard

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

type _Handler = Callable[["EmulatedModem", AtRequest], Awaitable[FinalSent | None]]


@dataclass(frozen=True)
class Identity:
    """What the modem says it is; `ati_lines` and `cgmr_format` are templates over the fields."""

    profile: str
    manufacturer: str
    model: str
    revision: str
    imei: str
    imsi: str
    iccid: str
    ati_lines: tuple[str, ...]
    cgmr_format: str
    # Which ICCID commands exist and the prefix each prints (firmware differ on both).
    iccid_commands: tuple[tuple[str, str], ...]
    boot_urcs: tuple[str, ...]
    gcap: str = "+GCAP: +CGSM"

    def render(self, template: str) -> str:
        """Fill a template such as `Revision: {revision}` from this identity."""
        return template.format(
            manufacturer=self.manufacturer,
            model=self.model,
            revision=self.revision,
            imei=self.imei,
            gcap=self.gcap,
        )


def _sim800_family() -> dict[str, Identity]:
    """SIM800L, SIM800C and SIM900: one firmware family, told apart by model and revision."""
    sim800 = Identity(
        profile="sim800",
        manufacturer="SIMCOM_Ltd",
        model="SIMCOM_SIM800L",
        revision="1418B04SIM800L24",
        imei="866262031234567",
        imsi="262011234567890",
        iccid="89490200001234567890",
        ati_lines=("SIM800 R14.18",),
        cgmr_format="Revision:{revision}",
        # An empty prefix prints the bare ICCID, without "+CCID: ".
        iccid_commands=(("+CCID", ""),),
        boot_urcs=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready"),
    )
    return {
        "sim800": sim800,
        "sim800c": replace(sim800, model="SIMCOM_SIM800C", revision="1418B05SIM800C32"),
        "sim900": replace(
            sim800,
            model="SIMCOM_SIM900",
            revision="1137B13SIM900M64_ST",
            ati_lines=("SIM900 R11.0",),
            boot_urcs=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready"),
        ),
    }


def _sim7080_family() -> dict[str, Identity]:
    """SIM7080G and SIM7070G: the same 1951 firmware line with the AT+SH* HTTP commands."""
    sim7080 = Identity(
        profile="sim7080",
        manufacturer="SIMCOM INCORPORATED",
        model="SIMCOM_SIM7080G",
        revision="1951B05SIM7080",
        imei="869951035874415",
        imsi="262011234567890",
        iccid="89490200001234567890",
        ati_lines=("R1951.01",),
        cgmr_format="Revision:{revision}",
        iccid_commands=(("+CCID", ""),),
        boot_urcs=("RDY", "+CFUN: 1", "+CPIN: READY", "SMS Ready"),
    )
    return {
        "sim7080": sim7080,
        "sim7070": replace(sim7080, model="SIMCOM_SIM7070G", revision="1951B03SIM7070"),
    }


PROFILES: Final[dict[str, Identity]] = {
    "simcom": Identity(
        profile="simcom",
        manufacturer="SIMCOM INCORPORATED",
        model="SIMCOM_SIM7600E-H",
        revision="LE20B04SIM7600M22",
        imei="861475051234567",
        imsi="262011234567890",
        iccid="89490200001234567890",
        ati_lines=(
            "Manufacturer: {manufacturer}",
            "Model: {model}",
            "Revision: {revision}",
            "IMEI: {imei}",
            "{gcap}",
        ),
        cgmr_format="+CGMR: {revision}",
        iccid_commands=(("+CICCID", "+ICCID"), ("+ICCID", "+ICCID"), ("+CCID", "+ICCID")),
        boot_urcs=("RDY", "+CPIN: READY", "SMS DONE", "PB DONE"),
    ),
    "quectel": Identity(
        profile="quectel",
        manufacturer="Quectel",
        model="EC25",
        revision="EC25EFAR06A06M4G",
        imei="867550027654322",
        imsi="262011234567890",
        iccid="89490200001234567890",
        ati_lines=("{manufacturer}", "{model}", "Revision: {revision}"),
        cgmr_format="{revision}",
        iccid_commands=(("+QCCID", "+QCCID"), ("+CCID", "+CCID"), ("+ICCID", "+ICCID")),
        boot_urcs=(
            "RDY",
            "+CFUN: 1",
            "+CPIN: READY",
            "+QUSIM: 1",
            "+QIND: SMS DONE",
            "+QIND: PB DONE",
        ),
    ),
    **_sim800_family(),
    **_sim7080_family(),
}


@dataclass
class PdpContext:
    """One AT+CGDCONT entry, its credentials (AT+CGAUTH / AT+QICSGP) and whether it is up."""

    cid: int
    pdp_type: str = "IP"
    apn: str = ""
    address: str = "0.0.0.0"
    active: bool = False
    username: str = ""
    password: str = ""
    auth: int = 0
    """0 none, 1 PAP, 2 CHAP (3 PAP or CHAP on Quectel)."""


def _default_contexts() -> dict[int, PdpContext]:
    # A fresh module has its first context defined (operator profile) but not active: hosts must
    # bring the bearer up themselves, as on real modules after power-on.
    return {1: PdpContext(1, "IP", "internet", "10.64.0.2", active=False)}


@dataclass
class NetworkState:
    """Radio, SIM and packet-data state; bearer emulation (HTTP needs an active context) reads it.

    `radio` and `sim` hold what the status commands print (see radio.py); `registration` is what
    the network answers when the modem can register at all (radio on, SIM ready, coverage).
    """

    registration: int = (
        1  # 27.007 <stat>: 1 home, 5 roaming, 2 searching, 3 denied, 0 not searching
    )
    creg_n: int = 0
    cgreg_n: int = 0
    cereg_n: int = 0
    operator: str = "Operator"
    attached: bool = True
    cfun: int = 1
    radio: RadioState = field(default_factory=RadioState)
    sim: SimCard = field(default_factory=SimCard)
    data_counter: DataCounter = field(default_factory=DataCounter)
    temperature_c: int = 36
    """The module's hottest sensor, in degrees Celsius (AT+CPMUTEMP, AT+QTEMP)."""
    cops_format: int = 0
    """AT+COPS=3,<format>: 0 long name, 1 short name, 2 numeric MCC and MNC."""
    announced: dict[str, str] = field(default_factory=dict)
    """The registration URC each enabled command last reported, so only changes are printed."""
    contexts: dict[int, PdpContext] = field(default_factory=_default_contexts)
    working_apns: set[str] | None = None
    """APNs the network accepts (None: any); activating another fails like an unknown APN."""
    default_apn: str = "internet"
    """What the network assigns when a context asks for no APN (empty)."""
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)
    """APN -> (user, password) the network insists on; a mismatch fails authentication."""
    cgerep: int = 0
    """AT+CGEREP mode: +CGEV URCs are printed when 1 or 2."""
    activation_delay: float = 0.0
    """Seconds the network takes to answer an activation (AT+CGACT=1 / AT+QIACT); the manuals
    allow up to 150 s, and a module far from a cell does take tens of seconds."""

    @property
    def rssi(self) -> int:
        """The AT+CSQ <rssi> index of the measured RSSI (99: not known)."""
        return csq_index(self.radio.signal.rssi_dbm)

    @rssi.setter
    def rssi(self, index: int) -> None:
        """Set the RSSI from an AT+CSQ index (27.007 section 8.5; 99 makes it unknown)."""
        self.radio.signal.rssi_dbm = None if index == 99 else -113 + 2 * index

    @property
    def sim_inserted(self) -> bool:
        """Whether a SIM is in the holder."""
        return self.sim.inserted

    @sim_inserted.setter
    def sim_inserted(self, inserted: bool) -> None:
        self.sim.inserted = inserted

    @property
    def stat(self) -> int:
        """The registration <stat> the modem reports now (27.007 section 7.2)."""
        if self.cfun != 1 or not self.sim.ready:
            return 0
        if not self.radio.coverage:
            return 2
        return self.registration

    @property
    def registered(self) -> bool:
        """Whether the modem can carry data (home or roaming, radio on, SIM ready, coverage)."""
        return self.stat in {1, 5}

    def active_context(self) -> PdpContext | None:
        """The first active PDP context, the one modem HTTP stacks use by default."""
        return next(
            (ctx for ctx in sorted(self.contexts.values(), key=lambda c: c.cid) if ctx.active), None
        )

    def context_active(self, cid: int) -> bool:
        """Whether context `cid` is defined and up."""
        ctx = self.contexts.get(cid)
        return ctx is not None and ctx.active

    def after_reset(self) -> None:
        """A reboot forgets URC modes and PDP activations: the host brings the bearer up again.

        A PIN-locked SIM asks for its PIN again; the data counter goes back to its saved value.
        """
        self.creg_n = self.cgreg_n = self.cereg_n = 0
        self.cgerep = 0
        self.cfun = 1
        self.cops_format = 0
        self.announced.clear()
        self.sim.unlocked = False
        self.data_counter.after_restart()
        for ctx in self.contexts.values():
            ctx.active = False


def csq_index(rssi_dbm: int | None) -> int:
    """The AT+CSQ <rssi> for a level in dBm: 0 at -113 or below, 2 dBm a step, 31 from -51."""
    if rssi_dbm is None:
        return 99
    return min(31, max(0, (rssi_dbm + 113) // 2))


def profile(name: str, **changes: str | tuple[str, ...]) -> Identity:
    """A copy of a stock identity profile, with fields replaced (e.g. another IMEI)."""
    try:
        base = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown identity profile {name!r}; known: {sorted(PROFILES)}") from None
    return replace(base, **changes)  # type: ignore[arg-type]


def install(modem: EmulatedModem) -> None:
    """Register every basic command on `modem` (dialects may override any of them afterwards)."""
    for name, handler in _HANDLERS.items():
        modem.register(name, handler)
    # The bearer commands (APN and credential checks), the SIM commands and the network status
    # commands live in modules of their own; they import this one.
    from modem_emulator import bearer, network_status, sim_commands  # noqa: PLC0415

    bearer.install(modem)
    sim_commands.install(modem)
    network_status.install(modem)
    # SMS (27.005) is the same command set in both families; sms.py keeps the differences.
    from modem_emulator import sms  # noqa: PLC0415 - sms imports this module's neighbours

    sms.install(modem)


# --- V.250 basic commands -------------------------------------------------------------------------


async def _echo(modem: EmulatedModem, req: AtRequest) -> None:
    modem.echo = _flag(req)


async def _verbose(modem: EmulatedModem, req: AtRequest) -> None:
    modem.verbose = _flag(req)


async def _quiet(modem: EmulatedModem, req: AtRequest) -> None:
    modem.quiet = _flag(req)


def _flag(req: AtRequest) -> bool:
    value = req.args[0] if req.args else 0
    if value not in (0, 1):
        raise PlainError
    return value == 1


async def _defaults(modem: EmulatedModem, _req: AtRequest) -> None:
    # ATZ restores the stored profile and AT&F the factory one; AT&W is not kept, so both are the
    # same.
    modem.restore_settings()


async def _accept(_modem: EmulatedModem, _req: AtRequest) -> None:
    """Settings without effect on a virtual line (AT&W, AT&C, AT&D, ATX)."""


async def _ati(modem: EmulatedModem, _req: AtRequest) -> None:
    modem.send_lines(modem.identity.render(template) for template in modem.identity.ati_lines)


async def _s_register(modem: EmulatedModem, req: AtRequest) -> None:
    number = int(req.name[1:])
    if req.kind == "read":
        modem.send_line(f"{modem.s_registers.get(number, 0):03d}")
    elif req.kind == "set":
        value = req.arg_int(0)
        if not 0 <= value <= 255:
            raise PlainError
        modem.s_registers[number] = value


# --- identification -------------------------------------------------------------------------------


def _info(text: Callable[[EmulatedModem], str]) -> _Handler:
    async def handler(modem: EmulatedModem, req: AtRequest) -> None:
        if req.kind == "test":
            return
        if req.kind != "exec":
            raise PlainError
        modem.send_line(text(modem))

    return handler


async def _cgatt(modem: EmulatedModem, req: AtRequest) -> None:
    net = modem.network
    if req.kind == "read":
        modem.send_line(f"+CGATT: {int(net.attached and net.registered)}")
    elif req.kind == "test":
        modem.send_line("+CGATT: (0,1)")
    elif req.kind == "set":
        state = req.arg_int(0)
        if state not in (0, 1):
            raise CmeError(50)
        if state == 1 and not net.registered:
            raise CmeError(30)
        net.attached = state == 1
        if not net.attached:
            for ctx in net.contexts.values():
                ctx.active = False
    else:
        raise PlainError


async def _cfun(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
    net = modem.network
    if req.kind == "read":
        modem.send_line(f"+CFUN: {net.cfun}")
        return None
    if req.kind == "test":
        modem.send_line("+CFUN: (0,1,4),(0,1)")
        return None
    if req.kind != "set":
        raise PlainError
    fun = req.arg_int(0)
    rst = req.arg_int(1, 0)
    if fun not in (0, 1, 4) or rst not in (0, 1) or (rst == 1 and fun != 1):
        raise CmeError(50)
    if rst == 1:
        # The module acknowledges, then reboots: OK is the last thing the old session prints.
        modem.send_final("OK")
        modem.reset()
        return NO_FINAL
    net.cfun = fun
    if fun != 1:
        for ctx in net.contexts.values():
            ctx.active = False
    from modem_emulator import network_status  # noqa: PLC0415 - it imports this module

    network_status.announce(modem)
    return None


async def _cmee(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "read":
        modem.send_line(f"+CMEE: {modem.cmee}")
    elif req.kind == "test":
        modem.send_line("+CMEE: (0-2)")
    elif req.kind == "set":
        mode = req.arg_int(0, 0)
        if mode not in (0, 1, 2):
            raise CmeError(50)
        modem.cmee = mode
    else:
        modem.cmee = 0


_BAUD_RATES: Final = (
    0,
    300,
    600,
    1200,
    2400,
    4800,
    9600,
    19200,
    38400,
    57600,
    115200,
    230400,
    460800,
    921600,
)


async def _ipr(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "read":
        modem.send_line(f"+IPR: {modem.ipr}")
    elif req.kind == "test":
        modem.send_line(f"+IPR: (),({','.join(str(rate) for rate in _BAUD_RATES)})")
    elif req.kind == "set":
        rate = req.arg_int(0)
        if rate not in _BAUD_RATES:
            raise CmeError(50)
        modem.ipr = rate
    else:
        raise PlainError


async def _cgdcont(modem: EmulatedModem, req: AtRequest) -> None:
    contexts = modem.network.contexts
    if req.kind == "read":
        modem.send_lines(
            f'+CGDCONT: {ctx.cid},"{ctx.pdp_type}","{ctx.apn}","0.0.0.0",0,0'
            for ctx in sorted(contexts.values(), key=lambda c: c.cid)
        )
    elif req.kind == "test":
        modem.send_lines(
            f'+CGDCONT: (1-24),"{pdp_type}",,,(0-2),(0-4)'
            for pdp_type in ("IP", "PPP", "IPV6", "IPV4V6")
        )
    elif req.kind == "set":
        cid = req.arg_int(0)
        if not 1 <= cid <= 24:
            raise CmeError(50)
        if len(req.args) == 1:
            contexts.pop(cid, None)
            return
        pdp_type = req.arg_str(1).upper()
        if pdp_type not in {"IP", "PPP", "IPV6", "IPV4V6"}:
            raise CmeError(50)
        old = contexts.get(cid)
        contexts[cid] = PdpContext(
            cid,
            pdp_type,
            req.arg_str(2, ""),
            old.address if old else f"10.64.0.{cid + 1}",
            active=old.active if old else False,
        )
    else:
        raise PlainError


async def _gcap(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind != "exec":
        raise PlainError
    modem.send_line(modem.identity.gcap)


_HANDLERS: Final[dict[str, _Handler]] = {
    "E": _echo,
    "V": _verbose,
    "Q": _quiet,
    "Z": _defaults,
    "&F": _defaults,
    "&W": _accept,
    "&C": _accept,
    "&D": _accept,
    "X": _accept,
    "I": _ati,
    "S": _s_register,
    "+CGMI": _info(lambda m: m.identity.manufacturer),
    "+GMI": _info(lambda m: m.identity.manufacturer),
    "+CGMM": _info(lambda m: m.identity.model),
    "+GMM": _info(lambda m: m.identity.model),
    "+CGMR": _info(lambda m: m.identity.render(m.identity.cgmr_format)),
    "+GMR": _info(lambda m: m.identity.render(m.identity.cgmr_format)),
    "+CGSN": _info(lambda m: m.identity.imei),
    "+GSN": _info(lambda m: m.identity.imei),
    "+GCAP": _gcap,
    "+CGATT": _cgatt,
    "+CFUN": _cfun,
    "+CMEE": _cmee,
    "+IPR": _ipr,
    "+CGDCONT": _cgdcont,
}
