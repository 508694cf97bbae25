"""Every error the modem library can raise reaches a caller as a translated Home Assistant error.

The service tests produce most of these for real against the emulator; this table makes sure the
rarer ones (a vendor CME text, a plain ERROR, a cancelled call) also map to a message that exists
in strings.json with all its placeholders filled, and to a stable name for the Last error sensor.
"""

from __future__ import annotations

import asyncio
import json
import re
import string
from pathlib import Path

import pytest
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.modem_http.atmodem import (
    AtCommandError,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemTimeoutError,
    NoDataConnectionError,
    RequestRejected,
)
from custom_components.modem_http.services_errors import error_slug, to_service_error

STRINGS = json.loads(
    (Path(__file__).parents[2] / "custom_components/modem_http/strings.json").read_text()
)

CASES: list[tuple[BaseException, type[HomeAssistantError], str, str]] = [
    (
        RequestRejected("url", "must start with http:// or https://"),
        ServiceValidationError,
        "invalid_url",
        "request_rejected",
    ),
    (
        RequestRejected("headers", "contains characters the modem cannot take: '\"'"),
        ServiceValidationError,
        "request_rejected",
        "request_rejected",
    ),
    (
        NoDataConnectionError("the network refused APN internet"),
        HomeAssistantError,
        "no_data_connection",
        "no_data_connection",
    ),
    (
        ModemHttpError(713, "DNS lookup failed"),
        HomeAssistantError,
        "modem_http_error",
        "modem_http_error_713",
    ),
    (
        ModemDisconnectedError("connection lost"),
        HomeAssistantError,
        "modem_disconnected",
        "modem_disconnected",
    ),
    (
        ModemTimeoutError("AT+HTTPACTION=0: no reply"),
        HomeAssistantError,
        "modem_timeout",
        "modem_timeout",
    ),
    (TimeoutError(), HomeAssistantError, "modem_timeout", "modem_timeout"),
    (
        AtCommandError("AT+HTTPINIT", "+CME ERROR: 3", cme_code=3),
        HomeAssistantError,
        "at_command_error",
        "at_command_error_3",
    ),
    (
        AtCommandError("AT+HTTPINIT", "ERROR"),
        HomeAssistantError,
        "at_command_error",
        "at_command_error_error",
    ),
    (ModemError("something new"), HomeAssistantError, "modem_error", "modem_error"),
]


def rendered(err: HomeAssistantError) -> str:
    """The English message as Home Assistant would show it; fails on a missing placeholder."""
    assert err.translation_key is not None
    template = STRINGS["exceptions"][err.translation_key]["message"]
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    assert needed <= set(err.translation_placeholders or {}), (
        template,
        err.translation_placeholders,
    )
    return template.format(**(err.translation_placeholders or {}))


@pytest.mark.parametrize(("raised", "kind", "key", "slug"), CASES)
def test_each_library_error_becomes_a_translated_error_and_a_sensor_name(
    raised: BaseException, kind: type[HomeAssistantError], key: str, slug: str
) -> None:
    mapped = to_service_error(raised, timeout=30)

    assert type(mapped) is kind
    assert mapped.translation_key == key
    message = rendered(mapped)
    assert not re.search(r"\{\w+\}", message)
    assert error_slug(raised) == slug


def test_the_modems_own_code_is_in_the_message() -> None:
    message = rendered(to_service_error(ModemHttpError(714, "connect failed"), timeout=30))
    assert "714" in message


def test_sensor_names_for_errors_that_never_reached_the_modem() -> None:
    assert error_slug(asyncio.CancelledError()) == "cancelled"
    translated = HomeAssistantError(
        translation_domain="modem_http",
        translation_key="modem_http_error",
        translation_placeholders={"code": "715", "message": "TLS"},
    )
    assert error_slug(translated) == "modem_http_error_715"
    assert error_slug(ValueError("x")) == "ValueError"
