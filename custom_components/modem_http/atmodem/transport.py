"""Open the serial line with serialx, the library Home Assistant's own serial integrations use.

serialx resolves device paths (`/dev/ttyUSB2`, `/dev/serial/by-id/...`) and URLs (`socket://`,
`rfc2217://` for ser2net, `esphome://` serial proxies) and opens them in the executor, so opening
never blocks the event loop.
"""

import asyncio
import re
import urllib.parse
from collections.abc import Awaitable, Callable

import serialx

from .errors import ModemDisconnectedError

_USERINFO = re.compile(r"^([a-z0-9+]+://)[^/@]*@", re.IGNORECASE)

SECRET_QUERY_PARAMETERS = frozenset({"key", "password", "noise_psk"})
"""Query parameters that carry secrets: an `esphome://` serial proxy's API encryption key
(`key`, or its alias `noise_psk`) and API password. Every serialx since the oldest one Home
Assistant pins reads them; newer serialx releases redact the same set (`serialx.redact_uri`),
which older ones lack, so the integration does it itself."""

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
        port = redact_url(url)
        raise ModemDisconnectedError(f"cannot open {port}: {err}", port=port) from err
    return transport


def redact_url(url: str) -> str:
    """Hide credentials a serial URL may carry (user:password@, ESPHome keys) in logs."""
    return _redact_secret_parameters(_USERINFO.sub(r"\1***@", url))


def _redact_secret_parameters(url: str) -> str:
    """Replace the values of secret query parameters, leaving the rest of the URL as typed.

    The query is split by hand rather than parsed and re-encoded, so that the other parameters
    keep their original spelling in the log; a name is compared the way `urllib.parse` reads it
    (tabs and newlines dropped, then percent- and plus-decoded), so an encoded `k%65y` is caught.
    """
    rest, hash_sign, fragment = url.partition("#")
    base, question_mark, query = rest.partition("?")
    if not query:
        return url
    pairs = []
    for pair in query.split("&"):
        name = pair.partition("=")[0]
        cleaned = name.replace("\t", "").replace("\r", "").replace("\n", "")
        if urllib.parse.unquote_plus(cleaned) in SECRET_QUERY_PARAMETERS:
            pairs.append(f"{name}=REDACTED")
        else:
            pairs.append(pair)
    return f"{base}{question_mark}{'&'.join(pairs)}{hash_sign}{fragment}"
