"""Stories of HTTP requests through a SIMCom module.

The integration's driver talks to the emulator over a real socket, and the emulator makes each
request for real against a local aiohttp server.
"""

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from custom_components.modem_http.atmodem import Modem
from modem_emulator.far_end import TestPki

from .simcom_fixtures import SimcomRig, start_rig

TRICKY = (
    b"\x00\xff\xfe\r\nOK\r\n+HTTPREAD: 0\r\n\r\nERROR\r\n"
    b"\x80 invalid utf-8 \xc3\x28 +HTTPREAD: DATA,9\r\n"
)
BIG = bytes(range(256)) * (2 * 1024 * 1024 // 256)


@dataclass
class Seen:
    """What the far end received, request by request."""

    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def last(self) -> tuple[str, str, dict[str, str], bytes]:
        return self.requests[-1]


def far_end_app(seen: Seen) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        seen.requests.append((request.method, request.path_qs, dict(request.headers), body))
        return web.json_response(
            {"method": request.method, "length": len(body)},
            headers={"X-Far-End": "aiohttp", "Set-Cookie": "a=1"},
        )

    async def tricky(request: web.Request) -> web.Response:
        return web.Response(body=TRICKY, content_type="application/octet-stream")

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=BIG, content_type="application/octet-stream")

    async def ranged(request: web.Request) -> web.Response:
        seen.requests.append((request.method, request.path_qs, dict(request.headers), b""))
        start, _, end = request.headers["Range"].removeprefix("bytes=").partition("-")
        last = int(end) if end else len(BIG) - 1
        return web.Response(
            status=206,
            body=BIG[int(start) : last + 1],
            headers={"Content-Range": f"bytes {start}-{last}/{len(BIG)}"},
        )

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404, text="no such thing\n", headers={"X-Why": "gone"})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/tricky", tricky)
    app.router.add_get("/big", big)
    app.router.add_get("/range", ranged)
    app.router.add_get("/missing", missing)
    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def far_end(aiohttp_server: Any, seen: Seen, socket_enabled: None) -> TestServer:
    return await aiohttp_server(far_end_app(seen))


def url(server: TestServer, path: str, scheme: str = "http") -> str:
    return f"{scheme}://127.0.0.1:{server.port}{path}"


async def test_get_returns_status_body_and_the_servers_headers(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    response = await modem.http_request("GET", url(far_end, "/echo?x=1"), timeout=10)

    assert response.status == 200
    assert json.loads(response.body) == {"method": "GET", "length": 0}
    assert response.headers["X-Far-End"] == "aiohttp"
    assert response.headers["content-type"].startswith("application/json")
    assert response.content_length == len(response.body)
    # The HTTP service is started once and stays open for the next request.
    assert rig.service.requests[0] == "+HTTPINIT"
    assert "+HTTPTERM" not in rig.service.requests
    assert rig.service.session is not None


async def test_a_warm_modem_hears_only_what_changed(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    """The same endpoint again costs the action and the reads; another URL one HTTPPARA more."""
    await modem.http_request("GET", url(far_end, "/echo?n=1"), timeout=10)
    rig.service.requests.clear()

    again = await modem.http_request("GET", url(far_end, "/echo?n=1"), timeout=10)
    elsewhere = await modem.http_request("GET", url(far_end, "/echo?n=2"), timeout=10)

    assert json.loads(again.body) == json.loads(elsewhere.body) == {"method": "GET", "length": 0}
    read = f"+HTTPREAD=0,{len(again.body)}"
    assert rig.service.requests == [
        "+HTTPACTION=0",
        "+HTTPHEAD",
        read,
        f'+HTTPPARA="URL","{url(far_end, "/echo?n=2")}"',
        "+HTTPACTION=0",
        "+HTTPHEAD",
        read,
    ]


async def test_a_header_the_next_request_does_not_want_is_not_sent_again(
    modem: Modem, far_end: TestServer, rig: SimcomRig, seen: Seen
) -> None:
    """USERDATA cannot be taken back: the next request without it starts a fresh service."""
    await modem.http_request("GET", url(far_end, "/echo"), headers={"X-Key": "secret"}, timeout=10)
    await modem.http_request("GET", url(far_end, "/echo"), timeout=10)

    assert seen.requests[0][2]["X-Key"] == "secret"
    assert "X-Key" not in seen.requests[1][2]
    assert rig.service.requests.count("+HTTPINIT") == 2
    assert rig.service.requests.count("+HTTPTERM") == 1


async def test_a_post_body_is_not_sent_again_with_a_bodiless_post(
    modem: Modem, far_end: TestServer, rig: SimcomRig, seen: Seen
) -> None:
    await modem.http_request("POST", url(far_end, "/echo"), body=b"first", timeout=10)
    await modem.http_request("POST", url(far_end, "/echo"), body=b"second", timeout=10)
    await modem.http_request("POST", url(far_end, "/echo"), timeout=10)

    assert [request[3] for request in seen.requests] == [b"first", b"second", b""]
    assert rig.service.requests.count("+HTTPINIT") == 2


async def test_a_byte_range_is_switched_off_for_the_next_request(
    modem: Modem, far_end: TestServer, rig: SimcomRig, seen: Seen
) -> None:
    ranged = await modem.http_request(
        "GET", url(far_end, "/range"), byte_range=(10, 19), timeout=10
    )
    whole = await modem.http_request("GET", url(far_end, "/echo"), timeout=10)

    assert ranged.body == BIG[10:20]
    assert "Range" not in seen.requests[-1][2]
    assert json.loads(whole.body)["method"] == "GET"
    assert rig.service.requests[-6:-3] == [
        f'+HTTPPARA="URL","{url(far_end, "/echo")}"',
        '+HTTPPARA="BREAK",0',
        '+HTTPPARA="BREAKEND",0',
    ]


async def test_after_a_restart_the_service_is_started_again(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    await modem.http_request("GET", url(far_end, "/echo"), timeout=10)
    await modem.admin.restart(timeout=10)
    rig.service.requests.clear()

    response = await modem.http_request("GET", url(far_end, "/echo"), timeout=10)

    assert response.status == 200
    assert rig.service.requests[:2] == ["+HTTPINIT", f'+HTTPPARA="URL","{url(far_end, "/echo")}"']


async def test_a_service_closed_behind_the_drivers_back_is_started_again(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    """A raw AT+HTTPTERM from the troubleshooting command: the next request still works."""
    await modem.http_request("GET", url(far_end, "/echo"), timeout=10)
    assert await modem.admin.send_command("AT+HTTPTERM") == ([], "OK")

    response = await modem.http_request("GET", url(far_end, "/echo"), timeout=10)

    assert response.status == 200
    after_term = len(rig.service.requests) - rig.service.requests[::-1].index("+HTTPTERM")
    assert rig.service.requests[after_term : after_term + 2] == [
        "+HTTPINIT",
        f'+HTTPPARA="URL","{url(far_end, "/echo")}"',
    ]


async def test_a_service_the_module_dropped_on_its_own_is_started_again_once(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    """Firmware that ends its HTTP service unasked answers ERROR to the next HTTPACTION.

    Nothing of the request went out then, so the driver starts the service afresh, tells it
    every parameter again and sends the request once more.
    """
    await modem.http_request("GET", url(far_end, "/echo"), timeout=10)
    rig.service.session = None  # the module forgot its service; the library was not told
    rig.service.requests.clear()

    response = await modem.http_request("GET", url(far_end, "/echo"), timeout=10)

    assert response.status == 200
    assert rig.service.requests[:5] == [
        "+HTTPACTION=0",
        "+HTTPTERM",
        "+HTTPINIT",
        f'+HTTPPARA="URL","{url(far_end, "/echo")}"',
        '+HTTPPARA="CONNECTTO",20',
    ]
    assert rig.service.requests.count("+HTTPACTION=0") == 2


async def test_post_text_json_and_binary_reach_the_server_byte_for_byte(
    modem: Modem, far_end: TestServer, seen: Seen
) -> None:
    cases = [
        (b"hello modem", "text/plain"),
        (json.dumps({"temp": 21.5, "ok": True}).encode(), "application/json"),
        (bytes(range(256)) * 40 + TRICKY, "application/octet-stream"),
    ]
    for body, content_type in cases:
        response = await modem.http_request(
            "POST", url(far_end, "/echo"), body=body, content_type=content_type, timeout=10
        )

        method, _, headers, received = seen.last()
        assert (method, received) == ("POST", body)
        assert headers["Content-Type"] == content_type
        assert response.status == 200
        assert response.bytes_sent == len(body)


async def test_head_and_delete(modem: Modem, far_end: TestServer, seen: Seen) -> None:
    head = await modem.http_request("HEAD", url(far_end, "/echo"), timeout=10)
    assert head.status == 200
    assert head.body == b""
    assert head.headers["X-Far-End"] == "aiohttp"

    deleted = await modem.http_request("DELETE", url(far_end, "/echo?id=7"), timeout=10)
    assert deleted.status == 200
    assert seen.last()[:2] == ("DELETE", "/echo?id=7")


async def test_custom_headers_reach_the_server_and_known_ones_use_their_own_parameters(
    modem: Modem, far_end: TestServer, seen: Seen, rig: SimcomRig
) -> None:
    await modem.http_request(
        "GET",
        url(far_end, "/echo"),
        headers={
            "Authorization": "Bearer abc.def",
            "X-Api-Key": "k-123",
            "User-Agent": "modem-http/1.0",
            "Accept": "application/json",
        },
        timeout=10,
    )

    headers = seen.last()[2]
    assert headers["Authorization"] == "Bearer abc.def"
    assert headers["X-Api-Key"] == "k-123"
    assert headers["User-Agent"] == "modem-http/1.0"
    assert headers["Accept"] == "application/json"
    assert '+HTTPPARA="UA","modem-http/1.0"' in rig.service.requests
    assert '+HTTPPARA="USERDATA","Authorization: Bearer abc.def\\r\\nX-Api-Key: k-123"' in (
        rig.service.requests
    )


async def test_ranged_get_from_first_to_last_and_from_first_to_the_end(
    modem: Modem, far_end: TestServer, seen: Seen
) -> None:
    part = await modem.http_request("GET", url(far_end, "/range"), byte_range=(100, 199))
    assert part.status == 206
    assert part.body == BIG[100:200]
    assert seen.last()[2]["Range"] == "bytes=100-199"

    tail = await modem.http_request(
        "GET", url(far_end, "/range"), byte_range=(len(BIG) - 1000, None)
    )
    assert tail.body == BIG[-1000:]
    assert seen.last()[2]["Range"] == f"bytes={len(BIG) - 1000}-"


async def test_bodies_with_nul_bad_utf8_and_at_lookalikes_come_back_intact(
    modem: Modem, far_end: TestServer
) -> None:
    response = await modem.http_request("GET", url(far_end, "/tricky"), timeout=10)

    assert response.body == TRICKY


async def test_a_404_is_a_response_not_an_error(modem: Modem, far_end: TestServer) -> None:
    response = await modem.http_request("GET", url(far_end, "/missing"), timeout=10)

    assert response.status == 404
    assert response.reason == "Not Found"
    assert response.body == b"no such thing\n"
    assert response.headers["X-Why"] == "gone"


async def test_two_mib_download_in_chunks_and_streamed_to_a_sink(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    whole = await modem.http_request("GET", url(far_end, "/big"), timeout=60)
    assert whole.body == BIG

    pieces: list[bytes] = []

    async def sink(chunk: bytes) -> None:
        pieces.append(chunk)

    streamed = await modem.http_request("GET", url(far_end, "/big"), timeout=60, body_sink=sink)
    assert b"".join(pieces) == BIG
    assert len(pieces) == len(BIG) // 32768
    assert streamed.content_length == len(BIG)
    reads = [r for r in rig.service.requests if r.startswith("+HTTPREAD=")]
    assert reads[:2] == ["+HTTPREAD=0,32768", "+HTTPREAD=32768,32768"]


async def test_both_httpread_framings(far_end: TestServer, socket_enabled: None) -> None:
    announced = {"sim7600": f"+HTTPREAD: DATA,{len(TRICKY)}", "legacy": f"+HTTPREAD: {len(TRICKY)}"}
    for framing, announcement in announced.items():
        rig = await start_rig(framing=framing)  # type: ignore[arg-type]  # a Framing literal
        try:
            modem = await rig.open()
            response = await modem.http_request("GET", url(far_end, "/tricky"), timeout=10)
            assert response.body == TRICKY, framing
            assert announcement in rig.printed
            assert "+HTTPREAD: 0" in rig.printed
        finally:
            await rig.close()


async def test_urc_storm_between_read_chunks_does_not_touch_the_body(
    modem: Modem, far_end: TestServer, rig: SimcomRig
) -> None:
    storm = ["RING", '+CMTI: "SM",3', "+CREG: 1", "+CGEV: ME PDN ACT 1", "+HTTP_PEER_CLOSED"]
    chunks: list[bytes] = []

    async def sink(chunk: bytes) -> None:
        chunks.append(chunk)
        for urc in storm:
            rig.modem.faults.urc_in_reply(urc)  # lands in the next command's reply
            rig.modem.push_urc(urc)  # and right now, before that command is sent

    response = await modem.http_request("GET", url(far_end, "/big"), timeout=60, body_sink=sink)

    assert b"".join(chunks) == BIG
    assert response.status == 200


async def test_https_with_the_ca_installed_on_the_modem(
    aiohttp_server,
    seen: Seen,
    rig: SimcomRig,
    modem: Modem,  # type: ignore[no-untyped-def]
) -> None:
    pki = TestPki("127.0.0.1")
    secure = await aiohttp_server(far_end_app(seen), ssl=pki.server_ssl_context())
    rig.modem.fs.write(4, "ca.pem", pki.ca_pem)

    response = await modem.http_request(
        "POST", url(secure, "/echo", "https"), body=b"secret", timeout=10
    )

    assert response.status == 200
    assert seen.last()[3] == b"secret"
    assert '+HTTPPARA="SSLCFG",0' in rig.service.requests


async def test_auto_detection_finds_the_simcom_dialect(rig: SimcomRig, far_end: TestServer) -> None:
    modem = await rig.open(dialect="auto")

    assert modem.dialect == "simcom"
    response = await modem.http_request("GET", url(far_end, "/echo"), timeout=10)
    assert response.status == 200
