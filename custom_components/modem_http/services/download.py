"""The download action: a URL into a local file (atomically) or into the modem's file system.

`path` names the target file itself. There is no configured download directory as in
`downloader`, so the allow-list (`allowlist_external_dirs`) decides where files may go; relative
paths are taken relative to the configuration directory. Like `downloader`, the outcome is also
announced on the event bus, so automations can react to downloads started by others.
"""

import asyncio
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv

from ..atmodem import HttpResponse
from ..atmodem.shown import shown
from ..const import EVENT_DOWNLOAD_COMPLETED, EVENT_DOWNLOAD_FAILED
from ..models import ModemHttpConfigEntry
from .errors import event_error, modem_failure, validation_error
from .fields import (
    ATTR_HEADERS,
    ATTR_MODEM_FILE,
    ATTR_OVERWRITE,
    ATTR_PATH,
    ATTR_URL,
    REQUEST_FIELDS,
    request_timeout,
    split_content_type,
)
from .local_files import TempFileSink, prepare_download_target
from .outcome import perform
from .target import modem_entry

DOWNLOAD_SCHEMA: Final = vol.Schema(
    {
        **REQUEST_FIELDS,
        vol.Optional(ATTR_PATH): cv.string,
        vol.Optional(ATTR_MODEM_FILE): cv.string,
        vol.Optional(ATTR_OVERWRITE, default=False): cv.boolean,
    }
)

MAX_EVENT_TEXT = 1024
"""Event data is caller text too: one line, bounded, whatever the call carried."""


def event_url(url: str) -> str:
    """The URL without a password, fit for the event bus and the logbook.

    A URL too broken to parse cannot be redacted reliably, so it is not repeated at all.
    """
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return shown(url, limit=MAX_EVENT_TEXT)
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
    except ValueError:
        return "(not a valid URL)"
    redacted = urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    return shown(redacted, limit=MAX_EVENT_TEXT)


async def async_download(call: ServiceCall) -> ServiceResponse:
    """Check, fetch, store; fire completed or failed; answer with where it went."""
    entry = modem_entry(call)
    data = call.data
    hass = call.hass
    url: str = data[ATTR_URL]
    target = data.get(ATTR_PATH) or data.get(ATTR_MODEM_FILE)
    target_name = None if target is None else shown(target, limit=MAX_EVENT_TEXT)
    try:
        result = await _download(hass, entry, data, request_timeout(entry, data))
    except BaseException as err:
        error, code = event_error(err)
        hass.bus.async_fire(
            EVENT_DOWNLOAD_FAILED,
            {
                "url": event_url(url),
                "filename": target_name,
                "config_entry_id": entry.entry_id,
                "error": error,
                "modem_code": code,
            },
        )
        raise
    hass.bus.async_fire(
        EVENT_DOWNLOAD_COMPLETED,
        {
            "url": event_url(url),
            "filename": target_name,
            "config_entry_id": entry.entry_id,
            "size": result["size"],
            "status": result["status"],
        },
    )
    return result


async def _download(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    data: Mapping[str, Any],
    timeout: float,
) -> dict[str, Any]:
    if (ATTR_PATH in data) == (ATTR_MODEM_FILE in data):
        raise validation_error("path_or_modem_file")
    url: str = data[ATTR_URL]
    headers, content_type = split_content_type(data[ATTR_HEADERS])
    if ATTR_MODEM_FILE not in data:
        if content_type:
            headers["Content-Type"] = content_type
        return await _to_local_file(
            hass, entry, url, data[ATTR_PATH], headers, data[ATTR_OVERWRITE], timeout
        )
    if headers or content_type:
        raise validation_error(
            "request_rejected",
            field=ATTR_HEADERS,
            reason="the modem fetches into its own files without extra headers",
        )
    return await _to_modem_file(entry, url, data[ATTR_MODEM_FILE], timeout)


async def _to_modem_file(
    entry: ModemHttpConfigEntry, url: str, name: str, timeout: float
) -> dict[str, Any]:
    modem = entry.runtime_data.modem
    response = await perform(
        entry,
        "GET",
        0,
        timeout,
        lambda: modem.download_to_modem_file(url, name, timeout=timeout),
        received=_announced_size,
    )
    if not response.ok:
        raise modem_failure("download_bad_status", status=response.status)
    return {
        "status": response.status,
        "modem_file": name,
        "size": _announced_size(response),
        "elapsed": round(response.elapsed, 3),
        "queued": round(response.queued, 3),
    }


def _announced_size(response: HttpResponse) -> int:
    """The modem stored the body itself; its length is what it announced."""
    if response.content_length is not None:
        return response.content_length
    return len(response.body)


async def _to_local_file(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    url: str,
    path: str,
    headers: dict[str, str],
    overwrite: bool,
    timeout: float,
) -> dict[str, Any]:
    modem = entry.runtime_data.modem
    target = await hass.async_add_executor_job(prepare_download_target, hass, path, overwrite)
    sink = TempFileSink(hass, target)
    try:
        # Opening belongs inside: a folder Home Assistant may not write to fails right here.
        await sink.open()
        response = await perform(
            entry,
            "GET",
            0,
            timeout,
            lambda: modem.http_request(
                "GET", url, headers=headers, timeout=timeout, body_sink=sink.write
            ),
            received=lambda response: sink.size or len(response.body),
        )
        size = await _keep(sink, response, overwrite)
    except OSError as err:
        # The local disk failed us (full, removed, read-only): not the modem's fault.
        await asyncio.shield(sink.discard())
        raise modem_failure(
            "file_write_failed", path=path, error=err.strerror or type(err).__name__
        ) from err
    except BaseException:
        await asyncio.shield(sink.discard())
        raise
    return {
        "status": response.status,
        "path": target,
        "size": size,
        "elapsed": round(response.elapsed, 3),
        "queued": round(response.queued, 3),
    }


async def _keep(sink: TempFileSink, response: HttpResponse, overwrite: bool) -> int:
    """Put a successful body in place; an error page is never saved as the file."""
    if not response.ok:
        raise modem_failure("download_bad_status", status=response.status)
    if sink.size == 0 and response.body:
        # A driver that could not stream handed the body over whole.
        await sink.write(response.body)
    return await sink.commit(overwrite)
