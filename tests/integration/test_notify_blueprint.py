"""The shipped blueprint: internet down → an SMS and a webhook through the modem.

The blueprint file is imported as a user does (copied under blueprints/automation/), an automation
is made from it, and the internet sensor goes off: the emulated module's network must take the
SMS and the far end must receive the webhook, both through the modem.
"""

import json
import shutil
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import FarEnd, ServiceModem
from .sms_helpers import add_recipient, add_webhook

BLUEPRINT = Path(__file__).parents[2] / "blueprints/automation/modem_http/internet_down_notify.yaml"


@pytest.fixture
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> None:
    """A configuration folder holding the blueprint where Home Assistant looks for it."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints/automation/modem_http"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)


async def notify_from_blueprint(
    hass: HomeAssistant, *, down_for: dict[str, int] | None = None, **messages: str
) -> None:
    """An automation from the blueprint, as a user fills it in.

    When binary_sensor.internet goes off, Alice and the Phone push webhook get `message` (and
    `back_message` once it is back).
    """
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "modem_http/internet_down_notify.yaml",
                    "input": {
                        "internet": "binary_sensor.internet",
                        "down_for": down_for or {"seconds": 0},
                        "targets": ["notify.alice", "notify.phone_push"],
                        **messages,
                    },
                }
            }
        },
    )
    await hass.async_block_till_done()


@pytest.mark.usefixtures("blueprint_folder")
@pytest.mark.parametrize("service_modem", ["simcom", "httpcfg"], indirect=True)
async def test_internet_down_sends_an_sms_and_a_webhook_through_the_modem(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    await add_webhook(
        hass,
        service_modem.entry,
        "Phone push",
        far_end.url("/echo"),
        content_type="application/json",
        body_template='{"title": {{ title | to_json }}, "message": {{ message | to_json }}}',
    )
    hass.states.async_set("binary_sensor.internet", "on")
    await notify_from_blueprint(hass, message="Internet down", back_message="Internet back")

    hass.states.async_set("binary_sensor.internet", "off")
    await far_end.received(lambda seen: len(seen) == 1)
    await hass.async_block_till_done()

    sent = service_modem.link.modem.sms.sent_messages()
    assert [(m.destination, m.text) for m in sent] == [("+46701234567", "Home\nInternet down")]
    assert json.loads(far_end.requests[0].body) == {"title": "Home", "message": "Internet down"}

    hass.states.async_set("binary_sensor.internet", "on")
    await far_end.received(lambda seen: len(seen) == 2)
    await hass.async_block_till_done()

    sent = service_modem.link.modem.sms.sent_messages()
    assert [m.text for m in sent] == ["Home\nInternet down", "Home\nInternet back"]
    assert json.loads(far_end.requests[1].body)["message"] == "Internet back"


@pytest.mark.usefixtures("blueprint_folder")
@pytest.mark.parametrize("service_modem", ["simcom"], indirect=True)
async def test_a_blip_shorter_than_down_for_is_told_neither_way(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    hass.states.async_set("binary_sensor.internet", "on")
    await notify_from_blueprint(
        hass, down_for={"minutes": 2}, message="Internet down", back_message="Internet back"
    )
    sms_commands = bytes(service_modem.sent).count(b"AT+CMGS")

    hass.states.async_set("binary_sensor.internet", "off")
    await hass.async_block_till_done()
    hass.states.async_set("binary_sensor.internet", "on")
    await hass.async_block_till_done()

    assert service_modem.link.modem.sms.sent_messages() == []
    assert bytes(service_modem.sent).count(b"AT+CMGS") == sms_commands


@pytest.mark.usefixtures("blueprint_folder")
@pytest.mark.parametrize("service_modem", ["simcom", "httpcfg"], indirect=True)
async def test_a_target_that_fails_does_not_keep_the_message_from_the_others(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """No coverage: the SMS fails, the webhook (over the same modem's data) is still tried."""
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    await add_webhook(hass, service_modem.entry, "Phone push", far_end.url("/echo"))
    service_modem.link.modem.sms.send_error = 38  # RP cause: network out of order
    hass.states.async_set("binary_sensor.internet", "on")
    await notify_from_blueprint(hass, message="Internet down")

    hass.states.async_set("binary_sensor.internet", "off")
    await far_end.received(lambda seen: len(seen) == 1)
    await hass.async_block_till_done()

    assert far_end.requests[0].body == b"Internet down"
    assert service_modem.link.modem.sms.sent_messages() == []
