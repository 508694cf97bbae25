"""A tiny web server on 127.0.0.1 that stands in for "the internet" behind the emulated modem.

The modem emulator performs its requests for real, but the real internet is not reachable from
every development machine (nor from CI), so `scripts/develop` and the end-to-end tests point the
modem at this server instead. It is deliberately boring:

- any method on `/echo...` answers with JSON describing the request it received
  (method, path, query, headers, body as text and its length);
- `GET /files/<name>?size=N` returns N deterministic bytes (default 65536) so downloads can be
  checked byte for byte (`expected_file_bytes` gives the same bytes to the tests); it honours a
  single `Range: bytes=a-b` with a 206, for the services' byte ranges;
- `POST /upload` answers with the size and SHA-256 of what it received;
- `GET /` answers with a short text.

Run: `python scripts/echo_server.py --listen 127.0.0.1:8124`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import re
import signal

from aiohttp import web

DEFAULT_FILE_SIZE = 65536
MAX_FILE_SIZE = 16 * 1024 * 1024
_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


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


async def _file(request: web.Request) -> web.Response:
    try:
        size = int(request.query.get("size", DEFAULT_FILE_SIZE))
    except ValueError:
        raise web.HTTPBadRequest(text="size must be an integer") from None
    if not 0 <= size <= MAX_FILE_SIZE:
        raise web.HTTPBadRequest(text=f"size must be 0..{MAX_FILE_SIZE}")
    body = expected_file_bytes(request.match_info["name"], size)
    if match := _RANGE.fullmatch(request.headers.get("Range", "")):
        first = int(match.group(1))
        last = min(int(match.group(2) or size - 1), size - 1)
        if first > last:
            raise web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
        return web.Response(
            status=206,
            body=body[first : last + 1],
            content_type="application/octet-stream",
            headers={"Content-Range": f"bytes {first}-{last}/{size}"},
        )
    return web.Response(body=body, content_type="application/octet-stream")


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
