"""Quectel's status commands: AT+QENG="servingcell", AT+QCSQ, AT+QTEMP and AT+QGDCNT.

`+QENG: "servingcell",<state>[,<rat>,...]`; <state> SEARCH, LIMSRV, NOCONN or CONNECT; `-` for
a value that does not apply (Quectel EC2x, BG96, RM500Q AT manuals, AT+QENG), with real replies:
- LTE: `+QENG: "servingcell","NOCONN","LTE","FDD",222,88,243800E,20,3350,7,5,5,3AC9,-86,-13,-52,
  15,-` (EC25-family, 4IceG/luci-app-3ginfo-lite issue #111): MCC, MNC, cell id (hex), PCI,
  EARFCN, band, UL/DL bandwidth, TAC (hex), RSRP, RSRQ, RSSI, SINR, srxlev; RM5xx firmware adds
  CQI and TX power before srxlev. SINR is printed in dB here: EP06-E, EG06-E and EC200T owners
  compared it with their QMI readings (luci-app-3ginfo-lite issues #108 and #43, obsy/modemdata
  issue #12), though some manuals describe fifths of a dB as for AT+QCSQ.
- BG96: the LTE layout under `"CAT-M"` / `"CAT-NB"` (`+QENG: "servingcell","CONNECT","CAT-M",
  "FDD",262,03,2FAA03,187,6200,20,3,3,2AFB,-105,-11,-76,10,-` in a public BG96 driver).
- WCDMA: `...,"WCDMA",<MCC>,<MNC>,<LAC>,<cell id>,<UARFCN>,<PSC>,<RAC>,<RSCP>,<ecio>,...`
  (`+QENG: "servingcell","NOCONN","WCDMA",515,03,3AB2,B55EEFF,3037,352,1,-94,-15,-,-,-,-,-`).
- GSM: `...,"GSM",<MCC>,<MNC>,<LAC>,<cell id>,<BSIC>,<ARFCN>,<band>,<rxlev dBm>,...`
  (`+QENG: "servingcell","NOCONN","GSM",250,99,DC51,B919,26,50,-,-73,255,255,0,38,38,1,...`).
- NR5G-SA: `...,"NR5G-SA",<duplex>,<MCC>,<MNC>,<cell id>,<PCI>,<TAC>,<ARFCN>,<band>,<NR DL bw>,
  <RSRP>,<RSRQ>,<SINR>,<scs>,<srxlev>` (`"NR5G-SA","TDD", 515,66,100072000,538,114000,620640,78,12,
  -109,-12,14,1,-`, a space after a comma included: luci-app-3ginfo-lite issue #57).
- NR5G-NSA: three lines, `+QENG: "servingcell","NOCONN"`, the LTE anchor `+QENG: "LTE","FDD",...`
  and `+QENG:"NR5G-NSA",<MCC>,<MNC>,<PCI>,<RSRP>,<SINR>,<RSRQ>,<ARFCN>,<band>,<NR DL bw>,<scs>`,
  printed without a space after the colon (RM500Q, luci-app-3ginfo-lite issue #56).

`+QCSQ: <sysmode>[,...]`: `"NOSERVICE"`; `"GSM",<rssi>`; `"WCDMA",<rssi>,<rscp>,<ecio>` (the
RSSI printed as a magnitude: `"WCDMA",61,-61,-6` in a public UC20 note, ofono's Quectel driver
flips its sign); `"LTE",<rssi>,<rsrp>,<sinr>,<rsrq>` with SINR in fifths of a dB above -20
(0..250; `+QCSQ: "LTE",-69,-102,150,-12` is 10 dB); BG96 `"CAT-M1"` / `"CAT-NB1"` and BG95
`"eMTC"` / `"NBIoT"` with the LTE fields (FreeRTOS-Cellular-Interface PR #25); RM500Q
`"NR5G",<rsrp>,<sinr>,<rsrq>`, whose SINR encoding no source documents, so it is left unknown.

`+QTEMP: <pmic>,<xo>,<pa>` (EC2x/BG96 manuals; `+QTEMP: 38,255,255` with absent sensors from an
EC200T, luci-app-3ginfo-lite issue #43), or one named sensor a line on newer firmware
(`+QTEMP: "qfe_wtr_pa0","57"`, `+QTEMP: "cpuss-0",46`).

`+QGDCNT: <bytes sent>,<bytes received>` (EC2x manual, AT+QGDCNT; `+QGDCNT: 15298,59586` in a
public field report).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .cell import ServingCell, SignalQuality
from .errors import UnexpectedReply
from .fields import (
    integer,
    only_payload,
    optional_hexadecimal,
    optional_integer,
    payloads,
    plausible,
    plmn,
    require_fields,
    split_fields,
)
from .technology import Technology

QENG: Final = 'AT+QENG="servingcell"'
_LTE_RATS: Final = {"LTE": Technology.LTE, "CAT-M": Technology.LTE_M, "CAT-NB": Technology.NB_IOT}
_STATES: Final = frozenset({"SEARCH", "LIMSRV", "NOCONN", "CONNECT"})


@dataclass(frozen=True, slots=True)
class ServingCellInfo:
    """One AT+QENG="servingcell" reply: the state and, when camped, the cell and its signal.

    `nr_cell` and `nr_signal` describe the NR leg of an EN-DC connection (no identity of its own
    is printed for it).
    """

    state: str
    technology: Technology | None = None
    cell: ServingCell | None = None
    signal: SignalQuality | None = None
    nr_cell: ServingCell | None = None
    nr_signal: SignalQuality | None = None


@dataclass(frozen=True, slots=True)
class _SignalAt:
    """Where a +QENG line prints each measurement (None: the technology has no such value)."""

    rssi_dbm: int | None = None
    rsrp_dbm: int | None = None
    rsrq_db: int | None = None
    sinr_db: int | None = None
    rscp_dbm: int | None = None
    ecio_db: int | None = None


@dataclass(frozen=True, slots=True)
class _QengLayout:
    """Where one technology's +QENG line prints each value, counted after the RAT name.

    Every layout is read the same way (identities in hexadecimal, the rest decimal, `-` for a
    value that does not apply): only the positions differ, as the module docstring lists them.
    """

    count: int
    """Fields the line has at least."""
    mcc: int
    """The MCC's position; the MNC follows it."""
    area_code: int | None
    cell_id: int | None
    physical_id: int | None
    band: int | None
    channel: int
    signal: _SignalAt


_LTE_LAYOUT: Final = _QengLayout(
    # <is_tdd>,<MCC>,<MNC>,<cell id>,<PCI>,<EARFCN>,<band>,<ul bw>,<dl bw>,<TAC>,<RSRP>,<RSRQ>,
    # <RSSI>,<SINR>,...
    count=14,
    mcc=1,
    area_code=9,
    cell_id=3,
    physical_id=4,
    band=6,
    channel=5,
    signal=_SignalAt(rsrp_dbm=10, rsrq_db=11, rssi_dbm=12, sinr_db=13),
)
_WCDMA_LAYOUT: Final = _QengLayout(
    count=9,
    mcc=0,
    area_code=2,
    cell_id=3,
    physical_id=5,
    band=None,
    channel=4,
    signal=_SignalAt(rscp_dbm=7, ecio_db=8),
)
_GSM_LAYOUT: Final = _QengLayout(
    count=8,
    mcc=0,
    area_code=2,
    cell_id=3,
    physical_id=4,
    band=None,
    channel=5,
    signal=_SignalAt(rssi_dbm=7),
)
_NR_STANDALONE_LAYOUT: Final = _QengLayout(
    # <duplex>,<MCC>,<MNC>,<cell id>,<PCI>,<TAC>,<ARFCN>,<band>,<bw>,<RSRP>,<RSRQ>,<SINR>,...
    count=12,
    mcc=1,
    area_code=5,
    cell_id=3,
    physical_id=4,
    band=7,
    channel=6,
    signal=_SignalAt(rsrp_dbm=9, rsrq_db=10, sinr_db=11),
)
_NR_SECONDARY_LAYOUT: Final = _QengLayout(
    # <MCC>,<MNC>,<PCI>,<RSRP>,<SINR>,<RSRQ>,<ARFCN>,<band>,... of the EN-DC NR leg (no identity
    # of its own is printed for it)
    count=8,
    mcc=0,
    area_code=None,
    cell_id=None,
    physical_id=2,
    band=7,
    channel=6,
    signal=_SignalAt(rsrp_dbm=3, sinr_db=4, rsrq_db=5),
)
_LAYOUTS: Final = {"WCDMA": _WCDMA_LAYOUT, "GSM": _GSM_LAYOUT, "NR5G-SA": _NR_STANDALONE_LAYOUT}
_TECHNOLOGIES: Final = {
    **_LTE_RATS,
    "WCDMA": Technology.UMTS,
    "GSM": Technology.GSM,
    "NR5G-SA": Technology.NR5G_SA,
}


def _read(
    technology: Technology, layout: _QengLayout, fields: list[str], line: str
) -> tuple[ServingCell, SignalQuality]:
    """The cell and its signal from one technology's fields, read where `layout` says."""
    require_fields(fields, layout.count, QENG, line)
    mcc, mnc = plmn(fields[layout.mcc], fields[layout.mcc + 1], QENG, line)

    def hexadecimal_at(index: int | None) -> int | None:
        return None if index is None else optional_hexadecimal(fields[index], QENG, line)

    def integer_at(index: int | None) -> int | None:
        return None if index is None else optional_integer(fields[index], QENG, line)

    cell = ServingCell(
        technology,
        mcc,
        mnc,
        area_code=hexadecimal_at(layout.area_code),
        cell_id=hexadecimal_at(layout.cell_id),
        physical_id=integer_at(layout.physical_id),
        band=integer_at(layout.band),
        channel=integer_at(layout.channel),
    )
    at = layout.signal
    signal = SignalQuality.measured(
        rssi_dbm=integer_at(at.rssi_dbm),
        rsrp_dbm=integer_at(at.rsrp_dbm),
        rsrq_db=integer_at(at.rsrq_db),
        sinr_db=integer_at(at.sinr_db),
        rscp_dbm=integer_at(at.rscp_dbm),
        ecio_db=integer_at(at.ecio_db),
    )
    return cell, signal


def _rat_cell(
    rat: str, fields: list[str], line: str
) -> tuple[Technology, ServingCell, SignalQuality]:
    if rat not in _TECHNOLOGIES:
        raise UnexpectedReply(QENG, "unknown radio access technology", line)
    technology = _TECHNOLOGIES[rat]
    cell, signal = _read(technology, _LAYOUTS.get(rat, _LTE_LAYOUT), fields, line)
    return technology, cell, signal


def parse_qeng_servingcell(lines: Sequence[str]) -> ServingCellInfo:
    """The reply to AT+QENG="servingcell" (one line, or three in NR5G-NSA)."""
    found = payloads(lines, "+QENG:")
    if not found:
        raise UnexpectedReply(QENG, "no +QENG line")
    head = split_fields(found[0])
    if head[0].lower() != "servingcell" or len(head) < 2:
        raise UnexpectedReply(QENG, "the first line is not the serving cell's", found[0])
    state = head[1].upper()
    if state not in _STATES:
        raise UnexpectedReply(QENG, "unknown serving cell state", found[0])
    if len(head) > 2:
        if len(found) != 1:
            raise UnexpectedReply(QENG, f"{len(found)} +QENG lines, one expected")
        technology, cell, signal = _rat_cell(head[2].upper(), head[3:], found[0])
        return ServingCellInfo(state, technology, cell, signal)
    if len(found) == 1:
        return ServingCellInfo(state)
    return _non_standalone(state, found[1:])


def _non_standalone(state: str, found: list[str]) -> ServingCellInfo:
    """The LTE anchor line and the NR5G-NSA line that follow `"servingcell",<state>`."""
    by_rat = {split_fields(payload)[0].upper(): payload for payload in found}
    if len(by_rat) != len(found) or set(by_rat) - {"LTE", "NR5G-NSA"} or "LTE" not in by_rat:
        raise UnexpectedReply(QENG, "an LTE anchor and an NR5G-NSA line were expected")
    lte_fields = split_fields(by_rat["LTE"])
    cell, signal = _read(Technology.LTE, _LTE_LAYOUT, lte_fields[1:], by_rat["LTE"])
    if "NR5G-NSA" not in by_rat:
        return ServingCellInfo(state, Technology.LTE, cell, signal)
    nr_fields = split_fields(by_rat["NR5G-NSA"])
    nr_cell, nr_signal = _read(
        Technology.NR5G_NSA, _NR_SECONDARY_LAYOUT, nr_fields[1:], by_rat["NR5G-NSA"]
    )
    return ServingCellInfo(state, Technology.NR5G_NSA, cell, signal, nr_cell, nr_signal)


@dataclass(frozen=True, slots=True)
class QcsqReading:
    """One AT+QCSQ reply: the system mode and what it measures (None without service)."""

    system_mode: str
    technology: Technology | None = None
    signal: SignalQuality | None = None
    nr_signal: SignalQuality | None = None


_QCSQ_LTE: Final = {
    "LTE": Technology.LTE,
    "CAT-M1": Technology.LTE_M,
    "EMTC": Technology.LTE_M,
    "CAT-NB1": Technology.NB_IOT,
    "NBIOT": Technology.NB_IOT,
}
_SINR_FIFTHS_MAX: Final = 250


def sinr_from_fifths(value: int | None) -> float | None:
    """AT+QCSQ's SINR: 0..250 stand for -20..+30 dB in fifths of a dB; else not known."""
    if value is None or not 0 <= value <= _SINR_FIFTHS_MAX:
        return None
    return -20 + value / 5


def _qcsq_line(fields: list[str], line: str) -> tuple[str, Technology | None, SignalQuality | None]:
    command = "AT+QCSQ"
    mode = fields[0].upper()
    values = [optional_integer(text, command, line) for text in fields[1:]]
    if mode == "NOSERVICE":
        return mode, None, None
    if mode == "GSM":
        require_fields(fields, 2, command, line)
        return mode, Technology.GSM, SignalQuality.measured(rssi_dbm=values[0])
    if mode == "WCDMA":
        require_fields(fields, 4, command, line)
        rssi = values[0]
        return (
            mode,
            Technology.UMTS,
            SignalQuality.measured(
                rssi_dbm=None if rssi is None else -abs(rssi), rscp_dbm=values[1], ecio_db=values[2]
            ),
        )
    if mode in _QCSQ_LTE:
        require_fields(fields, 5, command, line)
        return (
            mode,
            _QCSQ_LTE[mode],
            SignalQuality.measured(
                rssi_dbm=values[0],
                rsrp_dbm=values[1],
                sinr_db=sinr_from_fifths(values[2]),
                rsrq_db=values[3],
            ),
        )
    if mode == "NR5G":
        require_fields(fields, 4, command, line)
        return (
            mode,
            Technology.NR5G_SA,
            SignalQuality.measured(rsrp_dbm=values[0], rsrq_db=values[2]),
        )
    return mode, None, None


def parse_qcsq(lines: Sequence[str]) -> QcsqReading:
    """The reply to AT+QCSQ (an LTE line and an NR5G line in NR5G-NSA)."""
    command = "AT+QCSQ"
    found = payloads(lines, "+QCSQ:")
    if not found or len(found) > 2:
        raise UnexpectedReply(command, f"{len(found)} +QCSQ lines, one or two expected")
    mode, technology, signal = _qcsq_line(split_fields(found[0]), found[0])
    if len(found) == 1:
        return QcsqReading(mode, technology, signal)
    second_mode, _technology, nr_signal = _qcsq_line(split_fields(found[1]), found[1])
    if technology is not Technology.LTE or second_mode != "NR5G":
        raise UnexpectedReply(command, "a second line other than NR5G after LTE", found[1])
    return QcsqReading(mode, Technology.NR5G_NSA, signal, nr_signal)


@dataclass(frozen=True, slots=True)
class ModuleTemperature:
    """Every sensor the module reported, by name, in degrees Celsius (None: sensor absent)."""

    sensors: tuple[tuple[str, float | None], ...]

    @property
    def hottest_c(self) -> float | None:
        """The hottest sensor: what decides whether the module throttles or shuts down."""
        known = [value for _name, value in self.sensors if value is not None]
        return max(known) if known else None


_POSITIONAL_SENSORS: Final = ("pmic", "xo", "pa")
_ABSENT_SENSOR: Final = 255
_TEMPERATURE_RANGE: Final = (-40.0, 150.0)


def _celsius(text: str, line: str) -> float | None:
    value = integer(text, "AT+QTEMP", line)
    if value == _ABSENT_SENSOR:
        return None
    return plausible(float(value), *_TEMPERATURE_RANGE)


def parse_qtemp(lines: Sequence[str]) -> ModuleTemperature:
    """`+QTEMP: <pmic>,<xo>,<pa>`, or named sensors one per line (`+QTEMP: "cpuss-0",46`)."""
    command = "AT+QTEMP"
    found = payloads(lines, "+QTEMP:")
    if not found:
        raise UnexpectedReply(command, "no +QTEMP line")
    sensors: list[tuple[str, float | None]] = []
    for payload in found:
        fields = split_fields(payload)
        named = not (fields[0].lstrip("-").isdigit())
        if not named:
            if len(found) != 1:
                raise UnexpectedReply(command, "positional sensors on more than one line", payload)
            names = _POSITIONAL_SENSORS if len(fields) == 3 else tuple(map(str, range(len(fields))))
            sensors += [
                (name, _celsius(text, payload)) for name, text in zip(names, fields, strict=True)
            ]
            continue
        if len(fields) % 2:
            raise UnexpectedReply(command, "a sensor name without a value", payload)
        sensors += [
            (fields[index], _celsius(fields[index + 1], payload))
            for index in range(0, len(fields), 2)
        ]
    return ModuleTemperature(tuple(sensors))


@dataclass(frozen=True, slots=True)
class DataCounters:
    """The module's own byte counters since they were last cleared."""

    sent_bytes: int
    received_bytes: int


def parse_qgdcnt(lines: Sequence[str]) -> DataCounters:
    """`+QGDCNT: <bytes sent>,<bytes received>`."""
    command = "AT+QGDCNT?"
    payload = only_payload(lines, "+QGDCNT:", command)
    fields = split_fields(payload)
    require_fields(fields, 2, command, payload)
    sent, received = (integer(text, command, payload) for text in fields[:2])
    if sent < 0 or received < 0:
        raise UnexpectedReply(command, "byte counts cannot be negative", payload)
    return DataCounters(sent, received)
