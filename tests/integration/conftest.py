"""Shared fixtures of the integration tests: emulated modems on real sockets and pseudo-terminals.

Every test talks to `modem_emulator` through a real transport, exactly as Home Assistant talks to
a modem behind ser2net (TCP) or on a USB serial port (a pty). A `ModemLink` can be unplugged and
plugged back in while the emulated modem keeps its state, like a real module whose cable is pulled.
"""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.modem_http.const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    DOMAIN,
)
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.server import ModemServer

SIMCOM_IMEI = "861475051234567"
SIMCOM_TITLE = "SIMCOM INCORPORATED SIMCOM_SIM7600E-H"
QUECTEL_IMEI = "867550027654322"


def make_modem(identity: str = "simcom", dialect: str | None = "simcom") -> EmulatedModem:
    """A healthy emulated modem; dialect None leaves it without any HTTP commands."""
    if dialect is None:
        return EmulatedModem(identity=identity)
    return create_modem(dialect, identity=identity)


class ModemLink:
    """One emulated modem behind a TCP port (like ser2net) that can be unplugged and replugged.

    The modem outlives its server, so it keeps its state while unplugged, like a real module.
    """

    def __init__(self, modem: EmulatedModem) -> None:
        """Nothing listens until start()."""
        self.modem = modem
        self.port = 0
        self._server: ModemServer | None = None

    @property
    def url(self) -> str:
        """The serial URL Home Assistant opens."""
        return f"socket://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Plug in: listen (again, on the same port after a stop)."""
        self._server = ModemServer(self.modem, close_modem=False)
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


@pytest.fixture
async def link_factory(
    socket_enabled: None,
) -> AsyncIterator[Callable[..., Any]]:
    """Start emulated modems behind TCP ports; all are closed at the end of the test."""
    links: list[ModemLink] = []

    async def start(identity: str = "simcom", dialect: str | None = "simcom") -> ModemLink:
        link = ModemLink(make_modem(identity, dialect))
        await link.start()
        links.append(link)
        return link

    yield start
    for link in links:
        await link.close()


@pytest.fixture
async def modem_link(link_factory: Callable[..., Any]) -> ModemLink:
    """A SIMCom SIM7600 speaking the AT+HTTPINIT family, behind a TCP port."""
    link: ModemLink = await link_factory()
    return link


@pytest.fixture
async def pty_link() -> AsyncIterator[PtyModemLink]:
    """A SIMCom SIM7600 on a pseudo-terminal (what USB discovery finds)."""
    link = PtyModemLink(make_modem())
    await link.start()
    yield link
    await link.close()


@pytest.fixture
async def silent_port(socket_enabled: None) -> AsyncIterator[str]:
    """A TCP port that accepts and never says a word (a port with no modem behind it)."""
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(ConnectionError):
            while await reader.read(4096):
                pass

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"socket://127.0.0.1:{port}"
    server.close()
    for writer in writers:
        writer.close()
    await server.wait_closed()


@pytest.fixture
def closed_port_url(socket_enabled: None) -> str:
    """A TCP URL nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"socket://127.0.0.1:{port}"


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


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, modem_link: ModemLink
) -> AsyncIterator[MockConfigEntry]:
    """The modem added and set up; unloaded (port closed) at the end of the test."""
    entry = entry_for(modem_link.url)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    yield entry
    if entry.state in (ConfigEntryState.LOADED, ConfigEntryState.SETUP_RETRY):
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Config flow tests stop at the entry: setting it up is test_init's job."""
    with patch("custom_components.modem_http.async_setup_entry", return_value=True) as mock_setup:
        yield mock_setup


@pytest.fixture
def fast_status(monkeypatch: pytest.MonkeyPatch) -> None:
    """Status polls give up after 0.3 s, so a silent modem is noticed quickly."""
    monkeypatch.setattr("custom_components.modem_http.coordinator.STATUS_TIMEOUT", 0.3)


def entity_id(hass: HomeAssistant, platform: str, key: str, imei: str = SIMCOM_IMEI) -> str:
    """The entity id of one of the modem's entities, found by its unique ID."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{imei}_{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found


async def enable_entities(
    hass: HomeAssistant, entry: MockConfigEntry, platform: str, *keys: str
) -> None:
    """Turn on entities created disabled, as the user does in the entity settings.

    Home Assistant reloads the entry by itself 30 seconds after such a change; the test does
    it at once.
    """
    registry = er.async_get(hass)
    for key in keys:
        registry.async_update_entity(entity_id(hass, platform, key), disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def wait_for(predicate: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Let real I/O (reconnects, polls over sockets) run until predicate holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


# ---------------------------------------------------------------- services

from collections.abc import Awaitable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from aiohttp import web  # noqa: E402
from homeassistant.exceptions import HomeAssistantError  # noqa: E402
from homeassistant.helpers.translation import async_get_translations  # noqa: E402
from multidict import CIMultiDictProxy  # noqa: E402

from modem_emulator.basic import profile  # noqa: E402
from modem_emulator.dialects import DialectUnavailable  # noqa: E402

SERVICE_DIALECTS = ("httpcfg", "simcom")
"""The command families every service story runs against."""

_IDENTITIES = {"simcom": ("simcom", SIMCOM_IMEI), "httpcfg": ("quectel", QUECTEL_IMEI)}
_FAST_BOOT: dict[str, Any] = {"boot_delay": 0.05, "boot_step": 0.005}
_ERROR_CODES = {
    # What each family reports for a refused connection and an unresolvable name.
    "simcom": {"connect": "714", "dns": "713"},
    "httpcfg": {"connect": "716", "dns": "714"},
}


@dataclass(eq=False)
class SeenRequest:
    """One request as the far end received it."""

    method: str
    path: str
    headers: CIMultiDictProxy[str]
    body: bytes


class FarEnd:
    """The internet as the modem reaches it: an aiohttp server on 127.0.0.1 that logs requests.

    Routes: /text, /json, /latin1, /binary, /numbers (honours Range), /echo (the body back with
    the request's content type), /missing (404), /slow (answers after 3 s), /big (BIG_SIZE bytes).
    """

    BINARY = bytes(range(256)) * 4
    NUMBERS = "".join(f"{n:05d}," for n in range(2000)).encode()
    BIG_SIZE = 100_000

    def __init__(self) -> None:
        """Serve with app() on a test server; port is set by the fixture."""
        self.requests: list[SeenRequest] = []
        self.port = 0
        self.closed_port = 0

    @staticmethod
    def big_body() -> bytes:
        """BIG_SIZE bytes that are not text and not periodic within a read chunk."""
        return b"".join(n.to_bytes(4, "big") for n in range(FarEnd.BIG_SIZE // 4))

    def url(self, path: str) -> str:
        """An address on the far end."""
        return f"http://127.0.0.1:{self.port}{path}"

    def closed_url(self, path: str) -> str:
        """An address where nothing listens (connection refused)."""
        return f"http://127.0.0.1:{self.closed_port}{path}"

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(SeenRequest(request.method, request.path, request.headers, body))
        far = {"X-Far-End": "yes"}
        match request.path:
            case "/text":
                return web.Response(text="hello from the far end", headers=far)
            case "/json":
                return web.json_response({"door": "open", "count": 3, "tags": ["a", "b"]})
            case "/latin1":
                return web.Response(
                    body="Café crème".encode("latin-1"),
                    headers={"Content-Type": "text/plain; charset=ISO-8859-1"},
                )
            case "/binary":
                return web.Response(body=self.BINARY, content_type="application/octet-stream")
            case "/big":
                return web.Response(body=self.big_body(), content_type="application/octet-stream")
            case "/numbers":
                return self._ranged(request, self.NUMBERS)
            case "/echo":
                content_type = request.headers.get("Content-Type", "application/octet-stream")
                return web.Response(
                    body=body, headers={"Content-Type": content_type, "X-Method": request.method}
                )
            case "/slow":
                await asyncio.sleep(3)
                return web.Response(text="too late")
            case _:
                return web.Response(status=404, text="no such thing")

    @staticmethod
    def _ranged(request: web.Request, data: bytes) -> web.Response:
        value = request.headers.get("Range", "")
        if not value.startswith("bytes="):
            return web.Response(body=data, content_type="text/plain")
        first_text, _, last_text = value[6:].partition("-")
        first = int(first_text)
        last = int(last_text) if last_text else len(data) - 1
        return web.Response(
            status=206,
            body=data[first : last + 1],
            content_type="text/plain",
            headers={"Content-Range": f"bytes {first}-{last}/{len(data)}"},
        )


@pytest.fixture
async def far_end(aiohttp_server: Any, socket_enabled: None) -> FarEnd:
    """A real HTTP server on 127.0.0.1, plus a port where nothing listens."""
    end = FarEnd()
    server = await aiohttp_server(end.app(), host="127.0.0.1")
    end.port = server.port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        end.closed_port = sock.getsockname()[1]
    return end


@dataclass(eq=False)
class ServiceModem:
    """A loaded modem entry for service tests, with every byte the host sent it."""

    dialect: str
    link: ModemLink
    entry: MockConfigEntry
    sent: bytearray = field(default_factory=bytearray)

    @property
    def codes(self) -> dict[str, str]:
        """The family's error numbers for a refused connection and a failed DNS lookup."""
        return _ERROR_CODES[self.dialect]

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


@pytest.fixture
async def service_modem_factory(
    hass: HomeAssistant, socket_enabled: None
) -> AsyncIterator[Callable[..., Awaitable[ServiceModem]]]:
    """Start loaded modem entries of a dialect (fast-booting emulators on TCP); all torn down."""
    started: list[ServiceModem] = []

    async def start(dialect: str, *, imei: str | None = None) -> ServiceModem:
        profile_name, default_imei = _IDENTITIES[dialect]
        imei = imei or default_imei
        try:
            modem = create_modem(dialect, identity=profile(profile_name, imei=imei), **_FAST_BOOT)
        except DialectUnavailable:
            pytest.skip(f"the emulator does not speak {dialect} yet")
        link = ModemLink(modem)
        await link.start()
        served = ServiceModem(dialect, link, entry_for(link.url, unique_id=imei))
        started.append(served)
        feed = modem.feed

        def recording_feed(data: bytes) -> None:
            served.sent += data
            feed(data)

        modem.feed = recording_feed  # type: ignore[method-assign]
        served.entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(served.entry.entry_id)
        await hass.async_block_till_done()
        assert served.entry.state is ConfigEntryState.LOADED
        return served

    yield start
    for served in started:
        if served.entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(served.entry.entry_id)
            await hass.async_block_till_done()
        await served.link.close()


@pytest.fixture
def allowed(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A folder in allowlist_external_dirs; tmp_path itself (its parent) is not allowed."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


async def call_service(hass: HomeAssistant, service: str, **data: Any) -> dict[str, Any]:
    """Call a modem_http service the way an automation with `response_variable` does.

    A failure must read as a full English sentence: the translations are loaded first, and an
    error whose message is missing or lacks a placeholder fails the test on the spot.
    """
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    try:
        response = await hass.services.async_call(
            DOMAIN, service, data, blocking=True, return_response=True
        )
    except HomeAssistantError as err:
        if err.translation_domain == DOMAIN:
            _check_message(str(err), err.translation_key)
        raise
    assert response is not None
    return dict(response)


def _check_message(message: str, key: str | None) -> None:
    assert message != key, f"no message for {key}"
    assert "{" not in message, f"placeholder missing in {message!r}"


@pytest.fixture(params=SERVICE_DIALECTS)
async def service_modem(
    request: pytest.FixtureRequest,
    service_modem_factory: Callable[..., Awaitable[ServiceModem]],
) -> ServiceModem:
    """One loaded modem of each command family in turn."""
    return await service_modem_factory(request.param)
