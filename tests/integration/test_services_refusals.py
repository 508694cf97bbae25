"""Refused input and broken environments: always a translated error, never a failed request.

Stories: a caller's mistake (a method that is no method, a line break in the content type, their
own Content-Length header, a modem file name with a folder in it) is refused before anything
reaches the modem. It is the caller's to fix, not the modem's trouble, so the "Last request"
problem sensor stays as it was and no failed request is counted. And whatever goes wrong (a URL
too broken to parse, text that is not valid Unicode, JSON that cannot be written, a download
folder Home Assistant may not write to) the caller gets a translated error, never a raw Python
exception.
"""

import datetime
from pathlib import Path
from typing import Any

import probatio as vol
import pytest
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.modem_http.const import DOMAIN

from .conftest import FarEnd, ServiceModem, call_service, entity_id

pytestmark = pytest.mark.usefixtures("socket_enabled")


def caller_mistakes(far_end: FarEnd) -> dict[str, tuple[str, dict[str, Any]]]:
    """Calls refused before the modem hears of them, by the service or by the modem's driver."""
    url = far_end.url("/echo")
    return {
        "method with a line break": ("request", {"method": "GET\nX", "url": url}),
        "method the modem cannot send": ("request", {"method": "BREW", "url": url}),
        "line break in the content type": (
            "post",
            {"url": url, "payload": "x", "content_type": "text/plain\r\nX-Evil: 1"},
        ),
        "own Content-Length header": (
            "post",
            {"url": url, "payload": "x", "headers": {"Content-Length": "99"}},
        ),
        "modem file in a folder (post_file)": ("post_file", {"url": url, "modem_file": "../x"}),
        "modem file in a folder (download)": ("download", {"url": url, "modem_file": "../x"}),
        "byte range on a POST": ("request", {"method": "POST", "url": url, "range_start": 5}),
        "not a URL": ("get", {"url": "http://[::1/x"}),
    }


async def test_refused_input_is_not_a_failed_request(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Each mistake is refused with a translated error; the sensors do not take it as trouble."""
    coordinator = service_modem.entry.runtime_data.coordinator
    problem = entity_id(hass, "binary_sensor", "last_request", service_modem.entry.unique_id)
    service_modem.sent.clear()

    for story, (service, data) in caller_mistakes(far_end).items():
        # The action's schema refuses a method that is no HTTP token; all else is ours.
        expected = vol.Invalid if story == "method with a line break" else ServiceValidationError
        with pytest.raises(expected) as raised:
            await call_service(hass, service, **data)
        if isinstance(raised.value, ServiceValidationError):
            assert raised.value.translation_domain == DOMAIN, story

        await hass.async_block_till_done()
        assert coordinator.stats.requests == 0, story
        assert coordinator.stats.failures == 0, story
        assert hass.states.get(problem).state == STATE_UNKNOWN, story

    assert far_end.requests == []
    assert b"HTTP" not in bytes(service_modem.sent)

    # What the modem did work on and failed is what the sensor is for.
    with pytest.raises(HomeAssistantError):
        await call_service(hass, "get", url=far_end.closed_url("/x"))
    await hass.async_block_till_done()
    assert coordinator.stats.failures == 1
    assert hass.states.get(problem).state == STATE_ON
    last_error = hass.states.get(
        entity_id(hass, "sensor", "last_error", service_modem.entry.unique_id)
    )
    assert last_error.state == "connection_failed"
    assert last_error.attributes["modem_code"] == int(service_modem.codes["connect"])


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("post", {"payload": "\ud800"}, "request_rejected"),
        ("post", {"json": {"text": "\udfff"}}, "request_rejected"),
        ("post", {"json": {"when": datetime.date(2026, 1, 1)}}, "request_rejected"),
        ("post", {"json": {"level": float("nan")}}, "request_rejected"),
        ("get", {"headers": {"X-A": "\ud800"}}, "request_rejected"),
    ],
    ids=["payload surrogate", "json surrogate", "json date", "json nan", "header surrogate"],
)
async def test_text_json_cannot_carry_is_refused_with_a_translated_error(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    far_end: FarEnd,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """A script (or a template) hands over text no modem can send: refused, nothing sent."""
    with pytest.raises(ServiceValidationError) as raised:
        await call_service(hass, service, url=far_end.url("/echo"), **data)

    assert raised.value.translation_key == key
    assert far_end.requests == []


@pytest.mark.parametrize("service", ["download", "post_file"])
async def test_a_path_that_no_file_system_can_hold_is_refused(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    far_end: FarEnd,
    allowed: Path,
    service: str,
) -> None:
    """A lone surrogate in a folder or file name: invalid_file_name, never a UnicodeEncodeError."""
    for path in (f"{allowed}/x\ud800.bin", f"{allowed}/\ud800/x.bin"):
        with pytest.raises(ServiceValidationError) as raised:
            await call_service(hass, service, url=far_end.url("/binary"), path=path)
        assert raised.value.translation_key == "invalid_file_name"
    assert far_end.requests == []


async def test_a_download_into_a_folder_home_assistant_cannot_write_is_translated(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The folder is allow-listed but not writable (sysfs refuses new files, even to root)."""
    hass.config.allowlist_external_dirs = {"/sys/kernel"}

    with pytest.raises(HomeAssistantError) as raised:
        await call_service(
            hass, "download", url=far_end.url("/binary"), path="/sys/kernel/modem_http.bin"
        )

    assert raised.value.translation_key == "file_write_failed"
    assert "Permission denied" in str(raised.value)
    assert far_end.requests == []
    assert not Path("/sys/kernel/modem_http.bin").exists()


INJECTION = '"\r\nAT+CFUN=0\r\n'
"""What would end a quoted AT argument and start a command of its own, were it sent."""


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("get", {"url": f"http://127.0.0.1/a{INJECTION}"}, "invalid_url"),
        (
            "post",
            {"url": "http://127.0.0.1/a", "headers": {"X-Note": INJECTION}},
            "request_rejected",
        ),
        (
            "post",
            {"url": "http://127.0.0.1/a", "headers": {f"X{INJECTION}": "1"}},
            "request_rejected",
        ),
        (
            "post",
            {"url": "http://127.0.0.1/a", "headers": {"Content-Type": f"text/plain{INJECTION}"}},
            "request_rejected",
        ),
        (
            "post_file",
            {"url": "http://127.0.0.1/a", "modem_file": f"log{INJECTION}"},
            "request_rejected",
        ),
        (
            "post_file",
            {"url": f"http://127.0.0.1/a{INJECTION}", "modem_file": "log.txt"},
            "invalid_url",
        ),
        (
            "download",
            {"url": "http://127.0.0.1/a", "modem_file": f"fw{INJECTION}"},
            "request_rejected",
        ),
        ("download", {"url": f"http://127.0.0.1/a{INJECTION}", "path": "fw.bin"}, "invalid_url"),
        ("install_ca", {"url": f"http://127.0.0.1/ca.pem{INJECTION}"}, "invalid_url"),
    ],
    ids=[
        "get url",
        "header value",
        "header name",
        "content type header",
        "post_file modem file",
        "post_file url",
        "download modem file",
        "download url",
        "install_ca url",
    ],
)
async def test_text_that_would_inject_a_command_never_reaches_the_modem(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    allowed: Path,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """The modem's library refuses it: a translated error, nothing sent, nothing left on disk."""
    coordinator = service_modem.entry.runtime_data.coordinator
    if "path" in data:
        data = {**data, "path": str(allowed / data["path"])}
    service_modem.sent.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await call_service(hass, service, **data)

    if "modem_file" in data and not service_modem.module_files:
        # A family without module files refuses the operation itself, before reading its text.
        key = "operation_unsupported"
    assert raised.value.translation_key == key
    assert "\r" not in str(raised.value)
    assert "\n" not in str(raised.value)
    assert b"CFUN" not in service_modem.sent
    assert b"HTTP" not in service_modem.sent
    assert list(allowed.iterdir()) == []
    assert coordinator.stats.requests == 0
