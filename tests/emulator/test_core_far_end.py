"""Stories of the far end: the modem's HTTP stack making real requests to a local aiohttp server."""

import asyncio
import contextlib
import gzip
import json
import socket
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from modem_emulator.far_end import (
    BadRawRequest,
    BadUrl,
    ConnectFailed,
    DnsFailure,
    ReadTimeout,
    TestPki,
    TlsFailure,
    make_ssl_context,
    parse_raw_request,
    perform_request,
)

type ServerFactory = Callable[..., Awaitable[TestServer]]

TIMEOUTS: dict[str, Any] = {"connect_timeout": 2.0, "read_timeout": 2.0, "ssl_context": None}


async def _headers(request: web.Request) -> web.Response:
    sent = [[name.decode(), value.decode()] for name, value in request.raw_headers]
    return web.json_response({"method": request.method, "headers": sent})


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    response = web.Response(status=201, body=body, reason="Made")
    response.headers["X-Zeta"] = "1"
    response.headers["X-Alpha"] = "2"
    return response


async def _redirect(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/elsewhere")


async def _gzip(_request: web.Request) -> web.Response:
    return web.Response(body=gzip.compress(b"squeezed"), headers={"Content-Encoding": "gzip"})


async def _slow(_request: web.Request) -> web.Response:
    await asyncio.sleep(1.0)
    return web.Response(text="late")


def _app() -> web.Application:
    app = web.Application()
    app.router.add_get("/headers", _headers)
    app.router.add_post("/echo", _echo)
    app.router.add_get("/redirect", _redirect)
    app.router.add_get("/gzip", _gzip)
    app.router.add_get("/slow", _slow)
    return app


@pytest.fixture
async def http(socket_enabled: None, aiohttp_server: ServerFactory) -> TestServer:
    return await aiohttp_server(_app())


async def test_get_sends_no_headers_it_was_not_given(http: TestServer) -> None:
    response = await perform_request(
        "GET", str(http.make_url("/headers")), {"X-Key": "v"}, None, **TIMEOUTS
    )
    assert response.status == 200
    sent = {name.lower(): value for name, value in json.loads(response.body)["headers"]}
    assert sent["x-key"] == "v"
    assert "user-agent" not in sent
    assert "accept-encoding" not in sent
    assert "accept" not in sent


async def test_post_returns_status_reason_headers_in_order_and_body(http: TestServer) -> None:
    response = await perform_request(
        "POST", str(http.make_url("/echo")), [("Content-Type", "text/plain")], b"hello", **TIMEOUTS
    )
    assert (response.status, response.reason, response.body) == (201, "Made", b"hello")
    names = [name for name, _value in response.headers]
    assert names.index("X-Zeta") < names.index("X-Alpha")
    assert response.header("content-length") == "5"
    assert response.http_version == "1.1"


async def test_redirects_are_reported_not_followed(http: TestServer) -> None:
    response = await perform_request("GET", str(http.make_url("/redirect")), None, None, **TIMEOUTS)
    assert response.status == 302
    assert response.header("Location") == "/elsewhere"


async def test_compressed_bodies_come_back_as_sent(http: TestServer) -> None:
    response = await perform_request("GET", str(http.make_url("/gzip")), None, None, **TIMEOUTS)
    assert gzip.decompress(response.body) == b"squeezed"


async def test_raw_request_mode_sends_the_hosts_own_text(http: TestServer) -> None:
    raw = (
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 7\r\n\r\n{"a":1}trailing'
    )
    response = await perform_request(
        "GET", str(http.make_url("/")), None, None, raw_request=raw, **TIMEOUTS
    )
    assert (response.status, response.body) == (201, b'{"a":1}')


def test_raw_request_parsing_rejects_incomplete_text() -> None:
    parsed = parse_raw_request(b"GET /x?y=1 HTTP/1.1\r\nHost: h\r\nX-A:  b \r\n\r\n")
    assert (parsed.method, parsed.target, parsed.headers, parsed.body) == (
        "GET",
        "/x?y=1",
        [("Host", "h"), ("X-A", "b")],
        b"",
    )
    for bad in (
        b"GET /x HTTP/1.1\r\nHost: h\r\n",
        b"GET /x\r\n\r\n",
        b"POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\nshort",
        b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /x HTTP/1.1\r\nno colon\r\n\r\n",
    ):
        with pytest.raises(BadRawRequest):
            parse_raw_request(bad)


async def test_read_timeout(http: TestServer) -> None:
    with pytest.raises(ReadTimeout):
        await perform_request(
            "GET",
            str(http.make_url("/slow")),
            None,
            None,
            connect_timeout=2.0,
            read_timeout=0.2,
            ssl_context=None,
        )


async def test_connection_refused(socket_enabled: None) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectFailed):
        await perform_request("GET", f"http://127.0.0.1:{port}/", None, None, **TIMEOUTS)


async def test_dns_failure(socket_enabled: None) -> None:
    with pytest.raises(DnsFailure):
        await perform_request("GET", "http://no-such-host.invalid/", None, None, **TIMEOUTS)


async def test_bad_urls(socket_enabled: None) -> None:
    for url in ("ftp://127.0.0.1/", "http:///nohost", "not a url"):
        with pytest.raises(BadUrl):
            await perform_request("GET", url, None, None, **TIMEOUTS)


async def test_https_with_the_test_ca(socket_enabled: None, aiohttp_server: ServerFactory) -> None:
    pki = TestPki()
    https = await aiohttp_server(_app(), ssl=pki.server_ssl_context())
    url = str(https.make_url("/echo"))
    timeouts = {"connect_timeout": 2.0, "read_timeout": 2.0}
    ok = await perform_request(
        "POST", url, None, b"tls", ssl_context=pki.client_ssl_context(), **timeouts
    )
    assert (ok.status, ok.body) == (201, b"tls")
    unverified = make_ssl_context(verify=False)
    response = await perform_request("POST", url, None, b"x", ssl_context=unverified, **timeouts)
    assert response.status == 201


async def test_untrusted_certificate_is_a_tls_failure(socket_enabled: None) -> None:
    # The refusing side runs in a thread: an asyncio TLS server would report the aborted handshake
    # to the loop's exception handler, which fails the test under Home Assistant's plugin.
    pki = TestPki()
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    context = pki.server_ssl_context()

    def serve_once() -> None:
        conn, _addr = listener.accept()
        with conn, contextlib.suppress(OSError):
            context.wrap_socket(conn, server_side=True).close()

    thread = threading.Thread(target=serve_once)
    thread.start()
    try:
        with pytest.raises(TlsFailure):
            await perform_request(
                "GET",
                f"https://127.0.0.1:{port}/",
                None,
                None,
                ssl_context=make_ssl_context(verify=True),
                connect_timeout=2.0,
                read_timeout=2.0,
            )
    finally:
        await asyncio.to_thread(thread.join, 5)
        listener.close()


async def test_https_client_certificate(
    socket_enabled: None, aiohttp_server: ServerFactory
) -> None:
    pki = TestPki()
    https = await aiohttp_server(_app(), ssl=pki.server_ssl_context(require_client_cert=True))
    cert, key = pki.issue_client_cert()
    context = make_ssl_context(
        verify=True, ca_pem=pki.ca_pem, client_cert_pem=cert, client_key_pem=key
    )
    response = await perform_request(
        "POST",
        str(https.make_url("/echo")),
        None,
        b"me",
        ssl_context=context,
        connect_timeout=2.0,
        read_timeout=2.0,
    )
    assert response.body == b"me"
