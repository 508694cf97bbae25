"""HTTPS, big downloads, module files, URCs mid-read, auto output and dialect detection."""

import re

import pytest

from custom_components.modem_http.atmodem import AtCommandError, ModemHttpError, Urc
from modem_emulator.far_end import TestPki

from ..tls_aborts import handshake_aborts_expected
from .httpcfg_fixtures import DIALECTS, make_rig, pattern

pytestmark = pytest.mark.usefixtures("socket_enabled")

SSL_CONTEXT = {"httpcfg": 2, "quectel": 1}
"""The driver's default sslctxid: the seed manual's note asks for 2, Quectel's default is 1."""


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_https_verified_against_the_ca_of_the_ssl_context(
    dialect: str, aiohttp_server
) -> None:
    pki = TestPki("127.0.0.1")
    ca_files = {SSL_CONTEXT[dialect]: "UFS:ca.pem"}
    async with make_rig(dialect, aiohttp_server, tls=pki, ca_files=ca_files) as rig:
        rig.emulator.fs.write("UFS:", "ca.pem", pki.ca_pem)

        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/3000", timeout=10)

        assert rig.base.startswith("https://")
        assert response.body == pattern(3000)
        assert rig.http.config["sslctxid"] == SSL_CONTEXT[dialect]


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_https_with_an_untrusted_server_fails_to_connect(
    dialect: str, aiohttp_server
) -> None:
    server_pki, other_ca = TestPki("127.0.0.1"), TestPki("127.0.0.1")
    ca_files = {SSL_CONTEXT[dialect]: "UFS:ca.pem"}
    with handshake_aborts_expected():
        async with make_rig(dialect, aiohttp_server, tls=server_pki, ca_files=ca_files) as rig:
            rig.emulator.fs.write("UFS:", "ca.pem", other_ca.ca_pem)

            with pytest.raises(ModemHttpError) as caught:
                await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)

            assert caught.value.code == 716


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_two_mebibyte_download_is_exact(dialect: str, aiohttp_server) -> None:
    size = 2 * 1024 * 1024
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/{size}", timeout=30)

        assert response.content_length == size
        assert response.body == pattern(size)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_download_streams_into_a_sink(dialect: str, aiohttp_server) -> None:
    pieces: list[bytes] = []

    async def sink(piece: bytes) -> None:
        pieces.append(piece)

    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request(
            "GET", f"{rig.base}/bytes/200000", timeout=10, body_sink=sink
        )

        assert response.body == b""
        assert len(pieces) > 1
        assert b"".join(pieces) == pattern(200000)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_module_files_round_trip(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        upload = pattern(5000)
        rig.emulator.fs.write("UFS:", "reading.bin", upload)

        posted = await rig.modem.post_modem_file(f"{rig.base}/echo", "UFS:reading.bin")
        fetched = await rig.modem.download_to_modem_file(
            f"{rig.base}/bytes/7000", "UFS:fetched.bin"
        )

        assert posted.status == 200
        assert rig.far.seen[0].body == upload
        assert fetched.status == 200
        assert fetched.content_length == 7000
        # Stored without the header block: the driver turns response headers off for files.
        assert rig.emulator.fs.read("UFS:", "fetched.bin") == pattern(7000)
        (readfile,) = rig.commands("READFILE")
        assert re.fullmatch(rf'\+{rig.prefix}HTTPREADFILE="UFS:fetched.bin",\d+', readfile)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_posting_a_missing_module_file_fails(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        with pytest.raises(AtCommandError) as caught:
            await rig.modem.post_modem_file(f"{rig.base}/echo", "UFS:missing.bin")

        assert caught.value.cme_code == 405
        assert rig.far.seen == []


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_urcs_around_the_read_reach_their_listeners(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        heard: list[Urc] = []
        rig.modem.engine.on_urc("+CREG:", heard.append)
        rig.modem.engine.on_urc("+CSQ:", heard.append)
        await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)  # setup done
        rig.http.urcs_in_read.append("+CREG: 5")
        rig.emulator.faults.urc_in_reply("+CSQ: 17,99")

        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/5000", timeout=10)

        assert response.body == pattern(5000)
        assert [urc.line for urc in heard] == ["+CSQ: 17,99", "+CREG: 5"]


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_module_that_keeps_auto_output_on(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server, locked={"rspout/auto": 1}) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/3000", timeout=10)
        posted = await rig.modem.http_request(
            "PUT", f"{rig.base}/echo", headers={"X-A": "1"}, body=b"abc", timeout=10
        )

        assert rig.modem.family.http.auto_output is True  # type: ignore[attr-defined]
        assert response.body == pattern(3000)
        assert posted.status == 200
        assert rig.commands("READ") == []  # nothing was asked for: it came on its own


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_auto_detection_finds_the_dialect(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server, modem_dialect="auto") as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/10", timeout=10)

        assert rig.modem.dialect == dialect
        assert response.status == 200


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_configuration_forms_print_the_manuals_lines(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        p = rig.prefix
        engine = rig.modem.engine
        test = await engine.command(f"AT+{p}HTTPCFG=?", timeout=5)
        query = await engine.command(f'AT+{p}HTTPCFG="requestheader"', timeout=5)
        read = await engine.command(f"AT+{p}HTTPCFG?", timeout=5)

        assert test.lines == [
            f'+{p}HTTPCFG: "contextid",(1-16)',
            f'+{p}HTTPCFG: "requestheader",(0,1)',
            f'+{p}HTTPCFG: "responseheader",(0,1)',
            f'+{p}HTTPCFG: "sslctxid",(0-5)',
            f'+{p}HTTPCFG: "contenttype",(0-3)',
            f'+{p}HTTPCFG: "rspout/auto",(0,1)',
            f'+{p}HTTPCFG: "closed/ind",(0,1)',
        ]
        assert query.lines == [f'+{p}HTTPCFG: "requestheader",0']
        assert len(read.lines) == 7
        assert read.lines[0] == f'+{p}HTTPCFG: "contextid",1'


async def test_seed_module_refuses_unsupported_parameters_quectel_takes_them(
    aiohttp_server,
) -> None:
    async with make_rig("httpcfg", aiohttp_server) as seed:
        for parameter in ("contextid", "contenttype", "closed/ind"):
            with pytest.raises(AtCommandError):
                await seed.modem.engine.command(f'AT+HTTPCFG="{parameter}",1', timeout=5)
        with pytest.raises(AtCommandError):
            await seed.modem.engine.command("AT+HTTPSTOP", timeout=5)
    async with make_rig("quectel", aiohttp_server) as quectel:
        for parameter in ("contextid", "contenttype", "closed/ind"):
            await quectel.modem.engine.command(f'AT+QHTTPCFG="{parameter}",1', timeout=5)
        await quectel.modem.engine.command("AT+QHTTPSTOP", timeout=5)
