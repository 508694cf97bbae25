"""The emulated SIM800's HTTP service as a host sees it, with real requests to a local far end.

Echo is off, so each reply is exactly what the module prints.
"""

import asyncio
from collections.abc import AsyncIterator

import pytest

from modem_emulator import EmulatedModem
from modem_emulator.sim800 import Sim800HttpService, SslSupport
from modem_emulator.sim800 import install as install_sim800

from ..tls_aborts import handshake_aborts_expected
from .conftest import DOCUMENT, FAST_BOOT, IP_BODY, AtClient, FarEnd, Serve
from .transcripts import replay


async def sim800(
    serve: Serve, *, ssl: SslSupport = "tls12", bearer: bool = True
) -> tuple[EmulatedModem, Sim800HttpService, AtClient]:
    """A SIM800L on a TCP line, its bearer open unless asked otherwise."""
    modem = EmulatedModem(identity="sim800", echo=False, **FAST_BOOT)
    service = install_sim800(modem, ssl=ssl, action_delay=0.0)
    _server, client = await serve(modem)
    if bearer:
        await client.command("AT+SAPBR=1,1")
    return modem, service, client


async def action(client: AtClient, method: int) -> bytes:
    """AT+HTTPACTION=<method>, up to and including its result line."""
    await client.send(f"AT+HTTPACTION={method}\r".encode())
    reply = await client.read_until(b"\r\nOK\r\n")
    reply += await client.read_until(b"\r\n+HTTPACTION: ", timeout=5.0)
    return reply + await client.read_until(b"\r\n")


async def session(client: AtClient, url: str, *parameters: str) -> None:
    await client.command("AT+HTTPINIT")
    await client.command(f'AT+HTTPPARA="URL","{url}"')
    for parameter in parameters:
        assert await client.command(f"AT+HTTPPARA={parameter}") == b"\r\nOK\r\n"


@pytest.fixture
async def silent_server(socket_enabled: None) -> AsyncIterator[int]:
    """A TCP server that takes connections and never answers (a request that hangs)."""
    held: list[asyncio.StreamWriter] = []

    def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize(
    ("transcript", "bearer"),
    [("sim800_get.txt", False), ("sim800_post.txt", True), ("sim800_no_bearer.txt", False)],
)
async def test_the_module_prints_the_transcripts_byte_for_byte(
    serve: Serve, far_end: FarEnd, transcript: str, bearer: bool
) -> None:
    _modem, _service, client = await sim800(serve, bearer=bearer)

    pairs = await replay(client, transcript, far_end.port)

    assert [received for _, received in pairs] == [expected for expected, _ in pairs]


async def test_a_get_goes_out_with_the_modules_own_headers(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/ip", '"CID",1')

    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,200,13\r\n"

    [request] = far_end.seen
    assert (request.method, request.path, request.body) == ("GET", "/ip", b"")
    assert dict(request.headers) == {
        "Host": f"127.0.0.1:{far_end.port}",
        "Connection": "Keep-Alive",
        "Accept": "*/*",
        "User-Agent": "SIMCOM_MODULE",
    }


async def test_a_post_carries_its_body_content_type_and_user_header(
    serve: Serve, far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(
        client,
        f"http://127.0.0.1:{far_end.port}/echo",
        '"CONTENT","application/json"',
        '"USERDATA","Authorization: Bearer t0k3n"',
        '"UA","garden-gate/1.0"',
    )
    assert await client.command("AT+HTTPDATA=6,10000", final=b"DOWNLOAD\r\n") == (
        b"\r\nDOWNLOAD\r\n"
    )
    await client.send(b"\x00\x01{ok}")
    assert await client.read_until(b"OK\r\n") == b"\r\nOK\r\n"

    assert await action(client, 1) == b"\r\nOK\r\n\r\n+HTTPACTION: 1,201,6\r\n"
    assert await client.command("AT+HTTPREAD") == b"\r\n+HTTPREAD: 6\r\n\x00\x01{ok}\r\nOK\r\n"

    [request] = far_end.seen
    headers = dict(request.headers)
    assert (request.method, request.body) == ("POST", b"\x00\x01{ok}")
    assert headers["Content-Type"] == "application/json"
    assert headers["Authorization"] == "Bearer t0k3n"
    assert headers["User-Agent"] == "garden-gate/1.0"
    assert headers["Content-Length"] == "6"


async def test_a_head_keeps_the_header_block_and_httphead_prints_it(
    serve: Serve, far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/doc")

    result = await action(client, 2)
    head = await client.command("AT+HTTPHEAD")

    length = int(result.rsplit(b",", 1)[1])
    announced, block = head.removeprefix(b"\r\n+HTTPHEAD: ").split(b"\r\n", 1)
    assert block.removesuffix(b"\r\nOK\r\n").startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nContent-Length: 150\r\n" in block
    assert block.endswith(b"\r\n\r\n\r\nOK\r\n")
    assert int(announced) == length == len(block) - len(b"\r\nOK\r\n")
    assert await client.command("AT+HTTPREAD") == (
        b"\r\n+HTTPREAD: %d\r\n" % length + block[:length] + b"\r\nOK\r\n"
    )
    assert far_end.seen[0].method == "HEAD"


@pytest.mark.parametrize(
    ("start", "end", "range_header", "part"),
    [
        (10, 19, "bytes=10-19", DOCUMENT[10:20]),
        (100, 0, "bytes=100-", DOCUMENT[100:]),
    ],
)
async def test_break_and_breakend_ask_for_part_of_the_document(
    serve: Serve, far_end: FarEnd, start: int, end: int, range_header: str, part: bytes
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(
        client, f"http://127.0.0.1:{far_end.port}/doc", f'"BREAK",{start}', f'"BREAKEND",{end}'
    )

    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,206,%d\r\n" % len(part)
    assert await client.command("AT+HTTPREAD") == (
        b"\r\n+HTTPREAD: %d\r\n" % len(part) + part + b"\r\nOK\r\n"
    )
    assert dict(far_end.seen[0].headers)["Range"] == range_header


async def test_a_redirect_is_reported_unless_redir_follows_it(
    serve: Serve, far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/moved")

    assert (await action(client, 0)).startswith(b"\r\nOK\r\n\r\n+HTTPACTION: 0,302,")

    await client.command('AT+HTTPPARA="REDIR",1')
    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,200,13\r\n"
    assert [request.path for request in far_end.seen] == ["/moved", "/moved", "/ip"]


async def test_https_with_httpssl_on_reaches_a_modern_server_unverified(
    serve: Serve, tls_far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"https://127.0.0.1:{tls_far_end.port}/ip")

    assert await client.command("AT+HTTPSSL=1") == b"\r\nOK\r\n"
    assert await client.command("AT+HTTPSSL?") == b"\r\n+HTTPSSL: 1\r\n\r\nOK\r\n"
    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,200,13\r\n"
    assert await client.command("AT+HTTPREAD") == (
        b"\r\n+HTTPREAD: 13\r\n" + IP_BODY + b"\r\nOK\r\n"
    )


async def test_an_https_url_with_httpssl_off_goes_out_in_plain_text_and_fails(
    serve: Serve, tls_far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"https://127.0.0.1:{tls_far_end.port}/ip")

    with handshake_aborts_expected():
        assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,600,0\r\n"
    assert tls_far_end.seen == []


async def test_tls_1_0_firmware_is_refused_by_a_modern_server_with_606(
    serve: Serve, tls_far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve, ssl="tls10")
    await session(client, f"https://127.0.0.1:{tls_far_end.port}/ip")
    await client.command("AT+HTTPSSL=1")

    with handshake_aborts_expected():
        assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,606,0\r\n"
    assert tls_far_end.seen == []


async def test_firmware_without_ssl_does_not_know_httpssl(serve: Serve) -> None:
    _modem, _service, client = await sim800(serve, ssl="none")
    await client.command("AT+HTTPINIT")

    for line in ("AT+HTTPSSL=1", "AT+HTTPSSL?", "AT+HTTPSSL=?"):
        assert await client.command(line, final=b"ERROR\r\n") == b"\r\nERROR\r\n", line


async def test_httpssl_forms(serve: Serve) -> None:
    _modem, _service, client = await sim800(serve)
    await client.command("AT+HTTPINIT")

    assert await client.command("AT+HTTPSSL=?") == b"\r\n+HTTPSSL: (0-1)\r\n\r\nOK\r\n"
    assert await client.command("AT+HTTPSSL?") == b"\r\n+HTTPSSL: 0\r\n\r\nOK\r\n"
    assert await client.command("AT+HTTPSSL=2", final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_a_name_that_does_not_resolve_and_a_malformed_url_report_603(
    serve: Serve,
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, "http://no-such-host.invalid/")

    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,603,0\r\n"

    await client.command('AT+HTTPPARA="URL","https:\\\\date.nager.at"')
    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,603,0\r\n"


async def test_a_refused_connection_is_a_network_error(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim800(serve)
    port = far_end.port
    await far_end.server.close()
    await session(client, f"127.0.0.1:{port}/ip")

    assert await action(client, 0) == b"\r\nOK\r\n\r\n+HTTPACTION: 0,601,0\r\n"


async def test_a_second_action_while_one_is_out_reports_the_stack_busy(
    serve: Serve, silent_server: int
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{silent_server}/")
    assert await client.command("AT+HTTPACTION=0") == b"\r\nOK\r\n"
    assert await client.command("AT+HTTPSTATUS?") == b"\r\n+HTTPSTATUS: GET,1,0,0\r\n\r\nOK\r\n"

    assert await client.command("AT+HTTPACTION=0", final=b"0,604,0\r\n") == (
        b"\r\nOK\r\n\r\n+HTTPACTION: 0,604,0\r\n"
    )

    assert await client.command("AT+HTTPTERM") == b"\r\nOK\r\n"
    assert await client.read_for(0.1) == b""


async def test_httpstatus_tells_the_last_method_and_idle(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/echo")
    assert await client.command("AT+HTTPSTATUS?") == b"\r\n+HTTPSTATUS: GET,0,0,0\r\n\r\nOK\r\n"

    await action(client, 1)

    assert await client.command("AT+HTTPSTATUS?") == b"\r\n+HTTPSTATUS: POST,0,0,0\r\n\r\nOK\r\n"


async def test_httpdata_ends_when_its_time_runs_out_and_keeps_what_arrived(
    serve: Serve, far_end: FarEnd
) -> None:
    _modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/echo")
    await client.command("AT+HTTPDATA=10,1000", final=b"DOWNLOAD\r\n")

    await client.send(b"half")

    assert await client.read_until(b"OK\r\n", timeout=3.0) == b"\r\nOK\r\n"
    await action(client, 1)
    assert far_end.seen[0].body == b"half"


async def test_every_http_command_needs_a_session(serve: Serve) -> None:
    _modem, _service, client = await sim800(serve)
    await client.command("AT+CMEE=1")

    for line in (
        'AT+HTTPPARA="URL","x"',
        "AT+HTTPACTION=0",
        "AT+HTTPREAD",
        "AT+HTTPHEAD",
        "AT+HTTPDATA=1,1000",
        "AT+HTTPSSL=1",
        "AT+HTTPSTATUS?",
        "AT+HTTPTERM",
    ):
        assert await client.command(line, final=b"ERROR: 3\r\n") == b"\r\n+CME ERROR: 3\r\n", line


async def test_a_reboot_forgets_the_session(serve: Serve, far_end: FarEnd) -> None:
    modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/ip")

    modem.reset()
    await client.read_until(b"SMS Ready\r\n")

    await client.command("ATE0")
    assert await client.command("AT+HTTPINIT") == b"\r\nOK\r\n"


@pytest.mark.parametrize(
    ("line", "accepted"),
    [
        ('AT+HTTPPARA="CID",1', True),
        ('AT+HTTPPARA="CID","3"', True),
        ('AT+HTTPPARA="CID",4', False),
        ('AT+HTTPPARA="CID",0', False),
        ('AT+HTTPPARA="TIMEOUT",30', True),
        ('AT+HTTPPARA="TIMEOUT",1000', True),
        ('AT+HTTPPARA="TIMEOUT",29', False),
        ('AT+HTTPPARA="TIMEOUT",1001', False),
        ('AT+HTTPPARA="REDIR",2', False),
        ('AT+HTTPPARA="BREAK",-1', False),
        ('AT+HTTPPARA="PROXY","10.0.0.1"', True),
        ('AT+HTTPPARA="PROXYPORT",65536', False),
        ('AT+HTTPPARA="NOSUCH",1', False),
        ('AT+HTTPPARA="UA"', False),
        ("AT+HTTPDATA=319488,1000", True),
        ("AT+HTTPDATA=319489,1000", False),
        ("AT+HTTPDATA=0,1000", False),
        ("AT+HTTPDATA=10,999", False),
        ("AT+HTTPDATA=10,120001", False),
        ("AT+HTTPACTION=3", False),
        ("AT+HTTPACTION=0", False),  # no URL yet
        ("AT+HTTPREAD=0", False),
    ],
)
async def test_parameters_outside_the_manuals_ranges_answer_error(
    serve: Serve, line: str, accepted: bool
) -> None:
    _modem, _service, client = await sim800(serve)
    await client.command("AT+HTTPINIT")

    await client.send(line.encode() + b"\r")
    reply = await client.read_until(b"\r\n", timeout=2.0) + await client.read_until(b"\r\n")

    accepted_reply = b"\r\nDOWNLOAD\r\n" if "HTTPDATA" in line else b"\r\nOK\r\n"
    assert reply == (accepted_reply if accepted else b"\r\nERROR\r\n")


async def test_the_command_line_holds_556_characters(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim800(serve)
    await client.command("AT+HTTPINIT")
    head = f'AT+HTTPPARA="URL","http://127.0.0.1:{far_end.port}/ip?q='
    longest = head + "x" * (556 - len(head) - 1) + '"'

    assert await client.command(longest) == b"\r\nOK\r\n"
    assert await client.command(longest[:-1] + 'x"', final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_a_urc_can_land_between_the_body_and_ok(serve: Serve, far_end: FarEnd) -> None:
    modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/ip")
    await action(client, 0)

    modem.faults.urc_in_reply('+CMTI: "SM",3')

    assert await client.command("AT+HTTPREAD") == (
        b"\r\n+HTTPREAD: 13\r\n" + IP_BODY + b'\r\n+CMTI: "SM",3\r\n\r\nOK\r\n'
    )


async def test_requests_are_logged_as_written(serve: Serve, far_end: FarEnd) -> None:
    _modem, service, client = await sim800(serve)

    await session(client, f"http://127.0.0.1:{far_end.port}/ip")

    assert service.requests == [
        "+HTTPINIT",
        f'+HTTPPARA="URL","http://127.0.0.1:{far_end.port}/ip"',
    ]


async def test_a_reset_in_the_middle_of_a_read_cuts_it_and_forgets_the_session(
    serve: Serve, far_end: FarEnd
) -> None:
    modem, _service, client = await sim800(serve)
    await session(client, f"http://127.0.0.1:{far_end.port}/doc")
    await action(client, 0)
    whole = b"\r\n+HTTPREAD: 150\r\n" + DOCUMENT + b"\r\nOK\r\n"

    modem.faults.reset_mid_reply()
    await client.send(b"AT+HTTPREAD\r")

    assert await client.read_until(b"SMS Ready\r\n") == (
        whole[: len(whole) // 2]
        + b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n"
    )
    await client.command("ATE0")
    assert await client.command("AT+HTTPREAD", final=b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_test_forms_without_a_known_text_answer_ok(serve: Serve) -> None:
    _modem, _service, client = await sim800(serve)
    await client.command("AT+HTTPINIT")

    for line in ("AT+HTTPINIT=?", "AT+HTTPPARA=?", "AT+HTTPDATA=?", "AT+HTTPACTION=?"):
        assert await client.command(line) == b"\r\nOK\r\n", line
