"""What every modem_http service shares: picking the modem, checking input, running a request.

Kept apart from the service handlers so the download service (its own module) uses exactly the
same checks and the same bookkeeping as the plain requests.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback

from .atmodem import HttpResponse, ModemError, RequestRejected
from .atmodem.validation import check_header, check_text, check_url
from .const import CONF_TIMEOUT, DEFAULT_TIMEOUT, DOMAIN
from .error_kinds import ErrorKind, error_kind, modem_code
from .models import ModemHttpConfigEntry, RequestRecord
from .services_errors import (
    rejected_to_validation_error,
    to_service_error,
    validation_error,
)

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_URL: Final = "url"
ATTR_METHOD: Final = "method"
ATTR_HEADERS: Final = "headers"
ATTR_PAYLOAD: Final = "payload"
ATTR_JSON: Final = "json"
ATTR_CONTENT_TYPE: Final = "content_type"
ATTR_TIMEOUT: Final = "timeout"
ATTR_RANGE_START: Final = "range_start"
ATTR_RANGE_END: Final = "range_end"
ATTR_PATH: Final = "path"
ATTR_MODEM_FILE: Final = "modem_file"
ATTR_OVERWRITE: Final = "overwrite"

ATTR_MAX_RESPONSE_SIZE: Final = "max_response_size"

DEFAULT_MAX_RESPONSE_SIZE: Final = 1024 * 1024
"""What get, post, request and post_file hand back at most unless the call asks for more.

A response lands in the action's response variable, in automation traces and (base64 for
binary bodies, a third larger) in whatever the caller keeps; large bodies belong in a file
(the download action), which streams them to disk instead.
"""
MAX_RESPONSE_SIZE: Final = 8 * 1024 * 1024
"""The most a call may ask for with max_response_size."""

MAX_MODEM_FILE_NAME: Final = 255
"""The drivers apply their own (smaller) limits; this only keeps nonsense out early."""


@callback
def resolve_entry(hass: HomeAssistant, entry_id: str | None) -> ModemHttpConfigEntry:
    """The target modem: the one named, or the only loaded one."""
    if entry_id:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            raise validation_error("modem_not_found", entry_id=entry_id)
        if entry.state is not ConfigEntryState.LOADED:
            raise validation_error("modem_not_loaded", name=entry.title)
        loaded: ModemHttpConfigEntry = entry
        return loaded
    entries: list[ModemHttpConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise validation_error("no_modem")
    if len(entries) > 1:
        raise validation_error("multiple_modems", count=len(entries))
    return entries[0]


def request_timeout(entry: ModemHttpConfigEntry, data: Mapping[str, Any]) -> float:
    """The call's own timeout, else the one the user set in the entry's options."""
    if ATTR_TIMEOUT in data:
        return float(data[ATTR_TIMEOUT])
    return float(entry.options.get(CONF_TIMEOUT, DEFAULT_TIMEOUT))


def response_limit(data: Mapping[str, Any]) -> int:
    """The call's max_response_size (the schema bounds it), else the default."""
    return int(data.get(ATTR_MAX_RESPONSE_SIZE, DEFAULT_MAX_RESPONSE_SIZE))


def checked_url(url: str) -> str:
    """An http(s) URL safe to quote in an AT command (the drivers apply their length limits)."""
    try:
        return check_url(url, max_length=8192)
    except RequestRejected as err:
        raise rejected_to_validation_error(err) from err


def checked_headers(headers: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """The headers with AT injection refused, and any Content-Type split out.

    Dialects set the content type with a command of its own, so a Content-Type header moves to
    the content_type argument rather than being sent twice.
    """
    result: dict[str, str] = {}
    content_type: str | None = None
    try:
        for name, value in headers.items():
            check_header(name, value)
            if name.lower() == "content-type":
                content_type = value
            else:
                result[name] = value
    except RequestRejected as err:
        raise rejected_to_validation_error(err) from err
    return result, content_type


def checked_modem_file(name: str) -> str:
    """A modem file name free of AT injection; the driver applies its family's naming rules.

    Those differ (Quectel takes a storage prefix such as `UFS:`, SIMCom a bare name), so only
    what no family accepts is refused here.
    """
    try:
        return check_text(ATTR_MODEM_FILE, name, max_length=MAX_MODEM_FILE_NAME, allow_empty=False)
    except RequestRejected as err:
        raise rejected_to_validation_error(err) from err


async def perform(
    entry: ModemHttpConfigEntry,
    method: str,
    bytes_sent: int,
    timeout: float,
    send: Callable[[], Awaitable[HttpResponse]],
    *,
    received: Callable[[HttpResponse], int] | None = None,
) -> HttpResponse:
    """Run one modem transaction, record it for the sensors, translate its errors.

    Only what the modem worked on is recorded: input refused before anything was sent
    (RequestRejected) is the caller's mistake, answered with a validation error, and neither
    turns the last-request problem sensor on nor counts as a failed request.

    The recorded duration is the time the request had the modem (`elapsed`), not the time it
    waited for the modem behind other requests, so the duration sensor shows the modem's and the
    network's speed however busy the modem is.
    """
    started = time.monotonic()
    try:
        response = await send()
    except RequestRejected as err:
        raise rejected_to_validation_error(err) from err
    except (ModemError, TimeoutError) as err:
        _record(entry, method, None, bytes_sent, 0, _time_on_modem(err, started), err)
        raise to_service_error(err, timeout=timeout) from err
    except BaseException as err:
        # The body sink's own errors (a file that appeared meanwhile), cancellation, or a bug:
        # still counted, then passed on unchanged.
        _record(entry, method, None, bytes_sent, 0, time.monotonic() - started, err)
        raise
    size = received(response) if received else len(response.body)
    sent = response.bytes_sent or bytes_sent
    _record(entry, method, response.status, sent, size, response.elapsed)
    return response


def _time_on_modem(err: BaseException, started: float) -> float:
    """How long a failed request had the modem (the whole call when the library cannot tell)."""
    if isinstance(err, ModemError) and err.elapsed is not None:
        return err.elapsed
    return time.monotonic() - started


def _record(
    entry: ModemHttpConfigEntry,
    method: str,
    status: int | None,
    bytes_sent: int,
    bytes_received: int,
    duration: float,
    failure: BaseException | None = None,
) -> None:
    kind: ErrorKind | None = None if failure is None else error_kind(failure)
    record = RequestRecord(
        method=method,
        status=status,
        bytes_sent=bytes_sent,
        bytes_received=bytes_received,
        duration=duration,
        error=kind,
        error_code=None if failure is None else modem_code(failure),
    )
    entry.runtime_data.coordinator.async_record_request(record)
