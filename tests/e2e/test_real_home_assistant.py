"""A user's first days with the integration, on a real Home Assistant process.

The stack (see conftest.py): a far-end web server and the SIMCom-dialect modem emulator as
processes on 127.0.0.1, and `hass -c <tmp config> --skip-pip` with custom_components linked in.
Everything below goes through the HTTP and WebSocket APIs the web UI uses. The tests share one
stack and run in file order (onboarding and the config flow happen once, in the fixture); each
test still sets up what it checks itself, so any one of them can be run alone.
"""

import asyncio
import base64
import json
import re
import time
from pathlib import Path

import aiohttp
import pytest

from scripts.echo_server import expected_file_bytes
from scripts.ha_api import HomeAssistantApi, HomeAssistantApiError

from .conftest import DOMAIN, START_TIMEOUT, E2EStack
from .home_assistant import deadline_in, log_records

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
"""One group: the tests share one Home Assistant process and run in order on one worker."""

STATUS_KEYS = ("modem_connected", "signal_strength", "network_registration")


async def test_adding_the_modem_through_the_config_flow(
    e2e_stack: E2EStack, api: HomeAssistantApi
) -> None:
    """Add integration -> Modem HTTP shows the port form; submitting the emulator's URL adds it."""
    form = e2e_stack.flow_form
    assert form["type"] == "form"
    assert form["step_id"] == "user"
    assert [field["name"] for field in form["data_schema"]] == ["device", "baudrate", "dialect"]

    result = e2e_stack.flow_result
    assert result["type"] == "create_entry", result
    assert result["title"]  # the modem's own manufacturer and model
    entries = await api.config_entries(DOMAIN)
    assert [(e["entry_id"], e["state"]) for e in entries] == [(e2e_stack.entry_id, "loaded")]

    # The same modem cannot be added twice: its port is taken, and the flow says so.
    again = await api.start_flow(DOMAIN)
    second = await api.flow_step(
        again["flow_id"], {"device": e2e_stack.modem_url, "baudrate": "115200", "dialect": "auto"}
    )
    assert (second["type"], second["reason"]) == ("abort", "already_configured")


async def test_the_modem_device_shows_its_status_over_rest_and_websocket(
    e2e_stack: E2EStack, api: HomeAssistantApi
) -> None:
    """The dashboard's view of the modem: connected, signal, registration, the same both ways."""
    states = await e2e_stack.wait_for_states(api, deadline_in(START_TIMEOUT), *STATUS_KEYS)
    connected = states[e2e_stack.entities["modem_connected"]]
    signal = states[e2e_stack.entities["signal_strength"]]
    registration = states[e2e_stack.entities["network_registration"]]
    assert connected["state"] == "on"
    assert float(signal["state"]) < 0
    assert signal["attributes"]["unit_of_measurement"] == "dBm"
    assert registration["state"] in registration["attributes"]["options"]

    ws_states = {s["entity_id"]: s for s in await api.ws_command({"type": "get_states"})}
    for entity_id in e2e_stack.entities.values():
        if entity_id in states:
            assert ws_states[entity_id]["state"] == states[entity_id]["state"], entity_id


async def test_post_through_the_modem_answers_with_the_far_ends_reply(
    e2e_stack: E2EStack, api: HomeAssistantApi
) -> None:
    """modem_http.post from the REST API: the far end saw our body and header, we get its reply."""
    reply = await api.call_service(
        DOMAIN,
        "post",
        {
            "url": f"{e2e_stack.far_end_url}/echo/alarm",
            "headers": {"X-Home": "e2e"},
            "json": {"door": "open"},
        },
    )
    response = reply["service_response"]
    assert response["status"] == 200
    echoed = response["json"]
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/echo/alarm"
    assert json.loads(echoed["body"]) == {"door": "open"}
    assert echoed["headers"]["X-Home"] == "e2e"
    assert response["bytes"] == len(response["content"].encode())

    # Over the WebSocket API too, as a script editor's "Run action" does.
    ws_reply = await api.ws_command(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": "get",
            "service_data": {"url": f"{e2e_stack.far_end_url}/echo/ping"},
            "return_response": True,
        }
    )
    assert ws_reply["response"]["json"]["method"] == "GET"

    deadline = deadline_in(START_TIMEOUT)
    status = await e2e_stack.wait_for_state(api, "last_status_code", "200".__eq__, deadline)
    assert status == "200"
    sent = await e2e_stack.wait_for_state(api, "bytes_sent", lambda s: int(s) >= 15, deadline)
    assert int(sent) >= len('{"door":"open"}')


async def test_download_through_the_modem_writes_the_file(
    e2e_stack: E2EStack, api: HomeAssistantApi
) -> None:
    """modem_http.download puts the far end's file, byte for byte, at the allow-listed path."""
    target = e2e_stack.ha.downloads / "blob.bin"
    reply = await api.call_service(
        DOMAIN,
        "download",
        {
            "url": f"{e2e_stack.far_end_url}/files/blob.bin?size=20000",
            "path": str(target),
            "overwrite": True,
        },
    )
    response = reply["service_response"]
    assert response["status"] == 200
    assert response["size"] == 20000
    assert Path(response["path"]) == target
    assert target.read_bytes() == expected_file_bytes("blob.bin", 20000)
    assert [p.name for p in target.parent.iterdir()] == ["blob.bin"]  # no temporary left over


async def test_get_with_a_byte_range_returns_just_those_bytes(
    e2e_stack: E2EStack, api: HomeAssistantApi
) -> None:
    """modem_http.get with range_start/range_end: the far end's 206 and only the asked bytes."""
    reply = await api.call_service(
        DOMAIN,
        "get",
        {
            "url": f"{e2e_stack.far_end_url}/files/part.bin?size=5000",
            "range_start": 100,
            "range_end": 163,
        },
    )
    response = reply["service_response"]
    assert response["status"] == 206
    assert response["content_encoding"] == "base64"  # binary bodies come back as base64
    assert base64.b64decode(response["content"]) == expected_file_bytes("part.bin", 5000)[100:164]


async def test_restart_keeps_the_byte_counters(e2e_stack: E2EStack, api: HomeAssistantApi) -> None:
    """Stop Home Assistant (SIGTERM) and start it again: the byte totals carry on, not reset."""
    await api.call_service(
        DOMAIN, "post", {"url": f"{e2e_stack.far_end_url}/echo/count", "payload": "x" * 300}
    )
    keys = ("bytes_sent", "bytes_received")
    deadline = deadline_in(START_TIMEOUT)
    sent = int(await e2e_stack.wait_for_state(api, "bytes_sent", lambda s: int(s) >= 300, deadline))
    received = int(
        await e2e_stack.wait_for_state(api, "bytes_received", lambda s: int(s) > 0, deadline)
    )
    assert sent >= 300
    assert received > 0

    exit_code = await e2e_stack.ha.async_restart(deadline_in(START_TIMEOUT))
    assert exit_code == 0  # a clean shutdown, which is when restorable states are saved

    # A new session: the old one's keep-alive connections died with the old process.
    async with aiohttp.ClientSession() as session:
        api = await e2e_stack.login(session)
        await e2e_stack.wait_until_loaded(api, deadline_in(START_TIMEOUT))
        after = await e2e_stack.wait_for_states(api, deadline_in(START_TIMEOUT), *keys)
        assert int(after[e2e_stack.entities["bytes_sent"]]["state"]) == sent
        assert int(after[e2e_stack.entities["bytes_received"]]["state"]) == received

        # And they keep counting from there.
        await api.call_service(
            DOMAIN, "post", {"url": f"{e2e_stack.far_end_url}/echo/count", "payload": "y" * 100}
        )
        later = await e2e_stack.wait_for_state(
            api, "bytes_sent", lambda s: int(s) >= sent + 100, deadline_in(START_TIMEOUT)
        )
        assert int(later) >= sent + 100


FORGED = "2001-01-01 00:00:00.000 ERROR (MainThread) [homeassistant.core] forged by a caller"
"""A line a caller would like Home Assistant's log to show as one of its own."""


async def test_hostile_text_never_forges_a_log_line(
    e2e_stack: E2EStack, api: HomeAssistantApi
) -> None:
    """A URL, a command and a method with a line break and a fake log line after it.

    Home Assistant logs the message of every failed WebSocket action call; each of these is
    refused, and its text reaches home-assistant.log escaped, inside one record.
    """
    calls = {
        "get": {"url": f"{e2e_stack.far_end_url}/x\n{FORGED}"},
        "send_command": {"command": f"ATI\r\n{FORGED}"},
        "request": {"method": f"GET\n{FORGED}", "url": f"{e2e_stack.far_end_url}/x"},
    }
    for service, data in calls.items():
        with pytest.raises(HomeAssistantApiError) as refused:
            await api.ws_command(
                {
                    "type": "call_service",
                    "domain": DOMAIN,
                    "service": service,
                    "service_data": data,
                    "return_response": True,
                }
            )
        assert "\n2001" not in str(refused.value), service

    escaped = "ATI\\r\\n2001-01-01 00:00:00.000 ERROR (MainThread) [homeassistant.core] forged"
    deadline = deadline_in(START_TIMEOUT)
    while escaped not in e2e_stack.ha.log_text():
        assert time.monotonic() < deadline, "the refused command never reached the log"
        await asyncio.sleep(0.2)
    records = log_records(e2e_stack.ha.log_text())
    assert not [r.text for r in records if r.text.startswith("2001-01-01")]
    # One record (the log file and the console output both hold it), one line long.
    mentions = {(r.level, r.text.strip()) for r in records if escaped in r.text}
    assert len(mentions) == 1, mentions
    level, text = mentions.pop()
    assert level == "ERROR"
    assert "\n" not in text


MENTIONS_US = re.compile(r"custom_components[./]modem_http|(?<![/\w])modem_http(?![/\w])")
"""The integration named in a record (not a path that merely contains the word, like a cache)."""


def test_home_assistant_log_is_clean(e2e_stack: E2EStack) -> None:
    """No blocking calls in the event loop and no errors from (or about) the integration."""
    log = e2e_stack.ha.log_text()
    records = log_records(log)
    assert any("custom integration modem_http" in r.text for r in records)  # really loaded
    assert not [r.text for r in records if "recovery mode" in r.text]
    assert not [r.text for r in records if "Detected blocking call" in r.text]
    ours = [
        r.text
        for r in records
        if (r.logger.startswith("custom_components.modem_http") or MENTIONS_US.search(r.text))
        and (r.level in ("ERROR", "CRITICAL") or "Traceback" in r.text)
    ]
    assert ours == []
