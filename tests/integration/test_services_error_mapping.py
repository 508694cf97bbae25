"""Every error the modem library can raise reaches a caller as a translated Home Assistant error.

The service tests produce most of these for real against the emulator; this table makes sure the
rarer ones (a vendor CME text, a plain ERROR, a cancelled call) also map to a message that exists
in strings.json with all its placeholders filled, and to a stable name for the Last error sensor.
"""

import asyncio
import json
import re
import string
from pathlib import Path

import pytest
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.modem_http.atmodem import (
    AtCommandError,
    HttpFailure,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemInputOpenError,
    ModemTimeoutError,
    NoDataConnectionError,
    RequestRejected,
    ResponseTooLargeError,
    UnsupportedOperation,
)
from custom_components.modem_http.models import ErrorKind
from custom_components.modem_http.sensor import NO_ERROR
from custom_components.modem_http.services.errors import last_error, library_error, modem_code

STRINGS = json.loads(
    (Path(__file__).parents[2] / "custom_components/modem_http/strings.json").read_text()
)


def timed(err: ModemError, *, queued: float, elapsed: float) -> ModemError:
    """An error as a Modem operation hands it over: with where its time went."""
    err.queued, err.elapsed = queued, elapsed
    return err


CASES: list[tuple[ModemError | TimeoutError, type[HomeAssistantError], str, ErrorKind | None]] = [
    # Refused input never reaches the sensors (None): the caller fixes the call.
    (
        RequestRejected("url", "must start with http:// or https://"),
        ServiceValidationError,
        "invalid_url",
        None,
    ),
    (
        RequestRejected("headers", "contains characters the modem cannot take: '\"'"),
        ServiceValidationError,
        "request_rejected",
        None,
    ),
    (
        RequestRejected("command", "must start with AT"),
        ServiceValidationError,
        "command_refused",
        None,
    ),
    # What the modem's family cannot do at all (a module file on SIM800): refused, not counted.
    (
        UnsupportedOperation("SIM800 and SIM900 modules have no file system"),
        ServiceValidationError,
        "operation_unsupported",
        None,
    ),
    (
        NoDataConnectionError("the network refused APN internet"),
        HomeAssistantError,
        "no_data_connection",
        ErrorKind.NO_DATA_CONNECTION,
    ),
    (
        ModemHttpError(713, "DNS lookup failed", failure=HttpFailure.DNS),
        HomeAssistantError,
        "modem_http_error",
        ErrorKind.DNS_FAILED,
    ),
    (
        ModemHttpError(715, "TLS handshake failed", failure=HttpFailure.TLS),
        HomeAssistantError,
        "modem_http_error",
        ErrorKind.TLS_FAILED,
    ),
    (
        ModemHttpError(703, "busy"),
        HomeAssistantError,
        "modem_http_error",
        ErrorKind.MODEM_HTTP_ERROR,
    ),
    (
        ResponseTooLargeError(1000, 5000),
        HomeAssistantError,
        "response_too_large",
        ErrorKind.RESPONSE_TOO_LARGE,
    ),
    (
        ResponseTooLargeError(1000),
        HomeAssistantError,
        "response_too_large_unannounced",
        ErrorKind.RESPONSE_TOO_LARGE,
    ),
    (
        ModemDisconnectedError("connection lost", port="socket://192.168.1.5:4000"),
        HomeAssistantError,
        "modem_disconnected",
        ErrorKind.MODEM_DISCONNECTED,
    ),
    (
        ModemDisconnectedError("connection lost"),
        HomeAssistantError,
        "modem_disconnected",
        ErrorKind.MODEM_DISCONNECTED,
    ),
    (
        ModemDisconnectedError("modem restarted (RDY)", port="/dev/ttyUSB2", restarted=True),
        HomeAssistantError,
        "modem_restarted",
        ErrorKind.MODEM_DISCONNECTED,
    ),
    (
        ModemTimeoutError("AT+HTTPACTION=0: no reply"),
        HomeAssistantError,
        "modem_timeout",
        ErrorKind.MODEM_TIMEOUT,
    ),
    (
        timed(ModemTimeoutError("the server did not answer"), queued=0.0, elapsed=9.96),
        HomeAssistantError,
        "modem_timeout",
        ErrorKind.MODEM_TIMEOUT,
    ),
    (
        timed(ModemTimeoutError("the server did not answer"), queued=55.2, elapsed=9.8),
        HomeAssistantError,
        "modem_timeout_queued",
        ErrorKind.MODEM_TIMEOUT,
    ),
    (
        timed(ModemTimeoutError("it never got the modem"), queued=30.0, elapsed=0.0),
        HomeAssistantError,
        "modem_busy",
        ErrorKind.MODEM_TIMEOUT,
    ),
    (
        timed(ModemInputOpenError("still waiting for the data"), queued=0.0, elapsed=1.0),
        HomeAssistantError,
        "modem_input_open",
        ErrorKind.MODEM_TIMEOUT,
    ),
    (TimeoutError(), HomeAssistantError, "modem_timeout", ErrorKind.MODEM_TIMEOUT),
    (
        AtCommandError("AT+HTTPINIT", "+CME ERROR: 3", cme_code=3),
        HomeAssistantError,
        "at_command_error",
        ErrorKind.COMMAND_FAILED,
    ),
    (
        AtCommandError("AT+HTTPINIT", "ERROR"),
        HomeAssistantError,
        "at_command_error",
        ErrorKind.COMMAND_FAILED,
    ),
    (ModemError("something new"), HomeAssistantError, "modem_error", ErrorKind.OTHER),
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


@pytest.mark.parametrize(("raised", "kind", "key", "sensor_state"), CASES)
def test_each_library_error_becomes_a_translated_error_and_a_sensor_state(
    raised: ModemError | TimeoutError,
    kind: type[HomeAssistantError],
    key: str,
    sensor_state: ErrorKind | None,
) -> None:
    mapped = library_error(raised, timeout=30)

    assert type(mapped) is kind
    assert mapped.translation_key == key
    message = rendered(mapped)
    assert not re.search(r"\{\w+\}", message)
    assert last_error(raised)[0] is sensor_state
    if sensor_state is not None:
        assert STRINGS["entity"]["sensor"]["last_error"]["state"][sensor_state]


def test_a_timeout_after_queueing_tells_both_parts() -> None:
    err = timed(ModemTimeoutError("the server did not answer"), queued=55.2, elapsed=9.8)
    message = rendered(library_error(err, timeout=65))
    assert "55.2 seconds for the modem" in message
    assert "9.8 seconds it had on the modem" in message
    assert "within 65" not in message


def test_a_disconnected_modem_is_named_by_its_port() -> None:
    err = ModemDisconnectedError("link down", port="socket://192.168.1.5:4000")
    assert "The modem at socket://192.168.1.5:4000 is not connected" in rendered(
        library_error(err, timeout=60)
    )


def test_the_modems_own_code_is_in_the_message_and_beside_the_state() -> None:
    err = ModemHttpError(714, "connect failed", failure=HttpFailure.CONNECT)

    assert "714" in rendered(library_error(err, timeout=30))
    assert modem_code(err) == 714
    assert modem_code(AtCommandError("AT+X", "+CME ERROR: 3", cme_code=3)) == 3
    assert modem_code(ModemTimeoutError("x")) is None


def test_failures_that_are_not_the_modems_have_states_too() -> None:
    assert last_error(asyncio.CancelledError()) == (ErrorKind.CANCELLED, None)
    assert last_error(PermissionError(13, "Permission denied")) == (
        ErrorKind.FILE_WRITE_FAILED,
        None,
    )
    assert last_error(ValueError("x")) == (ErrorKind.OTHER, None)


def test_every_state_of_the_last_error_sensor_is_translated() -> None:
    states = STRINGS["entity"]["sensor"]["last_error"]["state"]

    assert set(states) == {NO_ERROR} | {kind.value for kind in ErrorKind}
    assert all(text and "_" not in text for text in states.values())
