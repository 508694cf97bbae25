"""Emulated modems on real transports, and the config entries Home Assistant makes for them.

Every integration test talks to `modem_emulator` through a real transport, exactly as Home
Assistant talks to a modem behind ser2net (TCP) or on a USB serial port (a pty). A `ModemLink`
can be unplugged and plugged back in while the emulated modem keeps its state, like a real module
whose cable is pulled.
"""

from dataclasses import dataclass, field
from typing import Any, Final, Self

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.modem_http.const import CONF_BAUDRATE, CONF_DEVICE, CONF_DIALECT, DOMAIN
from modem_emulator.basic import profile
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.server import ModemServer

SIMCOM_IMEI: Final = "861475051234567"
SIMCOM_TITLE: Final = "SIMCOM INCORPORATED SIMCOM_SIM7600E-H"
QUECTEL_IMEI: Final = "867550027654322"
SIM800_IMEI: Final = "866262031234567"
SIM7080_IMEI: Final = "869951035874415"

SERVICE_DIALECTS: Final = ("httpcfg", "simcom", "sim800", "sim7080")
"""The command families every service story runs against."""

IDENTITIES: Final = {
    "simcom": ("simcom", SIMCOM_IMEI),
    "httpcfg": ("quectel", QUECTEL_IMEI),
    "quectel": ("quectel", QUECTEL_IMEI),
    "sim800": ("sim800", SIM800_IMEI),
    "sim7080": ("sim7080", SIM7080_IMEI),
}
"""Which module (emulator profile and IMEI) speaks each family in the stories."""
STATUS_DIALECTS: Final = ("simcom", "quectel", "httpcfg", "sim800", "sim7080")
"""Every family: each has a status member (httpcfg's is the 27.007 one)."""
READ_COMMANDS: Final = {
    "simcom": "+HTTPREAD",
    "httpcfg": "+HTTPREAD",
    "quectel": "+QHTTPREAD",
    "sim800": "+HTTPREAD",
    "sim7080": "+SHREAD",
}
"""The command each family reads a response body with."""
MODULE_FILES: Final = frozenset({"simcom", "httpcfg"})
"""Families whose HTTP commands post and store the module's own files. SIM800/SIM900 have no
file system for HTTP; SIM7080's AT+HTTPTOFS is confirmed by no public log. Both refuse with
`operation_unsupported`."""
RESPONSE_HEADERS: Final = frozenset({"simcom", "httpcfg", "sim800"})
"""Families that can read a response's headers; SIM7080's AT+SH* stack has no command for it."""
RESUMABLE: Final = frozenset({"simcom", "httpcfg", "sim800"})
"""Families that resume a cut download: SIM7080 reads no response headers to prove a part's
version by, and refuses `resume: true` with `operation_unsupported`."""
BEARER_CUTS_READS: Final = frozenset({"simcom", "httpcfg"})
"""Families whose body read a lost data connection cuts short. SIM800 and SIM7080 report a
response once all of it is in their buffer, which the network's drop leaves readable."""
FAST_BOOT: Final[dict[str, Any]] = {"boot_delay": 0.05, "boot_step": 0.005}
"""A module that is up within a tenth of a second (real ones take seconds)."""
ERROR_CODES: Final = {
    # What each family reports for a refused connection and an unresolvable name.
    "simcom": {"connect": "714", "dns": "713"},
    "httpcfg": {"connect": "716", "dns": "714"},
    "quectel": {"connect": "716", "dns": "714"},
    # SIM800's stack reports a refused connection as 601, network error; SIM7080's AT+SHCONN
    # answers +CME ERROR: 3 for both and does not say which.
    "sim800": {"connect": "601", "dns": "603"},
    "sim7080": {"connect": "3", "dns": "3"},
}


def make_modem(identity: str = "simcom", dialect: str | None = "simcom") -> EmulatedModem:
    """A healthy emulated modem; dialect None leaves it without any HTTP commands."""
    if dialect is None:
        return EmulatedModem(identity=identity)
    return create_modem(dialect, identity=identity)


class ModemLink:
    """One emulated modem behind a TCP port (like ser2net) that can be unplugged and replugged.

    The modem outlives its server, so it keeps its state while unplugged, like a real module.
    """

    def __init__(self, modem: EmulatedModem, *, baud: int | None = None) -> None:
        """Nothing listens until start(); `baud` paces the modem's output like a serial line."""
        self.modem = modem
        self.port = 0
        self.baud = baud
        self._server: ModemServer | None = None

    @property
    def url(self) -> str:
        """The serial URL Home Assistant opens."""
        return f"socket://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Plug in: listen (again, on the same port after a stop)."""
        self._server = ModemServer(self.modem, baud=self.baud, close_modem=False)
        self.port = await self._server.start_tcp(port=self.port)

    async def stop(self) -> None:
        """Unplug: hang up on the host and stop listening."""
        server, self._server = self._server, None
        if server is not None:
            await server.close()

    async def close(self) -> None:
        """Unplug for good and stop the modem."""
        await self.stop()
        await self.modem.close()


class PtyModemLink:
    """One emulated modem on a pseudo-terminal, as a USB modem's AT port looks to the host."""

    def __init__(self, modem: EmulatedModem) -> None:
        """Nothing exists until start()."""
        self.modem = modem
        self.path = ""
        self._server = ModemServer(modem)

    async def start(self) -> None:
        """Create the pty; the host opens `path`."""
        self.path = await self._server.start_pty()

    async def close(self) -> None:
        """Close the pty and the modem."""
        await self._server.close()


def entry_for(device: str, *, unique_id: str = SIMCOM_IMEI, **options: Any) -> MockConfigEntry:
    """A config entry as the user flow of this version would have made it for `device`."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=SIMCOM_TITLE,
        version=1,
        minor_version=2,
        unique_id=unique_id,
        data={CONF_DEVICE: device, CONF_BAUDRATE: 115200, CONF_DIALECT: "auto"},
        options=options,
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Add the entry and let Home Assistant set it up, as at start; what async_setup said.

    A loaded modem first reads the SIM's stored messages (its inbox's start-up scan); the
    stories begin once it has, so their first command does not queue behind that.
    """
    entry.add_to_hass(hass)
    result = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    if entry.state is ConfigEntryState.LOADED:
        await entry.runtime_data.modem.inbox.drained()
    return result


@dataclass(eq=False)
class ServiceModem:
    """A loaded modem entry for service tests, with every byte the host sent it."""

    dialect: str
    link: ModemLink
    entry: MockConfigEntry
    sent: bytearray = field(default_factory=bytearray)

    @classmethod
    async def start(cls, dialect: str, *, imei: str | None = None, baud: int | None = None) -> Self:
        """A fast-booting module of the family on a TCP port, recording what the host sends.

        `baud` paces what the module prints as a serial line of that speed would.
        """
        profile_name, default_imei = IDENTITIES[dialect]
        imei = imei or default_imei
        modem = create_modem(dialect, identity=profile(profile_name, imei=imei), **FAST_BOOT)
        link = ModemLink(modem, baud=baud)
        await link.start()
        served = cls(dialect, link, entry_for(link.url, unique_id=imei))
        feed = modem.feed

        def recording_feed(data: bytes) -> None:
            served.sent += data
            feed(data)

        modem.feed = recording_feed  # type: ignore[method-assign]
        return served

    @property
    def read_command(self) -> str:
        """The command the family reads a response body with."""
        return READ_COMMANDS[self.dialect]

    @property
    def module_files(self) -> bool:
        """Whether the family's HTTP commands post and store files of the module."""
        return self.dialect in MODULE_FILES

    @property
    def resumable(self) -> bool:
        """Whether the family resumes a cut download."""
        return self.dialect in RESUMABLE

    @property
    def bearer_cuts_reads(self) -> bool:
        """Whether a lost data connection cuts the family's body reads short."""
        return self.dialect in BEARER_CUTS_READS

    @property
    def response_headers(self) -> bool:
        """Whether the family can read a response's headers."""
        return self.dialect in RESPONSE_HEADERS

    @property
    def imei(self) -> str:
        """The module's IMEI: the entry's unique ID and the start of its entities' IDs."""
        return self.link.modem.identity.imei

    def commands_since(self, mark: int) -> list[str]:
        """The command lines the host sent since `mark` (a length of `sent`)."""
        text = bytes(self.sent[mark:]).decode("latin-1")
        return [line.strip() for line in text.split("\r") if line.strip()]

    @property
    def codes(self) -> dict[str, str]:
        """The family's error numbers for a refused connection and a failed DNS lookup."""
        return ERROR_CODES[self.dialect]

    def _where(self, name: str) -> tuple[str | int, str]:
        # SIMCom's HTTP file commands use drive 1 (F:/); a bare Quectel name is on the first drive.
        fs = self.link.modem.fs
        return (1, name) if self.dialect == "simcom" else fs.split_path(name)

    def put_modem_file(self, name: str, data: bytes) -> None:
        """Store a file on the modem where its HTTP file commands look for `name`."""
        self.link.modem.fs.write(*self._where(name), data)

    def modem_file(self, name: str) -> bytes | None:
        """The modem's file `name`, if it has one."""
        fs = self.link.modem.fs
        where = self._where(name)
        return fs.read(*where) if fs.exists(*where) else None
