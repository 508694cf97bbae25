"""A user's requests through an AT+HTTPCFG / AT+QHTTPCFG module, end to end over real sockets."""

import json
import re

import pytest

from custom_components.modem_http.atmodem.deadline import Deadline

from .httpcfg_fixtures import DIALECTS, make_rig, pattern

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_get_returns_status_headers_and_body(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/1000", timeout=10)

        assert response.status == 200
        assert response.body == pattern(1000)
        assert response.content_length == 1000
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert rig.modem.dialect == dialect
        # Body mode: a plain GET needs no raw request, and the module's own headers go out.
        assert rig.http.requests == []
        assert rig.far.seen[0].headers["User-Agent"] == "QUECTEL_MODULE"


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_post_text_goes_in_body_mode(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "POST", f"{rig.base}/echo?x=1", body=b"temperature=21.5", timeout=10
        )

        assert response.status == 200
        echoed = json.loads(response.body)
        assert echoed == {
            "method": "POST",
            "query": "x=1",
            "content_type": "application/x-www-form-urlencoded",
            "length": 16,
        }
        assert rig.far.seen[0].body == b"temperature=21.5"
        assert rig.http.requests == []  # nothing built by hand: the module wrote the headers
        # POST=<length>,<input_time>,<rsptime>: the length is the body's alone.
        (command,) = rig.commands("POST")
        assert re.fullmatch(rf"\+{rig.prefix}HTTPPOST=16,\d+,\d+", command)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_post_json_sends_its_content_type_in_raw_mode(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        body = json.dumps({"state": "on"}).encode()
        response = await rig.modem.http_request(
            "POST", f"{rig.base}/echo", body=body, content_type="application/json", timeout=10
        )

        assert json.loads(response.body)["content_type"] == "application/json"
        assert rig.far.seen[0].body == body
        port = rig.base.rsplit(":", 1)[1]
        assert rig.http.requests == [
            b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: 15\r\n\r\n" + body
        ]


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_post_binary_arrives_byte_for_byte(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        body = pattern(70_000)
        response = await rig.modem.http_request(
            "POST",
            f"{rig.base}/echo",
            body=body,
            content_type="application/octet-stream",
            timeout=20,
        )

        assert response.status == 200
        assert response.bytes_sent == len(body)
        assert rig.far.seen[0].body == body
        assert rig.far.seen[0].headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_other_methods_go_as_raw_requests_with_custom_headers(
    dialect: str, method: str, aiohttp_server
) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        body = b'{"on": true}' if method in ("PUT", "PATCH") else None
        response = await rig.modem.http_request(
            method,
            f"{rig.base}/echo?id=7",
            headers={"Authorization": "Bearer abc", "X-Trace": "t-1"},
            body=body,
            timeout=10,
        )

        assert response.status == 200
        seen = rig.far.seen[0]
        assert (seen.method, seen.query) == (method, "id=7")
        assert seen.headers["Authorization"] == "Bearer abc"
        assert seen.headers["X-Trace"] == "t-1"
        assert seen.body == (body or b"")
        assert json.loads(response.body)["method"] == method
        # Every method but GET travels through the POST command, verbatim.
        assert rig.commands("POST")
        assert rig.http.requests[0].startswith(f"{method} /echo?id=7 HTTP/1.1\r\n".encode())


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_head_returns_headers_and_no_body(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "HEAD", f"{rig.base}/bytes/5000", headers={"X-Probe": "1"}, timeout=10
        )

        assert response.status == 200
        assert response.body == b""
        assert response.headers["Content-Length"] == "5000"
        assert rig.far.seen[0].method == "HEAD"
        assert rig.far.seen[0].headers["X-Probe"] == "1"


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_get_with_custom_headers_uses_the_raw_get(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "GET", f"{rig.base}/echo", headers={"Accept": "application/json"}, timeout=10
        )

        assert response.status == 200
        assert rig.far.seen[0].headers["Accept"] == "application/json"
        assert rig.commands("GET")[-1].count(",") == 2  # GET=<rsptime>,<length>,<input_time>
        assert not rig.commands("POST")


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_ranged_get_uses_getex(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "GET", f"{rig.base}/bytes/4000", byte_range=(1000, 1499), timeout=10
        )

        assert response.status == 206
        assert response.body == pattern(4000)[1000:1500]
        assert rig.far.seen[0].headers["Range"] == "bytes=1000-1499"
        (command,) = rig.commands("GETEX")
        assert re.fullmatch(rf"\+{rig.prefix}HTTPGETEX=\d+,1000,500", command)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_open_ended_range_becomes_a_range_header(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "GET", f"{rig.base}/bytes/4000", byte_range=(3990, None), timeout=10
        )

        assert response.status == 206
        assert response.body == pattern(4000)[3990:]
        assert rig.far.seen[0].headers["Range"] == "bytes=3990-"


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_status_pages_are_responses_not_errors(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/status/404", timeout=10)

        assert response.status == 404
        assert response.reason == "Not Found"
        assert response.body == b"status page"


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_chunked_response_without_length(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/chunked", timeout=10)

        assert response.status == 200
        assert response.content_length is None  # the URC had no length
        assert response.body == b"first part, second part\r\nOK\r\n, end"


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_without_response_headers_the_urc_length_reads_the_body(
    dialect: str, aiohttp_server
) -> None:
    async with make_rig(dialect, aiohttp_server, driver_options={"response_headers": False}) as rig:
        await rig.modem.family.http.setup(rig.modem.engine, Deadline(10))
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/3000", timeout=10)
        chunked = await rig.modem.http_request("GET", f"{rig.base}/chunked", timeout=10)

        assert rig.http.config["responseheader"] == 0
        assert response.body == pattern(3000)
        assert len(response.headers) == 0
        assert chunked.body == b"first part, second part\r\nOK\r\n, end"
