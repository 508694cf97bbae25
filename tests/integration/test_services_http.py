"""modem_http.get / post / request: what a user's automation sends, what the modem answers.

Each test calls the service the way an automation does (blocking, with return_response), through
a real emulated modem on a TCP port, which performs the request for real against an aiohttp
server on 127.0.0.1 (the far end). Both command families run every story.
"""

import asyncio
import base64
import json
from typing import Any

import probatio as vol
import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.translation import async_get_translations

from custom_components.modem_http.const import DOMAIN

from .conftest import FarEnd, ServiceModem, call_service

pytestmark = pytest.mark.usefixtures("socket_enabled")


call = call_service


# ------------------------------------------------------------------ successes


async def test_get_text_returns_status_headers_and_content(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A user fetches a status page; the text comes back like rest_command's response."""
    response = await call(hass, "get", url=far_end.url("/text"))

    assert response["status"] == 200
    assert response["content"] == "hello from the far end"
    assert "content_encoding" not in response
    assert "json" not in response
    assert response["bytes"] == len(b"hello from the far end")
    if service_modem.response_headers:
        assert response["headers"]["X-Far-End"] == "yes"
    else:
        # SIM7080's AT+SH* stack cannot read response headers: none rather than invented ones.
        assert response["headers"] == {}
    assert response["elapsed"] >= 0
    # A status poll may hold the modem for a moment, so only the field itself is certain.
    assert response["queued"] >= 0
    assert far_end.requests[-1].method == "GET"
    assert far_end.requests[-1].path == "/text"


async def test_get_json_is_parsed(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A JSON answer is there both as text and parsed, ready for templates."""
    response = await call(hass, "get", url=far_end.url("/json"))

    assert response["json"] == {"door": "open", "count": 3, "tags": ["a", "b"]}
    assert json.loads(response["content"]) == response["json"]


async def test_get_declared_charset_is_honoured(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A Latin-1 page decodes by its charset rather than falling back to base64."""
    response = await call(hass, "get", url=far_end.url("/latin1"))

    latin1 = "Café crème".encode("latin-1")
    if service_modem.response_headers:
        assert response["content"] == "Café crème"
    else:
        # Without the Content-Type header (SIM7080 cannot read it) the charset is unknown, and
        # bytes that are not UTF-8 come back exactly, as base64.
        assert response["content_encoding"] == "base64"
        assert base64.b64decode(response["content"]) == latin1
    assert response["bytes"] == len(latin1)


async def test_get_binary_comes_back_as_base64(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Bytes that are not text survive the trip exactly, marked as base64."""
    response = await call(hass, "get", url=far_end.url("/binary"))

    assert response["content_encoding"] == "base64"
    assert base64.b64decode(response["content"]) == FarEnd.BINARY
    assert response["bytes"] == len(FarEnd.BINARY)


async def test_get_byte_range(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """range_start/range_end fetch exactly that slice of a large resource."""
    response = await call(hass, "get", url=far_end.url("/numbers"), range_start=100, range_end=149)

    assert response["status"] == 206
    assert response["content"] == FarEnd.NUMBERS[100:150].decode()
    assert far_end.requests[-1].headers["Range"] == "bytes=100-149"


async def test_get_headers_reach_the_server(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Custom headers, Authorization included, arrive at the far end unchanged."""
    await call(
        hass,
        "get",
        url=far_end.url("/text"),
        headers={"X-Token": "abc123", "Authorization": "Bearer s3cret"},
    )

    seen = far_end.requests[-1].headers
    assert seen["X-Token"] == "abc123"
    assert seen["Authorization"] == "Bearer s3cret"


async def test_post_payload_is_echoed(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A text payload with its content type reaches the server byte for byte."""
    response = await call(
        hass,
        "post",
        url=far_end.url("/echo"),
        payload="door=open&who=ünïcode",
        content_type="application/x-www-form-urlencoded",
    )

    assert response["status"] == 200
    assert response["content"] == "door=open&who=ünïcode"
    seen = far_end.requests[-1]
    assert seen.method == "POST"
    assert seen.body == "door=open&who=ünïcode".encode()
    assert seen.headers["Content-Type"].startswith("application/x-www-form-urlencoded")


async def test_post_json_is_compact_with_json_content_type(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The json field is serialised compactly and labelled application/json."""
    response = await call(
        hass, "post", url=far_end.url("/echo"), json={"alarm": True, "zones": [1, 2]}
    )

    seen = far_end.requests[-1]
    assert seen.body == b'{"alarm":true,"zones":[1,2]}'
    assert seen.headers["Content-Type"].startswith("application/json")
    assert response["json"] == {"alarm": True, "zones": [1, 2]}


async def test_post_content_type_header_is_sent_once(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A Content-Type given among the headers becomes the request's content type."""
    await call(
        hass,
        "post",
        url=far_end.url("/echo"),
        payload="plain words",
        headers={"Content-Type": "text/plain"},
    )

    seen = far_end.requests[-1]
    assert seen.headers.getall("Content-Type") == ["text/plain"]


async def test_http_error_status_is_a_response_not_an_error(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A 404 is the server's answer: it comes back as a response the automation can check."""
    response = await call(hass, "get", url=far_end.url("/missing"))

    assert response["status"] == 404
    assert response["content"] == "no such thing"


async def test_request_any_method_the_dialect_sends(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """modem_http.request sends every other method the family has, and HEAD gets no body.

    SIMCom adds DELETE, the AT+HTTPCFG family DELETE, PATCH and PUT, SIM7080 PATCH and PUT;
    SIM800 has none beyond GET, POST and HEAD.
    """
    modem = service_modem.entry.runtime_data.modem
    others = sorted(modem.methods - {"GET", "POST", "HEAD"})
    answers = [
        await call(hass, "request", method=method.lower(), url=far_end.url("/echo"))
        for method in others
    ]
    head = await call(hass, "request", method="HEAD", url=far_end.url("/text"))

    assert [answer["status"] for answer in answers] == [200] * len(others)
    assert [r.method for r in far_end.requests] == [*others, "HEAD"]
    assert head["status"] == 200
    assert head["content"] == ""
    assert head["bytes"] == 0


async def test_without_response_the_call_still_completes(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A fire-and-forget POST (no response_variable) still reaches the server."""
    result = await hass.services.async_call(
        DOMAIN, "post", {"url": far_end.url("/echo"), "payload": "x"}, blocking=True
    )

    assert result is None
    assert far_end.requests[-1].body == b"x"


async def test_every_request_is_recorded_for_the_sensors(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Success and failure both reach the coordinator's request figures."""
    coordinator = service_modem.entry.runtime_data.coordinator
    await call(hass, "post", url=far_end.url("/echo"), payload="12345")
    with pytest.raises(HomeAssistantError):
        await call(hass, "get", url=far_end.closed_url("/x"))

    stats = coordinator.stats
    assert stats.requests == 2
    assert stats.failures == 1
    assert stats.bytes_sent == len(b"12345")  # the failed GET sent no body
    assert stats.bytes_received == len(b"12345")  # the echo; the failure received nothing
    assert stats.last is not None
    assert stats.last.status is None
    assert stats.last.error == "connection_failed"
    assert stats.last.error_code == int(service_modem.codes["connect"])


# ------------------------------------------------------------------ the caller's mistakes


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"url": "http://127.0.0.1/x\r\nAT+CFUN=0"}, "invalid_url"),
        ({"url": 'http://127.0.0.1/x"'}, "invalid_url"),
        ({"url": "ftp://127.0.0.1/x"}, "invalid_url"),
        ({"headers": {"X-Evil": 'a"\r\nAT+CFUN=0'}}, "request_rejected"),
        ({"headers": {"X Bad Name": "v"}}, "request_rejected"),
        ({"payload": "a", "json": {"b": 1}}, "payload_and_json"),
        ({"range_start": 10, "range_end": 5}, "request_rejected"),
    ],
    ids=["crlf-url", "quote-url", "ftp-url", "header-injection", "header-name", "both", "range"],
)
async def test_bad_input_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    far_end: FarEnd,
    data: dict[str, Any],
    key: str,
) -> None:
    """AT injection and contradictions fail the call; the modem sees no HTTP command at all."""
    service_modem.sent.clear()
    call_data = {"url": far_end.url("/echo"), **data}
    service = "post" if "payload" in data else "request"
    if service == "request":
        call_data["method"] = "GET"

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, service, **call_data)

    assert raised.value.translation_key == key
    assert b"HTTP" not in bytes(service_modem.sent)
    assert far_end.requests == []


async def test_body_larger_than_the_modem_takes_is_refused(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The limit is the dialect's own; the message says both sizes."""
    modem = service_modem.entry.runtime_data.modem
    service_modem.sent.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "post", url=far_end.url("/echo"), payload="x" * (modem.max_body + 1))

    assert raised.value.translation_key == "body_too_large"
    assert raised.value.translation_placeholders == {
        "size": str(modem.max_body + 1),
        "max": str(modem.max_body),
    }
    assert b"HTTP" not in bytes(service_modem.sent)


async def test_method_the_dialect_cannot_send(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Asking for a method outside modem.methods names what the modem can do."""
    modem = service_modem.entry.runtime_data.modem
    missing = sorted({"PUT", "PATCH", "OPTIONS", "TRACE"} - modem.methods)[0]

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "request", method=missing, url=far_end.url("/echo"))

    assert raised.value.translation_key == "method_not_supported"
    assert raised.value.translation_placeholders["method"] == missing
    assert "GET" in raised.value.translation_placeholders["allowed"]
    assert far_end.requests == []


async def test_timeout_outside_its_range_fails_schema_validation(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The timeout field takes 1 to 600 seconds."""
    with pytest.raises(vol.Invalid, match="timeout"):
        await call(hass, "get", url=far_end.url("/text"), timeout=0)


# ------------------------------------------------------------------ the modem's failures


async def test_unreachable_host_gives_the_modem_error_code(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """Nothing listens on the port: the modem's own 7xx number is in the error."""
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "get", url=far_end.closed_url("/x"))

    err = raised.value
    assert not isinstance(err, ServiceValidationError)
    assert err.translation_key == "modem_http_error"
    code = err.translation_placeholders["code"]
    assert code == service_modem.codes["connect"]
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    assert code in str(err)


async def test_unknown_host_gives_the_modem_dns_error(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    """A name that does not resolve gives the modem's DNS failure number."""
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "get", url="http://no-such-host.invalid/x")

    assert raised.value.translation_key == "modem_http_error"
    assert raised.value.translation_placeholders["code"] == service_modem.codes["dns"]


async def test_slow_server_times_out_and_the_modem_recovers(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A server slower than the call's timeout ends in a timeout error, not a hang.

    The modem's own timeout always ends later than the call's one second (SIMCom's receive
    timeout is at least two seconds; an AT+HTTPCFG module counts its one second from HTTPGET,
    after the call began), so the call's own timeout ends it: modem_timeout, not a 7xx number.
    """
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "get", url=far_end.url("/slow"), timeout=1)

    assert raised.value.translation_key == "modem_timeout"
    # The next request goes through on the same modem.
    response = await call(hass, "get", url=far_end.url("/text"))
    assert response["content"] == "hello from the far end"


async def test_an_automation_stopped_mid_request_counts_it_as_cancelled(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The automation is turned off while its GET waits for a slow server.

    The call ends at once, and the request counts as a failed one: the Last error sensor says
    it was cancelled. The automation's next call goes through.
    """
    coordinator = service_modem.entry.runtime_data.coordinator
    call_task = asyncio.create_task(call(hass, "get", url=far_end.url("/slow"), timeout=30))
    await far_end.received(lambda seen: [request.path for request in seen] == ["/slow"])

    call_task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call_task

    assert coordinator.stats.failures == 1
    assert coordinator.stats.last is not None
    assert coordinator.stats.last.error == "cancelled"
    # The module may still be working on the cancelled GET; the next call is not failed with a
    # busy modem it cannot see (an AT+HTTPCFG module's 703): it stops it or waits for its end.
    response = await call(hass, "get", url=far_end.url("/text"), timeout=30)
    assert response["content"] == "hello from the far end"
