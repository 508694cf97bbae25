"""Responses without a length, read from modules that end the HTTPREAD output differently.

Every ending real AT+HTTPCFG-family firmware uses is an emulator option (`read_format`): OK and
the result line; the result line alone (seed manual 000); OK, other unsolicited lines, then the
result as a URC (Quectel). The bodies are made of the very text those endings consist of. Each
must come back byte-exact on both families, and the modem must be usable right after.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from custom_components.modem_http.atmodem import ResponseTooLargeError

from .httpcfg_fixtures import DIALECTS, make_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")

READ_FORMATS = ("ok", "no_ok", "urc_after_ok")
NASTY = (
    b"first line\r\nOK\r\n\r\n+HTTPREAD: 0\r\n+QHTTPREAD: 0\r\nOK\r\n"
    b'\r\n+CREG: 1\r\n+CMTI: "SM",3\r\nlast line'
)
"""A body made of the lines that end a read, URCs included."""
URCS = ["+CREG: 1", '+CMTI: "SM",3', '+QIURC: "recv",0']
"""What a module may report between a read's OK and its result line."""


async def chunked_page(request: web.Request) -> web.StreamResponse:
    """The body in pieces, without Content-Length: the result URC has no length either."""
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    for start in range(0, len(NASTY), 17):
        await response.write(NASTY[start : start + 17])
    await response.write_eof()
    return response


@contextlib.asynccontextmanager
async def close_delimited_server(body: bytes) -> AsyncIterator[str]:
    """An HTTP server that sends neither Content-Length nor chunks: the body ends at close."""
    writers: set[asyncio.StreamWriter] = set()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.add(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        writer.write(body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


@pytest.mark.parametrize("read_format", READ_FORMATS)
@pytest.mark.parametrize("dialect", DIALECTS)
async def test_a_chunked_body_of_read_endings_comes_back_exact(
    dialect: str, read_format: str, aiohttp_server: Any
) -> None:
    async with make_rig(dialect, aiohttp_server, read_format=read_format) as rig:
        server = await aiohttp_server(_app())
        rig.http.urcs_after_read_ok[:] = URCS

        response = await rig.modem.http_request(
            "GET", f"http://127.0.0.1:{server.port}/chunked", timeout=10
        )

        assert response.status == 200
        assert response.content_length is None
        assert response.body == NASTY
        # Nothing of the read is left over to confuse the next request.
        again = await rig.modem.http_request("GET", f"{rig.base}/bytes/3000", timeout=10)
        assert len(again.body) == 3000


@pytest.mark.parametrize(
    ("dialect", "read_format"),
    [
        *(("quectel", read_format) for read_format in READ_FORMATS),
        # The seed module's own endings. It has no command to read a file back, so a body that
        # ends only when the server closes is cut at the first `\r\n+HTTPREAD: ` (read.py's
        # one limitation): with URCs before the result line, they would end up in the body.
        ("httpcfg", "ok"),
        ("httpcfg", "no_ok"),
    ],
)
async def test_a_body_ending_at_close_keeps_its_ok_lines(
    dialect: str, read_format: str, aiohttp_server: Any
) -> None:
    body = NASTY.replace(b"+HTTPREAD: 0\r\n", b"") if dialect == "httpcfg" else NASTY
    async with (
        make_rig(dialect, aiohttp_server, read_format=read_format) as rig,
        close_delimited_server(body) as url,
    ):
        rig.http.urcs_after_read_ok[:] = URCS

        response = await rig.modem.http_request("GET", url, timeout=10)

        assert response.body == body
        assert response.headers["Connection"] == "close"


@pytest.mark.parametrize("read_format", READ_FORMATS)
@pytest.mark.parametrize("dialect", DIALECTS)
async def test_a_body_with_a_length_is_read_by_it_whatever_the_ending(
    dialect: str, read_format: str, aiohttp_server: Any
) -> None:
    async with make_rig(dialect, aiohttp_server, read_format=read_format) as rig:
        rig.http.urcs_after_read_ok[:] = URCS

        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/5000", timeout=10)
        after = await rig.modem.http_request("GET", f"{rig.base}/bytes/7", timeout=10)

        assert len(response.body) == 5000
        assert b"\r\nOK\r\n\r\n+HTTPREAD: 0\r\n" in response.body
        assert len(after.body) == 7
        # Only the URC ending prints the waiting URCs (between the first read's OK and result).
        printed = read_format == "urc_after_ok"
        assert rig.http.urcs_after_read_ok == ([] if printed else URCS)


async def test_quectel_reads_an_unannounced_length_through_its_file_system(
    aiohttp_server: Any,
) -> None:
    async with make_rig("quectel", aiohttp_server, read_format="urc_after_ok") as rig:
        server = await aiohttp_server(_app())

        response = await rig.modem.http_request(
            "GET", f"http://127.0.0.1:{server.port}/chunked", timeout=10
        )

        assert response.body == NASTY
        (stored,) = rig.commands("READFILE")
        assert stored.startswith('+QHTTPREADFILE="UFS:modem_http_response.tmp",')
        files: Any = rig.emulator.files  # type: ignore[attr-defined]
        assert [line.split("=")[0] for line in files.log] == ["+QFOPEN", "+QFREAD", "+QFCLOSE"]
        # The module is left without the file, and with no handle open.
        assert not rig.emulator.fs.exists("UFS:", "modem_http_response.tmp")
        assert files.open == {}


def _app() -> web.Application:
    app = web.Application()
    app.router.add_get("/chunked", chunked_page)
    return app


async def test_a_too_large_unannounced_response_stops_after_the_first_file_read(
    aiohttp_server: Any,
) -> None:
    async def big_chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(bytes(range(256)) * 800)  # 200 KiB, no Content-Length
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/big", big_chunked)
    server = await aiohttp_server(app)
    async with make_rig("quectel", aiohttp_server) as rig:
        with pytest.raises(ResponseTooLargeError) as caught:
            await rig.modem.http_request(
                "GET", f"http://127.0.0.1:{server.port}/big", timeout=20, max_response_size=1000
            )

        assert (caught.value.limit, caught.value.size) == (1000, None)
        files: Any = rig.emulator.files  # type: ignore[attr-defined]
        assert [line.split("=")[0] for line in files.log] == ["+QFOPEN", "+QFREAD", "+QFCLOSE"]
        assert not rig.emulator.fs.exists("UFS:", "modem_http_response.tmp")


@pytest.mark.parametrize("read_format", ["ok", "no_ok"])
async def test_the_seed_module_keeps_no_more_of_a_chunked_body_than_the_caller_takes(
    read_format: str, aiohttp_server: Any
) -> None:
    """One AT+HTTPREAD prints the whole response; past the limit it is read on but not kept."""
    async with make_rig("httpcfg", aiohttp_server, read_format=read_format) as rig:
        server = await aiohttp_server(_app())
        url = f"http://127.0.0.1:{server.port}/chunked"

        with pytest.raises(ResponseTooLargeError) as caught:
            await rig.modem.http_request("GET", url, timeout=10, max_response_size=len(NASTY) - 1)
        exact = await rig.modem.http_request("GET", url, timeout=10, max_response_size=len(NASTY))

        assert (caught.value.limit, caught.value.size) == (len(NASTY) - 1, None)
        assert exact.body == NASTY


@pytest.mark.parametrize("read_format", ["ok", "no_ok"])
async def test_the_seed_module_keeps_no_more_of_a_body_ending_at_close_than_the_caller_takes(
    read_format: str, aiohttp_server: Any
) -> None:
    body = b"0123456789" * 300
    async with (
        make_rig("httpcfg", aiohttp_server, read_format=read_format) as rig,
        close_delimited_server(body) as url,
    ):
        with pytest.raises(ResponseTooLargeError) as caught:
            await rig.modem.http_request("GET", url, timeout=10, max_response_size=2999)
        exact = await rig.modem.http_request("GET", url, timeout=10, max_response_size=3000)

        assert (caught.value.limit, caught.value.size) == (2999, None)
        assert exact.body == body
