"""SIM800/SIM900 stories: the 2G HTTP session over a SAPBR bearer, what a warm module hears, limits.

The emulated module (modem_emulator/sim800.py, sapbr.py) performs each request for real against an
aiohttp server on 127.0.0.1; the library drives it through a TCP port as it drives a real one.
"""

from typing import Any

import pytest
from aiohttp import web

from custom_components.modem_http.atmodem import (
    BearerSettings,
    NoDataConnectionError,
    RequestRejected,
)

from .bearer_fixtures import Rig, bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")


def far_app(seen: list[web.Request]) -> web.Application:
    """/ says hello; /numbers honours a Range; /echo echoes the body."""
    numbers = "".join(f"{n:04d}," for n in range(500)).encode()

    async def hello(request: web.Request) -> web.Response:
        seen.append(request)
        return web.Response(text="hello")

    async def ranged(request: web.Request) -> web.Response:
        seen.append(request)
        first, _, last = request.headers["Range"].removeprefix("bytes=").partition("-")
        end = int(last) + 1 if last else len(numbers)
        return web.Response(status=206, body=numbers[int(first) : end])

    async def echo(request: web.Request) -> web.Response:
        seen.append(request)
        return web.Response(body=await request.read())

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/numbers", ranged)
    app.router.add_post("/echo", echo)
    return app


def sent_since(rig: Rig, mark: int) -> list[str]:
    return [line for line in rig.sent[mark:].decode("latin-1").split("\r") if line.strip()]


async def test_a_warm_module_hears_only_the_action_and_the_reads(aiohttp_server: Any) -> None:
    async with bearer_rig("sim800", aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        mark = len(rig.sent)

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b"hello"
        assert response.headers["Content-Type"].startswith("text/plain")
        assert sent_since(rig, mark) == ["AT+HTTPACTION=0", "AT+HTTPHEAD", "AT+HTTPREAD=0,5"]


async def test_custom_headers_go_in_userdata_and_do_not_leak_into_the_next_request(
    aiohttp_server: Any,
) -> None:
    seen: list[web.Request] = []
    async with bearer_rig("sim800", aiohttp_server, far_app=far_app(seen)) as rig:
        response = await rig.modem.http_request(
            "POST",
            f"{rig.base}/echo",
            headers={"X-A": "1", "Authorization": "Bearer t"},
            body=b'{"door":"open"}',
            content_type="application/json",
            timeout=10,
        )
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b'{"door":"open"}'
        assert 'AT+HTTPPARA="USERDATA","X-A: 1\\r\\nAuthorization: Bearer t"' in rig.commands()
        assert seen[0].headers["Content-Type"] == "application/json"
        assert (seen[0].headers["X-A"], seen[0].headers["Authorization"]) == ("1", "Bearer t")
        # USERDATA has no "none": the next request got a fresh session instead.
        assert "X-A" not in seen[1].headers
        assert rig.count("AT+HTTPINIT") == 2


async def test_a_byte_range_uses_break_and_is_switched_off_afterwards(aiohttp_server: Any) -> None:
    seen: list[web.Request] = []
    async with bearer_rig("sim800", aiohttp_server, far_app=far_app(seen)) as rig:
        part = await rig.modem.http_request(
            "GET", f"{rig.base}/numbers", byte_range=(10, 19), timeout=10
        )
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert (part.status, part.body) == (206, b"0002,0003,")
        sent = rig.commands()
        assert sent.index('AT+HTTPPARA="BREAK",10') < sent.index("AT+HTTPACTION=0")
        assert 'AT+HTTPPARA="BREAKEND",19' in sent
        assert sent.count('AT+HTTPPARA="BREAK",0') == 1
        assert "Range" not in seen[1].headers


async def test_what_the_module_cannot_take_is_refused_before_anything_is_sent(
    aiohttp_server: Any,
) -> None:
    async with bearer_rig("sim800", aiohttp_server) as rig:
        refusals: list[str] = []
        for method, url, kwargs in (
            ("GET", f"{rig.base}/{'p' * 520}", {}),  # over the 556-character command line
            ("GET", f"{rig.base}/", {"headers": {"X-Pad": "p" * 530}}),  # USERDATA too
            ("PUT", f"{rig.base}/", {"body": b"x"}),  # AT+HTTPACTION has GET, POST, HEAD
            ("HEAD", f"{rig.base}/", {"body": b"x"}),  # only POST carries a body
        ):
            with pytest.raises(RequestRejected) as caught:
                await rig.modem.http_request(method, url, timeout=10, **kwargs)
            refusals.append(caught.value.field)

        assert refusals == ["url", "headers", "method", "body"]
        assert [c for c in rig.commands() if "HTTP" in c] == []


async def test_a_pdp_context_beyond_the_three_bearer_profiles_is_named(aiohttp_server: Any) -> None:
    async with bearer_rig("sim800", aiohttp_server, bearer=BearerSettings(cid=4)) as rig:
        with pytest.raises(NoDataConnectionError) as caught:
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert "bearer profiles 1 to 3 only, not 4" in caught.value.cause
        assert [c for c in rig.commands() if c.startswith(("AT+SAPBR=1", "AT+HTTP"))] == []


async def test_a_head_reads_the_headers_and_no_body(aiohttp_server: Any) -> None:
    """SIM800 reports the header block's length for HEAD: it must not be read as a body."""
    async with bearer_rig("sim800", aiohttp_server) as rig:
        response = await rig.modem.http_request("HEAD", f"{rig.base}/", timeout=10)

        assert (response.status, response.body) == (200, b"")
        assert response.headers["Content-Length"] == "5"
        assert not [c for c in rig.commands() if c.startswith("AT+HTTPREAD")]
