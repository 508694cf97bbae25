"""What the emulated modem's radio sees and what its SIM allows: the state behind the status.

Every status command (AT+CSQ, AT+CESQ, AT+COPS?, AT+CREG?..., AT+CPSI?, AT+QENG, AT+QCSQ) prints
from these few values, so a change made through the knobs shows the same way in all of them and in
the bearer: a modem without coverage, without a SIM or with a locked SIM is not registered, and the
data context (which real modules lose with the network) is dropped with it.

The knobs are on `modem.radio` (a `RadioControl`): `set(...)` for technology, coverage, roaming,
signal and cell values, `preset(...)` for the same before anyone is connected; `lock_sim`,
`block_pin`, `remove_sim` and `insert_sim` for the SIM (the host enters PIN and PUK with AT+CPIN,
sim_commands.py). The module temperature is `modem.network.temperature_c`. Tests and
`python -m modem_emulator` use them.

LTE-M and NB-IoT on the Quectel profile print what a BG96 prints (an EC25 has neither), and
NR5G-NSA on the SIMCom profile what a SIM8200 prints: one profile per family, the firmware's
output for each technology.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Final, Literal, TypedDict, Unpack

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem


class Technology(StrEnum):
    """The radio access technology the modem is camped on."""

    GSM = "gsm"
    UMTS = "umts"
    LTE = "lte"
    LTE_M = "lte_m"
    NB_IOT = "nb_iot"
    NR5G_NSA = "nr5g_nsa"
    """LTE anchor cell with an NR secondary leg (EN-DC)."""


LTE_FAMILY: Final = frozenset(
    {Technology.LTE, Technology.LTE_M, Technology.NB_IOT, Technology.NR5G_NSA}
)
PROFILE_TECHNOLOGIES: Final[dict[str, tuple[Technology, ...]]] = {
    "sim800": (Technology.GSM,),
    "sim7080": (Technology.LTE_M, Technology.NB_IOT),
}
"""What the radio of a profile's modules can camp on, its power-on technology first (the others
can camp on all). SIM800/SIM900 are GSM/GPRS modules; SIM7080G is a Cat-M/NB-IoT module (SIM7080
series hardware design: LTE Cat-M and NB-IoT bands only)."""


@dataclass
class Signal:
    """What the modem measures on its serving cell; each command prints the values it has.

    Whole dB(m): real modules print whole numbers in most commands (SIMCom AT+CPSI on LTE prints
    tenths, which the printer derives from these).
    """

    rssi_dbm: int | None = -73
    """None: not known (AT+CSQ prints 99)."""
    ber: int | None = None
    """GSM RXQUAL 0-7 (AT+CSQ <ber>); None prints 99 (not known), what LTE modules show."""
    rsrp_dbm: int = -95
    rsrq_db: int = -10
    sinr_db: int = 15
    rscp_dbm: int = -85
    ecio_db: int = -6
    nr_rsrp_dbm: int = -88
    nr_rsrq_db: int = -11
    nr_sinr_db: int = 18


@dataclass
class ServingCell:
    """The serving cell's identity; `area_code` is the LAC on GSM/UMTS and the TAC on LTE."""

    mcc: str = "262"
    mnc: str = "01"
    area_code: int = 0x1A2B
    cell_id: int = 0x01C2D3E4
    """28-bit E-UTRAN / UTRAN cell identity; GSM prints its low 16 bits."""
    pci: int = 257
    """LTE physical cell id, UMTS primary scrambling code or GSM BSIC, by technology."""
    band: int = 3
    channel: int = 1300
    """EARFCN, UARFCN or ARFCN, by technology."""
    nr_pci: int = 832
    nr_band: int = 78
    nr_arfcn: int = 627264

    @property
    def plmn(self) -> str:
        """MCC and MNC as the numeric operator format prints them (`26201`)."""
        return self.mcc + self.mnc


# Band and channel each technology camps on by default; the channels lie in their bands (3GPP TS
# 36.101 table 5.7.3-1 for EARFCNs, TS 25.101 for UARFCNs, TS 38.101-1 for NR-ARFCN n78).
_CELL_DEFAULTS: Final[dict[Technology, dict[str, int]]] = {
    Technology.GSM: {"band": 900, "channel": 26, "pci": 26},
    Technology.UMTS: {"band": 1, "channel": 10663, "pci": 279},
    Technology.LTE: {"band": 3, "channel": 1300, "pci": 257},
    Technology.LTE_M: {"band": 20, "channel": 6400, "pci": 187},
    Technology.NB_IOT: {"band": 8, "channel": 3702, "pci": 12},
    Technology.NR5G_NSA: {"band": 3, "channel": 1300, "pci": 257},
}


@dataclass
class RadioState:
    """Technology, coverage and what the modem measures."""

    technology: Technology = Technology.LTE
    coverage: bool = True
    signal: Signal = field(default_factory=Signal)
    cell: ServingCell = field(default_factory=ServingCell)


type SimStatus = Literal["READY", "SIM PIN", "SIM PUK", "BLOCKED", "ABSENT"]

PIN_TRIES: Final = 3
"""Wrong PINs a SIM takes before it wants its PUK (3GPP TS 31.102, as every SIM does)."""
PUK_TRIES: Final = 10


@dataclass
class SimCard:
    """The SIM in the holder: its PIN lock and the counters that guard it (kept on the card)."""

    inserted: bool = True
    pin: str | None = None
    """The PIN when the PIN check is enabled; None: the SIM needs no PIN."""
    puk: str = "12345678"
    pin_attempts: int = PIN_TRIES
    puk_attempts: int = PUK_TRIES
    unlocked: bool = False
    """The PIN was entered since the modem started (a restart asks for it again)."""
    iccid_without_sim: Literal["error", "bare_ok"] = "error"
    """How the ICCID command answers without a SIM: `+CME ERROR: 10`, or a bare `OK` as some
    firmware does (the integration must still be able to add such a modem)."""

    @property
    def status(self) -> SimStatus:
        """What AT+CPIN? reports (BLOCKED and ABSENT are errors there)."""
        if not self.inserted:
            return "ABSENT"
        if self.puk_attempts <= 0:
            return "BLOCKED"
        if self.pin_attempts <= 0:
            return "SIM PUK"
        if self.pin is not None and not self.unlocked:
            return "SIM PIN"
        return "READY"

    @property
    def ready(self) -> bool:
        """The SIM can be used: the modem may register and read the IMSI."""
        return self.status == "READY"


@dataclass
class DataCounter:
    """Bytes the module's own data stack sent and received (AT+QGDCNT).

    The emulator counts HTTP request and response bytes as they cross the HTTP stack (request
    line, headers and body; status line, headers and body): real modules count IP traffic, which
    adds TCP/IP and TLS overhead the emulator cannot know.
    """

    sent: int = 0
    received: int = 0
    saved_sent: int = 0
    saved_received: int = 0

    def add(self, sent: int, received: int) -> None:
        """Count one exchange."""
        self.sent += sent
        self.received += received

    def save(self) -> None:
        """AT+QGDCNT=1: keep the current totals over a restart."""
        self.saved_sent, self.saved_received = self.sent, self.received

    def reset(self) -> None:
        """AT+QGDCNT=0: start from zero."""
        self.sent = self.received = 0

    def after_restart(self) -> None:
        """A restart continues from what was last saved."""
        self.sent, self.received = self.saved_sent, self.saved_received


class RadioChanges(TypedDict, total=False):
    """What `RadioControl.set` accepts; each key changes one thing, the others stay."""

    technology: Technology
    coverage: bool
    roaming: bool
    registration: int
    operator: str
    mcc: str
    mnc: str
    rssi_dbm: int
    ber: int | None
    rsrp_dbm: int
    rsrq_db: int
    sinr_db: int
    rscp_dbm: int
    ecio_db: int
    nr_rsrp_dbm: int
    nr_rsrq_db: int
    nr_sinr_db: int
    area_code: int
    cell_id: int
    pci: int
    band: int
    channel: int


_SIGNAL_KEYS: Final = frozenset(f.name for f in fields(Signal))
_CELL_KEYS: Final = frozenset(f.name for f in fields(ServingCell))
_HOME, _ROAMING = 1, 5


class RadioControl:
    """The knobs of one emulated modem; every change is printed as the module would print it."""

    def __init__(self, modem: EmulatedModem) -> None:
        self._modem = modem

    @property
    def state(self) -> RadioState:
        """The radio state (read it; change it through `set`)."""
        return self._modem.network.radio

    @property
    def sim(self) -> SimCard:
        """The SIM (read it; change it through the SIM knobs)."""
        return self._modem.network.sim

    def set(self, **changes: Unpack[RadioChanges]) -> None:
        """Change technology, coverage, roaming, registration, operator, signal or cell values.

        Registration changes print the +CREG/+CGREG/+CEREG URCs the host enabled; losing coverage
        (or being denied) drops active data contexts the way the network does.
        """
        self._apply(lambda: self._change_radio(changes))

    def preset(self, **changes: Unpack[RadioChanges]) -> None:
        """Set the state the modem powers up with: nothing is printed, nothing was up to drop."""
        self._change_radio(changes)

    def _change_radio(self, changes: RadioChanges) -> None:
        net = self._modem.network
        radio = net.radio
        if "technology" in changes and changes["technology"] is not radio.technology:
            radio.technology = self._supported(Technology(changes["technology"]))
            for key, default in _CELL_DEFAULTS[radio.technology].items():
                setattr(radio.cell, key, default)
        for key, value in changes.items():
            if key in _SIGNAL_KEYS:
                setattr(radio.signal, key, value)
            elif key in _CELL_KEYS:
                setattr(radio.cell, key, value)
        if "operator" in changes:
            net.operator = changes["operator"]
        if "coverage" in changes:
            radio.coverage = changes["coverage"]
        if "roaming" in changes:
            net.registration = _ROAMING if changes["roaming"] else _HOME
        if "registration" in changes:
            net.registration = changes["registration"]

    def _supported(self, technology: Technology) -> Technology:
        """ValueError for a technology the profile's modules have no radio for."""
        profile = self._modem.identity.profile
        allowed = PROFILE_TECHNOLOGIES.get(profile)
        if allowed is not None and technology not in allowed:
            names = ", ".join(choice.value for choice in allowed)
            raise ValueError(f"a {profile} module camps on {names} only, not {technology.value}")
        return technology

    def lock_sim(self, pin: str = "1234", puk: str = "12345678") -> None:
        """The SIM asks for `pin` (as after a restart with the PIN check enabled)."""
        self._change_sim(replace(self.sim, pin=pin, puk=puk, unlocked=False, inserted=True))

    def block_pin(self) -> None:
        """Three wrong PINs were entered: the SIM now wants its PUK."""
        self._change_sim(replace(self.sim, pin_attempts=0, unlocked=False))

    def remove_sim(self) -> None:
        """The SIM is pulled out: the module reports it, deregisters and loses its data context."""
        self._change_sim(replace(self.sim, inserted=False, unlocked=False))

    def insert_sim(self, pin: str | None = None) -> None:
        """A SIM (PIN-locked when `pin` is given) is put in; the module reports it as at boot."""
        self._change_sim(
            replace(self.sim, inserted=True, pin=pin, unlocked=False, pin_attempts=PIN_TRIES)
        )

    def _change_sim(self, sim: SimCard) -> None:
        """Swap the SIM state and print what the module prints about it, first of all."""
        from modem_emulator import sim_commands  # noqa: PLC0415 - it imports this module

        def change() -> None:
            self._modem.network.sim = sim
            sim_commands.report_sim_state(self._modem)

        self._apply(change)

    def _apply(self, change: Callable[[], None]) -> None:
        """Make a change, then do what the module does when registration follows it."""
        from modem_emulator import bearer, network_status  # noqa: PLC0415 - they import this

        net = self._modem.network
        was_registered = net.registered
        change()
        if was_registered and not net.registered:
            for cid in list(net.contexts):
                bearer.deactivate(self._modem, cid, by="network")
        network_status.announce(self._modem)
