"""Who the SIM800 and SIM7080 families say they are, and what they print when they boot.

Echo is off, so each reply is exactly what the module prints. Sources: `modem_emulator.basic`.
"""

import pytest

from modem_emulator import create_modem

from .conftest import FAST_BOOT, Serve


@pytest.mark.parametrize(
    ("dialect", "identity", "command", "answer"),
    [
        ("sim800", "sim800", "ATI", b"\r\nSIM800 R14.18\r\n\r\nOK\r\n"),
        ("sim800", "sim800", "AT+CGMM", b"\r\nSIMCOM_SIM800L\r\n\r\nOK\r\n"),
        ("sim800", "sim800", "AT+GMM", b"\r\nSIMCOM_SIM800L\r\n\r\nOK\r\n"),
        ("sim800", "sim800", "AT+CGMR", b"\r\nRevision:1418B04SIM800L24\r\n\r\nOK\r\n"),
        ("sim800", "sim800", "AT+CGMI", b"\r\nSIMCOM_Ltd\r\n\r\nOK\r\n"),
        ("sim800", "sim800", "AT+CCID", b"\r\n89490200001234567890\r\n\r\nOK\r\n"),
        ("sim800", "sim800c", "AT+CGMM", b"\r\nSIMCOM_SIM800C\r\n\r\nOK\r\n"),
        ("sim800", "sim900", "ATI", b"\r\nSIM900 R11.0\r\n\r\nOK\r\n"),
        ("sim800", "sim900", "AT+CGMR", b"\r\nRevision:1137B13SIM900M64_ST\r\n\r\nOK\r\n"),
        ("sim7080", "sim7080", "ATI", b"\r\nR1951.01\r\n\r\nOK\r\n"),
        ("sim7080", "sim7080", "AT+CGMM", b"\r\nSIMCOM_SIM7080G\r\n\r\nOK\r\n"),
        ("sim7080", "sim7080", "AT+CGMR", b"\r\nRevision:1951B05SIM7080\r\n\r\nOK\r\n"),
        ("sim7080", "sim7080", "AT+CGMI", b"\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n"),
        ("sim7080", "sim7080", "AT+CCID", b"\r\n89490200001234567890\r\n\r\nOK\r\n"),
        ("sim7080", "sim7070", "AT+CGMM", b"\r\nSIMCOM_SIM7070G\r\n\r\nOK\r\n"),
        ("sim7080", "sim7070", "AT+CGMR", b"\r\nRevision:1951B03SIM7070\r\n\r\nOK\r\n"),
    ],
)
async def test_the_module_names_itself_as_its_family_does(
    serve: Serve, dialect: str, identity: str, command: str, answer: bytes
) -> None:
    _server, client = await serve(create_modem(dialect, identity=identity, echo=False, **FAST_BOOT))

    assert await client.command(command) == answer


@pytest.mark.parametrize(
    ("dialect", "identity", "boot"),
    [
        (
            "sim800",
            "sim800",
            b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n",
        ),
        ("sim800", "sim900", b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n"),
        ("sim7080", "sim7080", b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nSMS Ready\r\n"),
    ],
)
async def test_a_reboot_prints_the_familys_boot_lines(
    serve: Serve, dialect: str, identity: str, boot: bytes
) -> None:
    modem = create_modem(dialect, identity=identity, echo=False, **FAST_BOOT)
    _server, client = await serve(modem)

    modem.reset()

    assert await client.read_until(boot[-12:]) == boot
