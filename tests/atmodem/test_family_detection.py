"""Which family a modem is: detection by each family's probe, or the user's explicit choice.

Every emulated module is served on a TCP port and opened the way the integration opens it
(`dialect="auto"`), so detection sees exactly what the module prints for each probe.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from custom_components.modem_http.atmodem import Modem, open_modem
from custom_components.modem_http.atmodem.families import DIALECTS, FAMILIES
from modem_emulator import EmulatedModem, ModemServer
from modem_emulator.commands import AtRequest
from modem_emulator.dialects import create_modem

from ..recording import record_input

pytestmark = pytest.mark.usefixtures("socket_enabled")

FAST_BOOT = {"boot_delay": 0.05, "boot_step": 0.005}
PROBES = ["AT+QHTTPCFG=?", "AT+HTTPCFG=?", "AT+SHCONF=?", "AT+SAPBR=?", "AT+HTTPACTION=?"]
"""The probes in the order detection asks them."""


@asynccontextmanager
async def served(emulator: EmulatedModem, dialect: str = "auto") -> AsyncIterator[Modem]:
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False)
        try:
            yield modem
        finally:
            await modem.close()


def probes_sent(sent: bytearray) -> list[str]:
    lines = [line.strip() for line in sent.decode("latin-1").split("\r")]
    return [line for line in lines if line in PROBES]


@pytest.mark.parametrize(
    ("identity", "dialect"),
    [
        ("simcom", "simcom"),  # SIM7600E-H
        ("quectel", "quectel"),  # EC25
        ("quectel", "httpcfg"),  # a module of the seed manual's family
        ("sim800", "sim800"),  # SIM800L
        ("sim800c", "sim800"),
        ("sim900", "sim800"),  # SIM900: same commands, no AT+HTTPSSL
        ("sim7080", "sim7080"),  # SIM7080G
        ("sim7070", "sim7080"),  # SIM7070G
    ],
)
async def test_each_module_is_detected_as_its_family(identity: str, dialect: str) -> None:
    emulator = create_modem(dialect, identity=identity, **FAST_BOOT)

    async with served(emulator) as modem:
        assert modem.dialect == dialect


async def test_a_sim7600_is_asked_every_other_probe_first_in_order() -> None:
    """The existing families keep their order; the new probes come before SIMCom's."""
    emulator = create_modem("simcom", **FAST_BOOT)
    sent = record_input(emulator)

    async with served(emulator) as modem:
        assert modem.dialect == "simcom"

    assert probes_sent(sent) == PROBES
    assert [kind.name for kind in FAMILIES] == [
        "quectel",
        "httpcfg",
        "sim7080",
        "sim800",
        "simcom",
    ]


async def test_a_sim800_that_also_answers_httpaction_is_still_a_sim800() -> None:
    """Some SIM800 firmware prints `+HTTPACTION: (0-2)` like a SIM7600: AT+SAPBR decides first."""
    emulator = create_modem("sim800", **FAST_BOOT)
    sent = record_input(emulator)

    async def httpaction_like_a_sim7600(modem: EmulatedModem, req: AtRequest) -> None:
        modem.send_line("+HTTPACTION: (0-2)")

    emulator.register("+HTTPACTION", httpaction_like_a_sim7600)

    async with served(emulator) as modem:
        assert modem.dialect == "sim800"

    assert probes_sent(sent) == ["AT+QHTTPCFG=?", "AT+HTTPCFG=?", "AT+SHCONF=?", "AT+SAPBR=?"]


@pytest.mark.parametrize("dialect", ["sim800", "sim7080"])
async def test_the_users_choice_is_taken_without_probing(dialect: str) -> None:
    emulator = create_modem(dialect, **FAST_BOOT)
    sent = record_input(emulator)

    async with served(emulator, dialect=dialect) as modem:
        assert modem.dialect == dialect

    assert probes_sent(sent) == []


def test_every_family_is_a_dialect_a_user_can_choose() -> None:
    assert set(DIALECTS) == {"simcom", "httpcfg", "quectel", "sim800", "sim7080"}
