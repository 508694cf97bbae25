"""The download action: a URL into a local file (atomically) or into the modem's file system.

`path` names the target file itself. There is no configured download directory as in
`downloader`, so the allow-list (`allowlist_external_dirs`) decides where files may go; relative
paths are taken relative to the configuration directory. Like `downloader`, the outcome is also
announced on the event bus, so automations can react to downloads started by others; both events
and the answer say how many times the download was cut and resumed (`resumes`).

A download resumes after cuts unless the call says `resume: false` (atmodem/download.py: ranged
requests that prove they continue the same version, never two versions spliced). Its progress
shows on the transfer progress sensor while it runs.
"""

import asyncio
from collections.abc import Mapping
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv

from ..atmodem import HttpResponse
from ..atmodem.progress import Direction, TransferProgress
from ..atmodem.shown import shown
from ..const import EVENT_DOWNLOAD_COMPLETED, EVENT_DOWNLOAD_FAILED
from ..models import ModemHttpConfigEntry
from .errors import event_error, modem_failure, validation_error
from .fields import (
    ATTR_HEADERS,
    ATTR_MODEM_FILE,
    ATTR_OVERWRITE,
    ATTR_PATH,
    ATTR_RESUME,
    ATTR_URL,
    REQUEST_FIELDS,
    request_timeout,
    split_content_type,
)
from .local_files import TempFileSink, prepare_download_target
from .outcome import perform
from .shown_text import MAX_EVENT_TEXT, event_url
from .target import modem_entry

DOWNLOAD_SCHEMA: Final = vol.Schema(
    {
        **REQUEST_FIELDS,
        vol.Optional(ATTR_PATH): cv.string,
        vol.Optional(ATTR_MODEM_FILE): cv.string,
        vol.Optional(ATTR_OVERWRITE, default=False): cv.boolean,
        vol.Optional(ATTR_RESUME): cv.boolean,
    }
)


async def async_download(call: ServiceCall) -> ServiceResponse:
    """Check, fetch, store; fire completed or failed; answer with where it went."""
    entry = modem_entry(call)
    data = call.data
    hass = call.hass
    url: str = data[ATTR_URL]
    target = data.get(ATTR_PATH) or data.get(ATTR_MODEM_FILE)
    target_name = None if target is None else shown(target, limit=MAX_EVENT_TEXT)
    transfers = entry.runtime_data.transfers
    with transfers.track(Direction.DOWNLOAD, "download", target_name or "") as progress:
        try:
            result = await _download(hass, entry, data, request_timeout(entry, data), progress)
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
                    "resumes": progress.resumes,
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
            "resumes": result["resumes"],
        },
    )
    return result


async def _download(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    data: Mapping[str, Any],
    timeout: float,
    progress: TransferProgress,
) -> dict[str, Any]:
    if (ATTR_PATH in data) == (ATTR_MODEM_FILE in data):
        raise validation_error("path_or_modem_file")
    url: str = data[ATTR_URL]
    headers, content_type = split_content_type(data[ATTR_HEADERS])
    if ATTR_MODEM_FILE not in data:
        if content_type:
            headers["Content-Type"] = content_type
        return await _to_local_file(
            hass,
            entry,
            url,
            data[ATTR_PATH],
            headers,
            overwrite=data[ATTR_OVERWRITE],
            resume=data.get(ATTR_RESUME),
            timeout=timeout,
            progress=progress,
        )
    if headers or content_type:
        raise validation_error(
            "request_rejected",
            field=ATTR_HEADERS,
            reason="the modem fetches into its own files without extra headers",
        )
    return await _to_modem_file(
        entry, url, data[ATTR_MODEM_FILE], resume=data.get(ATTR_RESUME), timeout=timeout
    )


async def _to_modem_file(
    entry: ModemHttpConfigEntry, url: str, name: str, *, resume: bool | None, timeout: float
) -> dict[str, Any]:
    modem = entry.runtime_data.modem
    response = await perform(
        entry,
        "GET",
        0,
        timeout,
        lambda: modem.download_to_modem_file(url, name, timeout=timeout, resume=resume),
        received=_announced_size,
    )
    if not response.ok:
        raise modem_failure("download_bad_status", status=response.status)
    return {
        "status": response.status,
        "modem_file": name,
        "size": _announced_size(response),
        "resumes": response.resumes,
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
    *,
    overwrite: bool,
    resume: bool | None,
    timeout: float,
    progress: TransferProgress,
) -> dict[str, Any]:
    """Into a hidden temporary file beside the target, renamed only once complete.

    A cut download keeps its bytes in the temporary file while the library asks for the rest
    (atmodem/download.py); only a complete, successful body becomes the target.
    """
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
            lambda: modem.download(
                url, sink, headers=headers, timeout=timeout, resume=resume, progress=progress
            ),
            received=lambda _response: sink.size,
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
        "resumes": response.resumes,
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
