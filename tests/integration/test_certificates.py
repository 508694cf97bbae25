"""Certificates are checked to be what they claim before a modem stores one, from any source.

Stories: a user points the options at the wrong file (random bytes, a 100 kB binary, the key
instead of the CA, a key that belongs to another certificate, a key with a password): the form
says what is wrong and nothing is saved. A file that went bad after it was saved stops the setup
with a message that points to the options, and fixing the options brings the modem back. The
install_ca action checks a CA from a file or from a URL (fetched through the modem, at most a
certificate's size) before the modem stores anything; a family that can only store what it
downloads itself fetches the checked URL again and must get the same length.
"""

import os
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.modem_http.certificates import (
    CertificateError,
    Problem,
    check_ca,
    check_client_identity,
    check_private_key,
)
from custom_components.modem_http.const import (
    CONF_CA_PATH,
    CONF_CLIENT_CERT_PATH,
    CONF_CLIENT_KEY_PATH,
    CONF_TIMEOUT,
    CONF_TLS_VERIFY,
    DOMAIN,
    MODEM_CA_FILE,
)
from modem_emulator.far_end import TestPki

from .conftest import ModemLink, ServiceModem, entry_for

pytestmark = pytest.mark.usefixtures("socket_enabled")

PKI = TestPki("127.0.0.1")
CLIENT_CERT, CLIENT_KEY = PKI.issue_client_cert()
OTHER_CERT, OTHER_KEY = TestPki("127.0.0.1").issue_client_cert()
RANDOM_100 = os.urandom(100)
BINARY_100K = os.urandom(100 * 1024)


def encrypted(key_pem: bytes) -> bytes:
    """The same key, protected by a password as `openssl genrsa -aes256` would write it."""
    key = load_pem_private_key(key_pem, password=None)
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"secret"))


# ------------------------------------------------------------------ what each file must be


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", Problem.EMPTY),
        (RANDOM_100, Problem.NOT_PEM),
        (BINARY_100K, Problem.TOO_LARGE),
        (b"<html><body>Not found</body></html>", Problem.NOT_PEM),
        (CLIENT_KEY, Problem.NOT_A_CERTIFICATE),
        (PKI.ca_pem + CLIENT_KEY, Problem.NOT_A_CERTIFICATE),
        (PKI.ca_pem.replace(b"M", b"N", 5), Problem.NOT_A_CERTIFICATE),
    ],
    ids=["empty", "random", "binary", "html", "a key", "ca and key", "damaged"],
)
def test_what_is_not_a_ca_is_refused(data: bytes, problem: Problem) -> None:
    with pytest.raises(CertificateError) as raised:
        check_ca(data)
    assert raised.value.problem is problem


def test_a_ca_and_a_commented_bundle_are_taken() -> None:
    other = trustme.CA().cert_pem.bytes()
    bundle = b"# Issuer: one\n" + PKI.ca_pem + b"\n# Issuer: two\n" + other

    assert len(check_ca(PKI.ca_pem)) == 1
    assert len(check_ca(bundle)) == 2


def test_a_client_key_must_be_plain_and_belong_to_its_certificate() -> None:
    check_client_identity(CLIENT_CERT, CLIENT_KEY)

    with pytest.raises(CertificateError) as mismatch:
        check_client_identity(CLIENT_CERT, OTHER_KEY)
    with pytest.raises(CertificateError) as locked:
        check_private_key(encrypted(CLIENT_KEY))
    with pytest.raises(CertificateError) as not_a_key:
        check_private_key(CLIENT_CERT)

    assert mismatch.value.problem is Problem.KEY_MISMATCH
    assert locked.value.problem is Problem.KEY_ENCRYPTED
    assert not_a_key.value.problem is Problem.NOT_A_KEY


# ------------------------------------------------------------------ the options form


@pytest.fixture
def files(hass: HomeAssistant, tmp_path: Path) -> Path:
    """An allow-listed folder with good and bad certificate files."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    for name, data in {
        "ca.pem": PKI.ca_pem,
        "random.bin": RANDOM_100,
        "big.bin": BINARY_100K,
        "client.pem": CLIENT_CERT,
        "client.key": CLIENT_KEY,
        "other.key": OTHER_KEY,
        "locked.key": encrypted(CLIENT_KEY),
    }.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def form(**options: Any) -> dict[str, Any]:
    """An options form as the user fills it in."""
    return {CONF_TIMEOUT: 60, **options}


async def test_the_options_form_says_what_is_wrong_with_each_file(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink, files: Path
) -> None:
    """Each wrong file gets its own error, nothing is saved, then the right files are taken."""
    flow = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    attempts = [
        ({CONF_CA_PATH: "random.bin"}, {CONF_CA_PATH: "certificate_not_pem"}),
        ({CONF_CA_PATH: "big.bin"}, {CONF_CA_PATH: "certificate_too_large"}),
        ({CONF_CA_PATH: "client.key"}, {CONF_CA_PATH: "certificate_invalid"}),
        ({CONF_CA_PATH: "missing.pem"}, {CONF_CA_PATH: "certificate_unreadable"}),
        (
            {
                CONF_CA_PATH: "ca.pem",
                CONF_CLIENT_CERT_PATH: "client.pem",
                CONF_CLIENT_KEY_PATH: "other.key",
            },
            {CONF_CLIENT_KEY_PATH: "key_mismatch"},
        ),
        (
            {
                CONF_CA_PATH: "ca.pem",
                CONF_CLIENT_CERT_PATH: "ca.pem",
                CONF_CLIENT_KEY_PATH: "locked.key",
            },
            {CONF_CLIENT_KEY_PATH: "key_encrypted"},
        ),
    ]
    for given, errors in attempts:
        verify = "mutual" if CONF_CLIENT_KEY_PATH in given else "server"
        paths = {key: str(files / name) for key, name in given.items()}
        result = await hass.config_entries.options.async_configure(
            flow["flow_id"], form(**{CONF_TLS_VERIFY: verify, **paths})
        )
        assert result["type"] == "form", given
        assert result["errors"] == errors, given
        assert loaded_entry.options.get(CONF_TLS_VERIFY) is None

    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        form(
            **{
                CONF_TLS_VERIFY: "mutual",
                CONF_CA_PATH: str(files / "ca.pem"),
                CONF_CLIENT_CERT_PATH: str(files / "client.pem"),
                CONF_CLIENT_KEY_PATH: str(files / "client.key"),
            }
        ),
    )
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert modem_link.modem.fs.read(4, MODEM_CA_FILE) == PKI.ca_pem


async def test_a_saved_certificate_that_went_bad_points_to_the_options_and_recovers(
    hass: HomeAssistant, modem_link: ModemLink, files: Path
) -> None:
    """The CA file was overwritten after it was chosen: setup stops, options bring it back."""
    ca_path = files / "ca.pem"
    entry = entry_for(modem_link.url, **{CONF_TLS_VERIFY: "server", CONF_CA_PATH: str(ca_path)})
    ca_path.write_bytes(BINARY_100K[:5000])
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "options" in entry.reason
    assert str(ca_path) in entry.reason
    assert not modem_link.modem.fs.exists(4, MODEM_CA_FILE)

    flow = await hass.config_entries.options.async_init(entry.entry_id)
    fixed = files / "fixed-ca.pem"
    fixed.write_bytes(PKI.ca_pem)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], form(**{CONF_TLS_VERIFY: "server", CONF_CA_PATH: str(fixed)})
    )
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert entry.state is ConfigEntryState.LOADED
    assert modem_link.modem.fs.read(4, MODEM_CA_FILE) == PKI.ca_pem
    assert await hass.config_entries.async_unload(entry.entry_id)


# ------------------------------------------------------------------ the install_ca action


class CaServer:
    """Serves CA candidates; /flip answers a different file on every second fetch."""

    def __init__(self) -> None:
        """Routes are served once the fixture started the app."""
        self.base = ""
        self.fetches: list[str] = []
        self._flips = 0

    def url(self, path: str) -> str:
        """An address on this server."""
        return f"{self.base}{path}"

    async def handle(self, request: web.Request) -> web.Response:
        """Each route is one of the stories' files."""
        self.fetches.append(request.path)
        bodies = {
            "/ca.pem": PKI.ca_pem,
            "/random": RANDOM_100,
            "/big": BINARY_100K,
            "/key.pem": CLIENT_KEY,
        }
        if request.path == "/flip":
            self._flips += 1
            other = PKI.ca_pem + b"# padded\n" if self._flips % 2 == 0 else PKI.ca_pem
            return web.Response(body=other)
        if request.path not in bodies:
            return web.Response(status=404, text="no such CA")
        return web.Response(body=bodies[request.path])


@pytest.fixture
async def ca_server(aiohttp_server: Any) -> CaServer:
    """A real HTTP server on 127.0.0.1 that the modem fetches CA files from."""
    served = CaServer()
    app = web.Application()
    app.router.add_get("/{tail:.*}", served.handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    served.base = f"http://127.0.0.1:{server.port}"
    return served


CA_PLACES: dict[str, tuple[str | int, str]] = {
    # SIMCom: the certificate folder (drive 4); the HTTPCFG family: its UFS drive; SIM7080: the
    # customer folder AT+CFSWFILE writes (its SSL stack then reads the converted copy).
    "simcom": (4, MODEM_CA_FILE),
    "httpcfg": ("UFS:", MODEM_CA_FILE),
    "sim7080": ("/customer/", MODEM_CA_FILE),
}
CA_FETCHES = {"simcom": 1, "httpcfg": 2, "sim7080": 1}
"""Uploading families fetch the URL once; the HTTPCFG family has the modem fetch it again."""


def stored_ca(modem: ServiceModem) -> bytes | None:
    """The CA file where the family's SSL context looks for it, if there is one."""
    fs = modem.link.modem.fs
    where = CA_PLACES.get(modem.dialect)  # SIM800 keeps no certificate files at all
    return fs.read(*where) if where is not None and fs.exists(*where) else None


async def install_ca(hass: HomeAssistant, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, "install_ca", data, blocking=True, return_response=True
    )


@pytest.mark.parametrize(
    ("path", "problem"),
    [("/random", "not PEM"), ("/key.pem", "no valid PEM certificate")],
)
async def test_install_ca_refuses_a_url_that_is_not_a_ca(
    hass: HomeAssistant, service_modem: ServiceModem, ca_server: CaServer, path: str, problem: str
) -> None:
    """100 random bytes (or a key) fetched from the URL: refused, the modem stores nothing."""
    with pytest.raises(ServiceValidationError) as raised:
        await install_ca(hass, url=ca_server.url(path))

    assert raised.value.translation_key == "invalid_certificate"
    assert problem in str(raised.value)
    assert stored_ca(service_modem) is None
    assert ca_server.fetches == [path]


async def test_install_ca_stops_reading_a_url_larger_than_a_certificate(
    hass: HomeAssistant, service_modem: ServiceModem, ca_server: CaServer
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await install_ca(hass, url=ca_server.url("/big"))

    assert raised.value.translation_key == "invalid_certificate"
    assert "larger than the 10240 bytes" in str(raised.value)
    assert stored_ca(service_modem) is None


async def test_install_ca_from_a_url_installs_what_was_checked(
    hass: HomeAssistant, service_modem: ServiceModem, ca_server: CaServer
) -> None:
    """SIMCom and SIM7080 upload the checked bytes; the HTTPCFG family fetches the URL again.

    SIM800 can neither take nor download a certificate file (it never verifies): refused, and
    the message says why.
    """
    if service_modem.dialect not in CA_PLACES:
        with pytest.raises(ServiceValidationError) as raised:
            await install_ca(hass, url=ca_server.url("/ca.pem"))
        assert raised.value.translation_key == "operation_unsupported"
        assert "no file system" in raised.value.translation_placeholders["reason"]
        return

    result = await install_ca(hass, url=ca_server.url("/ca.pem"))

    assert result["size"] == len(PKI.ca_pem)
    assert stored_ca(service_modem) == PKI.ca_pem
    assert ca_server.fetches == ["/ca.pem"] * CA_FETCHES[service_modem.dialect]


async def test_a_ca_that_changes_between_check_and_install_is_reported(
    hass: HomeAssistant, service_modem_factory: Any, ca_server: CaServer
) -> None:
    """The HTTPCFG family's second fetch gets another length: an error, not a silent success."""
    await service_modem_factory("httpcfg")

    with pytest.raises(HomeAssistantError) as raised:
        await install_ca(hass, url=ca_server.url("/flip"))

    assert raised.value.translation_key == "ca_changed"
    assert raised.value.translation_placeholders["checked"] == str(len(PKI.ca_pem))


async def test_install_ca_refuses_a_file_that_is_not_a_ca(
    hass: HomeAssistant, service_modem_factory: Any, files: Path
) -> None:
    modem: ServiceModem = await service_modem_factory("simcom")
    modem.sent.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await install_ca(hass, path=str(files / "random.bin"))

    assert raised.value.translation_key == "invalid_certificate"
    assert stored_ca(modem) is None
    assert b"CCERTDOWN" not in bytes(modem.sent)
