"""HTTPS stories: verification with the CA on the modem, without it, mutual TLS, CA from a URL."""

from dataclasses import replace

import pytest
from aiohttp import web

from custom_components.modem_http.atmodem import (
    HttpFailure,
    ModemHttpError,
    RequestRejected,
    TlsSettings,
    TlsVerify,
    TlsVersion,
)
from custom_components.modem_http.atmodem.families.httpcfg import QuectelFamily
from custom_components.modem_http.atmodem.families.httpcfg.tls import checksum
from custom_components.modem_http.atmodem.families.sim800 import Sim800Family
from custom_components.modem_http.atmodem.families.sim7080 import Sim7080Family
from custom_components.modem_http.atmodem.families.simcom import SimcomFamily
from custom_components.modem_http.atmodem.tls import UnsupportedOperation
from modem_emulator.far_end import TestPki

from ..tls_aborts import handshake_aborts_expected
from .bearer_fixtures import bearer_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")

UPLOAD_FAMILIES = ("simcom", "quectel", "sim7080")
"""Families that take a CA file over the serial line. SIM800 has no file storage and never
verifies (test_sim800_...); the AT+HTTPCFG family has no upload command (downloads instead)."""
MUTUAL_FAMILIES = ("simcom", "quectel")
"""SIM7080 client certificates are refused (no public log shows how the module takes them)."""
HANDSHAKE_FAILED = {"simcom": 715, "quectel": 716, "httpcfg": 716, "sim7080": 3}
"""SIMCom reports a failed handshake as 715; the AT+HTTPCFG families as a failed connect, SIM7080
as a refused AT+SHCONN (+CME ERROR: 3)."""
STORED_AS = {"simcom": "ca.pem", "quectel": "UFS:ca.pem", "sim7080": "ca.pem"}
VERIFYING_CONTEXT = {"simcom": 0, "quectel": 1, "sim7080": 1}
VERIFY = TlsSettings(verify=TlsVerify.SERVER, ca_file="ca.pem")


@pytest.mark.parametrize("family", UPLOAD_FAMILIES)
async def test_https_verified_with_the_uploaded_ca(family, aiohttp_server) -> None:
    pki = TestPki("127.0.0.1")
    async with bearer_rig(family, aiohttp_server, tls=VERIFY, ssl=pki.server_ssl_context()) as rig:
        stored = await rig.modem.admin.install_ca("ca.pem", pki.ca_pem)

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b"hello"
        assert stored == STORED_AS[family]
        config = rig.emulator.tls.config(VERIFYING_CONTEXT[family])  # type: ignore[attr-defined]
        assert (config.auth, config.ca) == (1, stored)


@pytest.mark.parametrize("family", UPLOAD_FAMILIES)
async def test_https_verification_without_the_ca_fails_the_handshake(
    family, aiohttp_server
) -> None:
    pki = TestPki("127.0.0.1")
    with handshake_aborts_expected():
        async with bearer_rig(
            family, aiohttp_server, tls=VERIFY, ssl=pki.server_ssl_context()
        ) as rig:
            with pytest.raises(ModemHttpError) as caught:
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

            assert caught.value.code == HANDSHAKE_FAILED[family]


@pytest.mark.parametrize("family", UPLOAD_FAMILIES)
async def test_a_ca_of_another_authority_fails_and_a_rotated_one_works(
    family, aiohttp_server
) -> None:
    pki, stranger = TestPki("127.0.0.1"), TestPki("127.0.0.1")
    with handshake_aborts_expected():
        async with bearer_rig(
            family, aiohttp_server, tls=VERIFY, ssl=pki.server_ssl_context()
        ) as rig:
            await rig.modem.admin.install_ca("ca.pem", stranger.ca_pem)
            with pytest.raises(ModemHttpError):
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

            await rig.modem.admin.install_ca("ca.pem", pki.ca_pem)  # rotation: same name, new CA

            response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
            assert response.body == b"hello"


@pytest.mark.parametrize("family", MUTUAL_FAMILIES)
async def test_mutual_tls_presents_the_client_certificate(family, aiohttp_server) -> None:
    pki = TestPki("127.0.0.1")
    cert, key = pki.issue_client_cert("modem.example")
    mutual = TlsSettings(
        verify=TlsVerify.MUTUAL,
        ca_file="ca.pem",
        client_cert_file="client.pem",
        client_key_file="client.key",
    )

    async def whoami(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peercert") if request.transport else None
        names = [value for _kind, value in (peer or {}).get("subjectAltName", ())]
        return web.Response(text=",".join(names) or "nobody")

    app = web.Application()
    app.router.add_get("/", whoami)
    server_context = pki.server_ssl_context(require_client_cert=True)
    with handshake_aborts_expected():
        async with bearer_rig(
            family, aiohttp_server, tls=VERIFY, ssl=server_context, far_app=app
        ) as rig:
            await rig.modem.admin.install_ca("ca.pem", pki.ca_pem)
            await rig.modem.admin.install_ca("client.pem", cert)
            await rig.modem.admin.install_ca("client.key", key)
            with pytest.raises(ModemHttpError):  # server-only verification: no certificate
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

            rig.modem.set_tls(mutual)
            response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

            assert response.body == b"modem.example"


async def test_simcom_downloads_a_ca_into_the_certificate_folder(aiohttp_server) -> None:
    pki = TestPki("127.0.0.1")

    async def serve_ca(_request: web.Request) -> web.Response:
        return web.Response(body=pki.ca_pem, content_type="application/x-pem-file")

    ca_app = web.Application()
    ca_app.router.add_get("/ca.pem", serve_ca)
    ca_server = await aiohttp_server(ca_app, host="127.0.0.1")
    async with bearer_rig(
        "simcom", aiohttp_server, tls=VERIFY, ssl=pki.server_ssl_context()
    ) as rig:
        await rig.modem.admin.download_ca(f"http://127.0.0.1:{ca_server.port}/ca.pem", "ca.pem")

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert 'AT+HTTPREADFILE="ca.pem",4' in rig.commands()
        assert rig.emulator.fs.read(4, "ca.pem") == pki.ca_pem
        assert response.body == b"hello"


async def test_the_httpcfg_family_cannot_upload_but_can_download(aiohttp_server) -> None:
    pki = TestPki("127.0.0.1")

    async def serve_ca(_request: web.Request) -> web.Response:
        return web.Response(body=pki.ca_pem)

    ca_app = web.Application()
    ca_app.router.add_get("/ca.pem", serve_ca)
    ca_server = await aiohttp_server(ca_app, host="127.0.0.1")
    async with bearer_rig(
        "httpcfg", aiohttp_server, tls=VERIFY, ssl=pki.server_ssl_context()
    ) as rig:
        with pytest.raises(UnsupportedOperation):
            await rig.modem.admin.install_ca("ca.pem", pki.ca_pem)

        await rig.modem.admin.download_ca(f"http://127.0.0.1:{ca_server.port}/ca.pem", "ca.pem")
        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert 'AT+SSLCFG="cacert",2,"UFS:ca.pem"' in rig.commands()
        assert response.body == b"hello"


async def test_quectel_upload_is_checked_against_the_modems_checksum(aiohttp_server) -> None:
    data = b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n"
    async with bearer_rig("quectel", aiohttp_server) as rig:
        await rig.modem.admin.install_ca("ca.pem", data)

        assert f'AT+QFUPL="UFS:ca.pem",{len(data)},30' in rig.commands()
        assert rig.emulator.fs.read("UFS:", "ca.pem") == data
    assert checksum(b"\x12\x34\x56") == f"{0x1234 ^ 0x5600:x}"


async def test_tls_1_0_only_is_refused_by_a_modern_server(aiohttp_server) -> None:
    pki = TestPki("127.0.0.1")
    old = TlsSettings(version=TlsVersion.TLS1_0)
    with handshake_aborts_expected():
        async with bearer_rig(
            "simcom", aiohttp_server, tls=old, ssl=pki.server_ssl_context()
        ) as rig:
            with pytest.raises(ModemHttpError) as caught:
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
            assert caught.value.code == 715

            rig.modem.set_tls(TlsSettings(version=TlsVersion.TLS1_2))
            response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
            assert response.body == b"hello"


def test_the_ssl_context_is_configured_in_each_familys_words() -> None:
    settings = TlsSettings(
        verify=TlsVerify.MUTUAL,
        ca_file="ca.pem",
        client_cert_file="c.pem",
        client_key_file="c.key",
        version=TlsVersion.TLS1_2,
        sni=True,
    )

    assert SimcomFamily().tls.configuration(settings, 0) == [
        'AT+CSSLCFG="sslversion",0,3',
        'AT+CSSLCFG="authmode",0,2',
        'AT+CSSLCFG="cacert",0,"ca.pem"',
        'AT+CSSLCFG="clientcert",0,"c.pem"',
        'AT+CSSLCFG="clientkey",0,"c.key"',
        'AT+CSSLCFG="enableSNI",0,1',
    ]
    assert Sim7080Family().tls.configuration(replace(settings, verify=TlsVerify.SERVER), 1) == [
        'AT+CSSLCFG="sslversion",1,3',
        'AT+CSSLCFG="ignorertctime",1,1',
        'AT+SHSSL=1,"ca.pem"',
    ]
    assert Sim800Family().tls.configuration(TlsSettings(version=TlsVersion.TLS1_2), 0) == []
    assert QuectelFamily().tls.configuration(settings, 1) == [
        'AT+QSSLCFG="sslversion",1,3',
        'AT+QSSLCFG="seclevel",1,2',
        'AT+QSSLCFG="cacert",1,"UFS:ca.pem"',
        'AT+QSSLCFG="clientcert",1,"UFS:c.pem"',
        'AT+QSSLCFG="clientkey",1,"UFS:c.key"',
        'AT+QSSLCFG="sni",1,1',
    ]


@pytest.mark.parametrize(
    ("field", "settings"),
    [
        ("ca_file", {"verify": "server"}),
        ("client_cert_file", {"verify": "mutual", "ca_file": "ca.pem"}),
        ("ca_file", {"verify": "server", "ca_file": 'ca".pem'}),
        ("ca_file", {"verify": "server", "ca_file": "../ca.pem"}),
    ],
)
def test_incomplete_or_unsafe_tls_settings_are_refused(field, settings) -> None:
    with pytest.raises(RequestRejected) as caught:
        TlsSettings(**settings)

    assert caught.value.field == field


@pytest.mark.parametrize(
    ("family", "beyond"), [("simcom", 10), ("httpcfg", 6), ("quectel", 6), ("sim7080", 6)]
)
async def test_an_ssl_context_the_family_does_not_have_is_refused(
    family, beyond, aiohttp_server
) -> None:
    """SIMCom has SSL contexts 0-9, the AT+HTTPCFG families and SIM7080 0-5 (their manuals).

    SIM800 has one fixed TLS setup and nothing to configure (test_sim800_has_one_ssl_context).
    """
    last = TlsSettings(context_id=beyond - 1)
    async with bearer_rig(family, aiohttp_server) as rig:
        with pytest.raises(RequestRejected) as caught:
            rig.modem.set_tls(TlsSettings(context_id=beyond))
        rig.modem.set_tls(last)

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert caught.value.field == "context_id"
        assert response.body == b"hello"
        # The family's own first SSL command, for the last context it has, went out.
        assert rig.modem.family.tls.configuration(last, beyond - 1)[0] in rig.commands()


# ------------------------------------------------------------------ what a family cannot do


async def test_sim7080_refuses_a_client_certificate_before_anything_is_sent(
    aiohttp_server,
) -> None:
    """Mutual TLS on SIM7080: a typed refusal naming why, not a handshake that fails later."""
    pki = TestPki("127.0.0.1")
    mutual = TlsSettings(
        verify=TlsVerify.MUTUAL,
        ca_file="ca.pem",
        client_cert_file="client.pem",
        client_key_file="client.key",
    )
    async with bearer_rig("sim7080", aiohttp_server, ssl=pki.server_ssl_context()) as rig:
        rig.modem.set_tls(mutual)
        with pytest.raises(UnsupportedOperation, match="client certificates are not supported"):
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert [c for c in rig.commands() if "SH" in c or "CSSLCFG" in c] == []
        assert rig.far.hits == 0


async def test_sim7080_https_without_settings_connects_unverified_with_sni(aiohttp_server) -> None:
    """No TLS settings: the module's context gets an empty CA list and the server's name."""
    pki = TestPki("127.0.0.1")
    with handshake_aborts_expected():
        async with bearer_rig("sim7080", aiohttp_server, ssl=pki.server_ssl_context()) as rig:
            first = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
            second = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

            assert (first.body, second.body) == (b"hello", b"hello")
            assert rig.count('AT+SHSSL=1,""') == 1
            assert rig.count('AT+CSSLCFG="sni",1,"127.0.0.1"') == 1
            assert rig.count("AT+SHCONN") == 1  # the second request reused the connection


async def test_sim800_https_is_unverified_and_verification_is_refused(aiohttp_server) -> None:
    """AT+HTTPSSL=1 reaches a modern server; asking for verification gets a typed refusal."""
    pki = TestPki("127.0.0.1")
    async with bearer_rig("sim800", aiohttp_server, ssl=pki.server_ssl_context()) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        assert response.body == b"hello"
        assert "AT+HTTPSSL=1" in rig.commands()

        with pytest.raises(UnsupportedOperation, match="no storage for certificate files"):
            await rig.modem.admin.install_ca("ca.pem", pki.ca_pem)
        rig.modem.set_tls(VERIFY)
        hits = rig.far.hits
        with pytest.raises(UnsupportedOperation, match="never verify a server's certificate"):
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        assert rig.far.hits == hits


async def test_sim800_has_one_ssl_context(aiohttp_server) -> None:
    async with bearer_rig("sim800", aiohttp_server) as rig:
        with pytest.raises(RequestRejected) as caught:
            rig.modem.set_tls(TlsSettings(context_id=1))

        assert caught.value.field == "context_id"


async def test_sim800_tls_1_0_firmware_says_the_server_refuses_its_old_tls(
    aiohttp_server,
) -> None:
    """R14.18 speaks TLS 1.0 only: a modern server ends the handshake with a fatal alert (606)."""
    pki = TestPki("127.0.0.1")
    with handshake_aborts_expected():
        async with bearer_rig(
            "sim800", aiohttp_server, ssl=pki.server_ssl_context(), firmware={"ssl": "tls10"}
        ) as rig:
            with pytest.raises(ModemHttpError) as caught:
                await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

    assert caught.value.code == 606
    assert caught.value.failure is HttpFailure.TLS
    assert "TLS 1.0" in caught.value.message


async def test_sim800_firmware_without_httpssl_refuses_https_by_name(aiohttp_server) -> None:
    """SIM900 / pre-R14 firmware has no AT+HTTPSSL: HTTPS is refused, plain HTTP still works."""
    pki = TestPki("127.0.0.1")
    plain_app = web.Application()
    plain_app.router.add_get("/", lambda _request: web.Response(text="plain hello"))
    plain = await aiohttp_server(plain_app, host="127.0.0.1")
    async with bearer_rig(
        "sim800", aiohttp_server, ssl=pki.server_ssl_context(), firmware={"ssl": "none"}
    ) as rig:
        with pytest.raises(UnsupportedOperation, match="no AT\\+HTTPSSL"):
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        response = await rig.modem.http_request(
            "GET", f"http://127.0.0.1:{plain.port}/", timeout=10
        )

        assert rig.far.hits == 0
        assert rig.count("AT+HTTPSSL=1") == 1  # refused in a fresh session: no HTTPS at all
        assert response.body == b"plain hello"
