"""SIMCom's own status commands: AT+CPSI? (serving cell and signal) and AT+CPMUTEMP.

`+CPSI:` field layouts, one per system mode, with their sources:
- GSM: `+CPSI: GSM,Online,<MCC>-<MNC>,<LAC>,<Cell ID>,<ARFCN> <band>,<RxLev dBm>,<Track LO
  Adjust>,<C1>-<C2>`, LAC in lower-case hex, cell id decimal: `+CPSI: GSM,Online,460-00,0x182d,
  12401,27 EGSM 900,-64,2110,42-42` (SIM7500/SIM7600 and SIM8200 manual example), `+CPSI: GSM,
  Online,262-03,0xe2d1,8926,754 DCS 1800,-88,0,18-18` (SIM7000 log, botletics/SIM7000-LTE-Shield
  issue #129).
- WCDMA: `+CPSI: WCDMA,Online,<MCC>-<MNC>,<LAC>,<Cell ID>,<band>,<PSC>,<UARFCN>,<SSC>,<EC/IO>,
  <RSCP>,<Qual>,<RxLev>,<TXPWR>`, EC/IO and RSCP as magnitudes, TXPWR 500 when not
  transmitting: `+CPSI: WCDMA,Online,505-01,0x0152,14302219,WCDMA 850,214,4436,0,12.5,83,23,36,500`
  (public SIM7600 scripts quoting a Telstra module), `...,WCDMA IMT 2000,279,10663,0,1.5,62,33,52,
  500` (SIM7600 manual example).
- LTE (SIM7600): `+CPSI: LTE,Online,<MCC>-<MNC>,<TAC>,<SCellID>,<PCellID>,EUTRAN-BAND<n>,
  <EARFCN>,<dlbw>,<ulbw>,<RSRQ>,<RSRP>,<RSSI>,<RSSNR>` with RSRQ, RSRP and RSSI in tenths:
  `+CPSI: LTE,Online,250-02,0x0EF8,22060,58,EUTRAN-BAND3,1725,3,3,-108,-889,-614,19` (SIM7906 log,
  4IceG/luci-app-3ginfo-lite issue #61), `...,-125,-987,-663,10` (a SIM7600NA survey kept in
  Kismet's tests).
- LTE-M and NB-IoT (SIM7000/SIM7080 firmware): same layout, whole dB and dBm: `+CPSI: LTE CAT-M1,
  Online,310-410,0x9709,111159055,393,EUTRAN-BAND12,5110,3,3,-16,-113,-83,10` (LilyGO-T-SIM7000G
  issue #16), `+CPSI: LTE NB-IOT,Online,248-01,0x2AFA,51716400,177,EUTRAN-BAND20,6254,0,0,-10,-63,
  -54,15` (public SIM7000 log).
- NR5G-NSA (SIM8200 firmware): the LTE anchor line, then `+CPSI: NR5G,<PCI>,<ARFCN>,<RSRQ>,<RSRP>,
  <SNR in tenths>` (SIM8200 AT manual V1.00.01 section 4.2.14 example `+CPSI: NR5G,257,629952,
  -11,-92,153`, as Kismet's CPSI tests keep it).
- No coverage: `+CPSI: NO SERVICE,Online` (Freematics issue #81, SIM7000 logs); with the radio off
  the operation mode is `Low Power Mode` (SIM7600 manual: Online, Offline, Factory Test Mode,
  Reset, Low Power Mode).

`AT+CPMUTEMP` -> `+CPMUTEMP: <degrees C>` (`+CPMUTEMP: 46`, `+CPMUTEMP: 24` in public SIM7600 and
A76xx drivers).
"""

from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, PlainError
from modem_emulator.radio import Technology

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

_WCDMA_BANDS: Final = {1: "WCDMA IMT 2000", 5: "WCDMA 850", 8: "WCDMA 900", 2: "WCDMA PCS 1900"}
_LTE_MODES: Final = {
    Technology.LTE: "LTE",
    Technology.LTE_M: "LTE CAT-M1",
    Technology.NB_IOT: "LTE NB-IOT",
    Technology.NR5G_NSA: "LTE",
}
# dlbw/ulbw enumerate 1.4, 3, 5, 10, 15, 20 MHz; LTE-M logs show 3 and NB-IoT logs 0.
_BANDWIDTH: Final = {Technology.LTE_M: 3, Technology.NB_IOT: 0}
_WHOLE_UNITS: Final = frozenset({Technology.LTE_M, Technology.NB_IOT})
_RXLEV_MIN: Final = -106
"""A GSM cell's minimum receive level: C1 and C2 print the margin above it (`-64` -> `42-42`)."""
_QRXLEVMIN: Final = -115
_QQUALMIN: Final = -24


def install(modem: EmulatedModem, *, temperature: bool = True) -> None:
    """Register AT+CPSI and, where the module has it, AT+CPMUTEMP.

    SIM7070/SIM7080 get AT+CPSI? only: no public log or manual text at hand shows their
    AT+CPMUTEMP, so the emulator answers it ERROR rather than invent it.
    """
    modem.register("+CPSI", _cpsi)
    if temperature:
        modem.register("+CPMUTEMP", _cpmutemp)


def cpsi_lines(modem: EmulatedModem) -> list[str]:
    """What AT+CPSI? prints for the current radio state."""
    net = modem.network
    radio = net.radio
    if net.cfun != 1:
        return ["+CPSI: NO SERVICE,Low Power Mode"]
    if not radio.coverage:
        return ["+CPSI: NO SERVICE,Online"]
    cell, signal = radio.cell, radio.signal
    plmn = f"{cell.mcc}-{cell.mnc}"
    if radio.technology is Technology.GSM:
        band = "EGSM 900" if cell.band == 900 else "DCS 1800"
        rxlev = signal.rssi_dbm if signal.rssi_dbm is not None else 0
        c1 = max(0, rxlev - _RXLEV_MIN)
        return [
            f"+CPSI: GSM,Online,{plmn},0x{cell.area_code:04x},{cell.cell_id & 0xFFFF},"
            f"{cell.channel} {band},{rxlev},0,{c1}-{c1}"
        ]
    if radio.technology is Technology.UMTS:
        band = _WCDMA_BANDS.get(cell.band, f"WCDMA BAND{cell.band}")
        srxlev = max(0, signal.rscp_dbm - _QRXLEVMIN)
        squal = max(0, signal.ecio_db - _QQUALMIN)
        return [
            f"+CPSI: WCDMA,Online,{plmn},0x{cell.area_code:04X},{cell.cell_id},{band},{cell.pci},"
            f"{cell.channel},0,{abs(signal.ecio_db):.1f},{abs(signal.rscp_dbm)},{squal},{srxlev},"
            "500"
        ]
    scale = 1 if radio.technology in _WHOLE_UNITS else 10
    bandwidth = _BANDWIDTH.get(radio.technology, 5)
    rssi = signal.rssi_dbm if signal.rssi_dbm is not None else 0
    lines = [
        f"+CPSI: {_LTE_MODES[radio.technology]},Online,{plmn},0x{cell.area_code:04X},"
        f"{cell.cell_id},{cell.pci},EUTRAN-BAND{cell.band},{cell.channel},{bandwidth},{bandwidth},"
        f"{signal.rsrq_db * scale},{signal.rsrp_dbm * scale},{rssi * scale},{signal.sinr_db}"
    ]
    if radio.technology is Technology.NR5G_NSA:
        lines.append(
            f"+CPSI: NR5G,{cell.nr_pci},{cell.nr_arfcn},{signal.nr_rsrq_db},{signal.nr_rsrp_dbm},"
            f"{signal.nr_sinr_db * 10}"
        )
    return lines


async def _cpsi(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line("+CPSI: (0-255)")
        return
    if req.kind != "read":
        raise PlainError
    modem.send_lines(cpsi_lines(modem))


async def _cpmutemp(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        return
    if req.kind != "exec":
        raise PlainError
    modem.send_line(f"+CPMUTEMP: {modem.network.temperature_c}")
