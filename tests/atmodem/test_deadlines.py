"""The caller's timeout bounds every operation, and running out keeps the real cause.

Each story gives an operation a short timeout while something slow stands in its way: a module
still searching for the network, a network slow to activate the data connection, another request
holding the modem. The operation must end within its timeout (the test guard is far shorter than
the waits that used to happen: the 60 s registration wait, the 150 s activation limit) with an
error naming what stood in the way, and say how its time was spent.
"""

import asyncio
from typing import Any

import pytest
from aiohttp import web

from custom_components.modem_http.atmodem import (
    ModemHttpError,
    ModemTimeoutError,
    NoDataConnectionError,
)

from .bearer_fixtures import bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")

GUARD = 10.0
"""Test guard: an operation still running after this long did not honour its timeout."""


def file_name(family: str, name: str) -> str:
    return name if family == "simcom" else f"UFS:{name}"


@pytest.mark.parametrize(
    ("family", "operation"),
    [
        *(
            (family, operation)
            for family in ("simcom", "quectel")
            for operation in ("get", "post_modem_file", "download", "connect")
        ),
        # No module files on these two: their file operations are refused before any wait.
        *(
            (family, operation)
            for family in ("sim800", "sim7080")
            for operation in ("get", "connect")
        ),
    ],
)
async def test_an_unregistered_module_is_the_cause_when_time_runs_out(
    family: str, operation: str, aiohttp_server: Any
) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        rig.emulator.network.registration = 2  # searching, and it will not find a cell in time
        modem, url = rig.modem, f"{rig.base}/"
        calls = {
            "get": lambda: modem.http_request("GET", url, timeout=1.5),
            "post_modem_file": lambda: modem.post_modem_file(
                url, file_name(family, "log.txt"), timeout=1.5
            ),
            "download": lambda: modem.download_to_modem_file(
                url, file_name(family, "fw.bin"), timeout=1.5
            ),
            "connect": lambda: modem.connect(1.5),
        }

        async with asyncio.timeout(GUARD):
            with pytest.raises(NoDataConnectionError) as failure:
                await calls[operation]()

        assert "not registered on the network (state searching)" in failure.value.cause
        assert failure.value.queued is not None
        assert failure.value.elapsed is not None


@pytest.mark.parametrize("family", ["httpcfg", "quectel", "sim800", "sim7080"])
async def test_an_activation_still_pending_is_the_cause_when_time_runs_out(
    family: str, aiohttp_server: Any
) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        rig.emulator.network.activation_delay = 60.0  # the network takes its time

        async with asyncio.timeout(GUARD):
            with pytest.raises(NoDataConnectionError) as failure:
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=1.5)

        assert "still being activated when the 1.5 s ran out" in failure.value.cause


async def test_a_refused_apn_is_named_at_once(aiohttp_server: Any) -> None:
    async with bearer_rig("simcom", aiohttp_server) as rig:
        rig.emulator.network.working_apns = {"other.apn"}

        async with asyncio.timeout(GUARD):
            with pytest.raises(NoDataConnectionError) as failure:
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=60)

        assert "refused to activate PDP context 1" in failure.value.cause


class HeldFarEnd:
    """`/hold` answers once released; `/never` answers only when the test ends."""

    def __init__(self) -> None:
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        self.done = asyncio.Event()

    def app(self) -> web.Application:
        async def hold(_request: web.Request) -> web.Response:
            self.held.set()
            await self.release.wait()
            return web.Response(text="held")

        async def never(_request: web.Request) -> web.Response:
            await self.done.wait()
            return web.Response(text="too late")

        async def hello(_request: web.Request) -> web.Response:
            return web.Response(text="hello")

        app = web.Application()
        app.router.add_get("/hold", hold)
        app.router.add_get("/never", never)
        app.router.add_get("/", hello)
        return app


@pytest.mark.parametrize("family", ["simcom", "quectel", "sim800", "sim7080"])
async def test_a_request_that_never_gets_the_modem_says_so(
    family: str, aiohttp_server: Any
) -> None:
    far = HeldFarEnd()
    async with bearer_rig(family, aiohttp_server, far_app=far.app()) as rig:
        first = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/hold", timeout=30))
        await far.held.wait()

        with pytest.raises(ModemTimeoutError) as failure:
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=1)

        err = failure.value
        assert (err.timeout, err.elapsed) == (1.0, 0.0)
        assert err.queued is not None
        assert err.queued >= 1.0
        assert "all of it waiting for the modem, busy with other operations" in str(err)
        # The queue is not the modem's fault: the request holding it is unharmed.
        far.release.set()
        assert (await first).body == b"held"
        far.done.set()


async def test_a_timeout_tells_queueing_from_time_on_the_modem(aiohttp_server: Any) -> None:
    far = HeldFarEnd()
    async with bearer_rig("quectel", aiohttp_server, far_app=far.app()) as rig:
        await rig.modem.connect(10)
        first = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/hold", timeout=30))
        await far.held.wait()
        # The server answers the first request one second from now.
        asyncio.get_running_loop().call_later(1.0, far.release.set)

        with pytest.raises(ModemTimeoutError) as failure:
            await rig.modem.http_request("GET", f"{rig.base}/never", timeout=4)

        # The module's own TIMEOUT (its <rsptime> was cut to what was left) ended the request.
        err = failure.value
        assert err.queued is not None
        assert err.queued >= 1.0
        assert err.elapsed is not None
        assert err.elapsed > 0.0
        assert str(err).startswith("the server did not answer the GET in time (")
        assert "s waiting for the modem, busy with other operations, then" in str(err)
        assert (await first).body == b"held"
        far.done.set()
        # The modem is usable again right after.
        assert (await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)).body == b"hello"


async def test_the_modems_own_timeout_after_queueing_keeps_its_code(aiohttp_server: Any) -> None:
    far = HeldFarEnd()
    async with bearer_rig("simcom", aiohttp_server, far_app=far.app()) as rig:
        await rig.modem.connect(10)
        first = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/hold", timeout=30))
        await far.held.wait()
        asyncio.get_running_loop().call_later(1.0, far.release.set)

        with pytest.raises(ModemHttpError) as failure:
            await rig.modem.http_request("GET", f"{rig.base}/never", timeout=4)

        # SIMCom's receive timeout (RECVTO, cut to fit what was left) answered 705 itself.
        err = failure.value
        assert err.code == 705
        assert err.queued is not None
        assert err.queued >= 1.0
        assert err.elapsed is not None
        assert err.elapsed > 0.0
        assert (await first).body == b"held"
        far.done.set()


async def test_a_response_says_how_long_it_queued_and_how_long_it_ran(
    aiohttp_server: Any,
) -> None:
    far = HeldFarEnd()
    async with bearer_rig("quectel", aiohttp_server, far_app=far.app()) as rig:
        await rig.modem.connect(10)
        first = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/hold", timeout=30))
        await far.held.wait()
        asyncio.get_running_loop().call_later(1.0, far.release.set)

        second = await rig.modem.http_request("GET", f"{rig.base}/", timeout=30)

        held = await first
        assert second.queued >= 1.0  # behind the held request
        assert held.queued < second.queued
        assert second.elapsed > 0.0
        far.done.set()


@pytest.mark.parametrize("family", ["simcom", "quectel"])
async def test_admin_operations_queue_within_their_timeout_too(
    family: str, aiohttp_server: Any
) -> None:
    far = HeldFarEnd()
    async with bearer_rig(family, aiohttp_server, far_app=far.app()) as rig:
        first = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/hold", timeout=30))
        await far.held.wait()

        async with asyncio.timeout(GUARD):
            with pytest.raises(ModemTimeoutError, match="waiting for the modem"):
                await rig.modem.admin.send_command("AT+CSQ", timeout=0.5)
            with pytest.raises(ModemTimeoutError, match="waiting for the modem"):
                await rig.modem.admin.install_ca("ca.pem", b"PEM", timeout=0.5)
            with pytest.raises(ModemTimeoutError, match="waiting for the modem"):
                await rig.modem.admin.restart(timeout=0.5)

        far.release.set()
        assert (await first).body == b"held"
        far.done.set()
