"""Regressions for what the soak found; each story failed before its fix in atmodem/modem.py.

1. A modem that rebooted between two requests (or between two commands of one) had forgotten its
   HTTP configuration, but the driver still believed its cache: a request with custom headers,
   which needs raw mode, went out in body mode and the far end received the whole request text as
   the body; the caller got that back as a "success". The engine re-initialises lazily, so the
   driver's setup did not rerun either.
2. A request that overran its timeout plus the 5 s cleanup grace ended with a bare TimeoutError,
   outside the ModemError hierarchy every caller catches.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from custom_components.modem_http.atmodem import (
    Modem,
    ModemDisconnectedError,
    ModemTimeoutError,
    open_modem,
)
from modem_emulator.commands import AtRequest
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.server import ModemServer

from .far_end import TokenEcho, expected_body
from .runner import FAST_BOOT

pytestmark = pytest.mark.usefixtures("socket_enabled")

HEADERS = {"X-Request-Token": "t1"}
"""A custom header: the AT+HTTPCFG family must send such a request in raw mode."""


@contextlib.asynccontextmanager
async def quectel() -> AsyncIterator[tuple[EmulatedModem, Modem]]:
    """A Quectel module on 127.0.0.1 and the integration's Modem on it."""
    emulator = create_modem("quectel", **FAST_BOOT)
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect="quectel", reconnect=False)
        try:
            yield emulator, modem
        finally:
            await modem.close()


async def reboot(emulator: EmulatedModem, modem: Modem) -> None:
    """Reboot the module and wait until the host has heard its whole boot sequence.

    The engine takes both RDY and an unasked `+CPIN: READY` as a restart, so the test waits for
    the last boot URC before it goes on.
    """
    with modem.engine.expect_urc(emulator.identity.boot_urcs[-1]) as booted:
        emulator.reset()
        await booted.wait(5)


async def test_a_modem_that_rebooted_between_requests_gets_its_setup_again(
    token_echo: tuple[TokenEcho, str],
) -> None:
    """Raw mode was set for the first PUT; after a reboot the second PUT must still be raw."""
    _echo, base = token_echo
    async with quectel() as (emulator, modem):
        first = await modem.http_request(
            "PUT", f"{base}/t/first", headers=HEADERS, body=b"one", timeout=10
        )
        assert first.body == expected_body("PUT", "first", b"one")

        await reboot(emulator, modem)
        second = await modem.http_request(
            "PUT", f"{base}/t/second", headers=HEADERS, body=b"two", timeout=10
        )

    assert second.body == expected_body("PUT", "second", b"two")


async def test_a_reboot_inside_a_request_is_an_error_not_a_mangled_success(
    token_echo: tuple[TokenEcho, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The module reboots after the driver configured raw mode and before it sends the URL."""
    echo, base = token_echo
    async with quectel() as (emulator, modem):
        driver: Any = modem.family.http
        set_url = driver._set_url
        rebooted: list[bool] = []

        async def reboot_then_set_url(*args: Any, **kwargs: Any) -> None:
            if not rebooted:
                rebooted.append(True)
                await reboot(emulator, modem)
            await set_url(*args, **kwargs)

        monkeypatch.setattr(driver, "_set_url", reboot_then_set_url)

        with pytest.raises(ModemDisconnectedError):
            await modem.http_request(
                "PUT", f"{base}/t/rebooted", headers=HEADERS, body=b"x", timeout=10
            )
        after = await modem.http_request(
            "PUT", f"{base}/t/after", headers=HEADERS, body=b"y", timeout=10
        )

    assert rebooted == [True]
    assert after.body == expected_body("PUT", "after", b"y")
    assert "after" in echo.tokens


async def test_a_request_past_its_cleanup_grace_ends_with_a_typed_timeout() -> None:
    """The server never answers and the module goes deaf after taking the GET: no bare error.

    The driver waits for the result URC (timeout + 3 s), then sends HTTPSTOP, which nobody
    answers; Modem's own bound (timeout + 5 s) ends it.
    """
    writers: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(ConnectionError):
            while await reader.read(4096):
                pass

    silent = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    try:
        async with quectel() as (emulator, modem):
            get = emulator.handler_for("+QHTTPGET")
            assert get is not None

            async def get_then_go_deaf(m: EmulatedModem, request: AtRequest) -> Any:
                outcome = await get(m, request)
                m.faults.stop_answering()
                return outcome

            emulator.register("+QHTTPGET", get_then_go_deaf)

            with pytest.raises(ModemTimeoutError):
                await modem.http_request("GET", f"http://127.0.0.1:{port}/", timeout=0.5)
            emulator.faults.resume()
    finally:
        silent.close()
        for writer in writers:
            writer.close()
        await silent.wait_closed()
