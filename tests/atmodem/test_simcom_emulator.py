"""The emulated SIMCom module as a host at a terminal sees it: exact bytes, ranges and refusals.

Echo is on (factory setting), so each reply starts with the command as typed.
"""

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from modem_emulator.core import EmulatedModem
from modem_emulator.simcom import Framing, SimcomHttpService
from modem_emulator.simcom import install as install_simcom

BODY = b"0123456789abcdefghij"


async def typed(modem: EmulatedModem, line: str, *, until: bytes | None = None) -> bytes:
    """Type a command line; collect output up to its final code (or up to `until`, line ended)."""
    markers = (until,) if until is not None else (b"\r\nOK\r\n", b"\r\nERROR\r\n")
    modem.feed(line.encode() + b"\r")
    output = bytearray()
    while not (any(marker in output for marker in markers) and output.endswith(b"\r\n")):
        output += await modem.read_output()
    return bytes(output)


def make_modem(framing: Framing = "sim7600", read_block: int = 1024) -> tuple[EmulatedModem, Any]:
    modem = EmulatedModem(identity="simcom")
    service = install_simcom(modem, framing=framing, action_delay=0.0, read_block=read_block)
    return modem, service


@pytest.fixture
async def module() -> AsyncIterator[tuple[EmulatedModem, SimcomHttpService]]:
    modem, service = make_modem()
    yield modem, service
    await modem.close()


@pytest.fixture
async def far_end(aiohttp_server: Any, socket_enabled: None) -> TestServer:
    seen: list[tuple[str, dict[str, str], bytes]] = []

    async def data(request: web.Request) -> web.Response:
        seen.append((request.method, dict(request.headers), await request.read()))
        return web.Response(body=BODY, headers={"X-A": "b"})

    app = web.Application()
    app.router.add_route("*", "/data", data)
    app["seen"] = seen
    server: TestServer = await aiohttp_server(app)
    return server


async def test_test_forms_print_the_manuals_lines(
    module: tuple[EmulatedModem, SimcomHttpService],
) -> None:
    modem, _ = module
    assert await typed(modem, "AT+HTTPACTION=?") == (
        b"AT+HTTPACTION=?\r\r\n+HTTPACTION: (0-3)\r\n\r\nOK\r\n"
    )
    assert await typed(modem, "AT+HTTPPOSTFILE=?") == (
        b"AT+HTTPPOSTFILE=?\r\r\n+HTTPPOSTFILE: <filename>[,(1-3)[,(0-3)[,(0-1)]]]\r\n\r\nOK\r\n"
    )
    assert await typed(modem, "AT+HTTPREADFILE=?") == (
        b"AT+HTTPREADFILE=?\r\r\n+HTTPREADFILE: <filename>[,(1-4)]\r\n\r\nOK\r\n"
    )


async def test_everything_but_httpinit_needs_a_session_and_httpinit_only_one(
    module: tuple[EmulatedModem, SimcomHttpService],
) -> None:
    modem, _ = module
    for line in (
        'AT+HTTPPARA="URL","http://127.0.0.1/"',
        "AT+HTTPACTION=0",
        "AT+HTTPHEAD",
        "AT+HTTPREAD?",
        "AT+HTTPREAD=0,10",
        "AT+HTTPDATA=10,10",
        "AT+HTTPTERM",
    ):
        assert (await typed(modem, line)).endswith(b"\r\nERROR\r\n"), line
    assert await typed(modem, "AT+HTTPINIT") == b"AT+HTTPINIT\r\r\nOK\r\n"
    assert await typed(modem, "AT+HTTPINIT") == b"AT+HTTPINIT\r\r\nERROR\r\n"
    assert await typed(modem, "AT+HTTPTERM") == b"AT+HTTPTERM\r\r\nOK\r\n"


@pytest.mark.parametrize(
    ("line", "accepted"),
    [
        ('AT+HTTPPARA="CONNECTTO",20', True),
        ('AT+HTTPPARA="CONNECTTO",120', True),
        ('AT+HTTPPARA="CONNECTTO",19', False),
        ('AT+HTTPPARA="CONNECTTO",121', False),
        ('AT+HTTPPARA="RECVTO",2', True),
        ('AT+HTTPPARA="RECVTO",1', False),
        ('AT+HTTPPARA="RECVTO",121', False),
        ('AT+HTTPPARA="SSLCFG",9', True),
        ('AT+HTTPPARA="SSLCFG","9"', True),
        ('AT+HTTPPARA="SSLCFG",10', False),
        ('AT+HTTPPARA="UA","' + "u" * 256 + '"', True),
        ('AT+HTTPPARA="UA","' + "u" * 257 + '"', False),
        ('AT+HTTPPARA="CONTENT","' + "c" * 257 + '"', False),
        ('AT+HTTPPARA="ACCEPT","' + "a" * 257 + '"', False),
        ('AT+HTTPPARA="USERDATA","' + "d" * 512 + '"', True),
        ('AT+HTTPPARA="USERDATA","' + "d" * 513 + '"', False),
        ('AT+HTTPPARA="URL","ftp://127.0.0.1/"', False),
        ('AT+HTTPPARA="URL",5', False),
        ('AT+HTTPPARA="BREAK",-1', False),
        ('AT+HTTPPARA="NOSUCH",1', False),
        ("AT+HTTPDATA=0,10", False),
        ("AT+HTTPDATA=153601,10", False),
        ("AT+HTTPDATA=10,9", False),
        ("AT+HTTPACTION=4", False),
        ("AT+HTTPACTION=0", False),  # no URL set yet
    ],
)
async def test_parameters_outside_the_manuals_ranges_answer_error(
    module: tuple[EmulatedModem, SimcomHttpService], line: str, accepted: bool
) -> None:
    modem, _ = module
    await typed(modem, "AT+HTTPINIT")

    reply = await typed(modem, line)

    assert reply.endswith(b"\r\nOK\r\n" if accepted else b"\r\nERROR\r\n")


async def test_a_get_as_sim7600_prints_it(
    module: tuple[EmulatedModem, SimcomHttpService], far_end: TestServer
) -> None:
    """OK, then the URC, then +HTTP_PEER_CLOSED; DATA framing in blocks of read_block bytes."""
    modem, service = module
    service.options.read_block = 8
    await typed(modem, "AT+HTTPINIT")
    await typed(modem, f'AT+HTTPPARA="URL","http://127.0.0.1:{far_end.port}/data"')

    action = await typed(modem, "AT+HTTPACTION=0", until=b"+HTTP_PEER_CLOSED")
    assert action == (
        b"AT+HTTPACTION=0\r\r\nOK\r\n\r\n+HTTPACTION: 0,200,20\r\n\r\n+HTTP_PEER_CLOSED\r\n"
    )

    head = await typed(modem, "AT+HTTPHEAD")
    match = re.fullmatch(rb"AT\+HTTPHEAD\r\r\n\+HTTPHEAD: DATA,(\d+)\r\n(.*)\r\nOK\r\n", head, re.S)
    assert match is not None
    block = match.group(2)
    assert len(block) == int(match.group(1))
    assert block.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nX-A: b\r\n" in block
    assert block.endswith(b"\r\n\r\n")

    assert (
        await typed(modem, "AT+HTTPREAD?") == b"AT+HTTPREAD?\r\r\n+HTTPREAD: LEN,20\r\n\r\nOK\r\n"
    )
    assert await typed(modem, "AT+HTTPREAD=2,12", until=b"+HTTPREAD: 0") == (
        b"AT+HTTPREAD=2,12\r\r\nOK\r\n"
        b"\r\n+HTTPREAD: DATA,8\r\n23456789"
        b"\r\n+HTTPREAD: DATA,4\r\nabcd"
        b"\r\n+HTTPREAD: 0\r\n"
    )
    # Past the end: nothing but the end marker.
    assert await typed(modem, "AT+HTTPREAD=20,5", until=b"+HTTPREAD: 0") == (
        b"AT+HTTPREAD=20,5\r\r\nOK\r\n\r\n+HTTPREAD: 0\r\n"
    )


async def test_legacy_framing_prints_bare_lengths(far_end: TestServer) -> None:
    modem, _ = make_modem("legacy")
    try:
        await typed(modem, "AT+HTTPINIT")
        await typed(modem, f'AT+HTTPPARA="URL","http://127.0.0.1:{far_end.port}/data"')
        assert await typed(modem, "AT+HTTPACTION=0", until=b"+HTTPACTION: 0,200,20") == (
            b"AT+HTTPACTION=0\r\r\nOK\r\n\r\n+HTTPACTION: 0,200,20\r\n"
        )
        assert (await typed(modem, "AT+HTTPHEAD")).startswith(b"AT+HTTPHEAD\r\r\n+HTTPHEAD: 1")
        # The single-argument form reads on from where the last read stopped.
        assert await typed(modem, "AT+HTTPREAD=10", until=b"+HTTPREAD: 0") == (
            b"AT+HTTPREAD=10\r\r\nOK\r\n\r\n+HTTPREAD: 10\r\n0123456789\r\n+HTTPREAD: 0\r\n"
        )
        assert await typed(modem, "AT+HTTPREAD=10", until=b"+HTTPREAD: 0") == (
            b"AT+HTTPREAD=10\r\r\nOK\r\n\r\n+HTTPREAD: 10\r\nabcdefghij\r\n+HTTPREAD: 0\r\n"
        )
    finally:
        await modem.close()


async def test_httpdata_prompts_download_and_the_post_carries_it(
    module: tuple[EmulatedModem, SimcomHttpService], far_end: TestServer
) -> None:
    modem, _ = module
    await typed(modem, "AT+HTTPINIT")
    await typed(modem, f'AT+HTTPPARA="URL","http://127.0.0.1:{far_end.port}/data"')
    await typed(modem, 'AT+HTTPPARA="USERDATA","X-One: 1\\r\\nX-Two: 2"')

    prompt = await typed(modem, "AT+HTTPDATA=14,10", until=b"DOWNLOAD")
    assert prompt == b"AT+HTTPDATA=14,10\r\r\nDOWNLOAD\r\n"
    modem.feed(b"1234567890qwer")
    assert (await modem.read_output()) == b"\r\nOK\r\n"

    await typed(modem, "AT+HTTPACTION=1", until=b"+HTTPACTION: 1,200,20")
    method, headers, body = far_end.app["seen"][-1]
    assert (method, body) == ("POST", b"1234567890qwer")
    assert headers["Content-Type"] == "text/plain"  # the manual's default CONTENT
    assert (headers["X-One"], headers["X-Two"]) == ("1", "2")


async def test_a_failed_request_reports_its_7xx_in_the_urc(
    module: tuple[EmulatedModem, SimcomHttpService],
) -> None:
    modem, _ = module
    await typed(modem, "AT+HTTPINIT")
    await typed(modem, 'AT+HTTPPARA="URL","http://nonexistent.invalid/"')

    assert await typed(modem, "AT+HTTPACTION=0", until=b"+HTTPACTION: 0,713,0") == (
        b"AT+HTTPACTION=0\r\r\nOK\r\n\r\n+HTTPACTION: 0,713,0\r\n"
    )
    assert (await typed(modem, "AT+HTTPREAD=0,10")).endswith(b"\r\nERROR\r\n")


async def test_no_network_means_no_http_service(
    module: tuple[EmulatedModem, SimcomHttpService],
) -> None:
    modem, _ = module
    modem.network.registration = 2

    assert await typed(modem, "AT+HTTPINIT") == b"AT+HTTPINIT\r\r\nERROR\r\n"
