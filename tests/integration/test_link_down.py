"""The cable is pulled (or ser2net stops) and automations keep calling the actions.

Each call must fail within the short link grace with "the modem is not connected", naming the
port, and no "no data connection" repair may appear for what is an unplugged cable: the modem
unreachable issue (raised after a long outage, see test_coordinator) stays the one repair for that.
When the line is back, the next call simply works.
"""

import asyncio
from typing import Any

import pytest
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from custom_components.modem_http.const import DOMAIN, ISSUE_NO_DATA_CONNECTION

from .conftest import FarEnd, ServiceModem, call_service, entity_id, wait_for_state

GRACE = 0.3
"""The link grace these stories run with (the shipped one is a few seconds)."""
NEVER = 15.0
"""Test guard: a call still running after this long waited for its own 60 s timeout."""


@pytest.fixture(autouse=True)
def short_link_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("custom_components.modem_http.atmodem.serial_link.LINK_GRACE", GRACE)


def data_connection_issues(hass: HomeAssistant) -> list[ir.IssueEntry]:
    return [
        found
        for (domain, issue_id), found in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith(ISSUE_NO_DATA_CONNECTION)
    ]


async def pull_the_cable(hass: HomeAssistant, served: ServiceModem) -> None:
    connected = entity_id(hass, "binary_sensor", "modem_connected", imei=_imei(served))
    await served.link.stop()
    await wait_for_state(hass, connected, STATE_OFF)


def _imei(served: ServiceModem) -> str:
    unique_id = served.entry.unique_id
    assert unique_id is not None
    return unique_id


ACTIONS: dict[str, dict[str, Any]] = {
    "get": {"service": "get", "path": "/text"},
    "post": {"service": "post", "path": "/echo", "payload": "door open"},
    "post_file": {"service": "post_file", "path": "/echo", "modem_file": "log.txt"},
    "download": {"service": "download", "path": "/binary", "modem_file": "fw.bin"},
}


NO_MODEM_FILES = {"sim800", "sim7080"}
"""Families with no module file the HTTP commands can send or fill: refused whatever the cable."""


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    ("dialect", "action"),
    [
        (dialect, action)
        for action in [*ACTIONS, "send_command"]
        for dialect in ["simcom", "httpcfg", "sim800", "sim7080"]
        if not (dialect in NO_MODEM_FILES and "modem_file" in ACTIONS.get(action, {}))
    ],
)
async def test_an_action_while_the_cable_is_out_says_the_modem_is_not_connected(
    hass: HomeAssistant,
    service_modem_factory: Any,
    far_end: FarEnd,
    dialect: str,
    action: str,
) -> None:
    served = await service_modem_factory(dialect)
    await pull_the_cable(hass, served)

    if action == "send_command":
        service, data = "send_command", {"command": "AT+CSQ"}
    else:
        data = dict(ACTIONS[action])
        service, path = data.pop("service"), data.pop("path")
        data["url"] = far_end.url(path)

    async with asyncio.timeout(NEVER):
        with pytest.raises(HomeAssistantError) as raised:
            await call_service(hass, service, timeout=60, **data)

    assert raised.value.translation_key == "modem_disconnected"
    assert raised.value.translation_placeholders == {"port": served.link.url}
    assert served.link.url in str(raised.value)
    assert data_connection_issues(hass) == []


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize("dialect", sorted(NO_MODEM_FILES))
@pytest.mark.parametrize("action", ["post_file", "download"])
async def test_a_module_file_on_a_module_without_files_is_refused_for_that_reason_cable_or_not(
    hass: HomeAssistant,
    service_modem_factory: Any,
    far_end: FarEnd,
    dialect: str,
    action: str,
) -> None:
    """Plugging the cable back in would not help, so "not connected" would be the wrong cause."""
    served = await service_modem_factory(dialect)
    await pull_the_cable(hass, served)
    data = dict(ACTIONS[action])
    service, path = data.pop("service"), data.pop("path")

    async with asyncio.timeout(NEVER):
        with pytest.raises(HomeAssistantError) as raised:
            await call_service(hass, service, url=far_end.url(path), timeout=60, **data)

    assert raised.value.translation_key == "operation_unsupported"
    assert served.link.url not in str(raised.value)
    assert far_end.requests == []
    assert data_connection_issues(hass) == []


@pytest.mark.usefixtures("socket_enabled")
async def test_calls_work_again_once_the_cable_is_back(
    hass: HomeAssistant, service_modem_factory: Any, far_end: FarEnd
) -> None:
    served = await service_modem_factory("simcom")
    await pull_the_cable(hass, served)
    with pytest.raises(HomeAssistantError):
        await call_service(hass, "get", url=far_end.url("/text"), timeout=60)

    await served.link.start()

    # The waiting call makes the host reopen the port at once, whatever the backoff has grown to.
    async with asyncio.timeout(NEVER):
        response = await call_service(hass, "get", url=far_end.url("/text"), timeout=60)
    assert response["content"] == "hello from the far end"
    assert data_connection_issues(hass) == []


@pytest.mark.usefixtures("socket_enabled")
async def test_a_queued_timeout_says_where_the_time_went_and_the_sensor_shows_modem_time(
    hass: HomeAssistant, service_modem_factory: Any, far_end: FarEnd
) -> None:
    """A quick request waits behind a slow one; its duration is its own time on the modem."""
    served = await service_modem_factory("simcom")
    coordinator = served.entry.runtime_data.coordinator

    slow = asyncio.create_task(call_service(hass, "get", url=far_end.url("/slow"), timeout=30))
    await far_end.received(lambda seen: any(request.path == "/slow" for request in seen))
    quick = await call_service(hass, "get", url=far_end.url("/text"), timeout=30)
    await slow

    assert quick["queued"] >= 2.0  # the slow page takes three seconds
    assert quick["elapsed"] < quick["queued"]
    # What the (disabled by default) Last request duration sensor shows.
    assert coordinator.stats.last.duration == pytest.approx(quick["elapsed"], abs=0.001)

    slow = asyncio.create_task(call_service(hass, "get", url=far_end.url("/slow"), timeout=30))
    await far_end.received(lambda seen: [request.path for request in seen].count("/slow") == 2)
    with pytest.raises(HomeAssistantError) as raised:
        await call_service(hass, "get", url=far_end.url("/text"), timeout=1)
    await slow

    # It never reached the modem, and the message does not pretend the modem was slow.
    assert raised.value.translation_key == "modem_busy"
    assert raised.value.translation_placeholders == {"timeout": "1"}
