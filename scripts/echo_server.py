"""A tiny web server on 127.0.0.1 that stands in for "the internet" behind the emulated modem.

The modem emulator performs its requests for real, but the real internet is not reachable from
every development machine (nor from CI), so `scripts/develop` and the end-to-end tests point the
modem at this server instead. It is deliberately boring:

- any method on `/echo...` answers with JSON describing the request it received
  (method, path, query, headers, body as text and its length);
- `GET /files/<name>?size=N` returns N deterministic bytes (default 65536) so downloads can be
  checked byte for byte (`expected_file_bytes` gives the same bytes to the tests). It answers
  ranged and conditional requests as `modem_emulator.resources.answer` does (one byte range: 206
  or 416; If-Range; a strong ETag and a Last-Modified), so a download cut by hand in
  `scripts/develop` can be resumed. Query options: `etag=strong|weak|none` (default strong),
  `last_modified=0` (none), `ranges=ignored|none` (a server without range support, silent or
  saying `Accept-Ranges: none`), `version=N` (another version of the same bytes' name: new
  bytes, new validators, as if the file had changed);
- `POST /upload` answers with the size and SHA-256 of what it received;
- `GET /` answers with a short text.

Run from the repository root: `python -m scripts.echo_server --listen 127.0.0.1:8124`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import signal
from datetime import UTC, datetime, timedelta

from aiohttp import web

from modem_emulator.resources import RangeSupport, Representation, answer

DEFAULT_FILE_SIZE = 65536
MAX_FILE_SIZE = 16 * 1024 * 1024
_FILES_MODIFIED = datetime(2026, 1, 1, tzinfo=UTC)
"""Last-Modified of version 1 of every file (version N: N-1 hours later), long before any Date."""


def expected_file_bytes(name: str, size: int = DEFAULT_FILE_SIZE) -> bytes:
    """The content `GET /files/<name>?size=<size>` serves: a name-seeded, repeatable pattern."""
    seed = hashlib.sha256(name.encode()).digest()
    block = b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(256))
    return (block * (size // len(block) + 1))[:size]


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "headers": dict(request.headers),
            "body": body.decode("utf-8", "replace"),
            "length": len(body),
        }
    )


async def _file(request: web.Request) -> web.StreamResponse:
    query = request.query
    try:
        size = int(query.get("size", DEFAULT_FILE_SIZE))
        version = int(query.get("version", 1))
        ranges = RangeSupport(query.get("ranges", RangeSupport.BYTES.value))
    except ValueError:
        raise web.HTTPBadRequest(
            text="size and version are integers; ranges is ignored|none"
        ) from None
    if not 0 <= size <= MAX_FILE_SIZE or version < 1:
        raise web.HTTPBadRequest(text=f"size must be 0..{MAX_FILE_SIZE}, version 1 or more")
    name = request.match_info["name"]
    content = expected_file_bytes(name if version == 1 else f"{name}#{version}", size)
    tag = f'"{hashlib.sha256(content).hexdigest()[:16]}"'
    etag = {"strong": tag, "weak": f"W/{tag}", "none": None}.get(query.get("etag", "strong"))
    modified = _FILES_MODIFIED + timedelta(hours=version - 1)
    representation = Representation(
        content, etag, None if query.get("last_modified") == "0" else modified
    )
    # HEAD is answered as the GET without a range would be; aiohttp keeps its Content-Length and
    # leaves the body out.
    asked = request.headers if request.method == "GET" else {}
    reply = answer(representation, "GET", asked, ranges=ranges)
    return web.Response(status=reply.status, body=reply.body, headers=list(reply.headers))


async def _upload(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "received": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "content_type": request.headers.get("Content-Type", ""),
        }
    )


async def _index(request: web.Request) -> web.Response:
    return web.Response(text="modem_http far end: try /echo, /files/<name>?size=N, /upload\n")


def make_app() -> web.Application:
    """The far end's routes (also handy in-process for tests)."""
    app = web.Application(client_max_size=MAX_FILE_SIZE)
    app.router.add_get("/", _index)
    app.router.add_post("/upload", _upload)
    app.router.add_get("/files/{name}", _file)
    app.router.add_route("*", "/echo", _echo)
    app.router.add_route("*", "/echo/{tail:.*}", _echo)
    return app


async def serve(host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM, then close cleanly."""
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    print(f"far end listening on http://{host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    """Parse `--listen host:port` and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listen", default="127.0.0.1:8124", help="host:port (default %(default)s)"
    )
    args = parser.parse_args()
    host, _, port = args.listen.rpartition(":")
    asyncio.run(serve(host or "127.0.0.1", int(port)))


if __name__ == "__main__":
    main()
