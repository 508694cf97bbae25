"""Reading SIMCom's AT+CPSI? and AT+CPMUTEMP from real replies of each system mode."""

import pytest

from custom_components.modem_http.atmodem.readings import (
    ServingCell,
    SignalQuality,
    SystemInfo,
    Technology,
    UnexpectedReply,
    ValueOutOfRange,
    parse_cpmutemp,
    parse_cpsi,
)


def test_lte_on_sim7600_firmware_prints_tenths() -> None:
    # A SIM7906 in 4IceG/luci-app-3ginfo-lite issue #61.
    info = parse_cpsi(
        ["+CPSI: LTE,Online,250-02,0x0EF8,22060,58,EUTRAN-BAND3,1725,3,3,-108,-889,-614,19"]
    )
    assert info == SystemInfo(
        "LTE",
        "Online",
        Technology.LTE,
        ServingCell(Technology.LTE, "250", "02", 0x0EF8, 22060, 58, 3, 1725),
        SignalQuality(rssi_dbm=-61.4, rsrp_dbm=-88.9, rsrq_db=-10.8, sinr_db=19),
    )
    assert info.cell is not None
    assert info.cell.plmn == "250-02"


def test_lte_keeps_a_leading_zero_mnc() -> None:
    # A SIM7600NA (LE20B01SIM7600NA) survey kept verbatim in Kismet's CPSI tests.
    info = parse_cpsi(
        ["+CPSI: LTE,Online,310-01,0x2D18,50896642,236,EUTRAN-BAND4,2300,5,5,-125,-987,-663,10"]
    )
    assert info.cell == ServingCell(Technology.LTE, "310", "01", 0x2D18, 50896642, 236, 4, 2300)
    assert info.signal == SignalQuality(rssi_dbm=-66.3, rsrp_dbm=-98.7, rsrq_db=-12.5, sinr_db=10)


@pytest.mark.parametrize(
    ("line", "technology", "cell", "signal"),
    [
        # Xinyuan-LilyGO/LilyGO-T-SIM7000G issue #16.
        (
            "+CPSI: LTE CAT-M1,Online,310-410,0x9709,111159055,393,EUTRAN-BAND12,5110,3,3,"
            "-16,-113,-83,10",
            Technology.LTE_M,
            ServingCell(Technology.LTE_M, "310", "410", 0x9709, 111159055, 393, 12, 5110),
            SignalQuality(rssi_dbm=-83, rsrp_dbm=-113, rsrq_db=-16, sinr_db=10),
        ),
        # A public SIM7000 driver's tests.
        (
            "+CPSI: LTE CAT-M1,Online,240-07,0x2AFE,34564631,149,EUTRAN-BAND20,6400,3,3,"
            "-12,-81,-52,10",
            Technology.LTE_M,
            ServingCell(Technology.LTE_M, "240", "07", 0x2AFE, 34564631, 149, 20, 6400),
            SignalQuality(rssi_dbm=-52, rsrp_dbm=-81, rsrq_db=-12, sinr_db=10),
        ),
        # A public SIM7000 log on Telia Estonia.
        (
            "+CPSI: LTE NB-IOT,Online,248-01,0x2AFA,51716400,177,EUTRAN-BAND20,6254,0,0,"
            "-10,-63,-54,15",
            Technology.NB_IOT,
            ServingCell(Technology.NB_IOT, "248", "01", 0x2AFA, 51716400, 177, 20, 6254),
            SignalQuality(rssi_dbm=-54, rsrp_dbm=-63, rsrq_db=-10, sinr_db=15),
        ),
        # The SIM7070/SIM7080 manual's example, with its space after a comma.
        (
            "+CPSI: LTE NB-IOT,Online,460-11,0x5AE1,187212754,82, EUTRAN-BAND5,2506,0,0,"
            "-7,-115,-110,13",
            Technology.NB_IOT,
            ServingCell(Technology.NB_IOT, "460", "11", 0x5AE1, 187212754, 82, 5, 2506),
            SignalQuality(rssi_dbm=-110, rsrp_dbm=-115, rsrq_db=-7, sinr_db=13),
        ),
    ],
)
def test_lte_m_and_nb_iot_on_sim7000_firmware_print_whole_units(
    line: str, technology: Technology, cell: ServingCell, signal: SignalQuality
) -> None:
    info = parse_cpsi([line])
    assert info.technology is technology
    assert info.cell == cell
    assert info.signal == signal


@pytest.mark.parametrize(
    ("line", "cell", "rssi"),
    [
        # The SIM7500/SIM7600 and SIM8200 manuals' example.
        (
            "+CPSI: GSM,Online,460-00,0x182d,12401,27 EGSM 900,-64,2110,42-42",
            ServingCell(Technology.GSM, "460", "00", 0x182D, 12401, None, 900, 27),
            -64,
        ),
        # botletics/SIM7000-LTE-Shield issue #129.
        (
            "+CPSI: GSM,Online,262-03,0xe2d1,8926,754 DCS 1800,-88,0,18-18",
            ServingCell(Technology.GSM, "262", "03", 0xE2D1, 8926, None, 1800, 754),
            -88,
        ),
        # Without a band name (a public logger's tests).
        (
            "+CPSI: GSM,Online,286-01,0x2B5C,12401,27,-64,2110,42-42",
            ServingCell(Technology.GSM, "286", "01", 0x2B5C, 12401, None, None, 27),
            -64,
        ),
    ],
)
def test_gsm(line: str, cell: ServingCell, rssi: int) -> None:
    info = parse_cpsi([line])
    assert info.technology is Technology.GSM
    assert info.cell == cell
    assert info.signal == SignalQuality(rssi_dbm=rssi)


def test_wcdma_prints_ec_io_and_rscp_as_magnitudes() -> None:
    # A Telstra module quoted in public SIM7600 scripts.
    info = parse_cpsi(
        ["+CPSI: WCDMA,Online,505-01,0x0152,14302219,WCDMA 850,214,4436,0,12.5,83,23,36,500"]
    )
    assert info.technology is Technology.UMTS
    assert info.cell == ServingCell(Technology.UMTS, "505", "01", 0x0152, 14302219, 214, 5, 4436)
    assert info.signal == SignalQuality(rscp_dbm=-83, ecio_db=-12.5)


def test_en_dc_adds_the_nr_leg_in_its_own_scale() -> None:
    # The SIM8200 manual's EN-DC example, as Kismet's CPSI tests keep it.
    info = parse_cpsi(
        [
            "+CPSI: LTE,Online,460-11,0x5A1E,187214780,257,EUTRAN-BAND3,1825,4,4,-102,-924,-632,13",
            "+CPSI: NR5G,257,629952,-11,-92,153",
        ]
    )
    assert info.technology is Technology.NR5G_NSA
    assert info.signal == SignalQuality(rssi_dbm=-63.2, rsrp_dbm=-92.4, rsrq_db=-10.2, sinr_db=13)
    assert info.nr_cell == ServingCell(
        Technology.NR5G_NSA, None, None, None, None, 257, None, 629952
    )
    assert info.nr_signal == SignalQuality(rsrp_dbm=-92, rsrq_db=-11, sinr_db=15.3)


def test_lte_without_its_nr_leg() -> None:
    info = parse_cpsi(
        [
            "+CPSI: LTE,Online,460-11,0x5A1E,187214780,257,EUTRAN-BAND3,1825,4,4,-102,-924,-632,13",
            "+CPSI: NOT IN EN-DC CONNECTED MODE",
        ]
    )
    assert info.technology is Technology.LTE
    assert info.nr_cell is None


def test_nr_standalone() -> None:
    # The SIM8200 manual's NR5G-only form: RSRP before RSRQ, unlike LTE.
    info = parse_cpsi(["+CPSI: NR5G,Online,311-480,0x2D18,50896642,257,629952,-92,-11,15"])
    assert info.technology is Technology.NR5G_SA
    assert info.cell == ServingCell(
        Technology.NR5G_SA, "311", "480", 0x2D18, 50896642, 257, None, 629952
    )
    assert info.signal == SignalQuality(rsrp_dbm=-92, rsrq_db=-11, sinr_db=15)


@pytest.mark.parametrize(
    ("line", "mode", "operation"),
    [
        ("+CPSI: NO SERVICE,Online", "NO SERVICE", "Online"),
        # Freematics issue #81.
        ("+CPSI: NO SERVICE,Powering Off", "NO SERVICE", "Powering Off"),
        ("+CPSI: NO SERVICE,Low Power Mode", "NO SERVICE", "Low Power Mode"),
        ("+CPSI: CDMA,Online,460-03,0x1234,1,2,3", "CDMA", "Online"),
    ],
)
def test_no_service_and_modes_without_a_cell(line: str, mode: str, operation: str) -> None:
    assert parse_cpsi([line]) == SystemInfo(mode, operation)


def test_a76xx_signal_indexes_are_not_taken_for_dbm() -> None:
    # A76xx firmware prints positive indexes where SIM7600 prints tenths of a dBm (an A7670
    # reply kept in a public logger's tests): the cell is read, the three powers are unknown.
    info = parse_cpsi(
        ["+CPSI: LTE,Online,460-01,0x230A,175499523,318,EUTRAN-BAND3,1650,5,0,21,67,255,19"]
    )
    assert info.cell == ServingCell(Technology.LTE, "460", "01", 0x230A, 175499523, 318, 3, 1650)
    assert info.signal == SignalQuality(sinr_db=19)


@pytest.mark.parametrize(
    "lines",
    [
        ["+CPSI: LTE,Online,262-01,0xZZ,29545444,257,EUTRAN-BAND3,1300,5,5,-100,-950,-730,15"],
        ["+CPSI: LTE,Online,26201,0x1A2B,29545444,257,EUTRAN-BAND3,1300,5,5,-100,-950,-730,15"],
        ["+CPSI: LTE,Online,262-01,0x1A2B,29545444,257,BAND3,1300,5,5,-100,-950,-730,15"],
        ["+CPSI: LTE,Online,262-01"],
        ["+CPSI: GSM"],
        ["+CPSI: GSM,Online,262-1,0x1a2b,54244,26 EGSM 900,-73,0,33-33"],
        [],
        ["+CPSI: NO SERVICE,Online", "+CPSI: NO SERVICE,Online", "+CPSI: NO SERVICE,Online"],
        ["+CPSI: GSM,Online,262-01,0x1a2b,54244,26 EGSM 900,-73,0,33-33", "+CPSI: NR5G,1,2,3,4,5"],
    ],
)
def test_replies_outside_the_format_are_refused(lines: list[str]) -> None:
    with pytest.raises(UnexpectedReply):
        parse_cpsi(lines)


def test_module_temperature() -> None:
    assert parse_cpmutemp(["+CPMUTEMP: 46"]) == 46
    assert parse_cpmutemp(["+CPMUTEMP: -5"]) == -5
    with pytest.raises(ValueOutOfRange):
        parse_cpmutemp(["+CPMUTEMP: 300"])
    with pytest.raises(UnexpectedReply):
        parse_cpmutemp(["+CPMUTEMP: hot"])
