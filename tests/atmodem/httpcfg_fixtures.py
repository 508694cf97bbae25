"""Shared pieces of the httpcfg/quectel tests: a far end, an emulated module, a modem client.

`Rig` puts the three real parts together: an aiohttp server on 127.0.0.1 (the far end, which
records every request it sees), the emulator serving the AT+HTTPCFG or AT+QHTTPCFG family over a
real TCP socket, and `open_modem` talking to it through the real serial transport.
"""

import asyncio
import codecs
import contextlib
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from custom_components.modem_http.atmodem import Modem, open_modem
from modem_emulator import ModemServer
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.far_end import TestPki
from modem_emulator.httpcfg import HttpcfgState

FIXTURES = Path(__file__).parent.parent / "fixtures"
DIALECTS = ("httpcfg", "quectel")
FAST_BOOT = {"boot_delay": 0.01, "boot_step": 0.001}


def pattern(size: int) -> bytes:
    """Deterministic binary content with every byte value and embedded `\\r\\nOK\\r\\n`."""
    block = bytes(range(256)) + b"\r\nOK\r\n\r\n+HTTPREAD: 0\r\n" + b"\x00" * 7
    return (block * (size // len(block) + 1))[:size]


@dataclass
class SeenRequest:
    """What the far end received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FarEnd:
    """The aiohttp application the emulated module talks to."""

    seen: list[SeenRequest] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    slow_asked: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once the slow endpoint has a request waiting."""

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/echo", self.echo)
        app.router.add_get("/bytes/{size}", self.bytes_)
        app.router.add_get("/chunked", self.chunked)
        app.router.add_get("/status/{code}", self.status)
        app.router.add_get("/slow", self.slow)
        return app

    async def _record(self, request: web.Request) -> bytes:
        body = await request.read()
        self.seen.append(
            SeenRequest(
                request.method, request.path, request.query_string, dict(request.headers), body
            )
        )
        return body

    async def echo(self, request: web.Request) -> web.Response:
        """Answers with what it was sent, as JSON, plus a header of its own."""
        body = await self._record(request)
        payload = {
            "method": request.method,
            "query": request.query_string,
            "content_type": request.headers.get("Content-Type"),
            "length": len(body),
        }
        return web.Response(
            body=json.dumps(payload).encode(),
            content_type="application/json",
            headers={"X-Far-End": "yes"},
        )

    async def bytes_(self, request: web.Request) -> web.Response:
        """`size` bytes of `pattern`; honours a Range header with 206."""
        await self._record(request)
        data = pattern(int(request.match_info["size"]))
        spec = request.headers.get("Range")
        if spec is None:
            return web.Response(body=data, content_type="application/octet-stream")
        first_text, _, last_text = spec.removeprefix("bytes=").partition("-")
        first = int(first_text)
        last = int(last_text) if last_text else len(data) - 1
        return web.Response(
            status=206,
            body=data[first : last + 1],
            content_type="application/octet-stream",
            headers={"Content-Range": f"bytes {first}-{last}/{len(data)}"},
        )

    async def chunked(self, request: web.Request) -> web.StreamResponse:
        """A body without Content-Length: the result URC then carries no length."""
        await self._record(request)
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for part in (b"first part, ", b"second part\r\nOK\r\n, ", b"end"):
            await response.write(part)
        await response.write_eof()
        return response

    async def status(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.Response(status=int(request.match_info["code"]), text="status page")

    async def slow(self, request: web.Request) -> web.Response:
        """Does not answer until released (or the test ends)."""
        await self._record(request)
        self.slow_asked.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self.release.wait()
        return web.Response(text="late")


@dataclass
class Rig:
    """One far end, one emulated module, one modem client."""

    dialect: str
    emulator: EmulatedModem
    server: ModemServer
    modem: Modem
    base: str
    far: FarEnd

    @property
    def http(self) -> HttpcfgState:
        """The emulated HTTP stack (command log, configuration, raw requests)."""
        state: HttpcfgState = self.emulator.httpcfg  # type: ignore[attr-defined]
        return state

    @property
    def prefix(self) -> str:
        return "Q" if self.dialect == "quectel" else ""

    def commands(self, name: str) -> list[str]:
        """The emulator's log of one command family, e.g. `GET` -> `+QHTTPGET=...` lines."""
        wanted = f"+{self.prefix}HTTP{name}"
        return [line for line in self.http.log if line.upper().split("=")[0].rstrip("?") == wanted]


type ServerFactory = Callable[..., Awaitable[Any]]


@contextlib.asynccontextmanager
async def make_rig(
    dialect: str,
    aiohttp_server: ServerFactory,
    *,
    tls: TestPki | None = None,
    modem_dialect: str | None = None,
    driver_options: dict[str, Any] | None = None,
    **options: Any,
) -> AsyncIterator[Rig]:
    """Start far end, emulator and client; `options` go to the emulator's httpcfg install."""
    far = FarEnd()
    server_kwargs: dict[str, Any] = {}
    if tls is not None:
        server_kwargs["ssl"] = tls.server_ssl_context()
    far_server = await aiohttp_server(far.app(), **server_kwargs)
    scheme = "https" if tls is not None else "http"
    base = f"{scheme}://127.0.0.1:{far_server.port}"
    emulator = create_modem(dialect, strict=False, **FAST_BOOT)
    if options:
        from modem_emulator import httpcfg

        httpcfg.install(emulator, prefix="Q" if dialect == "quectel" else "", **options)
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=modem_dialect or dialect, reconnect=False)
        if driver_options:
            for key, value in driver_options.items():
                setattr(modem.family.http, key, value)
        try:
            yield Rig(dialect, emulator, server, modem, base, far)
        finally:
            far.release.set()
            await modem.close()


def client_context(pki: TestPki) -> ssl.SSLContext:
    """A client context trusting the test CA (unused by the modem, handy for sanity checks)."""
    return pki.client_ssl_context()


def load_sections(name: str) -> dict[str, list[bytes | float]]:
    """A firmware transcript: `[STEP]` headers, `<<< bytes` (escapes allowed), `~~~ seconds`."""
    sections: dict[str, list[bytes | float]] = {}
    current: list[bytes | float] = []
    for raw in (FIXTURES / name).read_text(encoding="ascii").splitlines():
        if not raw or raw.startswith("#"):
            continue
        if raw.startswith("[") and raw.endswith("]"):
            current = sections.setdefault(raw[1:-1], [])
        elif raw.startswith("<<< "):
            current.append(codecs.decode(raw[4:], "unicode_escape").encode("latin-1"))
        elif raw.startswith("~~~ "):
            current.append(float(raw[4:]))
    return sections
