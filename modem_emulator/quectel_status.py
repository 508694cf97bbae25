"""Quectel's own status commands: AT+QENG="servingcell", AT+QCSQ, AT+QTEMP and AT+QGDCNT.

`+QENG: "servingcell",<state>,...` layouts (state `SEARCH`, `LIMSRV`, `NOCONN` or `CONNECT`; `-`
where a value does not apply), with their sources:
- LTE (EC25/EG25/EP06): `"LTE",<is_tdd>,<MCC>,<MNC>,<cellID hex>,<PCID>,<EARFCN>,<band>,<UL bw>,
  <DL bw>,<TAC hex>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,<srxlev>`: `+QENG: "servingcell","NOCONN","LTE",
  "FDD",222,88,243800E,20,3350,7,5,5,3AC9,-86,-13,-52,15,-` (4IceG/luci-app-3ginfo-lite issue
  #111). SINR is printed in dB here (EP06-E, EG06-E and EC200T users in luci-app-3ginfo-lite
  issues #108 and #43, obsy/modemdata issue #12), unlike AT+QCSQ.
- LTE-M and NB-IoT (BG96): the same layout with `"CAT-M"` / `"CAT-NB"`: `+QENG: "servingcell",
  "CONNECT","CAT-M","FDD",262,03,2FAA03,187,6200,20,3,3,2AFB,-105,-11,-76,10,-` (a public BG96
  driver's comments).
- WCDMA: `"WCDMA",<MCC>,<MNC>,<LAC>,<cellID>,<UARFCN>,<PSC>,<RAC>,<RSCP>,<ecio>,<phych>,<SF>,
  <slot>,<speech_code>,<comMod>`: `+QENG: "servingcell","NOCONN","WCDMA",515,03,3AB2,B55EEFF,3037,
  352,1,-94,-15,-,-,-,-,-` (public Quectel driver comments).
- GSM: `"GSM",<MCC>,<MNC>,<LAC>,<cellid>,<BSIC>,<ARFCN>,<band>,<rxlev>,<txp>,<rla>,<drx>,<c1>,<c2>,
  <gprs>,<tch>,<ts>,<ta>,<maio>,<hsn>,<rxlevsub>,<rxlevfull>,<rxqualsub>,<rxqualfull>,<voicecodec>`:
  `+QENG: "servingcell","NOCONN","GSM",250,99,DC51,B919,26,50,-,-73,255,255,0,38,38,1,-,-,-,-,-,-,
  -,-,-,"-"` (public Quectel driver comments).
- NR5G-NSA (RM500Q): three lines, the LTE one with CQI and TX power, the NR one without a space
  after the colon, exactly as an RM500Q printed it (luci-app-3ginfo-lite issue #56):
  `+QENG: "servingcell","NOCONN"` / `+QENG: "LTE","FDD",515,03,3359966,1,150,1,5,5,4AA3,-89,-13,
  -58,16,15,20,-` / `+QENG:"NR5G-NSA",515,03,832,-76,21,-11,528030,41,8,1`.
- No cell: `+QENG: "servingcell","SEARCH"`; camped without registration (no SIM, SIM locked,
  denied): `LIMSRV` with the cell (Quectel EC200 manual examples).

`+QCSQ: <sysmode>[,...]`: `"NOSERVICE"`; `"GSM",<rssi>`; `"WCDMA",<rssi>,<rscp>,<ecio>` with the
RSSI printed as a magnitude (`+QCSQ: "WCDMA",61,-61,-6` in a public UC20/EC25 note, `"WCDMA",69,-72,
-4` in ofono's Quectel driver, which flips its sign); `"LTE",<rssi>,<rsrp>,<sinr>,<rsrq>` with SINR
in fifths of a dB above -20 (0-250: Quectel EC25/BG96 manuals; `+QCSQ: "LTE",-69,-102,150,-12` read
as 10 dB in a public test suite); BG96 names LTE-M and NB-IoT `"CAT-M1"` / `"CAT-NB1"` (AT+QCSQ=?
on BG96MAR02A10M1G, FreeRTOS-Cellular-Interface PR #25); RM500Q adds `"NR5G",<rsrp>,<sinr>,<rsrq>`.

`+QTEMP: <pmic>,<xo>,<pa>` (EC25/EG25 manual, AT+QTEMP; `+QTEMP: 32,0,18` in a public EC25 driver;
EC200T prints 255 for a sensor it lacks: `+QTEMP: 38,255,255`, luci-app-3ginfo-lite issue #43).

`+QGDCNT: <bytes_sent>,<bytes_recv>`; `AT+QGDCNT=0` clears, `=1` saves for the next start
(`+QGDCNT: 15298,59586` TX then RX in a public field report; EC25 manual, AT+QGDCNT).
"""

from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, CmeError, PlainError
from modem_emulator.radio import Technology

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

ERR_INVALID: Final = 50
_LTE_NAMES: Final = {
    Technology.LTE: "LTE",
    Technology.LTE_M: "CAT-M",
    Technology.NB_IOT: "CAT-NB",
    Technology.NR5G_NSA: "LTE",
}
_QCSQ_LTE_NAMES: Final = {
    Technology.LTE: "LTE",
    Technology.LTE_M: "CAT-M1",
    Technology.NB_IOT: "CAT-NB1",
    Technology.NR5G_NSA: "LTE",
}
_BANDWIDTH: Final = {Technology.LTE_M: 3, Technology.NB_IOT: 0}
_NR_BANDWIDTH: Final = 12
"""The NR DL bandwidth index an RM500Q printed for a 100 MHz n78 carrier (luci-app-3ginfo-lite
issue #57: `...,620640,78,12,...`)."""
_NR_SCS: Final = 1
_CQI: Final = 15
_TX_POWER: Final = 20


def install(modem: EmulatedModem) -> None:
    """Register the Quectel status commands."""
    modem.register("+QENG", _qeng)
    modem.register("+QCSQ", _qcsq)
    modem.register("+QTEMP", _qtemp)
    modem.register("+QGDCNT", _qgdcnt)


def _state(modem: EmulatedModem) -> str | None:
    """SEARCH without a cell, LIMSRV camped but not registered, NOCONN when idle on the network."""
    net = modem.network
    if net.cfun != 1 or not net.radio.coverage:
        return None
    return "NOCONN" if net.registered else "LIMSRV"


def qeng_lines(modem: EmulatedModem) -> list[str]:
    """What AT+QENG="servingcell" prints for the current radio state."""
    state = _state(modem)
    if state is None:
        return ['+QENG: "servingcell","SEARCH"']
    radio = modem.network.radio
    cell, signal = radio.cell, radio.signal
    head = f'+QENG: "servingcell","{state}"'
    plmn = f"{cell.mcc},{cell.mnc}"
    if radio.technology is Technology.GSM:
        rxlev = signal.rssi_dbm if signal.rssi_dbm is not None else "-"
        c1 = max(0, (signal.rssi_dbm or 0) + 111)
        tail = ",".join(["-"] * 9)
        return [
            f'{head},"GSM",{plmn},{cell.area_code:X},{cell.cell_id & 0xFFFF:X},{cell.pci},'
            f'{cell.channel},-,{rxlev},255,255,0,{c1},{c1},1,{tail},"-"'
        ]
    if radio.technology is Technology.UMTS:
        return [
            f'{head},"WCDMA",{plmn},{cell.area_code:X},{cell.cell_id:X},{cell.channel},{cell.pci},'
            f"1,{signal.rscp_dbm},{signal.ecio_db},-,-,-,-,-"
        ]
    bandwidth = _BANDWIDTH.get(radio.technology, 5)
    rssi = signal.rssi_dbm if signal.rssi_dbm is not None else "-"
    lte = (
        f'"{_LTE_NAMES[radio.technology]}","FDD",{plmn},{cell.cell_id:X},{cell.pci},'
        f"{cell.channel},{cell.band},{bandwidth},{bandwidth},{cell.area_code:X},"
        f"{signal.rsrp_dbm},{signal.rsrq_db},{rssi},{signal.sinr_db}"
    )
    if radio.technology is not Technology.NR5G_NSA:
        return [f"{head},{lte},-"]
    return [
        head,
        f"+QENG: {lte},{_CQI},{_TX_POWER},-",
        f'+QENG:"NR5G-NSA",{plmn},{cell.nr_pci},{signal.nr_rsrp_dbm},{signal.nr_sinr_db},'
        f"{signal.nr_rsrq_db},{cell.nr_arfcn},{cell.nr_band},{_NR_BANDWIDTH},{_NR_SCS}",
    ]


async def _qeng(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line('+QENG: ("servingcell","neighbourcell")')
        return
    if req.kind != "set" or req.arg_str(0).lower() != "servingcell":
        # Neighbour cells are not emulated: the host gets what an unknown form gets.
        raise CmeError(ERR_INVALID)
    modem.send_lines(qeng_lines(modem))


def sinr_fifths(sinr_db: int) -> int:
    """AT+QCSQ's SINR encoding: fifths of a dB above -20 dB, 0-250."""
    return min(250, max(0, (sinr_db + 20) * 5))


def qcsq_lines(modem: EmulatedModem) -> list[str]:
    """What AT+QCSQ prints for the current radio state."""
    net = modem.network
    radio = net.radio
    if net.cfun != 1 or not radio.coverage:
        return ['+QCSQ: "NOSERVICE"']
    signal = radio.signal
    if radio.technology is Technology.GSM:
        return [f'+QCSQ: "GSM",{signal.rssi_dbm if signal.rssi_dbm is not None else 0}']
    if radio.technology is Technology.UMTS:
        rssi = abs(signal.rssi_dbm) if signal.rssi_dbm is not None else 0
        return [f'+QCSQ: "WCDMA",{rssi},{signal.rscp_dbm},{signal.ecio_db}']
    rssi = signal.rssi_dbm if signal.rssi_dbm is not None else 0
    lines = [
        f'+QCSQ: "{_QCSQ_LTE_NAMES[radio.technology]}",{rssi},{signal.rsrp_dbm},'
        f"{sinr_fifths(signal.sinr_db)},{signal.rsrq_db}"
    ]
    if radio.technology is Technology.NR5G_NSA:
        lines.append(f'+QCSQ: "NR5G",{signal.nr_rsrp_dbm},{signal.nr_sinr_db},{signal.nr_rsrq_db}')
    return lines


async def _qcsq(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line('+QCSQ: "NOSERVICE","GSM","WCDMA","LTE","CAT-M1","CAT-NB1"')
        return
    if req.kind != "exec":
        raise PlainError
    modem.send_lines(qcsq_lines(modem))


async def _qtemp(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        return
    if req.kind != "exec":
        raise PlainError
    hottest = modem.network.temperature_c
    # PMIC, crystal and power amplifier; the PA runs hottest.
    modem.send_line(f"+QTEMP: {hottest - 2},{hottest - 3},{hottest}")


async def _qgdcnt(modem: EmulatedModem, req: AtRequest) -> None:
    counter = modem.network.data_counter
    if req.kind == "test":
        modem.send_line("+QGDCNT: (0,1)")
    elif req.kind == "read":
        modem.send_line(f"+QGDCNT: {counter.sent},{counter.received}")
    elif req.kind == "set":
        action = req.arg_int(0)
        if action == 0:
            counter.reset()
        elif action == 1:
            counter.save()
        else:
            raise CmeError(ERR_INVALID)
    else:
        raise PlainError
