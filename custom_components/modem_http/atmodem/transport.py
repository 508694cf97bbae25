"""Open the serial line with serialx, the library Home Assistant's own serial integrations use.

serialx resolves device paths (`/dev/ttyUSB2`, `/dev/serial/by-id/...`) and URLs (`socket://`,
`rfc2217://` for ser2net, `esphome://` serial proxies) and opens them in the executor, so opening
never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import serialx

from .errors import ModemDisconnectedError

_USERINFO = re.compile(r"^([a-z0-9+]+://)[^/@]*@", re.IGNORECASE)

TransportOpener = Callable[
    [Callable[[], asyncio.Protocol], str, int], Awaitable[asyncio.BaseTransport]
]


async def open_serial_transport(
    protocol_factory: Callable[[], asyncio.Protocol], url: str, baudrate: int
) -> asyncio.BaseTransport:
    """Open `url` at `baudrate` (8N1, no flow control) and attach a protocol to it."""
    loop = asyncio.get_running_loop()
    try:
        transport, _ = await serialx.create_serial_connection(
            loop, protocol_factory, url, baudrate, exclusive=False
        )
    except (OSError, serialx.SerialException, ValueError) as err:
        raise ModemDisconnectedError(f"cannot open {redact_url(url)}: {err}") from err
    return transport


def redact_url(url: str) -> str:
    """Hide credentials a serial URL may carry (user:password@, ESPHome keys) in logs."""
    url = _USERINFO.sub(r"\1***@", url)
    return str(serialx.redact_uri(url))
