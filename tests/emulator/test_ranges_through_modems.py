"""Stories of ranged and conditional GETs going through each emulated family to a real server.

What each family can carry for a resumed download, shown at the terminal:
- AT+HTTPINIT family: BREAK/BREAKEND become a Range header; a `Range:` and an `If-Range:` with a
  Last-Modified date ride in USERDATA; an If-Range with a quoted ETag cannot (the first `"` ends
  the quoted parameter: ERROR, nothing set).
- AT+HTTPCFG family: AT+HTTPGETEX sends a closed Range and nothing else; a raw request
  (`requestheader` 1) carries any header, a quoted ETag in If-Range included. A 206 is reported
  as such, with the length of the part.
"""

from collections.abc import AsyncIterator

import pytest

from modem_emulator import create_modem
from modem_emulator.resources import Resource, ResourceServer

from .conftest import FAST_BOOT, Serve
from .modem_hosts import HttpcfgHost, SimcomHost

CONTENT = bytes((i * 7) % 251 for i in range(3000))
NEW_CONTENT = b"a new version, shorter than the first" * 10


@pytest.fixture
async def far_end(socket_enabled: None) -> AsyncIterator[ResourceServer]:
    async with ResourceServer() as server:
        server.add("/file.bin", CONTENT)
        await server.start()
        yield server


def last_request(far_end: ResourceServer) -> tuple[str | None, str | None]:
    served = far_end.resources["/file.bin"].requests[-1]
    return served.range, served.if_range


async def simcom(serve: Serve) -> SimcomHost:
    _server, client = await serve(create_modem("simcom", **FAST_BOOT))
    return SimcomHost(client)


async def first_response_validators(resource: Resource) -> tuple[str, str]:
    etag = resource.representation.etag
    modified = resource.representation.last_modified
    assert etag is not None
    assert modified is not None
    return etag, modified.strftime("%a, %d %b %Y %H:%M:%S GMT")


# --- AT+HTTPINIT family -------------------------------------------------------------------------


async def test_simcom_break_to_the_end_resumes_with_a_206(
    serve: Serve, far_end: ResourceServer
) -> None:
    host = await simcom(serve)
    await host.start(far_end.url("/file.bin"), '"BREAK",2000', '"BREAKEND",0')
    assert await host.get() == (206, 1000)
    assert last_request(far_end) == ("bytes=2000-", None)
    head = await host.head()
    assert head.startswith(b"HTTP/1.1 206 Partial Content\r\n")
    assert b"\r\nContent-Range: bytes 2000-2999/3000\r\n" in head
    assert await host.read(0, 1000) == CONTENT[2000:]


async def test_simcom_break_and_breakend_ask_for_a_closed_range(
    serve: Serve, far_end: ResourceServer
) -> None:
    host = await simcom(serve)
    await host.start(far_end.url("/file.bin"), '"BREAK",100', '"BREAKEND",199')
    assert await host.get() == (206, 100)
    assert last_request(far_end) == ("bytes=100-199", None)
    assert await host.read(0, 100) == CONTENT[100:200]


async def test_simcom_userdata_carries_range_and_a_last_modified_if_range(
    serve: Serve, far_end: ResourceServer
) -> None:
    resource = far_end.resources["/file.bin"]
    _etag, modified = await first_response_validators(resource)
    host = await simcom(serve)
    await host.start(
        far_end.url("/file.bin"), f'"USERDATA","Range: bytes=2500-\\r\\nIf-Range: {modified}"'
    )
    assert await host.get() == (206, 500)
    assert last_request(far_end) == ("bytes=2500-", modified)
    assert await host.read(0, 500) == CONTENT[2500:]

    resource.replace(NEW_CONTENT)
    assert await host.get() == (200, len(NEW_CONTENT))  # changed: everything, from byte 0
    assert await host.read(0, len(NEW_CONTENT)) == NEW_CONTENT


async def test_simcom_userdata_cannot_carry_a_quoted_etag(
    serve: Serve, far_end: ResourceServer
) -> None:
    etag, _modified = await first_response_validators(far_end.resources["/file.bin"])
    host = await simcom(serve)
    await host.start(far_end.url("/file.bin"), '"BREAK",2000', '"BREAKEND",0')
    refused = await host.client.command(
        f'AT+HTTPPARA="USERDATA","If-Range: {etag}"', final=b"\r\nERROR\r\n"
    )
    assert refused == b"\r\nERROR\r\n"
    assert await host.get() == (206, 1000)
    assert last_request(far_end) == ("bytes=2000-", None)  # the If-Range never got through


async def test_simcom_range_past_the_end_reports_416(serve: Serve, far_end: ResourceServer) -> None:
    host = await simcom(serve)
    await host.start(far_end.url("/file.bin"), '"BREAK",3000', '"BREAKEND",0')
    assert await host.get() == (416, 0)
    assert b"\r\nContent-Range: bytes */3000\r\n" in await host.head()


# --- AT+HTTPCFG family --------------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "prefix"), [("quectel", "Q"), ("httpcfg", "")])
async def test_httpcfg_getex_asks_for_a_closed_range_and_reports_206(
    serve: Serve, far_end: ResourceServer, dialect: str, prefix: str
) -> None:
    _server, client = await serve(create_modem(dialect, **FAST_BOOT))
    host = HttpcfgHost(client, prefix)
    await host.start(far_end.url("/file.bin"), responseheader=1)
    assert await host.getex(1000, 24) == (206, 24)
    assert last_request(far_end) == ("bytes=1000-1023", None)
    output = await host.read()
    head, _, body = output.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 206 Partial Content\r\n")
    assert b"\r\nContent-Range: bytes 1000-1023/3000" in head
    assert body == CONTENT[1000:1024]


@pytest.mark.parametrize(("dialect", "prefix"), [("quectel", "Q"), ("httpcfg", "")])
async def test_httpcfg_getex_past_the_end_reaches_the_end(
    serve: Serve, far_end: ResourceServer, dialect: str, prefix: str
) -> None:
    _server, client = await serve(create_modem(dialect, **FAST_BOOT))
    host = HttpcfgHost(client, prefix)
    await host.start(far_end.url("/file.bin"))
    # A length beyond the end is how GETEX asks "from here to the end" (RFC 9110 14.1.2: a last
    # position past the end means the end).
    assert await host.getex(2990, 2**31 - 2991) == (206, 10)
    assert await host.read() == CONTENT[2990:]


@pytest.mark.parametrize(("dialect", "prefix"), [("quectel", "Q"), ("httpcfg", "")])
async def test_httpcfg_getex_is_refused_in_raw_mode(
    serve: Serve, far_end: ResourceServer, dialect: str, prefix: str
) -> None:
    _server, client = await serve(create_modem(dialect, **FAST_BOOT))
    host = HttpcfgHost(client, prefix)
    await host.start(far_end.url("/file.bin"), requestheader=1)
    refused = await client.command(f"{host.at('GETEX')}=60,0,10", final=b"\r\n+CME ERROR: 730\r\n")
    assert refused == b"\r\n+CME ERROR: 730\r\n"  # seed manual 15.4: only with requestheader 0


@pytest.mark.parametrize(("dialect", "prefix"), [("quectel", "Q"), ("httpcfg", "")])
async def test_httpcfg_raw_request_carries_an_etag_if_range(
    serve: Serve, far_end: ResourceServer, dialect: str, prefix: str
) -> None:
    resource = far_end.resources["/file.bin"]
    etag, _modified = await first_response_validators(resource)
    _server, client = await serve(create_modem(dialect, **FAST_BOOT))
    host = HttpcfgHost(client, prefix)
    await host.start(far_end.url("/file.bin"), requestheader=1)
    request = (
        f"GET /file.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=2900-\r\n"
        f"If-Range: {etag}\r\n\r\n"
    ).encode()
    assert await host.raw_get(request) == (206, 100)
    assert last_request(far_end) == ("bytes=2900-", etag)
    assert await host.read() == CONTENT[2900:]

    resource.replace(NEW_CONTENT)
    assert await host.raw_get(request) == (200, len(NEW_CONTENT))  # changed: all of it
    assert await host.read() == NEW_CONTENT
