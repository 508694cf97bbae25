"""The serial link goes away: a pulled USB cable, a stopped ser2net, a serial proxy that is down.

The module is served over a real TCP port that the test unplugs (the host's connection drops and
new ones are refused) and plugs back. While the line is down every operation must fail within the
short link grace with ModemDisconnectedError naming the port, never wait out the caller's timeout
and never blame the data connection; when the line comes back within the grace, the operation
simply works. What a module can never do (file transfers on a SIM800 or a SIM7080) is refused for
that reason, cable or no cable, exactly as a bad URL is: plugging the cable back in would not help.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from custom_components.modem_http.atmodem import (
    ConnectionState,
    Modem,
    ModemDisconnectedError,
    NoDataConnectionError,
    open_modem,
)
from custom_components.modem_http.atmodem.families.sim800.http import (
    NO_FILES as SIM800_NO_FILES,
)
from custom_components.modem_http.atmodem.families.sim7080.http import (
    NO_FILES as SIM7080_NO_FILES,
)
from custom_components.modem_http.atmodem.tls import UnsupportedOperation
from custom_components.modem_http.atmodem.transport import open_serial_transport
from modem_emulator import ModemServer
from modem_emulator.dialects import create_modem

from .bearer_fixtures import FAMILIES, Rig, bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")

GRACE = 0.3
"""The link grace these tests run with (the shipped one is a few seconds)."""
PATIENT = 60.0
"""The caller's timeout: far longer than the grace, so waiting it out would show."""
NEVER = 10.0
"""Test guard: an operation still running after this long has waited for the caller's timeout."""

type Operation = Callable[[Modem, str], Awaitable[object]]

OPERATIONS: dict[str, Operation] = {
    "http_request": lambda modem, base: modem.http_request("GET", f"{base}/", timeout=PATIENT),
    "post_modem_file": lambda modem, base: modem.post_modem_file(
        f"{base}/", "UFS:log.txt" if modem.dialect != "simcom" else "log.txt", timeout=PATIENT
    ),
    "download_to_modem_file": lambda modem, base: modem.download_to_modem_file(
        f"{base}/", "UFS:fw.bin" if modem.dialect != "simcom" else "fw.bin", timeout=PATIENT
    ),
    "send_command": lambda modem, _base: modem.admin.send_command("AT+CSQ", timeout=PATIENT),
    "status": lambda modem, _base: modem.status(timeout=PATIENT),
    "device_info": lambda modem, _base: modem.device_info(timeout=PATIENT),
    "connect": lambda modem, _base: modem.connect(PATIENT),
    "restart": lambda modem, _base: modem.admin.restart(timeout=PATIENT),
    "install_ca": lambda modem, _base: modem.admin.install_ca("ca.pem", b"PEM", timeout=PATIENT),
}

REFUSED_WHATEVER_THE_LINE: dict[tuple[str, str], str] = {
    ("sim800", "post_modem_file"): SIM800_NO_FILES,
    ("sim800", "download_to_modem_file"): SIM800_NO_FILES,
    ("sim7080", "post_modem_file"): SIM7080_NO_FILES,
    ("sim7080", "download_to_modem_file"): SIM7080_NO_FILES,
}
"""Operations a family refuses while planning them, before the line is asked, with its reason."""


class Attempts:
    """The host's attempts to open the port, through the real serial transport."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[None] = asyncio.Queue()

    async def opener(self, factory: Any, url: str, baudrate: int) -> asyncio.BaseTransport:
        self.queue.put_nowait(None)
        return await open_serial_transport(factory, url, baudrate)

    def forget(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()


async def pull_the_cable(rig: Rig) -> None:
    """Unplug the line and wait until the host has noticed."""
    gone = asyncio.Event()

    def on_state(state: ConnectionState) -> None:
        if state is ConnectionState.DISCONNECTED:
            gone.set()

    remove = rig.modem.add_listener(on_state)
    try:
        await rig.server.unplug()
        await gone.wait()
    finally:
        remove()


@pytest.mark.parametrize(
    ("family", "operation"),
    [
        (family, operation)
        for operation in OPERATIONS
        for family in FAMILIES
        if (family, operation) not in REFUSED_WHATEVER_THE_LINE
    ],
)
async def test_every_operation_fails_fast_with_the_port_named_while_the_line_is_down(
    family: str, operation: str, aiohttp_server: Any
) -> None:
    if operation == "install_ca" and family == "httpcfg":
        pytest.skip("the AT+HTTPCFG family has no file upload command")
    async with bearer_rig(family, aiohttp_server, reconnect=True, link_grace=GRACE) as rig:
        told: list[NoDataConnectionError | None] = []
        rig.modem.add_data_connection_listener(told.append)
        await pull_the_cable(rig)

        async with asyncio.timeout(NEVER):
            with pytest.raises(ModemDisconnectedError) as failure:
                await OPERATIONS[operation](rig.modem, rig.base)

        assert failure.value.port == f"socket://127.0.0.1:{rig.server.port}"
        assert "not connected" in str(failure.value)
        # A pulled cable is not a data connection problem: nobody is told of one.
        assert not any(isinstance(outcome, NoDataConnectionError) for outcome in told)


@pytest.mark.parametrize(("family", "operation"), list(REFUSED_WHATEVER_THE_LINE))
async def test_what_the_module_can_never_do_is_refused_for_that_reason_with_the_line_down(
    family: str, operation: str, aiohttp_server: Any
) -> None:
    async with bearer_rig(family, aiohttp_server, reconnect=True, link_grace=GRACE) as rig:
        told: list[NoDataConnectionError | None] = []
        rig.modem.add_data_connection_listener(told.append)
        await pull_the_cable(rig)

        async with asyncio.timeout(NEVER):
            with pytest.raises(UnsupportedOperation) as refused:
                await OPERATIONS[operation](rig.modem, rig.base)

        # Not "not connected": the cable back in would not make the module able to do it.
        assert str(refused.value) == REFUSED_WHATEVER_THE_LINE[family, operation]
        assert not isinstance(refused.value, ModemDisconnectedError)
        assert told == []


@pytest.mark.parametrize("family", ["simcom", "quectel"])
async def test_a_request_made_during_a_blip_succeeds_when_the_line_is_back_in_time(
    family: str, aiohttp_server: Any
) -> None:
    attempts = Attempts()
    async with bearer_rig(
        family, aiohttp_server, reconnect=True, link_grace=NEVER, opener=attempts.opener
    ) as rig:
        await pull_the_cable(rig)
        attempts.forget()

        request = asyncio.create_task(rig.modem.http_request("GET", f"{rig.base}/", timeout=30))
        # The waiting request makes the host try the port at once, not at its next backoff step.
        await attempts.queue.get()
        await rig.server.replug()

        response = await request
        assert response.body == b"hello"


async def test_after_a_long_outage_the_first_request_reconnects_at_once(
    aiohttp_server: Any,
) -> None:
    async with bearer_rig("quectel", aiohttp_server, reconnect=True, link_grace=GRACE) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        await pull_the_cable(rig)
        with pytest.raises(ModemDisconnectedError):
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=PATIENT)

        await rig.server.replug()

        # However far the reconnect backoff has grown, a caller does not wait for it.
        async with asyncio.timeout(NEVER):
            response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=PATIENT)
        assert response.body == b"hello"
        # The module kept its data connection while the line was away; it is read, not redone.
        assert rig.count("AT+QIACT=1") == 1


async def test_a_usb_modem_that_vanishes_fails_fast_on_its_device_path() -> None:
    """A pseudo-terminal whose emulator goes away looks like a USB modem pulled from its port."""
    emulator = create_modem("quectel", boot_delay=0.01, boot_step=0.001)
    async with ModemServer(emulator) as server:
        path = await server.start_pty()
        modem = await open_modem(path, dialect="quectel", link_grace=GRACE)
        try:
            assert await modem.admin.send_command("AT+CSQ") == (["+CSQ: 20,99"], "OK")
            await server.unplug()

            async with asyncio.timeout(NEVER):
                for _attempt in range(2):  # the one that meets the hang-up, and one after it
                    with pytest.raises(ModemDisconnectedError) as failure:
                        await modem.admin.send_command("AT+CSQ", timeout=PATIENT)
                    assert failure.value.port == path
            assert not modem.connected
        finally:
            await modem.close()


async def test_callers_during_an_outage_fail_side_by_side_not_one_grace_each(
    aiohttp_server: Any,
) -> None:
    grace = 1.0
    async with bearer_rig("simcom", aiohttp_server, reconnect=True, link_grace=grace) as rig:
        await pull_the_cable(rig)

        # Ten automations fire at once. Queued one behind the other, each waiting a grace of
        # its own, the last would hear back after ten graces.
        async with asyncio.timeout(5 * grace):
            outcomes = await asyncio.gather(
                *(rig.modem.http_request("GET", f"{rig.base}/", timeout=PATIENT) for _ in range(5)),
                *(rig.modem.admin.send_command("AT+CSQ", timeout=PATIENT) for _ in range(5)),
                return_exceptions=True,
            )

        assert all(isinstance(outcome, ModemDisconnectedError) for outcome in outcomes)
