"""Stories of a body read cut at a chosen byte, each way a long download dies, on every family.

The host reads a 3000-byte body; the fault plan cuts it after N body bytes. Whatever the family
and the kind of cut, exactly the first N body bytes reach the host, then the cut shows as it does
on a real line: EOF (link lost, and the modem is there again on reconnect), the network's URCs
(data connection lost), the boot URCs (restart), or silence (the modem went quiet).
"""

from collections.abc import AsyncIterator

import pytest

from modem_emulator import EmulatedModem, ModemServer, create_modem
from modem_emulator.faults import ReadCut
from modem_emulator.resources import ResourceServer

from .conftest import FAST_BOOT, AtClient, Serve
from .modem_hosts import HttpcfgHost, SimcomHost, body_of_simcom_reads

CONTENT = bytes((i * 7) % 251 for i in range(3000))
READ_SIZE = 700
"""The SIMCom host reads in AT+HTTPREAD=<offset>,700 steps; the module prints 1024-byte blocks."""
CUT_POINTS = (0, 1, 1023, 1500, 2999)
HTTPCFG_FAMILIES = [("quectel", "Q"), ("httpcfg", "")]


@pytest.fixture
async def far_end(socket_enabled: None) -> AsyncIterator[ResourceServer]:
    async with ResourceServer() as server:
        server.add("/file.bin", CONTENT)
        await server.start()
        yield server


async def until_cut(client: AtClient, kind: ReadCut, marker: bytes) -> bytes:
    """What the host receives from the read that is cut, up to where the cut shows."""
    match kind:
        case ReadCut.LINK:
            assert await client.at_eof()
            received = bytes(client.buffer)
            client.buffer.clear()
            return received
        case ReadCut.RESTART:
            return (await client.read_until(b"\r\nRDY\r\n"))[: -len(b"\r\nRDY\r\n")]
        case ReadCut.BEARER:
            return await client.read_until(marker)
        case ReadCut.QUIET:
            return await client.read_for(0.3)


async def modem_is_back(
    kind: ReadCut, modem: EmulatedModem, server: ModemServer, client: AtClient
) -> None:
    """After the cut, the host reaches the modem again the way it would on a real line."""
    match kind:
        case ReadCut.LINK:
            assert server.port is not None
            again = await AtClient.connect(server.port)
            try:
                assert await again.command("AT") == b"\r\nOK\r\n"  # same modem: still ATE0
            finally:
                await again.close()
        case ReadCut.RESTART:
            await client.read_until(b"\r\n")  # the rest of the boot URCs may follow; RDY is enough
            assert modem.reset_count == 1
            assert (await client.command("AT")).endswith(b"AT\r\r\nOK\r\n")  # echo on again
        case ReadCut.QUIET:
            await client.send(b"AT\r")
            assert await client.read_for(0.2) == b""  # swallowed: the modem is not answering
            modem.faults.resume()
            assert await client.command("AT") == b"\r\nOK\r\n"
        case ReadCut.BEARER:
            assert modem.network.active_context() is None


@pytest.mark.parametrize("cut_at", CUT_POINTS)
@pytest.mark.parametrize("kind", list(ReadCut))
async def test_simcom_read_stops_after_exactly_n_body_bytes(
    serve: Serve, far_end: ResourceServer, kind: ReadCut, cut_at: int
) -> None:
    modem = create_modem("simcom", **FAST_BOOT)
    server, client = await serve(modem)
    host = SimcomHost(client)
    await host.start(far_end.url("/file.bin"))
    await client.command("AT+CGEREP=2")
    assert await host.get() == (200, 3000)
    modem.faults.cut_read(cut_at, kind)

    received = bytearray()
    offset = 0
    while offset + READ_SIZE <= cut_at:  # reads that end before the cut are whole
        received += await host.read(offset, READ_SIZE)
        offset += READ_SIZE
    await client.send(f"AT+HTTPREAD={offset},{READ_SIZE}\r".encode())
    output = await until_cut(client, kind, b"\r\n+HTTP_NONET_EVENT\r\n")
    received += body_of_simcom_reads(output)

    assert bytes(received) == CONTENT[:cut_at]
    if kind is ReadCut.BEARER:
        # The buffer ends where the data stopped: real lengths, the end marker, then the URCs.
        assert output.endswith(
            b"\r\n+HTTPREAD: 0\r\n\r\n+CGEV: NW PDN DEACT 1\r\n\r\n+HTTP_NONET_EVENT\r\n"
        )
        assert await host.read(cut_at, READ_SIZE) == b""  # nothing more ever arrives
    await modem_is_back(kind, modem, server, client)


@pytest.mark.parametrize("cut_at", CUT_POINTS)
@pytest.mark.parametrize("kind", list(ReadCut))
@pytest.mark.parametrize(("dialect", "prefix"), HTTPCFG_FAMILIES)
async def test_httpcfg_read_stops_after_exactly_n_body_bytes(
    serve: Serve,
    far_end: ResourceServer,
    dialect: str,
    prefix: str,
    kind: ReadCut,
    cut_at: int,
) -> None:
    modem = create_modem(dialect, **FAST_BOOT)
    server, client = await serve(modem)
    host = HttpcfgHost(client, prefix)
    await host.start(far_end.url("/file.bin"))
    await client.command("AT+CGEREP=2")
    await client.command(f"{host.at('GET')}=60")
    assert await host.result("GET") == (200, 3000)
    modem.faults.cut_read(cut_at, kind)

    await client.send(f"{host.at('READ')}=60\r".encode())
    output = await until_cut(client, kind, b'+QIURC: "pdpdeact",1\r\n')

    tail = b""
    if kind is ReadCut.BEARER:
        # The read fails where the data stopped (+CME ERROR), then the network's URCs.
        tail = b'\r\n+CME ERROR: 717\r\n\r\n+CGEV: NW PDN DEACT 1\r\n\r\n+QIURC: "pdpdeact",1\r\n'
    assert output == b"\r\nCONNECT\r\n" + CONTENT[:cut_at] + tail
    await modem_is_back(kind, modem, server, client)


@pytest.mark.parametrize(("dialect", "prefix"), HTTPCFG_FAMILIES)
async def test_httpcfg_cut_counts_body_bytes_not_the_header_block(
    serve: Serve, far_end: ResourceServer, dialect: str, prefix: str
) -> None:
    modem = create_modem(dialect, **FAST_BOOT)
    _server, client = await serve(modem)
    host = HttpcfgHost(client, prefix)
    await host.start(far_end.url("/file.bin"), responseheader=1)
    await client.command(f"{host.at('GET')}=60")
    await host.result("GET")
    modem.faults.cut_read(100, ReadCut.LINK)
    await client.send(f"{host.at('READ')}=60\r".encode())
    output = await until_cut(client, ReadCut.LINK, b"")
    head, _, body = output.partition(b"\r\n\r\n")
    assert head.startswith(b"\r\nCONNECT\r\nHTTP/1.1 200 OK\r\n")
    assert body == CONTENT[:100]


async def test_the_cut_counts_across_reads_from_when_it_is_armed(
    serve: Serve, far_end: ResourceServer
) -> None:
    modem = create_modem("simcom", **FAST_BOOT)
    _server, client = await serve(modem)
    host = SimcomHost(client)
    await host.start(far_end.url("/file.bin"))
    await host.get()
    assert await host.read(0, 500) == CONTENT[:500]  # before arming: not counted
    modem.faults.cut_read(600, ReadCut.RESTART)
    assert await host.read(500, 500) == CONTENT[500:1000]
    await client.send(b"AT+HTTPREAD=1000,500\r")
    output = await until_cut(client, ReadCut.RESTART, b"")
    assert body_of_simcom_reads(output) == CONTENT[1000:1100]


async def test_a_read_that_ends_exactly_at_the_cut_is_whole_and_the_next_one_is_cut(
    serve: Serve, far_end: ResourceServer
) -> None:
    modem = create_modem("simcom", **FAST_BOOT)
    _server, client = await serve(modem)
    host = SimcomHost(client)
    await host.start(far_end.url("/file.bin"))
    await host.get()
    modem.faults.cut_read(500, ReadCut.LINK)
    assert await host.read(0, 500) == CONTENT[:500]
    await client.send(b"AT+HTTPREAD=500,500\r")
    output = await until_cut(client, ReadCut.LINK, b"")
    assert output == b"\r\nOK\r\n\r\n+HTTPREAD: DATA,500\r\n"  # the block begun, not one byte


async def test_a_quiet_modem_answers_again_after_its_quiet_time(
    serve: Serve, far_end: ResourceServer
) -> None:
    modem = create_modem("quectel", **FAST_BOOT)
    _server, client = await serve(modem)
    host = HttpcfgHost(client, "Q")
    await host.start(far_end.url("/file.bin"))
    await client.command("AT+QHTTPGET=60")
    await host.result("GET")
    modem.faults.cut_read(10, ReadCut.QUIET, quiet_seconds=0.3)
    await client.send(b"AT+QHTTPREAD=60\r")
    assert await client.read_until(CONTENT[:10]) == b"\r\nCONNECT\r\n" + CONTENT[:10]
    for _attempt in range(20):  # a host resynchronising: AT until the modem answers
        await client.send(b"AT\r")
        answer = await client.read_for(0.1)
        if answer:
            break
    assert answer == b"\r\nOK\r\n"


def test_a_cut_needs_a_byte_count_and_a_kind() -> None:
    modem = EmulatedModem()
    with pytest.raises(ValueError, match="byte count"):
        modem.faults.cut_read(-1, ReadCut.LINK)
    with pytest.raises(ValueError, match="'sideways' is not a valid ReadCut"):
        modem.faults.cut_read(1, "sideways")
    with pytest.raises(ValueError, match="QUIET cut only"):
        modem.faults.cut_read(1, ReadCut.LINK, quiet_seconds=1.0)
    modem.faults.cut_read(1, ReadCut.LINK)
    modem.faults.clear()
    assert modem.faults.body_cut_point(100) is None
