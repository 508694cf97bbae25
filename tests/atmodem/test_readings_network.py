"""Reading operator, technology and registration from what modules print."""

import pytest

from custom_components.modem_http.atmodem.readings import (
    ACT_3GPP,
    ACT_LTE_M_AS_8,
    Operator,
    Registration,
    RegistrationState,
    Technology,
    UnexpectedReply,
    ValueOutOfRange,
    parse_cops,
    parse_registration,
    parse_registration_urc,
    technology_from_act,
)


@pytest.mark.parametrize(
    ("line", "operator"),
    [
        ("+COPS: 0", Operator(0)),
        # 4IceG/luci-app-3ginfo-lite PR #32: long name, then numeric after AT+COPS=3,2.
        ('+COPS: 0,0,"vodafone.de",7', Operator(0, 0, "vodafone.de", act=7)),
        ('+COPS: 0,2,"26202",7', Operator(0, 2, "26202", "262", "02", 7)),
        # luci-app-3ginfo-lite issue #37 (a name with a space).
        ('+COPS: 0,0,"Orange nju",7', Operator(0, 0, "Orange nju", act=7)),
        # A SIM7000 camped on GSM (botletics/SIM7000-LTE-Shield issue #129).
        ('+COPS: 0,2,"26203",0', Operator(0, 2, "26203", "262", "03", 0)),
        # Manual selection, UMTS (a Telstra module quoted in public SIM7600 scripts).
        ('+COPS: 1,0,"Telstra Mobile",2', Operator(1, 0, "Telstra Mobile", act=2)),
        # Six-digit PLMNs (North America) and no <AcT> at all (older firmware).
        ('+COPS: 0,2,"310410"', Operator(0, 2, "310410", "310", "410")),
        ('+COPS: 0, 0, "Operator", 9', Operator(0, 0, "Operator", act=9)),
    ],
)
def test_operator_replies(line: str, operator: Operator) -> None:
    assert parse_cops([line]) == operator
    assert parse_cops([line]).registered is (operator.name is not None)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('+COPS: 0,2,"Vodafone",7', UnexpectedReply),
        ("+COPS: 7", ValueOutOfRange),
        ('+COPS: 0,5,"Vodafone",7', ValueOutOfRange),
        ('+COPS: 0,0,"Vodafone",77', ValueOutOfRange),
        ("+COPS: 0,0", UnexpectedReply),
        ('+COPS: zero,0,"Vodafone",7', UnexpectedReply),
    ],
)
def test_operator_replies_outside_the_format_are_refused(line: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_cops([line])


@pytest.mark.parametrize(
    ("act", "three_gpp", "quectel_lpwa"),
    [
        (0, Technology.GSM, Technology.GSM),
        (2, Technology.UMTS, Technology.UMTS),
        (3, Technology.GSM, Technology.GSM),
        (6, Technology.UMTS, Technology.UMTS),
        (7, Technology.LTE, Technology.LTE),
        (8, Technology.GSM, Technology.LTE_M),
        (9, Technology.NB_IOT, Technology.NB_IOT),
        (12, Technology.NR5G_SA, Technology.NR5G_SA),
        (13, Technology.NR5G_NSA, Technology.NR5G_NSA),
        (17, None, None),
        (None, None, None),
    ],
)
def test_access_technology_in_each_familys_numbering(
    act: int | None, three_gpp: Technology | None, quectel_lpwa: Technology | None
) -> None:
    assert technology_from_act(act) is three_gpp
    assert technology_from_act(act, ACT_3GPP) is three_gpp
    assert technology_from_act(act, ACT_LTE_M_AS_8) is quectel_lpwa


@pytest.mark.parametrize(
    ("line", "command", "registration"),
    [
        ("+CREG: 0,1", "AT+CREG?", Registration("+CREG", RegistrationState.HOME, n=0)),
        # luci-app-3ginfo-lite issue #37: quoted hex, a cell id without leading zeros.
        (
            '+CREG: 2,1,"FFFE","23E3E34",7',
            "AT+CREG?",
            Registration("+CREG", RegistrationState.HOME, 0xFFFE, 0x23E3E34, 7, 2),
        ),
        # A Marvell modem, obsy/packages issue #3: unquoted hex in +CREG, quoted in +CEREG.
        (
            "+CREG: 2,1,3584,ef4a08,7",
            "AT+CREG?",
            Registration("+CREG", RegistrationState.HOME, 0x3584, 0xEF4A08, 7, 2),
        ),
        (
            '+CEREG: 2,1,"3584","00ef4a08",7',
            "AT+CEREG?",
            Registration("+CEREG", RegistrationState.HOME, 0x3584, 0xEF4A08, 7, 2),
        ),
        # Roaming on GSM (botletics/SIM7000-LTE-Shield issue #129).
        (
            '+CREG: 2,5,"E2D1","22DE",0',
            "AT+CREG?",
            Registration("+CREG", RegistrationState.ROAMING, 0xE2D1, 0x22DE, 0, 2),
        ),
        # Registered for SMS only on LTE (luci-app-modemdata issue #18).
        (
            '+CREG: 2,6,"CF71","08096708",7',
            "AT+CREG?",
            Registration("+CREG", RegistrationState.HOME_SMS_ONLY, 0xCF71, 0x8096708, 7, 2),
        ),
        ("+CGREG: 2,0", "AT+CGREG?", Registration("+CGREG", RegistrationState.NOT_REGISTERED, n=2)),
        ("+CEREG: 0,2", "AT+CEREG?", Registration("+CEREG", RegistrationState.SEARCHING, n=0)),
        ("+CEREG: 0,3", "AT+CEREG?", Registration("+CEREG", RegistrationState.DENIED, n=0)),
        ("+CREG: 1,5", "AT+CREG?", Registration("+CREG", RegistrationState.ROAMING, n=1)),
        # 5G SA registration with a 36-bit cell id (luci-app-3ginfo-lite issue #57).
        (
            '+C5GREG: 2,1,"114000","100072000",11,4,"01.010101"',
            "AT+C5GREG?",
            Registration("+C5GREG", RegistrationState.HOME, 0x114000, 0x100072000, 11, 2),
        ),
        # Spaces after commas, empty location fields, PSM timers after the cause fields.
        (
            '+CREG: 2, 1, "1A2B", "01C2D3E4", 7',
            "AT+CREG?",
            Registration("+CREG", RegistrationState.HOME, 0x1A2B, 0x1C2D3E4, 7, 2),
        ),
        (
            "+CEREG: 2,1,,,7",
            "AT+CEREG?",
            Registration("+CEREG", RegistrationState.HOME, act=7, n=2),
        ),
        (
            '+CEREG: 4,1,"1A2B","01C2D3E4",7,,,"00000000","00111000"',
            "AT+CEREG?",
            Registration("+CEREG", RegistrationState.HOME, 0x1A2B, 0x1C2D3E4, 7, 4),
        ),
    ],
)
def test_registration_read_replies(line: str, command: str, registration: Registration) -> None:
    assert parse_registration([line], command) == registration


def test_roaming_and_registered_follow_the_state() -> None:
    roaming = parse_registration(['+CEREG: 2,5,"1A2B","01C2D3E4",7'], "AT+CEREG?").state
    assert roaming.registered
    assert roaming.roaming
    sms_only = parse_registration(["+CREG: 0,7"], "AT+CREG?").state
    assert sms_only is RegistrationState.ROAMING_SMS_ONLY
    assert sms_only.roaming
    assert not RegistrationState.SEARCHING.registered
    assert not RegistrationState.EMERGENCY_ONLY.registered
    assert not RegistrationState.HOME.roaming


def test_registration_urcs_carry_no_mode() -> None:
    assert parse_registration_urc("+CREG: 5", "+CREG") == Registration(
        "+CREG", RegistrationState.ROAMING
    )
    assert parse_registration_urc('+CEREG: 1,"1A2B","01C2D3E4",7', "AT+CEREG") == Registration(
        "+CEREG", RegistrationState.HOME, 0x1A2B, 0x1C2D3E4, 7
    )


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("+CREG: 2,x", UnexpectedReply),
        ("+CREG: 0,12", ValueOutOfRange),
        ("+CREG: 9,1", ValueOutOfRange),
        ("+CREG: 2", UnexpectedReply),
        ('+CREG: 2,1,"XYZ","01C2D3E4",7', UnexpectedReply),
        ('+CREG: 2,1,"1A2B","01C2D3E4",99', ValueOutOfRange),
        ("+CGREG: 0,1", UnexpectedReply),
    ],
)
def test_registration_replies_outside_the_format_are_refused(
    line: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        parse_registration([line], "AT+CREG?")


def test_asking_for_a_command_that_is_no_registration_command_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not a registration command"):
        parse_registration(["+COPS: 0"], "AT+COPS?")
