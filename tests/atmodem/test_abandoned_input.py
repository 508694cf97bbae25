"""Stories of a request given up before the module asked for its payload.

The module prints its prompt (CONNECT, DOWNLOAD, `>`) late, after the caller was told the request
failed, and then takes every byte as the payload until the announced count arrived or its input
time ran out. The library must write nothing into that input: an `AT` there is taken as data, and
when it completes a short payload the module sends a request made of the host's bytes. Each story
holds the payload command in the emulator until the caller has given up, then lets the module
print its prompt, and looks at what the far end and the module received.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from custom_components.modem_http.atmodem import ModemInputOpenError, ModemTimeoutError
from custom_components.modem_http.atmodem.router import Prompt
from modem_emulator.core import AtRequest, EmulatedModem

from ..recording import record_input
from .bearer_fixtures import bearer_rig
from .httpcfg_fixtures import DIALECTS, make_rig
from .simcom_fixtures import start_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")


class HeldCommand:
    """The module takes its time over one command: it starts only once `release` is set."""

    def __init__(self, emulator: EmulatedModem, name: str) -> None:
        self.release = asyncio.Event()
        handler = emulator.handler_for(name)
        assert handler is not None
        run: Callable[[EmulatedModem, AtRequest], Awaitable[Any]] = handler

        async def held(modem: EmulatedModem, request: AtRequest) -> Any:
            await self.release.wait()
            return await run(modem, request)

        emulator.register(name, held)


def recording_far_end(seen: list[tuple[str, bytes]]) -> web.Application:
    """Every request's method and body, in order; answers `fine`."""

    async def record(request: web.Request) -> web.Response:
        seen.append((request.method, await request.read()))
        return web.Response(text="fine")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    return app


def after(received: bytes | bytearray, command: bytes) -> bytes:
    """What the module received after the last command line starting with `command`."""
    data = bytes(received)
    return data[data.rindex(command) :].split(b"\r", 1)[1]


ONE_AT_THEN_COMMANDS = b"AT\rAT+"
"""One `AT`, answered at once because the module's input had ended, then the next request."""


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_a_post_given_up_before_its_late_connect_sends_nothing_and_the_next_request_works(
    dialect: str, aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The driver asks for an input window of twice the line time and no margin: one second.
    monkeypatch.setattr(
        "custom_components.modem_http.atmodem.families.httpcfg.http.INPUT_MARGIN", 0
    )
    async with make_rig(dialect, aiohttp_server) as rig:
        post = HeldCommand(rig.emulator, f"+{rig.prefix}HTTPPOST")
        sent = record_input(rig.emulator)
        with pytest.raises(ModemTimeoutError):
            await rig.modem.http_request(
                "POST", f"{rig.base}/echo", body=b"reading=21.5", timeout=1.0
            )
        # The module gets to the POST only now, prints CONNECT and waits for the body.
        post.release.set()

        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)

        assert response.status == 200
        # Nothing went into the body the module waited for, and the far end saw the GET only.
        assert after(sent, f"AT+{rig.prefix}HTTPPOST=".encode()).startswith(ONE_AT_THEN_COMMANDS)
        assert [seen.method for seen in rig.far.seen] == ["GET"]


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_one_at_would_complete_a_short_body_so_nothing_is_written_into_the_open_input(
    dialect: str, aiohttp_server: Any
) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        engine = rig.modem.engine
        url = f"{rig.base}/echo".encode()
        await engine.command(
            f"AT+{rig.prefix}HTTPURL={len(url)},5",
            payload=url,
            prompt=Prompt.CONNECT,
            input_window=5,
        )
        post = HeldCommand(rig.emulator, f"+{rig.prefix}HTTPPOST")
        sent = record_input(rig.emulator)
        with pytest.raises(ModemTimeoutError):
            # Three bytes: `AT\r` is exactly as long.
            await engine.command(
                f"AT+{rig.prefix}HTTPPOST=3,1,5",
                payload=b"abc",
                prompt=Prompt.CONNECT,
                input_window=1,
                timeout=0.2,
            )
        post.release.set()

        reply = await engine.command("AT", timeout=5)

        assert reply.final == "OK"
        # Not one byte went into the module's input: the resynchronising `AT` came after the
        # module's input timeout (+CME ERROR: 726), then the command.
        assert after(sent, f"AT+{rig.prefix}HTTPPOST=3,1,5".encode()) == b"AT\rAT\r"
        assert rig.far.seen == []


async def test_simcom_the_next_request_is_told_the_module_still_waits_for_an_abandoned_body(
    aiohttp_server: Any,
) -> None:
    seen: list[tuple[str, bytes]] = []
    far_end = await aiohttp_server(recording_far_end(seen))
    url = f"http://127.0.0.1:{far_end.port}/upload"
    rig = await start_rig()
    try:
        modem = await rig.open()
        data = HeldCommand(rig.modem, "+HTTPDATA")
        with pytest.raises(ModemTimeoutError):
            await modem.http_request("POST", url, body=b"abc", timeout=1.0)
        mark = rig.mark()
        data.release.set()

        # The module's shortest input window is 10 s: a caller with a second is told why.
        with pytest.raises(
            ModemInputOpenError, match=r"still waiting for the data of an abandoned AT\+HTTPDATA"
        ):
            await modem.http_request("GET", url, timeout=1.0)

        assert "DOWNLOAD" in rig.printed
        assert rig.since(mark) == b""
        assert seen == []
    finally:
        await rig.close()


@pytest.mark.parametrize(
    ("family", "command", "margin"),
    [
        ("sim800", "+HTTPDATA", "sim800.http.INPUT_MARGIN_MS"),
        ("sim7080", "+SHBOD", "sim7080.http.INPUT_MARGIN_MS"),
    ],
)
async def test_a_body_given_up_before_its_late_prompt_is_never_sent_and_the_next_request_works(
    family: str, command: str, margin: str, aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No margin: the module's shortest window, one second.
    monkeypatch.setattr(f"custom_components.modem_http.atmodem.families.{margin}", 0)
    seen: list[tuple[str, bytes]] = []
    async with bearer_rig(family, aiohttp_server, far_app=recording_far_end(seen)) as rig:
        body = HeldCommand(rig.emulator, command)
        with pytest.raises(ModemTimeoutError):
            await rig.modem.http_request("POST", f"{rig.base}/upload", body=b"abc", timeout=1.0)
        body.release.set()

        response = await rig.modem.http_request("GET", f"{rig.base}/after", timeout=10)

        assert response.status == 200
        assert after(rig.sent, f"AT{command}=".encode()).startswith(ONE_AT_THEN_COMMANDS)
        assert seen == [("GET", b"")]
