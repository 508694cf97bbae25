"""Let a test's HTTPS server see the modem abort a handshake without failing the test.

asyncio reports an aborted incoming TLS handshake to the loop's exception handler, and the Home
Assistant test harness turns every such report into a failure. Tests whose point is a refused
certificate use this to let exactly those reports through; anything else still fails the test.
"""

import asyncio
import contextlib
import ssl
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def handshake_aborts_expected() -> Iterator[None]:
    """Ignore ConnectionReset/SSL errors on incoming connections while the block runs."""
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), ConnectionResetError | ssl.SSLError):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    try:
        yield
    finally:
        loop.set_exception_handler(previous)
