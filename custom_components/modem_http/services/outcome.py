"""Running one request on the modem: its outcome recorded for the sensors, its failure translated.

Only what the modem worked on is recorded: input refused before anything was sent is the caller's
mistake, answered with a validation error, and neither turns the last-request problem sensor on
nor counts as a failed request (services/errors.py says which errors are which).

The recorded duration is the time the request had the modem (`elapsed`), not the time it waited
for the modem behind other requests, so the duration sensor shows the modem's and the network's
speed however busy the modem is.
"""

import time
from collections.abc import Awaitable, Callable

from ..atmodem import HttpResponse, ModemError
from ..models import ModemHttpConfigEntry, RequestRecord
from .errors import last_error, to_service_error


async def perform(
    entry: ModemHttpConfigEntry,
    method: str,
    bytes_sent: int,
    timeout: float,
    send: Callable[[], Awaitable[HttpResponse]],
    *,
    received: Callable[[HttpResponse], int] | None = None,
) -> HttpResponse:
    """Run send(), record what it did, and raise its failure as the caller should see it.

    `received` counts the bytes a response brought when they are not in its body (a download
    streamed to a file, a file the modem stored itself).
    """
    coordinator = entry.runtime_data.coordinator
    started = time.monotonic()
    try:
        response = await send()
    except BaseException as err:
        state, code = last_error(err)
        if state is not None:
            coordinator.async_record_request(
                RequestRecord(
                    method=method,
                    status=None,
                    bytes_sent=bytes_sent,
                    bytes_received=0,
                    duration=_time_on_modem(err, started),
                    error=state,
                    error_code=code,
                )
            )
        if (translated := to_service_error(err, timeout=timeout)) is not None:
            raise translated from err
        raise
    coordinator.async_record_request(
        RequestRecord(
            method=method,
            status=response.status,
            bytes_sent=response.bytes_sent or bytes_sent,
            bytes_received=received(response) if received else len(response.body),
            duration=response.elapsed,
        )
    )
    return response


def _time_on_modem(err: BaseException, started: float) -> float:
    """How long a failed request had the modem (the whole call when the library cannot tell)."""
    if isinstance(err, ModemError) and err.elapsed is not None:
        return err.elapsed
    return time.monotonic() - started
