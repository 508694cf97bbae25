"""SIM7070/SIM7080 stories: one connection to one server, what a warm module hears, the limits.

The emulated module (modem_emulator/sim7080.py) performs each AT+SH* request for real against an
aiohttp server on 127.0.0.1; the library drives it through a TCP port as it drives a real one.
"""

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web

from custom_components.modem_http.atmodem import ModemTimeoutError, RequestRejected
from custom_components.modem_http.atmodem.families.sim7080.plan import check_request
from custom_components.modem_http.atmodem.request import HttpRequest
from modem_emulator import EmulatedModem
from modem_emulator.commands import AtRequest

from .bearer_fixtures import Rig, bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")


def far_app(seen: list[web.Request], bodies: list[bytes]) -> web.Application:
    """/ says hello and keeps the connection; /close answers and closes it; /echo echoes."""

    async def hello(request: web.Request) -> web.Response:
        seen.append(request)
        bodies.append(await request.read())
        return web.Response(text="hello")

    async def close(request: web.Request) -> web.Response:
        seen.append(request)
        return web.Response(text="bye", headers={"Connection": "close"})

    async def echo(request: web.Request) -> web.Response:
        seen.append(request)
        body = await request.read()
        bodies.append(body)
        return web.Response(body=body)

    app = web.Application()
    app.router.add_route("*", "/", hello)
    app.router.add_get("/close", close)
    app.router.add_route("*", "/echo", echo)
    return app


def sent_since(rig: Rig, mark: int) -> list[str]:
    return [line for line in rig.sent[mark:].decode("latin-1").split("\r") if line.strip()]


async def test_a_warm_module_hears_only_the_request_and_the_read(aiohttp_server: Any) -> None:
    async with bearer_rig("sim7080", aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        mark = len(rig.sent)

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b"hello"
        assert sent_since(rig, mark) == ['AT+SHREQ="/",1', "AT+SHREAD=0,5"]


async def test_headers_are_set_again_only_when_they_change(aiohttp_server: Any) -> None:
    seen: list[web.Request] = []
    async with bearer_rig("sim7080", aiohttp_server, far_app=far_app(seen, [])) as rig:
        token = {"Authorization": "Bearer t1"}
        await rig.modem.http_request("GET", f"{rig.base}/", headers=token, timeout=10)
        mark = len(rig.sent)
        await rig.modem.http_request("GET", f"{rig.base}/", headers=token, timeout=10)
        same = sent_since(rig, mark)
        mark = len(rig.sent)
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert same == ['AT+SHREQ="/",1', "AT+SHREAD=0,5"]
        assert sent_since(rig, mark)[:2] == ["AT+SHCHEAD", 'AT+SHREQ="/",1']
        assert [r.headers.get("Authorization") for r in seen] == ["Bearer t1", "Bearer t1", None]


async def test_a_server_that_closes_the_connection_gets_a_new_one(aiohttp_server: Any) -> None:
    """`Connection: close`: the module prints `+SHSTATE: 0`, so the next request reconnects."""
    seen: list[web.Request] = []
    async with bearer_rig("sim7080", aiohttp_server, far_app=far_app(seen, [])) as rig:
        with rig.modem.engine.expect_urc("+SHSTATE:") as closed:
            first = await rig.modem.http_request("GET", f"{rig.base}/close", timeout=10)
            await closed.wait(5)
        second = await rig.modem.http_request("GET", f"{rig.base}/close", timeout=10)

        assert (first.body, second.body) == (b"bye", b"bye")
        assert rig.count("AT+SHCONN") == 2
        assert rig.count('AT+SHREQ="/close",1') == 2  # none refused on a closed connection


async def test_another_server_means_another_connection(aiohttp_server: Any) -> None:
    other = await aiohttp_server(far_app([], []), host="127.0.0.1")
    async with bearer_rig("sim7080", aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        await rig.modem.http_request("GET", f"http://127.0.0.1:{other.port}/", timeout=10)

        assert rig.count("AT+SHDISC") == 2  # before the first connection (state unknown), then
        assert f'AT+SHCONF="URL","http://127.0.0.1:{other.port}"' in rig.commands()


async def test_a_response_read_in_several_blocks_comes_back_whole(aiohttp_server: Any) -> None:
    """Some firmware prints one read as several `+SHREAD: <n>` blocks (LassiHeikkila/SIM7000)."""
    body = bytes(range(256)) * 12 + b"\r\nOK\r\n+SHREAD: 3\r\n"
    async with bearer_rig(
        "sim7080", aiohttp_server, far_app=far_app([], []), firmware={"read_block": 100}
    ) as rig:
        response = await rig.modem.http_request("POST", f"{rig.base}/echo", body=body, timeout=10)

        assert response.body == body
        assert response.content_length == len(body)


async def test_a_post_without_a_body_after_one_with_a_body_sends_none(aiohttp_server: Any) -> None:
    bodies: list[bytes] = []
    async with bearer_rig("sim7080", aiohttp_server, far_app=far_app([], bodies)) as rig:
        await rig.modem.http_request("POST", f"{rig.base}/echo", body=b"door open", timeout=10)
        await rig.modem.http_request("POST", f"{rig.base}/echo", timeout=10)

        assert bodies == [b"door open", b""]
        assert len([c for c in rig.commands() if c.startswith("AT+SHBOD=9,")]) == 1


async def test_what_the_module_cannot_take_is_refused_before_anything_is_sent(
    aiohttp_server: Any,
) -> None:
    async with bearer_rig("sim7080", aiohttp_server) as rig:
        host = "a" * 60 + ".example"
        refusals: list[str] = []
        for method, url, kwargs in (
            ("GET", f"http://{host}/", {}),  # the server part is over AT+SHCONF's 64 bytes
            ("GET", f"{rig.base}/", {"headers": {"X-Pad": "p" * 342}}),  # 351 > HEADERLEN
            ("POST", f"{rig.base}/", {"body": b"x" * 4097}),  # over BODYLEN
            ("DELETE", f"{rig.base}/", {}),  # AT+SHREQ has no DELETE
        ):
            with pytest.raises(RequestRejected) as caught:
                await rig.modem.http_request(method, url, timeout=10, **kwargs)
            refusals.append(caught.value.field)

        assert refusals == ["url", "headers", "body", "method"]
        assert [c for c in rig.commands() if c.startswith("AT+SH")] == []


async def test_a_connection_that_opened_after_the_request_gave_up_is_closed(
    aiohttp_server: Any,
) -> None:
    """AT+SHCONN takes longer than the request's time; the module connects all the same.

    The next request must not take the module for unconnected: it closes the connection first.
    """

    def slow_first_connect(emulator: EmulatedModem) -> None:
        connect = emulator.handler_for("+SHCONN")
        assert connect is not None
        slowed: list[bool] = []

        async def connect_late(modem: EmulatedModem, req: AtRequest) -> Any:
            if not slowed:
                slowed.append(True)
                await asyncio.sleep(1.5)  # the module's own slowness (a handshake on LTE-M)
            return await connect(modem, req)

        emulator.register("+SHCONN", connect_late)

    async with bearer_rig("sim7080", aiohttp_server, prepare=slow_first_connect) as rig:
        with pytest.raises(ModemTimeoutError):
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=1.0)
        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b"hello"
        assert rig.count("AT+SHCONN") == 2


def test_a_ranged_get_carries_its_if_range_date_and_refuses_an_entity_tag() -> None:
    """The module shows no response headers, so the version proof has to go with the request."""
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    ranged = HttpRequest("GET", "http://127.0.0.1:8080/fw.bin", byte_range=(100, None))

    checked = check_request(replace(ranged, if_range=date))

    assert checked.headers == (("Range", "bytes=100-"), ("If-Range", date))
    with pytest.raises(RequestRejected) as caught:
        check_request(replace(ranged, if_range='"v2"'))
    assert caught.value.field == "if_range"
