"""SIMCom's AT+CPSI? (system information: serving cell and signal) and AT+CPMUTEMP.

`+CPSI: <system mode>,<operation mode>[,...]`, one layout per system mode (SIM7500/SIM7600,
SIM7000/SIM7080 and SIM8200 AT command manuals, section "AT+CPSI"), with real replies:
- `GSM,Online,<MCC>-<MNC>,<LAC>,<cell id>,<ARFCN>[ <band>],<RxLev dBm>,<track LO adjust>,<C1>-<C2>`:
  `+CPSI: GSM,Online,460-00,0x182d,12401,27 EGSM 900,-64,2110,42-42` (manual),
  `+CPSI: GSM,Online,262-03,0xe2d1,8926,754 DCS 1800,-88,0,18-18` (botletics/SIM7000-LTE-Shield
  issue #129), `+CPSI: GSM,Online,286-01,0x2B5C,12401,27,-64,2110,42-42` (no band name).
- `WCDMA,Online,<MCC>-<MNC>,<LAC>,<cell id>,<band>,<PSC>,<UARFCN>,<SSC>,<Ec/Io>,<RSCP>,<Qual>,
  <RxLev>,<TXPWR>`, Ec/Io and RSCP printed as magnitudes: `+CPSI: WCDMA,Online,505-01,0x0152,
  14302219,WCDMA 850,214,4436,0,12.5,83,23,36,500` (-12.5 dB, -83 dBm).
- `LTE,Online,<MCC>-<MNC>,<TAC>,<cell id>,<PCI>,EUTRAN-BAND<n>,<EARFCN>,<dlbw>,<ulbw>,<RSRQ>,<RSRP>,
  <RSSI>,<RSSNR>`: SIM7600 firmware prints RSRQ, RSRP and RSSI in tenths (`-108,-889,-614,19`,
  SIM7906 in 4IceG/luci-app-3ginfo-lite issue #61), SIM7000/SIM7080 firmware in whole units
  (`+CPSI: LTE CAT-M1,Online,310-410,0x9709,111159055,393,EUTRAN-BAND12,5110,3,3,-16,-113,-83,10`,
  Xinyuan-LilyGO/LilyGO-T-SIM7000G issue #16; `LTE NB-IOT`). The RSRP tells which: 3GPP's RSRP
  range (-156..-31 dBm) and its tenths do not overlap, so the scale is read from the number and
  never from the model. An RSRP in neither range (A76xx firmware prints positive indexes) leaves
  the three values unknown. RSSNR is whole dB.
- SIM8200 (5G): an EN-DC second line `+CPSI: NR5G,<PCI>,<NR-ARFCN>,<RSRQ>,<RSRP>,<SNR in tenths>`
  (manual example `+CPSI: NR5G,257,629952,-11,-92,153`), or in SA `+CPSI: NR5G,Online,<MCC>-<MNC>,
  <TAC>,<cell id>,<PCI>,<NR-ARFCN>,<RSRP>,<RSRQ>,<SNR>`; `+CPSI: NOT IN EN-DC CONNECTED MODE`
  when the NR leg is not up.
- `NO SERVICE,Online` (or `,Low Power Mode`, `,Powering Off`: Freematics issue #81).
Other system modes (CDMA, EVDO, TDS-CDMA, HDR) are reported by name with no cell.

`+CPMUTEMP: <degrees C>` (`+CPMUTEMP: 46` in public SIM7600 and A76xx drivers).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .cell import RSRP_RANGE, ServingCell, SignalQuality
from .errors import UnexpectedReply
from .fields import (
    decimal,
    hexadecimal,
    in_range,
    integer,
    only_payload,
    payloads,
    plmn,
    require_fields,
    split_fields,
)
from .technology import Technology

COMMAND: Final = "AT+CPSI?"
_LTE_MODES: Final = {
    "LTE": Technology.LTE,
    "LTE CAT-M1": Technology.LTE_M,
    "CAT-M1": Technology.LTE_M,
    "LTE CAT-M": Technology.LTE_M,
    "LTE NB-IOT": Technology.NB_IOT,
    "NB-IOT": Technology.NB_IOT,
}
_GSM_BANDS: Final = {
    "GSM 850": 850,
    "EGSM 900": 900,
    "PGSM 900": 900,
    "GSM 900": 900,
    "DCS 1800": 1800,
    "PCS 1900": 1900,
}
_WCDMA_BANDS: Final = {
    "WCDMA IMT 2000": 1,
    "WCDMA PCS 1900": 2,
    "WCDMA 1800": 3,
    "WCDMA AWS": 4,
    "WCDMA 850": 5,
    "WCDMA 800": 6,
    "WCDMA 900": 8,
}
_EUTRAN_BAND: Final = "EUTRAN-BAND"
_NR5G: Final = "NR5G"


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """One AT+CPSI? reply: the system mode and, when camped, the serving cell and its signal.

    `nr_cell` and `nr_signal` describe the NR leg of an EN-DC connection (its `mcc`,
    `area_code` and `cell_id` are not reported on that line).
    """

    system_mode: str
    operation_mode: str | None
    technology: Technology | None = None
    cell: ServingCell | None = None
    signal: SignalQuality | None = None
    nr_cell: ServingCell | None = None
    nr_signal: SignalQuality | None = None


def _plmn(text: str, line: str) -> tuple[str, str]:
    mcc, dash, mnc = text.partition("-")
    if not dash:
        raise UnexpectedReply(COMMAND, "MCC-MNC was expected", line)
    return plmn(mcc, mnc, COMMAND, line)


def _lte_scale(rsrp: int) -> int | None:
    """10 when the firmware prints tenths, 1 for whole units, None when neither fits."""
    low, high = RSRP_RANGE
    if low <= rsrp <= high:
        return 1
    if low * 10 <= rsrp <= high * 10:
        return 10
    return None


def _gsm(fields: list[str], line: str) -> SystemInfo:
    require_fields(fields, 8, COMMAND, line)
    mcc, mnc = _plmn(fields[2], line)
    channel_text, _space, band_name = fields[5].partition(" ")
    band_name = " ".join(band_name.split()).upper()
    band = _GSM_BANDS.get(band_name)
    cell = ServingCell(
        Technology.GSM,
        mcc,
        mnc,
        area_code=hexadecimal(fields[3], COMMAND, line),
        cell_id=integer(fields[4], COMMAND, line),
        physical_id=None,
        band=band,
        channel=integer(channel_text, COMMAND, line),
    )
    signal = SignalQuality.measured(rssi_dbm=integer(fields[6], COMMAND, line))
    return SystemInfo("GSM", fields[1], Technology.GSM, cell, signal)


def _negative(value: float) -> float:
    """WCDMA prints RSCP and Ec/Io as magnitudes; both are at most 0 in dBm / dB."""
    return -abs(value)


def _wcdma(fields: list[str], line: str) -> SystemInfo:
    require_fields(fields, 11, COMMAND, line)
    mcc, mnc = _plmn(fields[2], line)
    band_name = " ".join(fields[5].split()).upper()
    cell = ServingCell(
        Technology.UMTS,
        mcc,
        mnc,
        area_code=hexadecimal(fields[3], COMMAND, line),
        cell_id=integer(fields[4], COMMAND, line),
        physical_id=integer(fields[6], COMMAND, line),
        band=_WCDMA_BANDS.get(band_name),
        channel=integer(fields[7], COMMAND, line),
    )
    signal = SignalQuality.measured(
        ecio_db=_negative(decimal(fields[9], COMMAND, line)),
        rscp_dbm=_negative(decimal(fields[10], COMMAND, line)),
    )
    return SystemInfo("WCDMA", fields[1], Technology.UMTS, cell, signal)


def _band(text: str, prefix: str, line: str) -> int:
    if not text.upper().startswith(prefix):
        raise UnexpectedReply(COMMAND, f"a band ({prefix}<n>) was expected", line)
    return integer(text[len(prefix) :], COMMAND, line)


def _lte(mode: str, technology: Technology, fields: list[str], line: str) -> SystemInfo:
    require_fields(fields, 14, COMMAND, line)
    mcc, mnc = _plmn(fields[2], line)
    cell = ServingCell(
        technology,
        mcc,
        mnc,
        area_code=hexadecimal(fields[3], COMMAND, line),
        cell_id=integer(fields[4], COMMAND, line),
        physical_id=integer(fields[5], COMMAND, line),
        band=_band(fields[6], _EUTRAN_BAND, line),
        channel=integer(fields[7], COMMAND, line),
    )
    rsrq, rsrp, rssi = (integer(text, COMMAND, line) for text in fields[10:13])
    sinr = integer(fields[13], COMMAND, line)
    scale = _lte_scale(rsrp)
    if scale is None:
        signal = SignalQuality.measured(sinr_db=sinr)
    else:
        signal = SignalQuality.measured(
            rsrq_db=rsrq / scale, rsrp_dbm=rsrp / scale, rssi_dbm=rssi / scale, sinr_db=sinr
        )
    return SystemInfo(mode, fields[1], technology, cell, signal)


def _nr_secondary(fields: list[str], line: str) -> tuple[ServingCell, SignalQuality]:
    """`NR5G,<PCI>,<NR-ARFCN>,<RSRQ>,<RSRP>,<SNR tenths>` of an EN-DC connection."""
    require_fields(fields, 6, COMMAND, line)
    cell = ServingCell(
        Technology.NR5G_NSA,
        None,
        None,
        area_code=None,
        cell_id=None,
        physical_id=integer(fields[1], COMMAND, line),
        band=None,
        channel=integer(fields[2], COMMAND, line),
    )
    signal = SignalQuality.measured(
        rsrq_db=integer(fields[3], COMMAND, line),
        rsrp_dbm=integer(fields[4], COMMAND, line),
        sinr_db=integer(fields[5], COMMAND, line) / 10,
    )
    return cell, signal


def _nr_standalone(fields: list[str], line: str) -> SystemInfo:
    """`NR5G,Online,<MCC>-<MNC>,<TAC>,<cell id>,<PCI>,<NR-ARFCN>,<RSRP>,<RSRQ>,<SNR>`."""
    require_fields(fields, 10, COMMAND, line)
    mcc, mnc = _plmn(fields[2], line)
    cell = ServingCell(
        Technology.NR5G_SA,
        mcc,
        mnc,
        area_code=hexadecimal(fields[3], COMMAND, line),
        cell_id=integer(fields[4], COMMAND, line),
        physical_id=integer(fields[5], COMMAND, line),
        band=None,
        channel=integer(fields[6], COMMAND, line),
    )
    signal = SignalQuality.measured(
        rsrp_dbm=integer(fields[7], COMMAND, line),
        rsrq_db=integer(fields[8], COMMAND, line),
        sinr_db=integer(fields[9], COMMAND, line),
    )
    return SystemInfo(_NR5G, fields[1], Technology.NR5G_SA, cell, signal)


def _first(payload: str) -> SystemInfo:
    fields = split_fields(payload)
    mode = " ".join(fields[0].split()).upper()
    if len(fields) < 2:
        raise UnexpectedReply(COMMAND, "no operation mode", payload)
    if mode == "NO SERVICE":
        return SystemInfo(mode, fields[1])
    if mode == "GSM":
        return _gsm(fields, payload)
    if mode == "WCDMA":
        return _wcdma(fields, payload)
    if mode in _LTE_MODES:
        return _lte(mode, _LTE_MODES[mode], fields, payload)
    if mode == _NR5G:
        return _nr_standalone(fields, payload)
    return SystemInfo(mode, fields[1])


def parse_cpsi(lines: Sequence[str]) -> SystemInfo:
    """The reply to AT+CPSI? (one line, or two for SIM8200's EN-DC)."""
    found = payloads(lines, "+CPSI:")
    if not found or len(found) > 2:
        raise UnexpectedReply(COMMAND, f"{len(found)} +CPSI lines, one or two expected")
    info = _first(found[0])
    if len(found) == 1:
        return info
    second = split_fields(found[1])
    if " ".join(second[0].split()).upper() == "NOT IN EN-DC CONNECTED MODE":
        return info
    if second[0].upper() != _NR5G or info.technology is not Technology.LTE:
        raise UnexpectedReply(COMMAND, "a second line other than an EN-DC NR5G line", found[1])
    nr_cell, nr_signal = _nr_secondary(second, found[1])
    return SystemInfo(
        info.system_mode,
        info.operation_mode,
        Technology.NR5G_NSA,
        info.cell,
        info.signal,
        nr_cell,
        nr_signal,
    )


_TEMPERATURE_RANGE: Final = (-40, 125)
"""Industrial modules' operating range (SIM7600 hardware design: -40 to +85 C) with margin."""


def parse_cpmutemp(lines: Sequence[str]) -> int:
    """`+CPMUTEMP: <degrees C>`."""
    command = "AT+CPMUTEMP"
    payload = only_payload(lines, "+CPMUTEMP:", command)
    fields = split_fields(payload)
    value = integer(fields[0], command, payload)
    return in_range(value, *_TEMPERATURE_RANGE, command, "temperature", payload)
