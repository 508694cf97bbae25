"""Reading Quectel's AT+QENG="servingcell", AT+QCSQ, AT+QTEMP and AT+QGDCNT from real replies."""

import pytest

from custom_components.modem_http.atmodem.readings import (
    DataCounters,
    ServingCell,
    ServingCellInfo,
    SignalQuality,
    Technology,
    UnexpectedReply,
    parse_qcsq,
    parse_qeng_servingcell,
    parse_qgdcnt,
    parse_qtemp,
)


@pytest.mark.parametrize(
    ("line", "cell", "signal"),
    [
        # An EC25-family module on band 7 (4IceG/luci-app-3ginfo-lite issue #111).
        (
            '+QENG: "servingcell","NOCONN","LTE","FDD",222,88,243800E,20,3350,7,5,5,3AC9,'
            "-86,-13,-52,15,-",
            ServingCell(Technology.LTE, "222", "88", 0x3AC9, 0x243800E, 20, 7, 3350),
            SignalQuality(rssi_dbm=-52, rsrp_dbm=-86, rsrq_db=-13, sinr_db=15),
        ),
        # An EP06-E; its owner compared the SINR with QMI's (luci-app-3ginfo-lite issue #108).
        (
            '+QENG: "servingcell","NOCONN","LTE","FDD",222,88,4CAA71F,28,1500,3,3,3,77B8,'
            "-84,-9,-56,21,35",
            ServingCell(Technology.LTE, "222", "88", 0x77B8, 0x4CAA71F, 28, 3, 1500),
            SignalQuality(rssi_dbm=-56, rsrp_dbm=-84, rsrq_db=-9, sinr_db=21),
        ),
        # An EC200T (luci-app-3ginfo-lite issue #43).
        (
            '+QENG: "servingcell","NOCONN","LTE","FDD",123,01,43300C,348,1802,3,5,5,5443,'
            "-87,-16,-69,5,34",
            ServingCell(Technology.LTE, "123", "01", 0x5443, 0x43300C, 348, 3, 1802),
            SignalQuality(rssi_dbm=-69, rsrp_dbm=-87, rsrq_db=-16, sinr_db=5),
        ),
        # A BG96 on LTE-M, connected (a public BG96 driver's comments).
        (
            '+QENG: "servingcell","CONNECT","CAT-M","FDD",262,03,2FAA03,187,6200,20,3,3,2AFB,'
            "-105,-11,-76,10,-",
            ServingCell(Technology.LTE_M, "262", "03", 0x2AFB, 0x2FAA03, 187, 20, 6200),
            SignalQuality(rssi_dbm=-76, rsrp_dbm=-105, rsrq_db=-11, sinr_db=10),
        ),
        # RM5xx firmware adds CQI and TX power (the anchor line of issue #56 under its head).
        (
            '+QENG: "servingcell","NOCONN","LTE","FDD",515,03,3359966,1,150,1,5,5,4AA3,'
            "-89,-13,-58,16,15,20,-",
            ServingCell(Technology.LTE, "515", "03", 0x4AA3, 0x3359966, 1, 1, 150),
            SignalQuality(rssi_dbm=-58, rsrp_dbm=-89, rsrq_db=-13, sinr_db=16),
        ),
        # WCDMA (a public Quectel driver's comments).
        (
            '+QENG: "servingcell","NOCONN","WCDMA",515,03,3AB2,B55EEFF,3037,352,1,-94,-15,'
            "-,-,-,-,-",
            ServingCell(Technology.UMTS, "515", "03", 0x3AB2, 0xB55EEFF, 352, None, 3037),
            SignalQuality(rscp_dbm=-94, ecio_db=-15),
        ),
        # GSM (a public Quectel driver's comments), the band printed as "-".
        (
            '+QENG: "servingcell","NOCONN","GSM",250,99,DC51,B919,26,50,-,-73,255,255,0,38,38,1,'
            '-,-,-,-,-,-,-,-,-,"-"',
            ServingCell(Technology.GSM, "250", "99", 0xDC51, 0xB919, 26, None, 50),
            SignalQuality(rssi_dbm=-73),
        ),
        # T-Mobile n71 standalone (luci-app-3ginfo-lite issue #48).
        (
            '+QENG: "servingcell","NOCONN","NR5G-SA","FDD",310,260,939204254,24,60AA00,126490,'
            "71,1,-104,-13,11,0,-",
            ServingCell(Technology.NR5G_SA, "310", "260", 0x60AA00, 0x939204254, 24, 71, 126490),
            SignalQuality(rsrp_dbm=-104, rsrq_db=-13, sinr_db=11),
        ),
        # DITO n78 standalone, a space after a comma (luci-app-3ginfo-lite issue #57).
        (
            '+QENG: "servingcell","NOCONN","NR5G-SA","TDD", 515,66,100072000,538,114000,620640,'
            "78,12,-109,-12,14,1,-",
            ServingCell(Technology.NR5G_SA, "515", "66", 0x114000, 0x100072000, 538, 78, 620640),
            SignalQuality(rsrp_dbm=-109, rsrq_db=-12, sinr_db=14),
        ),
    ],
)
def test_serving_cell_in_each_technology(
    line: str, cell: ServingCell, signal: SignalQuality
) -> None:
    info = parse_qeng_servingcell([line])
    assert info.technology is cell.technology
    assert info.cell == cell
    assert info.signal == signal


def test_limited_service_on_gsm_without_a_space_after_the_colon() -> None:
    # The EC200 manual's example.
    info = parse_qeng_servingcell(
        [
            '+QENG:"servingcell","LIMSRV","GSM",460,01,5504,2B55,52,123,0,-67,5,14,64,30,28,0,'
            '-,-,-,-,-,-,-,-,-,"-"'
        ]
    )
    assert info.state == "LIMSRV"
    assert info.cell == ServingCell(Technology.GSM, "460", "01", 0x5504, 0x2B55, 52, None, 123)


def test_searching_has_no_cell() -> None:
    assert parse_qeng_servingcell(['+QENG: "servingcell","SEARCH"']) == ServingCellInfo("SEARCH")


def test_nr5g_non_standalone_in_three_lines() -> None:
    # An RM500Q on band 1 with n41 (luci-app-3ginfo-lite issue #56), NR line without a space.
    info = parse_qeng_servingcell(
        [
            '+QENG: "servingcell","NOCONN"',
            '+QENG: "LTE","FDD",515,03,3359966,1,150,1,5,5,4AA3,-89,-13,-58,16,15,20,-',
            '+QENG:"NR5G-NSA",515,03,832,-76,21,-11,528030,41,8,1',
        ]
    )
    assert info.state == "NOCONN"
    assert info.technology is Technology.NR5G_NSA
    assert info.cell == ServingCell(Technology.LTE, "515", "03", 0x4AA3, 0x3359966, 1, 1, 150)
    assert info.nr_cell == ServingCell(
        Technology.NR5G_NSA, "515", "03", None, None, 832, 41, 528030
    )
    assert info.nr_signal == SignalQuality(rsrp_dbm=-76, rsrq_db=-11, sinr_db=21)


def test_a_placeholder_measurement_is_not_known() -> None:
    # Firmware fills what it has not measured with -32768 or "-".
    info = parse_qeng_servingcell(
        [
            '+QENG: "servingcell","NOCONN","LTE","FDD",262,01,1C2D3E4,257,1300,3,5,5,1A2B,'
            "-32768,-,-,-,-"
        ]
    )
    assert info.signal == SignalQuality()


@pytest.mark.parametrize(
    "lines",
    [
        ['+QENG: "servingcell","SLEEPY"'],
        ['+QENG: "servingcell","NOCONN","LORA",1,2,3'],
        ['+QENG: "servingcell","NOCONN","LTE","FDD",262,01,1C2D3E4,257'],
        [
            '+QENG: "servingcell","NOCONN","LTE","FDD",'
            "262,01,XYZ,257,1300,3,5,5,1A2B,-95,-10,-73,15,-"
        ],
        ['+QENG: "neighbourcell intra","LTE",38950,401,-7,-90,-62,-20,37,6,22,6,46'],
        ['+QENG: "servingcell","NOCONN"', '+QENG: "GSM",1,2'],
        [],
    ],
)
def test_serving_cell_replies_outside_the_format_are_refused(lines: list[str]) -> None:
    with pytest.raises(UnexpectedReply):
        parse_qeng_servingcell(lines)


@pytest.mark.parametrize(
    ("line", "technology", "signal"),
    [
        # Read as 10 dB in a public test suite: SINR in fifths of a dB above -20.
        (
            '+QCSQ: "LTE",-69,-102,150,-12',
            Technology.LTE,
            SignalQuality(rssi_dbm=-69, rsrp_dbm=-102, sinr_db=10, rsrq_db=-12),
        ),
        # The RSSI as a magnitude: a UC20/EC25 note, and ofono's Quectel driver.
        ('+QCSQ: "WCDMA",61,-61,-6', Technology.UMTS, SignalQuality(-61, rscp_dbm=-61, ecio_db=-6)),
        ('+QCSQ: "WCDMA",69,-72,-4', Technology.UMTS, SignalQuality(-69, rscp_dbm=-72, ecio_db=-4)),
        ('+QCSQ: "GSM",-73', Technology.GSM, SignalQuality(rssi_dbm=-73)),
        (
            '+QCSQ: "CAT-M1",-80,-105,120,-11',
            Technology.LTE_M,
            SignalQuality(rssi_dbm=-80, rsrp_dbm=-105, sinr_db=4, rsrq_db=-11),
        ),
        (
            '+QCSQ: "NBIoT",-80,-105,250,-11',
            Technology.NB_IOT,
            SignalQuality(rssi_dbm=-80, rsrp_dbm=-105, sinr_db=30, rsrq_db=-11),
        ),
        (
            '+QCSQ: "LTE",-69,-102,255,-12',
            Technology.LTE,
            SignalQuality(rssi_dbm=-69, rsrp_dbm=-102, rsrq_db=-12),
        ),
        ('+QCSQ: "NOSERVICE"', None, None),
        ('+QCSQ: "TDSCDMA",-80', None, None),
    ],
)
def test_signal_per_system_mode(
    line: str, technology: Technology | None, signal: SignalQuality | None
) -> None:
    reading = parse_qcsq([line])
    assert reading.technology is technology
    assert reading.signal == signal


def test_signal_in_nr5g_non_standalone_leaves_the_undocumented_nr_sinr_unknown() -> None:
    reading = parse_qcsq(['+QCSQ: "LTE",-73,-95,175,-10', '+QCSQ: "NR5G",-88,18,-11'])
    assert reading.technology is Technology.NR5G_NSA
    assert reading.signal == SignalQuality(rssi_dbm=-73, rsrp_dbm=-95, sinr_db=15, rsrq_db=-10)
    assert reading.nr_signal == SignalQuality(rsrp_dbm=-88, rsrq_db=-11)


@pytest.mark.parametrize(
    "lines",
    [
        ['+QCSQ: "LTE",-69'],
        ['+QCSQ: "LTE",-69,-102,high,-12'],
        ['+QCSQ: "GSM",-73', '+QCSQ: "NR5G",-88,18,-11'],
        [],
    ],
)
def test_signal_replies_outside_the_format_are_refused(lines: list[str]) -> None:
    with pytest.raises(UnexpectedReply):
        parse_qcsq(lines)


@pytest.mark.parametrize(
    ("lines", "sensors", "hottest"),
    [
        # An EC200T without two of its sensors (luci-app-3ginfo-lite issue #43).
        (["+QTEMP: 38,255,255"], (("pmic", 38), ("xo", None), ("pa", None)), 38),
        # A public EC25 driver's comment.
        (["+QTEMP: 32,0,18"], (("pmic", 32), ("xo", 0), ("pa", 18)), 32),
        # Named sensors, one a line (public RM5xx parsers' tests).
        (
            ['+QTEMP: "qfe_wtr_pa0","57"', '+QTEMP: "modem-ambient","48"'],
            (("qfe_wtr_pa0", 57), ("modem-ambient", 48)),
            57,
        ),
        (
            ['+QTEMP: "cpuss-0",46', '+QTEMP: "cpuss-1",48', '+QTEMP: "pmic-0",255'],
            (("cpuss-0", 46), ("cpuss-1", 48), ("pmic-0", None)),
            48,
        ),
        (["+QTEMP: 255,255,255"], (("pmic", None), ("xo", None), ("pa", None)), None),
    ],
)
def test_module_temperature_sensors(
    lines: list[str], sensors: tuple[tuple[str, int | None], ...], hottest: int | None
) -> None:
    temperature = parse_qtemp(lines)
    assert temperature.sensors == sensors
    assert temperature.hottest_c == hottest


@pytest.mark.parametrize(
    "lines", [['+QTEMP: "x"'], ["+QTEMP: warm,1,2"], ['+QTEMP: "a",hot'], [], ["+QTEMP: 1,2,3"] * 2]
)
def test_temperature_replies_outside_the_format_are_refused(lines: list[str]) -> None:
    with pytest.raises(UnexpectedReply):
        parse_qtemp(lines)


@pytest.mark.parametrize(
    ("line", "counters"),
    [
        # TX then RX after a day of TLS handshakes (a public field report).
        ("+QGDCNT: 15298,59586", DataCounters(15298, 59586)),
        # An EM12 (EM12GPAR01A21M4G) in a public router project's notes.
        ("+QGDCNT: 237505722,614994307", DataCounters(237505722, 614994307)),
        ("+QGDCNT: 0,0", DataCounters(0, 0)),
    ],
)
def test_data_counters(line: str, counters: DataCounters) -> None:
    assert parse_qgdcnt([line]) == counters


@pytest.mark.parametrize("line", ["+QGDCNT: -1,5", "+QGDCNT: 5", "+QGDCNT: many,5"])
def test_data_counters_outside_the_format_are_refused(line: str) -> None:
    with pytest.raises(UnexpectedReply):
        parse_qgdcnt([line])
