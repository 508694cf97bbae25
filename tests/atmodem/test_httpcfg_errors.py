"""What the user sees when the module, the network or their own input goes wrong."""

import asyncio

import pytest

from custom_components.modem_http.atmodem import (
    AtCommandError,
    ModemHttpError,
    ModemTimeoutError,
    RequestRejected,
)
from custom_components.modem_http.atmodem.bearer import NoDataConnectionError

from .httpcfg_fixtures import DIALECTS, make_rig, pattern

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_refused_connection_is_the_modems_716(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        with pytest.raises(ModemHttpError) as caught:
            await rig.modem.http_request("GET", "http://127.0.0.1:1/x", timeout=10)

        assert caught.value.code == 716
        assert caught.value.message == "HTTP(S) socket connect error"
        # The module still works afterwards.
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)
        assert response.body == pattern(10)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_unknown_host_is_the_modems_dns_error(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        with pytest.raises(ModemHttpError) as caught:
            await rig.modem.http_request("GET", "http://no-such-host.invalid/", timeout=10)

        assert caught.value.code == 714


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_failure_reported_as_final_result_is_the_same_error(
    dialect: str, aiohttp_server
) -> None:
    # EG800K answers AT+QHTTPGET itself with +CME ERROR: 716 when it cannot connect.
    async with make_rig(dialect, aiohttp_server, errors_as_final=True) as rig:
        with pytest.raises(ModemHttpError) as caught:
            await rig.modem.http_request("POST", "http://127.0.0.1:1/x", body=b"a", timeout=10)

        assert caught.value.code == 716
        assert caught.value.method == "POST"


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_server_that_never_answers_gives_timeout_and_stop(
    dialect: str, aiohttp_server
) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        with pytest.raises(ModemTimeoutError):
            await rig.modem.http_request("GET", f"{rig.base}/slow", timeout=3)

        # The driver cancelled with HTTPSTOP; the seed module refuses it (ERROR), Quectel obeys.
        assert rig.commands("STOP") == [f"+{rig.prefix}HTTPSTOP"]
        rig.far.release.set()
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)
        assert response.status == 200


async def test_a_request_the_seed_module_cannot_cancel_is_waited_for_by_the_next(
    aiohttp_server,
) -> None:
    """The caller's second runs out before the module's own <rsptime>, and HTTPSTOP is refused."""
    async with make_rig("httpcfg", aiohttp_server) as rig:
        await rig.modem.connect(10)
        with pytest.raises(ModemTimeoutError):
            await rig.modem.http_request("GET", f"{rig.base}/slow", timeout=1)
        assert rig.commands("STOP") == ["+HTTPSTOP"]

        # The module is still busy with it (it would answer 703); the next request waits for
        # its TIMEOUT instead of failing.
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)
        assert response.status == 200


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_a_request_cancelled_while_the_server_is_slow_leaves_the_module_usable(
    dialect: str, aiohttp_server
) -> None:
    """An automation is stopped while its GET waits on a slow server; the next GET goes through.

    The module goes on with the cancelled request until its own <rsptime> and meanwhile answers
    703 (busy) to anything new. The next request stops it (Quectel) or waits for its end (the
    seed module refuses HTTPSTOP), and is never failed with a busy modem it cannot see.
    """
    async with make_rig(dialect, aiohttp_server) as rig:
        await rig.modem.connect(10)
        slow = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/slow", timeout=30))
        async with asyncio.timeout(10):
            await rig.far.slow_asked.wait()
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow

        following = asyncio.create_task(
            rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=20)
        )
        rig.far.release.set()  # the slow server answers at last (the seed module's end)
        response = await following

        assert response.status == 200
        assert response.body == pattern(10)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_no_bearer_is_network_deactivated(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)
        # The bearer drops silently and the network will not give it back.
        rig.emulator.network.contexts[1].active = False
        rig.emulator.network.working_apns = set()

        with pytest.raises(NoDataConnectionError) as caught:
            await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)

        # The modem said 709 (network deactivated); re-activation was tried and refused.
        assert isinstance(caught.value.__cause__, AtCommandError)
        assert "refused to activate PDP context 1" in str(caught.value)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_url_input_that_never_comes_is_input_timeout(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        with pytest.raises(AtCommandError) as caught:
            await rig.modem.engine.command(f"AT+{rig.prefix}HTTPURL=20,1", timeout=5)

        assert caught.value.cme_code == 726


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_out_of_range_configuration_is_invalid_parameter(
    dialect: str, aiohttp_server
) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        with pytest.raises(AtCommandError) as caught:
            await rig.modem.engine.command(f'AT+{rig.prefix}HTTPCFG="sslctxid",6', timeout=5)

        assert caught.value.cme_code == 730


async def test_seed_module_refuses_contenttype_and_the_driver_sends_it_raw(
    aiohttp_server,
) -> None:
    async with make_rig("httpcfg", aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "POST", f"{rig.base}/echo", body=b"hello", content_type="text/plain", timeout=10
        )

        assert rig.far.seen[0].headers["Content-Type"] == "text/plain"
        assert response.status == 200
        assert rig.http.requests  # raw mode said what body mode could not
        assert '+HTTPCFG="contenttype",1' in rig.http.log


async def test_quectel_sets_contenttype_for_a_body_mode_post(aiohttp_server) -> None:
    async with make_rig("quectel", aiohttp_server) as rig:
        await rig.modem.http_request(
            "POST", f"{rig.base}/echo", body=b"hello", content_type="text/plain", timeout=10
        )

        assert rig.far.seen[0].headers["Content-Type"] == "text/plain"
        assert rig.http.requests == []
        assert rig.http.config["contenttype"] == 1


BAD_REQUESTS = [
    pytest.param({"url": "http://h/" + "a" * 2048}, "url", id="url-over-2048"),
    pytest.param({"url": "ftp://h/x"}, "url", id="not-http"),
    pytest.param({"url": 'http://h/"x'}, "url", id="quote-in-url"),
    pytest.param({"url": "http://user:pw@h/x"}, "url", id="credentials"),
    pytest.param({"method": "POST", "body": b"x" * 1_024_001}, "body", id="body-over-limit"),
    pytest.param({"headers": {"X-A": "v\r\nHost: evil"}}, "headers", id="header-injection"),
    pytest.param({"headers": {"Bad Name": "v"}}, "headers", id="header-name"),
    pytest.param({"headers": {"Host": "evil"}}, "headers", id="host-header"),
    pytest.param({"headers": {"X-Big": "v" * 2000}}, "headers", id="raw-get-over-2048"),
    pytest.param({"byte_range": (10, 5)}, "byte_range", id="backwards-range"),
    pytest.param({"byte_range": (-1, 5)}, "byte_range", id="negative-range"),
    pytest.param({"method": "GET", "body": b"x"}, "body", id="get-with-body"),
    pytest.param({"method": "BREW"}, "method", id="unknown-method"),
    pytest.param({"content_type": "text/plain\r\nX: y"}, "content_type", id="ctype-injection"),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("changes", "field"), BAD_REQUESTS)
async def test_bad_input_is_refused_before_anything_is_sent(
    dialect: str, changes: dict[str, object], field: str, aiohttp_server
) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        request: dict[str, object] = {"method": "GET", "url": f"{rig.base}/echo", **changes}
        log_before = list(rig.http.log)
        last_line = rig.emulator.last_line

        with pytest.raises(RequestRejected) as caught:
            await rig.modem.http_request(
                str(request.pop("method")), str(request.pop("url")), timeout=10, **request
            )

        assert caught.value.field == field
        assert rig.http.log == log_before
        assert rig.emulator.last_line == last_line
        assert rig.far.seen == []


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", ["a\rb", 'x"y', "../etc", "UFS:dir/x", "n" * 81, ""], ids=repr)
async def test_bad_file_names_are_refused(dialect: str, name: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/bytes/1", timeout=10)  # setup done
        log_before = list(rig.http.log)

        with pytest.raises(RequestRejected):
            await rig.modem.download_to_modem_file(f"{rig.base}/bytes/5", name, timeout=5)
        with pytest.raises(RequestRejected):
            await rig.modem.post_modem_file(f"{rig.base}/echo", name, timeout=5)

        assert rig.http.log == log_before
