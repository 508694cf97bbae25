"""Signal quality from the 3GPP commands: AT+CSQ and AT+CESQ, with 27.007's conversion tables.

Each index stands for a 1 dB (or 0.5 dB) wide interval; the value given back is the interval's
lower bound, and the open ends (`-113 dBm or less`, `-44 dBm or more`) their bound. Sentinels
(99, 255) mean "not known or not detectable" and become None. An index no table holds is
refused (`ValueOutOfRange`), never clamped.

- `+CSQ: <rssi>,<ber>` (27.007 section 8.5): rssi 0 = -113 dBm or less, 1 = -111, 2..30 =
  -109..-53 in 2 dB steps, 31 = -51 or more, 99 unknown; ber 0..7 (RXQUAL), 99 unknown.
- `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>` (27.007 section 8.69): rxlev 0..63
  (-110 dBm steps of 1, TS 45.008 section 8.1.4), rscp 0..96 (-120 dBm steps of 1, TS 25.133
  section 9.1.1.3), ecno 0..49 (-24 dB steps of 0.5, TS 25.133 section 9.1.2.3), rsrq 0..34
  (-19.5 dB steps of 0.5, TS 36.133 section 9.1.7), rsrp 0..97 (-140 dBm steps of 1, TS 36.133
  section 9.1.4); 99 / 255 unknown. `+CESQ:99,99,255,255,12,40` (obsy/packages issue #3) is an
  LTE modem at RSRQ -14 dB and RSRP -101 dBm.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .fields import in_range, integer, only_payload, require_fields, split_fields

_UNKNOWN_SMALL: Final = 99
_UNKNOWN_LARGE: Final = 255


def _index(text: str, high: int, unknown: int, command: str, what: str, line: str) -> int | None:
    value = integer(text, command, line)
    if value == unknown:
        return None
    return in_range(value, 0, high, command, what, line)


def csq_rssi_dbm(index: int) -> int:
    """AT+CSQ <rssi> 0..31 to dBm."""
    return -113 + 2 * index


def rxlev_dbm(index: int) -> int:
    """AT+CESQ <rxlev> 0..63 to dBm (0: below -110)."""
    return -111 + index


def rscp_dbm(index: int) -> int:
    """AT+CESQ <rscp> 0..96 to dBm (0: below -120)."""
    return -121 + index


def ecno_db(index: int) -> float:
    """AT+CESQ <ecno> 0..49 to dB (0: below -24)."""
    return -24.5 + index / 2


def rsrq_db(index: int) -> float:
    """AT+CESQ <rsrq> 0..34 to dB (0: below -19.5)."""
    return -20.0 + index / 2


def rsrp_dbm(index: int) -> int:
    """AT+CESQ <rsrp> 0..97 to dBm (0: below -140)."""
    return -141 + index


@dataclass(frozen=True, slots=True)
class Csq:
    """AT+CSQ: the received signal strength, and GSM's bit error rate class (RXQUAL 0-7)."""

    rssi_dbm: int | None
    ber: int | None


def parse_csq(lines: Sequence[str]) -> Csq:
    """The reply to AT+CSQ."""
    command = "AT+CSQ"
    payload = only_payload(lines, "+CSQ:", command)
    fields = split_fields(payload)
    require_fields(fields, 2, command, payload)
    rssi = _index(fields[0], 31, _UNKNOWN_SMALL, command, "rssi", payload)
    ber = _index(fields[1], 7, _UNKNOWN_SMALL, command, "ber", payload)
    return Csq(None if rssi is None else csq_rssi_dbm(rssi), ber)


@dataclass(frozen=True, slots=True)
class Cesq:
    """AT+CESQ: each technology fills its own values, the others are None."""

    rxlev_dbm: int | None
    ber: int | None
    rscp_dbm: int | None
    ecno_db: float | None
    rsrq_db: float | None
    rsrp_dbm: int | None


def parse_cesq(lines: Sequence[str]) -> Cesq:
    """The reply to AT+CESQ."""
    command = "AT+CESQ"
    payload = only_payload(lines, "+CESQ:", command)
    fields = split_fields(payload)
    require_fields(fields, 6, command, payload)
    rxlev = _index(fields[0], 63, _UNKNOWN_SMALL, command, "rxlev", payload)
    ber = _index(fields[1], 7, _UNKNOWN_SMALL, command, "ber", payload)
    rscp = _index(fields[2], 96, _UNKNOWN_LARGE, command, "rscp", payload)
    ecno = _index(fields[3], 49, _UNKNOWN_LARGE, command, "ecno", payload)
    rsrq = _index(fields[4], 34, _UNKNOWN_LARGE, command, "rsrq", payload)
    rsrp = _index(fields[5], 97, _UNKNOWN_LARGE, command, "rsrp", payload)
    return Cesq(
        rxlev_dbm=None if rxlev is None else rxlev_dbm(rxlev),
        ber=ber,
        rscp_dbm=None if rscp is None else rscp_dbm(rscp),
        ecno_db=None if ecno is None else ecno_db(ecno),
        rsrq_db=None if rsrq is None else rsrq_db(rsrq),
        rsrp_dbm=None if rsrp is None else rsrp_dbm(rsrp),
    )
