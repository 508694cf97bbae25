"""Hostile text through Home Assistant's WebSocket API: never echoed raw, never a forged log line.

Any user may call `modem_http.request`, and Home Assistant writes the message of a failed call
into its log (`websocket_api` logs every ServiceValidationError and HomeAssistantError). So a
value with a line break that came back in the message would put a line of the caller's choosing
into the log, one that looks like Home Assistant's own. Each story below sends such a value the
way the frontend or a script over the API does, and checks what the caller got back, what the log
received, that the event bus carries no raw text either, and that the modem never heard of it.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.modem_http.atmodem.shown import shown
from custom_components.modem_http.const import DOMAIN, EVENT_DOWNLOAD_FAILED
from tests.integration.conftest import ServiceModem

pytestmark = pytest.mark.usefixtures("socket_enabled")

FORGED = "2001-01-01 00:00:00.000 ERROR (MainThread) [homeassistant.core] forged"
"""What an attacker wants to appear as a log line of its own."""
BREAKS = ("\n", "\r\n", "\r", "\u2028", "\x85", "\x1b[2K\r")
"""Line ends a log viewer honours, plus a terminal's erase-line-and-return."""
URL = "http://127.0.0.1:9/never"
"""Never reached: each call is refused before anything goes to the modem."""


@dataclass(frozen=True)
class Hostile:
    """One call an attacker makes, and the refusal the caller must get."""

    name: str
    service: str
    data: dict[str, Any]
    refusal: str
    """The translation key, or `invalid_format` for the action's schema."""


def hostile_calls(allowed: Path) -> list[Hostile]:
    """Every field that takes text, with a forged log line after a line break."""
    forged = f"\n{FORGED}"
    return [
        Hostile("method", "request", {"method": f"GET{forged}", "url": URL}, "invalid_format"),
        Hostile("huge method", "request", {"method": "A" * 100_000, "url": URL}, "invalid_format"),
        Hostile("url", "get", {"url": f"{URL}{forged}"}, "invalid_url"),
        Hostile("huge url", "get", {"url": f"{URL}/{'a' * 100_000}\n"}, "invalid_url"),
        Hostile("broken url", "get", {"url": f"http://[::1{forged}"}, "invalid_url"),
        Hostile(
            "header name", "get", {"url": URL, "headers": {f"X-A{forged}": "1"}}, "request_rejected"
        ),
        Hostile(
            "header value",
            "get",
            {"url": URL, "headers": {"X-A": f"1\r{forged}"}},
            "request_rejected",
        ),
        Hostile(
            "content type",
            "post",
            {"url": URL, "payload": "x", "content_type": f"text/plain{forged}"},
            "request_rejected",
        ),
        Hostile(
            "post_file path",
            "post_file",
            {"url": URL, "path": f"/etc/passwd{forged}"},
            "path_not_allowed",
        ),
        Hostile(
            "download name",
            "download",
            {"url": URL, "path": f"{allowed}/x{forged}"},
            "invalid_file_name",
        ),
        Hostile(
            "modem file", "download", {"url": URL, "modem_file": f"x{forged}"}, "request_rejected"
        ),
        Hostile("command", "send_command", {"command": f"ATI{forged}"}, "command_refused"),
        Hostile("ca url", "install_ca", {"url": f"{URL}{forged}"}, "invalid_url"),
    ]


def one_safe_line(text: str) -> bool:
    """Nothing that ends or rewrites a line: what shown() would leave unchanged."""
    return shown(text, limit=len(text)) == text


@pytest.fixture
def allowed(hass: HomeAssistant, tmp_path: Path) -> Path:
    """An allow-listed folder for the download stories."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


@pytest.mark.parametrize("line_break", BREAKS)
async def test_hostile_text_is_never_echoed_raw(
    hass: HomeAssistant,
    service_modem_factory: Callable[..., Awaitable[ServiceModem]],
    hass_ws_client: Callable[..., Awaitable[Any]],
    caplog: pytest.LogCaptureFixture,
    allowed: Path,
    line_break: str,
) -> None:
    """Each hostile call is refused; message, log and events hold it escaped, in one line."""
    modem = await service_modem_factory("simcom")
    client = await hass_ws_client(hass)
    failed_events = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)
    caplog.set_level(logging.DEBUG)
    modem.sent.clear()

    for hostile in hostile_calls(allowed):
        data = _with_break(hostile.data, line_break)
        caplog.clear()
        await client.send_json_auto_id(
            {
                "type": "call_service",
                "domain": DOMAIN,
                "service": hostile.service,
                "service_data": data,
                "return_response": True,
            }
        )
        reply = await client.receive_json()

        error = reply["error"]
        assert not reply["success"], hostile.name
        refusal = error.get("translation_key") or error["code"]
        assert refusal == hostile.refusal, (hostile.name, error)
        assert one_safe_line(error["message"]), (hostile.name, error["message"])
        assert len(error["message"]) < 600, hostile.name
        for value in (error.get("translation_placeholders") or {}).values():
            assert one_safe_line(value), (hostile.name, value)
        for record in caplog.records:
            message = record.getMessage()
            assert one_safe_line(message), (hostile.name, message)
            assert len(message) < 2000 or record.levelno == logging.DEBUG, hostile.name
        print(f"{hostile.name}: caller saw {error['message']!r}")
        for record in caplog.records:
            if record.levelno >= logging.WARNING:
                print(f"  log {record.levelname} {record.name}: {record.getMessage()}")

    for event in failed_events:
        for value in event.data.values():
            assert value is None or one_safe_line(str(value)), event.data
    assert b"HTTP" not in bytes(modem.sent)
    assert modem.entry.runtime_data.coordinator.stats.requests == 0


def _with_break(data: dict[str, Any], line_break: str) -> dict[str, Any]:
    """The call with its line break swapped for another kind."""

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("\n", line_break)
        if isinstance(value, dict):
            return {swap(k): swap(v) for k, v in value.items()}
        return value

    return {key: swap(value) for key, value in data.items()}
