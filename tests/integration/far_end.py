"""The internet as the modem reaches it: an aiohttp server on 127.0.0.1 that logs requests."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from aiohttp import web
from multidict import CIMultiDictProxy

WAIT: Final = 30.0
"""The longest a test waits for something to arrive; only a broken test ever waits this long."""


@dataclass(eq=False)
class SeenRequest:
    """One request as the far end received it."""

    method: str
    path: str
    headers: CIMultiDictProxy[str]
    body: bytes


class FarEnd:
    """An HTTP server with a few routes, and the list of requests it received.

    Routes: /text, /json, /latin1, /binary, /numbers (honours Range), /echo (the body back with
    the request's content type), /missing (404), /slow (answers after SLOW seconds), /big
    (BIG_SIZE bytes), /held (BIG_SIZE bytes, held back until the test sets `release`).
    """

    BINARY = bytes(range(256)) * 4
    NUMBERS = "".join(f"{n:05d}," for n in range(2000)).encode()
    BIG_SIZE = 100_000
    SLOW = 3.0
    """Seconds /slow takes: longer than the one-second timeouts the tests give it."""

    def __init__(self) -> None:
        """Serve with app() on a test server; port is set by the fixture."""
        self.requests: list[SeenRequest] = []
        self.port = 0
        self.closed_port = 0
        self._arrival = asyncio.Event()
        self.release = asyncio.Event()
        """Lets /held answer."""

    @staticmethod
    def big_body() -> bytes:
        """BIG_SIZE bytes that are not text and not periodic within a read chunk."""
        return b"".join(n.to_bytes(4, "big") for n in range(FarEnd.BIG_SIZE // 4))

    def url(self, path: str) -> str:
        """An address on the far end."""
        return f"http://127.0.0.1:{self.port}{path}"

    def closed_url(self, path: str) -> str:
        """An address where nothing listens (connection refused)."""
        return f"http://127.0.0.1:{self.closed_port}{path}"

    async def received(self, check: Callable[[list[SeenRequest]], bool]) -> None:
        """Return once the requests received so far pass `check` (at once if they already do)."""
        async with asyncio.timeout(WAIT):
            while not check(self.requests):
                await self._arrival.wait()

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(SeenRequest(request.method, request.path, request.headers, body))
        arrival, self._arrival = self._arrival, asyncio.Event()
        arrival.set()
        far = {"X-Far-End": "yes"}
        match request.path:
            case "/text":
                return web.Response(text="hello from the far end", headers=far)
            case "/json":
                return web.json_response({"door": "open", "count": 3, "tags": ["a", "b"]})
            case "/latin1":
                return web.Response(
                    body="Café crème".encode("latin-1"),
                    headers={"Content-Type": "text/plain; charset=ISO-8859-1"},
                )
            case "/binary":
                return web.Response(body=self.BINARY, content_type="application/octet-stream")
            case "/big":
                return web.Response(body=self.big_body(), content_type="application/octet-stream")
            case "/numbers":
                return self._ranged(request, self.NUMBERS)
            case "/echo":
                content_type = request.headers.get("Content-Type", "application/octet-stream")
                return web.Response(
                    body=body, headers={"Content-Type": content_type, "X-Method": request.method}
                )
            case "/held":
                await self.release.wait()
                return web.Response(body=self.big_body(), content_type="application/octet-stream")
            case "/slow":
                await asyncio.sleep(self.SLOW)  # the server's own slowness, not a wait for anything
                return web.Response(text="too late")
            case _:
                return web.Response(status=404, text="no such thing")

    @staticmethod
    def _ranged(request: web.Request, data: bytes) -> web.Response:
        value = request.headers.get("Range", "")
        if not value.startswith("bytes="):
            return web.Response(body=data, content_type="text/plain")
        first_text, _, last_text = value[6:].partition("-")
        first = int(first_text)
        last = int(last_text) if last_text else len(data) - 1
        return web.Response(
            status=206,
            body=data[first : last + 1],
            content_type="text/plain",
            headers={"Content-Range": f"bytes {first}-{last}/{len(data)}"},
        )
