"""The cellular fallback alert blueprint: imported by its URL, then used as a user would.

Home Assistant's own blueprint importer reads the file from the address the README gives (the
one thing that cannot exist here is GitHub, so the importer's HTTP client is handed the file's
bytes for that address). Then an automation made from the blueprint runs against a real
emulated modem: the watched connectivity goes down, the alert goes through the modem to the far
end; with the SIM pulled out the fallback is not ready and a notification says why.
"""

import shutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import pytest
import yaml
from homeassistant.components import persistent_notification
from homeassistant.components.blueprint import importer
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.modem_http.fallback import FallbackProblem

from .conftest import FarEnd, ServiceModem, entity_id

REPOSITORY: Final = Path(__file__).parents[2]
BLUEPRINT: Final = Path("blueprints/automation/modem_http/cellular_fallback_alert.yaml")
SOURCE_URL: Final = f"https://github.com/modem-http/modem_http/blob/main/{BLUEPRINT}"
RAW_URL: Final = f"https://raw.githubusercontent.com/modem-http/modem_http/main/{BLUEPRINT}"
INTERNET: Final = "binary_sensor.internet"

type Start = Callable[..., Awaitable[ServiceModem]]


def blueprint_text() -> str:
    return (REPOSITORY / BLUEPRINT).read_text(encoding="utf-8")


async def test_the_blueprint_imports_from_its_url(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Settings > Blueprints > Import with the GitHub address: the file is a valid blueprint."""
    aioclient_mock.get(RAW_URL, text=blueprint_text())

    imported = await importer.fetch_blueprint_from_url(hass, SOURCE_URL)

    blueprint = imported.blueprint
    assert blueprint.domain == "automation"
    assert blueprint.metadata["source_url"] == SOURCE_URL
    assert set(blueprint.inputs) == {
        "watched",
        "down_for",
        "modem",
        "fallback_ready",
        "webhook_url",
        "message",
        "content_type",
    }
    assert imported.suggested_filename == "modem-http/cellular_fallback_alert"


def test_the_readme_links_the_blueprint_by_that_url() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert SOURCE_URL in readme


@pytest.fixture
async def alert_automation(
    hass: HomeAssistant, tmp_path: Path, service_modem_factory: Start, far_end: FarEnd
) -> ServiceModem:
    """A SIMCom modem, the watched internet sensor, and an automation from the blueprint."""
    served = await service_modem_factory("simcom")
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / BLUEPRINT.parent
    folder.mkdir(parents=True)
    shutil.copy(REPOSITORY / BLUEPRINT, folder / BLUEPRINT.name)
    hass.states.async_set(INTERNET, "on", {"device_class": "connectivity"})
    assert await async_setup_component(hass, "persistent_notification", {})
    automation: dict[str, Any] = {
        "id": "cellular_alert",
        "alias": "Cellular alert",
        "use_blueprint": {
            "path": "modem_http/cellular_fallback_alert.yaml",
            "input": {
                "watched": INTERNET,
                "down_for": {"minutes": 2},
                "modem": served.entry.entry_id,
                "fallback_ready": entity_id(hass, "binary_sensor", "fallback_ready"),
                "webhook_url": far_end.url("/echo"),
                "message": "Internet down ({{ watched_entity }})",
            },
        },
    }
    assert await async_setup_component(hass, "automation", {"automation": [automation]})
    await hass.async_block_till_done()
    state = hass.states.get("automation.cellular_alert")
    assert state is not None
    assert state.state == "on"  # the blueprint's automation loaded and is armed
    return served


async def internet_down_for(hass: HomeAssistant, minutes: float) -> None:
    hass.states.async_set(INTERNET, "off", {"device_class": "connectivity"})
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=minutes))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_internet_down_posts_through_the_modem(
    hass: HomeAssistant, alert_automation: ServiceModem, far_end: FarEnd
) -> None:
    """Down for a minute: nothing yet. Down for two: the far end gets the alert."""
    await internet_down_for(hass, 1)
    assert far_end.requests == []

    await internet_down_for(hass, 3)
    await far_end.received(lambda seen: len(seen) == 1)

    [alert] = far_end.requests
    assert (alert.method, alert.path) == ("POST", "/echo")
    assert alert.body == f"Internet down ({INTERNET})".encode()
    assert alert.headers["Content-Type"].startswith("text/plain")
    assert persistent_notification._async_get_or_create_notifications(hass) == {}


async def test_a_fallback_that_is_not_ready_is_said_so(
    hass: HomeAssistant, alert_automation: ServiceModem, far_end: FarEnd
) -> None:
    """No SIM in the modem: no post is tried, a notification names the reason."""
    served = alert_automation
    served.link.modem.radio.remove_sim()
    await served.entry.runtime_data.coordinator.async_refresh()

    await internet_down_for(hass, 3)

    assert far_end.requests == []
    [notification] = persistent_notification._async_get_or_create_notifications(hass).values()
    assert notification["title"] == "Cellular fallback not ready"
    assert "there is no SIM card in the modem" in notification["message"]


def test_every_problem_of_the_fallback_sensor_has_a_reason_in_the_blueprint() -> None:
    """The blueprint's reason table names every `problem` the sensor can report."""

    class Loader(yaml.SafeLoader):
        """Reads `!input` tags as plain strings (Home Assistant substitutes them)."""

    Loader.add_constructor("!input", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type, attr-defined]
    document = yaml.load(blueprint_text(), Loader=Loader)  # noqa: S506 - SafeLoader subclass
    assert set(document["variables"]["reasons"]) == {problem.value for problem in FallbackProblem}
