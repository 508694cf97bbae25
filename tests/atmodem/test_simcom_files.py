"""Bodies that go through the modem's own files: AT+HTTPPOSTFILE and AT+HTTPREADFILE."""

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from custom_components.modem_http.atmodem import Modem, ModemHttpError
from modem_emulator.far_end import TestPki

from .simcom_fixtures import SimcomRig

PAYLOAD = bytes(range(256)) * 64 + b"\r\nOK\r\n+HTTPREAD: 0\r\n"


@pytest.fixture
async def far_end(aiohttp_server: Any, socket_enabled: None) -> TestServer:
    uploads: list[tuple[str, str, dict[str, str], bytes]] = []

    async def upload(request: web.Request) -> web.Response:
        body = await request.read()
        uploads.append((request.method, request.path, dict(request.headers), body))
        return web.Response(text=f"stored {len(body)}", headers={"X-Stored": "yes"})

    async def download(request: web.Request) -> web.Response:
        return web.Response(body=PAYLOAD, content_type="application/octet-stream")

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_route("*", "/upload", upload)
    app.router.add_get("/download", download)
    app["uploads"] = uploads
    server: TestServer = await aiohttp_server(app)
    return server


async def test_a_file_downloaded_to_the_modem_can_be_posted_back(
    modem: Modem, rig: SimcomRig, far_end: TestServer
) -> None:
    base = f"http://127.0.0.1:{far_end.port}"

    downloaded = await modem.download_to_modem_file(f"{base}/download", "fw.bin")

    assert downloaded.status == 200
    assert downloaded.content_length == len(PAYLOAD)
    assert rig.modem.fs.read(1, "fw.bin") == PAYLOAD
    assert '+HTTPREADFILE="fw.bin",1' in rig.service.requests

    posted = await modem.post_modem_file(f"{base}/upload", "fw.bin")

    method, path, _headers, body = far_end.app["uploads"][-1]
    assert (method, path, body) == ("POST", "/upload", PAYLOAD)
    assert posted.status == 200
    assert posted.body == f"stored {len(PAYLOAD)}".encode()
    assert posted.headers["X-Stored"] == "yes"


async def test_posting_a_file_that_is_not_there_is_707(modem: Modem, far_end: TestServer) -> None:
    with pytest.raises(ModemHttpError) as caught:
        await modem.post_modem_file(f"http://127.0.0.1:{far_end.port}/upload", "absent.bin")

    assert caught.value.code == 707


async def test_a_file_holding_a_whole_request_is_sent_as_written(
    modem: Modem, rig: SimcomRig, far_end: TestServer
) -> None:
    """send_header=0: the file is the request line, headers and body (custom requests)."""
    request = (
        b"PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-From-File: 1\r\n"
        b"Content-Length: 5\r\n\r\nhello"
    )
    rig.modem.fs.write(3, "req.txt", request)
    engine = modem.engine

    with engine.expect_urc("+HTTPPOSTFILE:") as waiter:
        await engine.command("AT+HTTPINIT")
        await engine.command(f'AT+HTTPPARA="URL","http://127.0.0.1:{far_end.port}/"')
        await engine.command('AT+HTTPPOSTFILE="req.txt",3,1,0')
        urc = await waiter.wait(10)
    await engine.command("AT+HTTPTERM")

    assert urc.line == "+HTTPPOSTFILE: 1,200,8"  # "stored 5"
    method, _path, headers, body = far_end.app["uploads"][-1]
    assert (method, headers["X-From-File"], body) == ("PUT", "1", b"hello")


async def test_a_ca_downloaded_to_path_4_verifies_https_once_the_ssl_context_names_it(
    aiohttp_server: Any, modem: Modem, rig: SimcomRig, far_end: TestServer
) -> None:
    pki = TestPki("127.0.0.1")

    async def ca(request: web.Request) -> web.Response:
        return web.Response(body=pki.ca_pem)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="verified")

    ca_app = web.Application()
    ca_app.router.add_get("/ca.pem", ca)
    ca_server: TestServer = await aiohttp_server(ca_app)
    secure_app = web.Application()
    secure_app.router.add_get("/", hello)
    secure: TestServer = await aiohttp_server(secure_app, ssl=pki.server_ssl_context())
    engine = modem.engine

    with engine.expect_urc("+HTTPACTION:") as action, engine.expect_urc("+HTTPREADFILE:") as done:
        await engine.command("AT+HTTPINIT")
        await engine.command(f'AT+HTTPPARA="URL","http://127.0.0.1:{ca_server.port}/ca.pem"')
        await engine.command("AT+HTTPACTION=0")
        assert (await action.wait(10)).line.startswith("+HTTPACTION: 0,200,")
        await engine.command('AT+HTTPREADFILE="ca.pem",4')
        assert (await done.wait(10)).line == "+HTTPREADFILE: 0"
    await engine.command("AT+HTTPTERM")
    assert rig.modem.fs.list(4) == ["ca.pem"]
    await engine.command('AT+CSSLCFG="authmode",0,1')
    await engine.command('AT+CSSLCFG="cacert",0,"ca.pem"')

    response = await modem.http_request("GET", f"https://127.0.0.1:{secure.port}/", timeout=10)

    assert response.body == b"verified"
