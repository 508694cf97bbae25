"""Shared rigs of the integration tests: emulated modems, the far end, and how a user acts.

The modems (modems.py) and the far end (far_end.py) are real: sockets, pseudo-terminals and an
HTTP server on 127.0.0.1. The helpers below act as a user does (call an action the way an
automation does, turn on an entity) and wait for what Home Assistant shows, on its own events.
"""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.modem_http.const import DOMAIN

from .far_end import WAIT, FarEnd, SeenRequest
from .modems import (
    QUECTEL_IMEI,
    SERVICE_DIALECTS,
    SIM800_IMEI,
    SIM7080_IMEI,
    SIMCOM_IMEI,
    SIMCOM_TITLE,
    ModemLink,
    PtyModemLink,
    ServiceModem,
    entry_for,
    make_modem,
    set_up,
)

__all__ = [
    "QUECTEL_IMEI",
    "SIM800_IMEI",
    "SIM7080_IMEI",
    "SIMCOM_IMEI",
    "SIMCOM_TITLE",
    "FarEnd",
    "ModemLink",
    "PtyModemLink",
    "SeenRequest",
    "ServiceModem",
    "call_service",
    "enable_entities",
    "entity_id",
    "entry_for",
    "make_modem",
    "refused_as_unsupported",
    "set_up",
    "state_of",
    "wait_for_entry_state",
    "wait_for_state",
]


# ---------------------------------------------------------------- modems and ports


@pytest.fixture
async def link_factory(socket_enabled: None) -> AsyncIterator[Callable[..., Any]]:
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


# ---------------------------------------------------------------- entries


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, modem_link: ModemLink
) -> AsyncIterator[MockConfigEntry]:
    """The modem added and set up; unloaded (port closed) at the end of the test."""
    entry = entry_for(modem_link.url)
    assert await set_up(hass, entry)
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


# ---------------------------------------------------------------- services


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


@pytest.fixture
async def service_modem_factory(
    hass: HomeAssistant, socket_enabled: None
) -> AsyncIterator[Callable[..., Awaitable[ServiceModem]]]:
    """Start loaded modem entries of a family (fast-booting emulators on TCP); all torn down."""
    started: list[ServiceModem] = []

    async def start(
        dialect: str, *, imei: str | None = None, baud: int | None = None
    ) -> ServiceModem:
        served = await ServiceModem.start(dialect, imei=imei, baud=baud)
        started.append(served)
        assert await set_up(hass, served.entry)
        assert served.entry.state is ConfigEntryState.LOADED
        # The SMS inbox's start-up scan runs beside the first poll; stories that count the
        # modem's commands start once it is done.
        await served.entry.runtime_data.modem.inbox.drained()
        return served

    yield start
    for served in started:
        if served.entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(served.entry.entry_id)
            await hass.async_block_till_done()
        await served.link.close()


@pytest.fixture(params=SERVICE_DIALECTS)
async def service_modem(
    request: pytest.FixtureRequest,
    service_modem_factory: Callable[..., Awaitable[ServiceModem]],
) -> ServiceModem:
    """One loaded modem of each command family in turn."""
    return await service_modem_factory(request.param)


@pytest.fixture
def allowed(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A folder in allowlist_external_dirs; tmp_path itself (its parent) is not allowed."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


async def call_service(hass: HomeAssistant, service: str, **data: Any) -> dict[str, Any]:
    """Call a modem_http action the way an automation with `response_variable` does.

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


async def refused_as_unsupported(
    hass: HomeAssistant, service_modem: ServiceModem, service: str, **data: Any
) -> None:
    """A family without module files refuses with its reason; the modem hears nothing of HTTP."""
    service_modem.sent.clear()
    with pytest.raises(ServiceValidationError) as raised:
        await call_service(hass, service, **data)

    assert raised.value.translation_key == "operation_unsupported"
    assert "modules" in raised.value.translation_placeholders["reason"]
    assert b"HTTP" not in bytes(service_modem.sent)
    assert b"AT+SH" not in bytes(service_modem.sent)


def _check_message(message: str, key: str | None) -> None:
    assert message != key, f"no message for {key}"
    assert "{" not in message, f"placeholder missing in {message!r}"


# ---------------------------------------------------------------- what the user sees


def entity_id(hass: HomeAssistant, platform: str, key: str, imei: str = SIMCOM_IMEI) -> str:
    """The entity id of one of the modem's entities, found by its unique ID."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{imei}_{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found


def state_of(hass: HomeAssistant, platform: str, key: str, imei: str = SIMCOM_IMEI) -> State:
    """The current state of one of the modem's entities."""
    found = hass.states.get(entity_id(hass, platform, key, imei))
    assert found is not None, f"{platform} {key} has no state"
    return found


async def enable_entities(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    platform: str,
    *keys: str,
    imei: str = SIMCOM_IMEI,
) -> None:
    """Turn on entities created disabled, as the user does in the entity settings.

    Home Assistant reloads the entry by itself 30 seconds after such a change; the test does
    it at once.
    """
    registry = er.async_get(hass)
    for key in keys:
        registry.async_update_entity(entity_id(hass, platform, key, imei), disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def wait_for_state(hass: HomeAssistant, entity: str, expected: str) -> State:
    """Wait until `entity` shows `expected`: now, or at one of its state changes.

    Real I/O (a reconnect, a poll over a socket) decides when that happens, so the test waits
    on the state machine's own events rather than for a guessed time.
    """
    reached = asyncio.Event()

    @callback
    def check(_event: Event[EventStateChangedData] | None = None) -> None:
        current = hass.states.get(entity)
        if current is not None and current.state == expected:
            reached.set()

    remove = async_track_state_change_event(hass, [entity], check)
    try:
        check()
        async with asyncio.timeout(WAIT):
            await reached.wait()
    finally:
        remove()
    current = hass.states.get(entity)
    assert current is not None
    return current


async def wait_for_entry_state(entry: MockConfigEntry, expected: ConfigEntryState) -> None:
    """Wait until the config entry reaches `expected` (a retry that succeeds, an unload)."""
    reached = asyncio.Event()

    @callback
    def check() -> None:
        if entry.state is expected:
            reached.set()

    remove = entry.async_on_state_change(check)
    try:
        check()
        async with asyncio.timeout(WAIT):
            await reached.wait()
    finally:
        remove()
