"""Responses too large to hand back: a translated error that points to download, read no further.

Stories: an automation GETs a firmware image instead of a status page. The response would land
in the response variable and in every trace, so get, post, request and post_file hand back at
most 1 MiB unless the call asks for more (max_response_size, up to 8 MiB). A larger body ends in
an error naming the download action, and it is not read through the modem first: the modem
announces the length before the read (SIMCom `+HTTPACTION: 0,200,<len>`, Quectel
`+QHTTPGET: 0,200,<len>`), so when it is too large not one AT+HTTPREAD goes out. A chunked
answer the modem cannot announce is cut off while it is being read. Either way the modem is fine
for the next request, and the failed request shows on the sensors like any other.
"""

from typing import Any

import probatio as vol
import pytest
from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .conftest import FarEnd, ServiceModem, call_service, refused_as_unsupported

pytestmark = pytest.mark.usefixtures("socket_enabled")

SIZE = 100_000
"""FarEnd's /big: large enough to cross a small cap, small enough to read quickly."""
READS = (b"AT+HTTPREAD", b"AT+QHTTPREAD")


def read_commands(modem: ServiceModem) -> int:
    """How many read commands the host sent the modem."""
    sent = bytes(modem.sent)
    return sum(sent.count(command) for command in READS)


async def test_a_body_over_the_cap_is_refused_before_it_is_read(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The modem says 100000 bytes; the call takes 1000: an error that points to download."""
    service_modem.sent.clear()

    with pytest.raises(HomeAssistantError) as raised:
        await call_service(hass, "get", url=far_end.url("/big"), max_response_size=1000)

    assert raised.value.translation_key == "response_too_large"
    assert raised.value.translation_placeholders == {"size": str(SIZE), "limit": "1000"}
    assert "modem_http.download" in str(raised.value)
    assert read_commands(service_modem) == 0


async def test_the_modem_is_fine_after_a_refused_body(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The unread response does not leak into the next request's answer."""
    with pytest.raises(HomeAssistantError):
        await call_service(hass, "get", url=far_end.url("/big"), max_response_size=SIZE - 1)

    response = await call_service(hass, "get", url=far_end.url("/text"))

    assert response["content"] == "hello from the far end"


async def test_a_body_exactly_at_the_cap_is_handed_back(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    response = await call_service(hass, "get", url=far_end.url("/big"), max_response_size=SIZE)

    assert response["bytes"] == SIZE
    assert response["content_encoding"] == "base64"


async def test_the_default_cap_takes_ordinary_responses(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """1 MiB by default: a 100 kB answer needs no field at all."""
    response = await call_service(hass, "post", url=far_end.url("/big"), payload="x")

    assert response["bytes"] == SIZE


async def test_a_refused_body_counts_as_a_failed_request(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The modem did the request; the caller did not get its answer: that is a failure."""
    coordinator = service_modem.entry.runtime_data.coordinator

    with pytest.raises(HomeAssistantError):
        await call_service(
            hass, "request", method="GET", url=far_end.url("/big"), max_response_size=10
        )

    assert coordinator.stats.failures == 1
    assert coordinator.stats.last is not None
    assert coordinator.stats.last.error == "response_too_large"


@pytest.mark.parametrize("size", [0, 8 * 1024 * 1024 + 1, "lots"])
async def test_the_cap_a_call_may_ask_for_is_bounded(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, size: Any
) -> None:
    with pytest.raises(vol.Invalid):
        await call_service(hass, "get", url=far_end.url("/text"), max_response_size=size)
    assert far_end.requests == []


@pytest.fixture
async def chunked_url(aiohttp_server: Any) -> str:
    """A server that streams SIZE bytes chunked, without a Content-Length."""

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        response.content_type = "application/octet-stream"
        await response.prepare(request)
        for _ in range(SIZE // 1000):
            await response.write(b"c" * 1000)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/chunked", chunked)
    server = await aiohttp_server(app, host="127.0.0.1")
    return f"http://127.0.0.1:{server.port}/chunked"


async def test_a_chunked_body_over_the_cap_is_cut_off(
    hass: HomeAssistant, service_modem_factory: Any, chunked_url: str
) -> None:
    """The Quectel-style modem announces no length for a chunked answer: the read is cut off."""
    modem: ServiceModem = await service_modem_factory("httpcfg")

    with pytest.raises(HomeAssistantError) as raised:
        await call_service(hass, "get", url=chunked_url, max_response_size=5000)

    assert raised.value.translation_key == "response_too_large_unannounced"
    assert raised.value.translation_placeholders == {"limit": "5000"}
    response = await call_service(hass, "get", url=chunked_url)
    assert response["content"] == "c" * SIZE
    assert modem.entry.runtime_data.coordinator.stats.failures == 1


async def test_a_modem_files_answer_over_the_cap_is_refused_and_counted(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The modem posts its own 2000-byte log to /echo; the call takes 1000 bytes of answer.

    The file commands read the answer whole, so it is refused after the read, but still not
    handed over, and the request counts as failed like any other refused answer.
    """
    coordinator = service_modem.entry.runtime_data.coordinator
    if not service_modem.module_files:
        data = {"url": far_end.url("/echo"), "modem_file": "log.txt", "max_response_size": 1000}
        await refused_as_unsupported(hass, service_modem, "post_file", **data)
        assert far_end.requests == []
        return
    service_modem.put_modem_file("log.txt", b"l" * 2000)

    with pytest.raises(HomeAssistantError) as raised:
        await call_service(
            hass,
            "post_file",
            url=far_end.url("/echo"),
            modem_file="log.txt",
            max_response_size=1000,
        )

    assert raised.value.translation_key == "response_too_large"
    assert raised.value.translation_placeholders == {"size": "2000", "limit": "1000"}
    assert far_end.requests[-1].body == b"l" * 2000
    assert coordinator.stats.failures == 1
    assert coordinator.stats.last is not None
    assert coordinator.stats.last.error == "response_too_large"
