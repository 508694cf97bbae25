"""The serving cell and its signal, one shape for every family's engineering command.

A dashboard shows the same things whichever command they came from (SIMCom AT+CPSI?, Quectel
AT+QENG="servingcell"), so both parsers give these two frozen types. Units are those of 3GPP:
dBm for powers (RSRP, RSSI, RSCP), dB for ratios (RSRQ, SINR, Ec/Io). None means the module did
not report the value, or reported a placeholder no radio can measure.
"""

from dataclasses import dataclass
from typing import Final

from .fields import plausible
from .technology import Technology

# What a radio can measure; outside these a number is a firmware placeholder. RSRP and RSRQ
# include the extended ranges of 3GPP TS 36.133 section 9.1 (RSRP down to -156 dBm, RSRQ from
# -34 to 2.5 dB); RSSI and RSCP span TS 25.133 / 45.008 reporting ranges with margin.
RSRP_RANGE: Final = (-156.0, -31.0)
RSRQ_RANGE: Final = (-34.0, 3.0)
RSSI_RANGE: Final = (-130.0, 0.0)
SINR_RANGE: Final = (-30.0, 60.0)
RSCP_RANGE: Final = (-130.0, -20.0)
ECIO_RANGE: Final = (-30.0, 0.0)


@dataclass(frozen=True, slots=True)
class ServingCell:
    """Where the modem is camped.

    `area_code` is the LAC on GSM and UMTS and the TAC on LTE and NR; `physical_id` the PCI on
    LTE and NR, the primary scrambling code on UMTS, the BSIC on GSM; `channel` the EARFCN,
    UARFCN, ARFCN or NR-ARFCN; `band` the 3GPP operating band number (GSM: 850, 900, 1800, 1900).
    """

    technology: Technology
    mcc: str | None
    mnc: str | None
    area_code: int | None
    cell_id: int | None
    physical_id: int | None
    band: int | None
    channel: int | None

    @property
    def plmn(self) -> str | None:
        """`262-01`, as dashboards and cell databases write it."""
        if self.mcc is None or self.mnc is None:
            return None
        return f"{self.mcc}-{self.mnc}"


@dataclass(frozen=True, slots=True)
class SignalQuality:
    """What the modem measures on one cell; only the technology's own values are set."""

    rssi_dbm: float | None = None
    rsrp_dbm: float | None = None
    rsrq_db: float | None = None
    sinr_db: float | None = None
    rscp_dbm: float | None = None
    ecio_db: float | None = None

    @classmethod
    def measured(
        cls,
        *,
        rssi_dbm: float | None = None,
        rsrp_dbm: float | None = None,
        rsrq_db: float | None = None,
        sinr_db: float | None = None,
        rscp_dbm: float | None = None,
        ecio_db: float | None = None,
    ) -> SignalQuality:
        """Values as a module printed them, placeholders turned into None."""
        return cls(
            rssi_dbm=plausible(rssi_dbm, *RSSI_RANGE),
            rsrp_dbm=plausible(rsrp_dbm, *RSRP_RANGE),
            rsrq_db=plausible(rsrq_db, *RSRQ_RANGE),
            sinr_db=plausible(sinr_db, *SINR_RANGE),
            rscp_dbm=plausible(rscp_dbm, *RSCP_RANGE),
            ecio_db=plausible(ecio_db, *ECIO_RANGE),
        )
