"""When things go wrong with a SIMCom module: its own 7xx errors, a stale session, bad input.

Every 7xx here is produced for real: a closed port, a name that cannot resolve, a certificate the
modem does not trust, a server that goes quiet.
"""

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from custom_components.modem_http.atmodem import Modem, ModemHttpError, RequestRejected
from custom_components.modem_http.atmodem.tls import TlsSettings, TlsVerify
from modem_emulator.far_end import TestPki

from ..tls_aborts import handshake_aborts_expected
from .simcom_fixtures import SimcomRig


def hello_app() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(6)
        return web.Response(text="too late")

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/slow", slow)
    return app


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_nothing_listening_is_714_and_the_session_is_closed(
    modem: Modem, rig: SimcomRig
) -> None:
    with pytest.raises(ModemHttpError) as caught:
        await modem.http_request("GET", f"http://127.0.0.1:{closed_port()}/", timeout=10)

    assert caught.value.code == 714
    assert "connect" in caught.value.message
    assert rig.service.requests[-1] == "+HTTPTERM"
    assert rig.service.session is None


async def test_the_longest_url_the_driver_accepts_still_fits_the_modems_command_line(
    modem: Modem,
) -> None:
    long_url = f"http://127.0.0.1:{closed_port()}/"
    long_url += "p" * (4000 - len(long_url))

    with pytest.raises(ModemHttpError) as caught:
        await modem.http_request("GET", long_url, timeout=10)

    assert caught.value.code == 714  # the modem took the URL and tried it


async def test_a_name_that_does_not_resolve_is_713(modem: Modem) -> None:
    with pytest.raises(ModemHttpError) as caught:
        await modem.http_request("GET", "http://nonexistent.invalid/", timeout=10)

    assert caught.value.code == 713
    assert caught.value.method == "GET"


@pytest.fixture
async def tolerate_tls_aborts() -> AsyncIterator[None]:
    """The test's HTTPS server sees the modem hang up mid-handshake; that is the point, not a bug.

    asyncio reports such aborts to the loop's exception handler, which the Home Assistant test
    harness turns into a failure; only those reports are let through here.
    """
    with handshake_aborts_expected():
        yield


async def test_https_to_a_server_that_does_not_speak_tls_is_715(modem: Modem) -> None:
    async def plain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(plain, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(ModemHttpError) as caught:
            await modem.http_request("GET", f"https://127.0.0.1:{port}/", timeout=10)
    finally:
        server.close()
        await server.wait_closed()

    assert caught.value.code == 715


@pytest.mark.usefixtures("tolerate_tls_aborts")
async def test_a_certificate_the_modem_does_not_trust_is_715(
    aiohttp_server: Any, modem: Modem, rig: SimcomRig
) -> None:
    server_pki, other_pki = TestPki("127.0.0.1"), TestPki("127.0.0.1")
    secure: TestServer = await aiohttp_server(hello_app(), ssl=server_pki.server_ssl_context())
    rig.modem.fs.write(4, "ca.pem", other_pki.ca_pem)
    modem.set_tls(TlsSettings(verify=TlsVerify.SERVER, ca_file="ca.pem"))

    with pytest.raises(ModemHttpError) as caught:
        await modem.http_request("GET", f"https://127.0.0.1:{secure.port}/", timeout=10)

    assert caught.value.code == 715

    # Without verification in its SSL context it does not verify, as SIMCom modules by default.
    modem.set_tls(TlsSettings(verify=TlsVerify.NONE))
    response = await modem.http_request("GET", f"https://127.0.0.1:{secure.port}/", timeout=10)
    assert response.body == b"hello"


async def test_a_server_that_goes_quiet_is_705_before_the_callers_timeout(
    aiohttp_server: Any, modem: Modem, rig: SimcomRig
) -> None:
    server: TestServer = await aiohttp_server(hello_app())

    with pytest.raises(ModemHttpError) as caught:
        await modem.http_request("GET", f"http://127.0.0.1:{server.port}/slow", timeout=4)

    assert caught.value.code == 705
    assert '+HTTPPARA="RECVTO",2' in rig.service.requests


async def test_a_session_left_open_by_a_crash_is_terminated_and_the_request_goes_through(
    aiohttp_server: Any, modem: Modem, rig: SimcomRig
) -> None:
    server: TestServer = await aiohttp_server(hello_app())
    await modem.engine.command("AT+HTTPINIT")  # what a host that died mid-request leaves behind
    rig.service.requests.clear()

    response = await modem.http_request("GET", f"http://127.0.0.1:{server.port}/", timeout=10)

    assert response.body == b"hello"
    assert rig.service.requests[:3] == ["+HTTPINIT", "+HTTPTERM", "+HTTPINIT"]


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    ("PUT", {}, "method"),
    ("PATCH", {}, "method"),
    ("GET", {"url": "ftp://127.0.0.1/file"}, "url"),
    ("GET", {"url": "http://127.0.0.1/" + "a" * 5000}, "url"),
    ("GET", {"url": 'http://127.0.0.1/"+AT'}, "url"),
    ("GET", {"url": "http://127.0.0.1/\r\nAT+CFUN=0"}, "url"),
    ("GET", {"url": "http://user:pw@127.0.0.1/"}, "url"),
    ("GET", {"headers": {"User-Agent": "u" * 257}}, "User-Agent"),
    ("GET", {"headers": {"X-Evil": 'a"\r\nAT+CFUN=0'}}, "headers"),
    ("GET", {"headers": {"X-Evil": "a\rb"}}, "headers"),
    ("GET", {"headers": {"X-Evil": "a\\r\\nX-Injected: 1"}}, "headers"),
    ("GET", {"headers": {f"X-H{i}": "v" * 40 for i in range(12)}}, "headers"),
    ("GET", {"headers": {"Content-Length": "3"}}, "headers"),
    ("GET", {"body": b"x"}, "body"),
    ("POST", {"body": b"x" * 153601}, "body"),
    ("GET", {"byte_range": (200, 100)}, "byte_range"),
    ("GET", {"byte_range": (-1, None)}, "byte_range"),
    ("GET", {"byte_range": (0, 0)}, "byte_range"),
    ("POST", {"byte_range": (1, 5)}, "byte_range"),
    ("GET", {"content_type": "text/plain\r\nX: y"}, "content_type"),
]


@pytest.mark.parametrize(("method", "changes", "field"), BAD_REQUESTS)
async def test_bad_input_is_refused_before_the_modem_sees_a_byte(
    modem: Modem, rig: SimcomRig, method: str, changes: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {"url": "http://127.0.0.1:9/", "timeout": 5, **changes}
    target = arguments.pop("url")
    mark = rig.mark()

    with pytest.raises(RequestRejected) as caught:
        await modem.http_request(method, target, **arguments)

    assert caught.value.field == field
    if field == "method":
        assert "simcom" in str(caught.value)
    # Anything the refused request had written would reach the modem before this command.
    await modem.engine.command("AT")
    assert rig.since(mark) == b"AT\r"


async def test_modem_file_names_are_checked_before_sending(modem: Modem, rig: SimcomRig) -> None:
    mark = rig.mark()
    for name in ("a" * 65, "../etc/passwd", 'x".txt', ""):
        with pytest.raises(RequestRejected):
            await modem.post_modem_file("http://127.0.0.1:9/", name)
        with pytest.raises(RequestRejected):
            await modem.download_to_modem_file("http://127.0.0.1:9/", name)
    await modem.engine.command("AT")
    assert rig.since(mark) == b"AT\r"
