"""What one status poll found: frozen values, one type for every module family.

A value the poll did not read (the SIM was locked, so nothing after AT+CPIN? was asked; the
family has no command for it; the user did not enable the entity that shows it) is None, never
a guess. Units are 3GPP's: dBm for powers, dB for ratios (readings/cell.py).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from ..readings import (
    DataCounters,
    Imsi,
    PdpAddress,
    RegistrationState,
    ServingCell,
    SignalQuality,
    SimState,
    Technology,
)


class Reading(StrEnum):
    """A reading a family may or may not report; entities exist only for those it does.

    Every family reports the SIM state, registration and roaming, the technology, the received
    signal (RSSI) and the data context's address; these are what differs.
    """

    RSRP = "rsrp"
    RSRQ = "rsrq"
    SINR = "sinr"
    CELL_ID = "cell_id"
    AREA_CODE = "area_code"
    PHYSICAL_CELL_ID = "physical_cell_id"
    BAND = "band"
    CHANNEL = "channel"
    PLMN = "plmn"
    OPERATOR = "operator"
    TEMPERATURE = "temperature"
    DATA_COUNTERS = "data_counters"


ON_DEMAND = frozenset({Reading.OPERATOR, Reading.TEMPERATURE, Reading.DATA_COUNTERS})
"""Readings that cost a command of their own: asked only when the caller wants them."""


@dataclass(frozen=True, slots=True)
class SimStatus:
    """What the SIM lets the modem do, and what became of the PIN the host keeps for it."""

    state: SimState
    pin_refused: bool = False
    """The SIM refused the PIN given to the modem; it is not entered again until a new one is
    given (three wrong PINs lock a SIM to its PUK)."""
    pin_known: bool = False
    """A PIN was given to the modem (open_modem(pin=...), Modem.set_pin)."""
    pin_tries: int | None = None
    """Tries left before the SIM wants its PUK, where the family can read them."""
    puk_tries: int | None = None

    @property
    def ready(self) -> bool:
        """The SIM lets the modem register."""
        return self.state.usable


@dataclass(frozen=True, slots=True)
class RadioReading:
    """What a family's serving-cell command measured; None where it did not say."""

    technology: Technology | None = None
    cell: ServingCell | None = None
    signal: SignalQuality = field(default_factory=SignalQuality)


@dataclass(frozen=True, slots=True)
class ModemStatus:
    """One status poll."""

    sim: SimStatus | None
    """None when the modem answered AT+CPIN? with neither a state nor a SIM error."""
    registration: RegistrationState | None = None
    technology: Technology | None = None
    signal: SignalQuality = field(default_factory=SignalQuality)
    cell: ServingCell | None = None
    data_active: bool | None = None
    """The data context is up (it has an address); False without a usable SIM, which no
    network lets carry data; None when it could not be read."""
    address: PdpAddress | None = None
    """The data context's addresses while it is up."""
    operator: str | None = None
    temperature_c: float | None = None
    data_counters: DataCounters | None = None
    imsi: Imsi | None = None
    """The SIM's subscriber identity (read once per SIM); for diagnostics, redacted there."""

    @property
    def registered(self) -> bool:
        """Registered on a network, home or visited."""
        return self.registration is not None and self.registration.registered

    @property
    def roaming(self) -> bool | None:
        """On a visited network; None when the registration was not read."""
        if self.registration is None:
            return None
        return self.registration.roaming


__all__ = ["ON_DEMAND", "ModemStatus", "RadioReading", "Reading", "SimStatus"]
