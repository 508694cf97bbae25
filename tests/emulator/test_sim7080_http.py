"""The emulated SIM7080's AT+SH* HTTP service as a host sees it, with real requests to a far end.

Echo is off, so each reply is exactly what the module prints.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from modem_emulator import EmulatedModem
from modem_emulator.bearer import drop_bearer
from modem_emulator.far_end import TestPki
from modem_emulator.sim7080 import Sim7080HttpService
from modem_emulator.sim7080 import install as install_sim7080

from ..tls_aborts import handshake_aborts_expected
from .conftest import DOCUMENT, FAST_BOOT, IP_BODY, AtClient, FarEnd, Serve
from .transcripts import replay

NOT_ALLOWED = b"\r\n+CME ERROR: 3\r\n"


async def sim7080(
    serve: Serve, *, network: bool = True, read_block: int | None = None, max_body: int = 4096
) -> tuple[EmulatedModem, Sim7080HttpService, AtClient]:
    """A SIM7080G on a TCP line with numeric errors, its network 0 up unless asked otherwise."""
    modem = EmulatedModem(identity="sim7080", echo=False, **FAST_BOOT)
    service = install_sim7080(modem, request_delay=0.0, read_block=read_block, max_body=max_body)
    _server, client = await serve(modem)
    await client.command("AT+CMEE=1")
    if network:
        await client.send(b"AT+CNACT=0,1\r")
        await client.read_until(b"+APP PDP: 0,ACTIVE\r\n")
    return modem, service, client


async def connect(client: AtClient, url: str, *settings: str) -> bytes:
    """Configure the connection (URL, BODYLEN, HEADERLEN, then `settings`) and open it."""
    for setting in (f'"URL","{url}"', '"BODYLEN",1024', '"HEADERLEN",350', *settings):
        assert await client.command(f"AT+SHCONF={setting}") == b"\r\nOK\r\n", setting
    return await command(client, "AT+SHCONN")


async def command(client: AtClient, line: str) -> bytes:
    """A command whose answer is OK or a numbered error."""
    await client.send(line.encode() + b"\r")
    reply = await client.read_until(b"\r\n", timeout=5.0)
    return reply + await client.read_until(b"\r\n", timeout=5.0)


async def request(client: AtClient, path: str, method: int) -> bytes:
    """AT+SHREQ up to and including its `+SHREQ:` result."""
    await client.send(f'AT+SHREQ="{path}",{method}\r'.encode())
    reply = await client.read_until(b"\r\nOK\r\n")
    reply += await client.read_until(b"\r\n+SHREQ: ", timeout=5.0)
    return reply + await client.read_until(b"\r\n")


async def read(client: AtClient, start: int, size: int) -> bytes:
    """AT+SHREAD=<start>,<size> as one block: OK, `+SHREAD: <size>` and the bytes."""
    await client.send(f"AT+SHREAD={start},{size}\r".encode())
    return await client.read_exactly(len(b"\r\nOK\r\n\r\n+SHREAD: %d\r\n" % size) + size)


async def body(client: AtClient, data: bytes) -> bytes:
    """AT+SHBOD with `data` typed at the prompt."""
    await client.send(f"AT+SHBOD={len(data)},10000\r".encode())
    prompt = await client.read_until(b">\r\n")
    await client.send(data)
    return prompt + await client.read_until(b"OK\r\n")


async def upload_ca(client: AtClient, name: str, pem: bytes) -> None:
    """Write a CA file to the customer folder and convert it for the SSL stack."""
    assert await client.command("AT+CFSINIT") == b"\r\nOK\r\n"
    await client.send(f'AT+CFSWFILE=3,"{name}",0,{len(pem)},10000\r'.encode())
    assert await client.read_until(b"DOWNLOAD\r\n") == b"\r\nDOWNLOAD\r\n"
    await client.send(pem)
    assert await client.read_until(b"OK\r\n") == b"\r\nOK\r\n"
    assert await client.command(f'AT+CFSGFIS=3,"{name}"') == (
        b"\r\n+CFSGFIS: %d\r\n\r\nOK\r\n" % len(pem)
    )
    assert await client.command("AT+CFSTERM") == b"\r\nOK\r\n"
    assert await client.command(f'AT+CSSLCFG="convert",2,"{name}"') == b"\r\nOK\r\n"


@pytest.fixture
async def hang_up_server(socket_enabled: None) -> AsyncIterator[int]:
    """A TCP server that reads a request and hangs up without answering."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError):  # AT+SHCONN's connection
            await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize(
    ("transcript", "network"), [("sim7080_get.txt", False), ("sim7080_post.txt", True)]
)
async def test_the_module_prints_the_transcripts_byte_for_byte(
    serve: Serve, far_end: FarEnd, transcript: str, network: bool
) -> None:
    _modem, _service, client = await sim7080(serve, network=network)
    await client.command("AT+CMEE=0")

    pairs = await replay(client, transcript, far_end.port)

    assert [received for _, received in pairs] == [expected for expected, _ in pairs]


async def test_the_transcript_is_the_same_when_the_line_delivers_it_in_pieces(
    serve: Serve, far_end: FarEnd
) -> None:
    modem, _service, client = await sim7080(serve, network=False)
    await client.command("AT+CMEE=0")
    modem.faults.split_output(3, random_seed=11)

    pairs = await replay(client, "sim7080_get.txt", far_end.port)

    assert [received for _, received in pairs] == [expected for expected, _ in pairs]


async def test_a_get_carries_only_the_headers_the_host_added(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    await client.command('AT+SHAHEAD="User-Agent","garden-gate/1.0"')

    assert await request(client, "/nothing", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",404,14\r\n'
    assert await request(client, "/ip", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",200,13\r\n'

    assert [(r.method, r.path) for r in far_end.seen] == [("GET", "/ip")]
    assert dict(far_end.seen[0].headers) == {
        "Host": f"127.0.0.1:{far_end.port}",
        "User-Agent": "garden-gate/1.0",
    }


@pytest.mark.parametrize(("method", "name"), [(2, "PUT"), (3, "POST"), (4, "PATCH")])
async def test_methods_with_a_body_send_the_body_entered_at_the_prompt(
    serve: Serve, far_end: FarEnd, method: int, name: str
) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    assert await body(client, b"\x00{on}\r\n") == b"\r\n>\r\n\r\nOK\r\n"

    assert await request(client, "/echo", method) == (
        f'\r\nOK\r\n\r\n+SHREQ: "{name}",201,7\r\n'.encode()
    )
    assert await read(client, 0, 7) == b"\r\nOK\r\n\r\n+SHREAD: 7\r\n\x00{on}\r\n"
    assert (far_end.seen[0].method, far_end.seen[0].body) == (name, b"\x00{on}\r\n")


async def test_a_head_reports_no_data_and_sends_no_body(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    await body(client, b"ignored")

    assert await request(client, "/doc", 5) == b'\r\nOK\r\n\r\n+SHREQ: "HEAD",200,0\r\n'
    assert (far_end.seen[0].method, far_end.seen[0].body) == ("HEAD", b"")
    assert await command(client, "AT+SHREAD=0,1") == NOT_ALLOWED


async def test_a_range_header_asks_for_part_of_the_document(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    await client.command('AT+SHAHEAD="Range","bytes=140-"')

    assert await request(client, "/doc", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",206,10\r\n'
    assert await read(client, 0, 10) == b"\r\nOK\r\n\r\n+SHREAD: 10\r\n" + DOCUMENT[140:]


async def test_a_read_can_come_in_several_blocks(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve, read_block=5)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    await request(client, "/ip", 1)

    await client.send(b"AT+SHREAD=0,13\r")

    blocks = b"\r\nOK\r\n\r\n+SHREAD: 5\r\n203.0\r\n+SHREAD: 5\r\n.113.\r\n+SHREAD: 3\r\n45\n"
    assert await client.read_exactly(len(blocks)) == blocks


async def test_a_read_outside_the_response_is_not_allowed(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    assert await command(client, "AT+SHREAD=0,1") == NOT_ALLOWED

    await request(client, "/ip", 1)

    assert await command(client, "AT+SHREAD=10,4") == NOT_ALLOWED
    assert await command(client, "AT+SHREAD=0,0") == b"\r\nERROR\r\n"


async def test_https_without_verification_needs_no_certificate(
    serve: Serve, tls_far_end: FarEnd
) -> None:
    _modem, service, client = await sim7080(serve)
    assert await client.command('AT+CSSLCFG="sslversion",1,3') == b"\r\nOK\r\n"
    assert await client.command('AT+SHSSL=1,""') == b"\r\nOK\r\n"

    assert await connect(client, f"https://127.0.0.1:{tls_far_end.port}") == b"\r\nOK\r\n"
    assert await request(client, "/ip", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",200,13\r\n'
    assert await read(client, 0, 13) == b"\r\nOK\r\n\r\n+SHREAD: 13\r\n" + IP_BODY
    assert service.tls.state.config(1).auth == 0


async def test_https_verified_against_the_uploaded_ca(
    serve: Serve, tls_far_end: FarEnd, pki: TestPki
) -> None:
    _modem, service, client = await sim7080(serve)
    await upload_ca(client, "ca.pem", pki.ca_pem)

    assert await client.command('AT+SHSSL=1,"ca.pem"') == b"\r\nOK\r\n"
    assert await client.command("AT+SHSSL?") == b'\r\n+SHSSL: 1,"ca.pem",""\r\n\r\nOK\r\n'
    assert await connect(client, f"https://127.0.0.1:{tls_far_end.port}") == b"\r\nOK\r\n"

    assert await request(client, "/ip", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",200,13\r\n'
    config = service.tls.state.config(1)
    assert (config.auth, config.ca) == (1, "ca.pem")


async def test_a_ca_of_another_authority_fails_the_connection(
    serve: Serve, tls_far_end: FarEnd
) -> None:
    _modem, _service, client = await sim7080(serve)
    await upload_ca(client, "ca.pem", TestPki("127.0.0.1").ca_pem)
    await client.command('AT+SHSSL=1,"ca.pem"')

    with handshake_aborts_expected():
        assert await connect(client, f"https://127.0.0.1:{tls_far_end.port}") == NOT_ALLOWED
    assert await client.command("AT+SHSTATE?") == b"\r\n+SHSTATE: 0\r\n\r\nOK\r\n"
    assert tls_far_end.seen == []


async def test_tls_1_0_only_cannot_reach_a_modern_server(serve: Serve, tls_far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await client.command('AT+CSSLCFG="SSLVERSION",0,1')
    await client.command('AT+SHSSL=0,""')

    with handshake_aborts_expected():
        assert await connect(client, f"https://127.0.0.1:{tls_far_end.port}") == NOT_ALLOWED


async def test_shssl_needs_its_ca_argument_and_shows_its_forms(serve: Serve) -> None:
    _modem, _service, client = await sim7080(serve)

    assert await command(client, "AT+SHSSL=1") == NOT_ALLOWED
    assert await client.command("AT+SHSSL=?") == (
        b'\r\n+SHSSL: (0-5),"ca list","cert name"\r\n\r\nOK\r\n'
    )
    assert await command(client, 'AT+SHSSL=6,""') == b"\r\nERROR\r\n"


async def test_the_connection_needs_its_three_settings_and_the_network(
    serve: Serve, far_end: FarEnd
) -> None:
    modem, _service, client = await sim7080(serve, network=False)
    url = f"http://127.0.0.1:{far_end.port}"
    await client.command(f'AT+SHCONF="URL","{url}"')
    await client.command('AT+SHCONF="BODYLEN",1024')
    assert await command(client, "AT+SHCONN") == NOT_ALLOWED

    await client.command('AT+SHCONF="HEADERLEN",350')
    assert await command(client, "AT+SHCONN") == NOT_ALLOWED  # network 0 is down

    await client.send(b"AT+CNACT=0,1\r")
    await client.read_until(b"ACTIVE\r\n")
    assert await command(client, "AT+SHCONN") == b"\r\nOK\r\n"
    assert await command(client, "AT+SHCONN") == NOT_ALLOWED
    assert await command(client, 'AT+SHCONF="TIMEOUT",60') == NOT_ALLOWED  # not while connected
    assert modem.network.contexts[1].active


async def test_a_server_that_refuses_fails_the_connection(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    port = far_end.port
    await far_end.server.close()

    assert await connect(client, f"http://127.0.0.1:{port}") == NOT_ALLOWED


async def test_a_server_that_closes_after_answering_ends_the_connection(
    serve: Serve, far_end: FarEnd
) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")

    assert await request(client, "/closing", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",200,3\r\n'
    assert await client.read_until(b"+SHSTATE: 0\r\n") == b"\r\n+SHSTATE: 0\r\n"

    assert await client.command("AT+SHSTATE?") == b"\r\n+SHSTATE: 0\r\n\r\nOK\r\n"
    assert await read(client, 0, 3) == b"\r\nOK\r\n\r\n+SHREAD: 3\r\nbye"
    assert await command(client, 'AT+SHREQ="/ip",1') == NOT_ALLOWED
    assert await command(client, "AT+SHCONN") == b"\r\nOK\r\n"
    assert await request(client, "/ip", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",200,13\r\n'


async def test_a_server_that_hangs_up_without_answering_reports_600(
    serve: Serve, hang_up_server: int
) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{hang_up_server}")

    assert await request(client, "/ip", 1) == b'\r\nOK\r\n\r\n+SHREQ: "GET",600,0\r\n'
    assert await client.read_until(b"+SHSTATE: 0\r\n") == b"\r\n+SHSTATE: 0\r\n"


async def test_losing_the_network_ends_the_connection(serve: Serve, far_end: FarEnd) -> None:
    modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")

    drop_bearer(modem, 1)

    assert await client.read_until(b"DEACTIVE\r\n") == b"\r\n+APP PDP: 0,DEACTIVE\r\n"
    assert await client.command("AT+SHSTATE?") == b"\r\n+SHSTATE: 0\r\n\r\nOK\r\n"
    assert await command(client, 'AT+SHREQ="/ip",1') == NOT_ALLOWED
    assert far_end.seen == []


async def test_a_request_needs_a_path_and_a_known_method(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")

    assert await command(client, f'AT+SHREQ="http://127.0.0.1:{far_end.port}/ip",1') == (
        NOT_ALLOWED
    )
    assert await command(client, 'AT+SHREQ="/ip",6') == b"\r\nERROR\r\n"
    assert await command(client, 'AT+SHREQ="/ip",0') == b"\r\nERROR\r\n"


@pytest.mark.parametrize(
    ("setting", "accepted"),
    [
        ('"URL","http://a.example:8080"', True),
        ('"URL","https://' + "h" * 56 + '"', True),  # 64 bytes
        ('"URL","https://' + "h" * 57 + '"', False),  # 65 bytes
        ('"URL","http://a.example/path"', False),
        ('"URL","ftp://a.example"', False),
        ('"URL","a.example"', False),
        ('"BODYLEN",4096', True),
        ('"BODYLEN",4097', False),
        ('"HEADERLEN",350', True),
        ('"HEADERLEN",351', False),
        ('"TIMEOUT",30', True),
        ('"TIMEOUT",1800', True),
        ('"TIMEOUT",29', False),
        ('"TIMEOUT",1801', False),
        ('"IPVER",1', True),
        ('"IPVER",2', False),
        ('"POLLCNT",3', True),
        ('"POLLINTMS",100', True),
        ('"NOSUCH",1', False),
    ],
)
async def test_shconf_takes_the_modules_ranges(serve: Serve, setting: str, accepted: bool) -> None:
    _modem, _service, client = await sim7080(serve, network=False)

    assert await command(client, f"AT+SHCONF={setting}") == (
        b"\r\nOK\r\n" if accepted else NOT_ALLOWED
    )


async def test_firmware_with_a_smaller_body_limit_refuses_larger_bodylen(serve: Serve) -> None:
    _modem, _service, client = await sim7080(serve, network=False, max_body=1024)

    assert await command(client, 'AT+SHCONF="BODYLEN",1024') == b"\r\nOK\r\n"
    assert await command(client, 'AT+SHCONF="BODYLEN",1025') == NOT_ALLOWED


async def test_body_and_headers_stay_within_bodylen_and_headerlen(
    serve: Serve, far_end: FarEnd
) -> None:
    _modem, _service, client = await sim7080(serve, network=False)
    assert await command(client, "AT+SHBOD=4,10000") == NOT_ALLOWED  # BODYLEN not set yet
    await client.command('AT+SHCONF="BODYLEN",8')
    await client.command('AT+SHCONF="HEADERLEN",20')

    assert await command(client, "AT+SHBOD=9,10000") == NOT_ALLOWED
    assert await command(client, 'AT+SHAHEAD="X-Long","1234567890"') == b"\r\nOK\r\n"  # 20
    assert await command(client, 'AT+SHAHEAD="X","1"') == NOT_ALLOWED
    assert await command(client, "AT+SHCHEAD") == b"\r\nOK\r\n"
    assert await command(client, 'AT+SHAHEAD="X","1"') == b"\r\nOK\r\n"


async def test_a_body_that_does_not_arrive_in_time_is_refused(serve: Serve) -> None:
    _modem, _service, client = await sim7080(serve, network=False)
    await client.command('AT+SHCONF="BODYLEN",8')
    await client.send(b"AT+SHBOD=8,200\r")
    await client.read_until(b">\r\n")

    await client.send(b"abc")

    assert await client.read_until(b"ERROR\r\n") == b"\r\nERROR\r\n"


async def test_disconnecting_forgets_the_response(serve: Serve, far_end: FarEnd) -> None:
    _modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")
    await request(client, "/ip", 1)

    assert await command(client, "AT+SHDISC") == b"\r\nOK\r\n"

    assert await command(client, "AT+SHREAD=0,13") == NOT_ALLOWED
    assert await command(client, "AT+SHDISC") == NOT_ALLOWED


async def test_a_reboot_forgets_the_connection(serve: Serve, far_end: FarEnd) -> None:
    modem, _service, client = await sim7080(serve)
    await connect(client, f"http://127.0.0.1:{far_end.port}")

    modem.reset()
    await client.read_until(b"SMS Ready\r\n")

    await client.command("ATE0")
    assert await client.command("AT+SHSTATE?") == b"\r\n+SHSTATE: 0\r\n\r\nOK\r\n"
    assert await command(client, 'AT+SHREQ="/ip",1') == b"\r\nERROR\r\n"


async def test_file_commands_need_the_buffer_open(serve: Serve) -> None:
    modem, _service, client = await sim7080(serve, network=False)

    assert await command(client, 'AT+CFSWFILE=3,"a.pem",0,4,1000') == NOT_ALLOWED
    assert await command(client, "AT+CFSTERM") == NOT_ALLOWED
    await client.command("AT+CFSINIT")
    assert await command(client, "AT+CFSINIT") == NOT_ALLOWED
    assert await command(client, 'AT+CFSWFILE=3,"a.pem",0,10241,1000') == b"\r\nERROR\r\n"
    for part in (b"ab", b"cd"):
        await client.send(f'AT+CFSWFILE=3,"a.pem",1,{len(part)},1000\r'.encode())
        await client.read_until(b"DOWNLOAD\r\n")
        await client.send(part)
        assert await client.read_until(b"OK\r\n") == b"\r\nOK\r\n"
    assert modem.fs.read("/customer/", "a.pem") == b"abcd"
    assert await client.command('AT+CFSDFILE=3,"a.pem"') == b"\r\nOK\r\n"
    assert await command(client, 'AT+CFSGFIS=3,"a.pem"') == b"\r\nERROR\r\n"


@pytest.mark.parametrize(
    "line",
    [
        'AT+CSSLCFG="convert",2,"missing.pem"',
        'AT+CSSLCFG="convert",1,"client.crt","client.key"',
        'AT+CSSLCFG="sslversion",6,3',
        'AT+CSSLCFG="sslversion",1,6',
        'AT+CSSLCFG="nosuch",1,1',
    ],
)
async def test_csslcfg_refuses_what_it_cannot_do(serve: Serve, line: str) -> None:
    _modem, _service, client = await sim7080(serve, network=False)

    assert await command(client, line) == b"\r\nERROR\r\n"


async def test_a_file_that_is_not_a_certificate_cannot_be_converted(serve: Serve) -> None:
    _modem, _service, client = await sim7080(serve, network=False)
    await upload_ca(client, "ca.pem", b"-----BEGIN CERTIFICATE-----\nnot really\n")
    await client.command("AT+CFSINIT")
    await client.send(b'AT+CFSWFILE=3,"junk.pem",0,4,1000\r')
    await client.read_until(b"DOWNLOAD\r\n")
    await client.send(b"junk")
    await client.read_until(b"OK\r\n")

    assert await command(client, 'AT+CSSLCFG="convert",2,"junk.pem"') == b"\r\nERROR\r\n"


async def test_test_forms(serve: Serve) -> None:
    _modem, _service, client = await sim7080(serve, network=False)

    assert await client.command("AT+SHCONF=?") == (
        b'\r\n+SHCONF: "HTTPParamTag","HTTPParamValue"\r\n\r\nOK\r\n'
    )
    for line in ("AT+SHREQ=?", "AT+SHBOD=?", "AT+SHAHEAD=?", "AT+SHCONN=?", "AT+CSSLCFG=?"):
        assert await client.command(line) == b"\r\nOK\r\n", line
