"""Opening the serial line through serialx, and keeping its secrets out of logs.

These run with every serialx the integration supports (scripts/test repeats them with the oldest
and the newest), so they touch the library the way the integration does: a pty path, a
`socket://` URL, and the errors serialx raises when a port cannot be opened.
"""

import asyncio
import importlib.metadata
import os
from collections.abc import AsyncIterator, Iterator

import pytest
import serialx

from custom_components.modem_http.atmodem import ModemDisconnectedError
from custom_components.modem_http.atmodem.transport import open_serial_transport, redact_url


class Collector(asyncio.Protocol):
    """Collects what arrives until a line ends, as the AT engine's protocol would."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.line_ended = asyncio.Event()

    def data_received(self, data: bytes) -> None:
        self.received += data
        if b"\r\n" in self.received:
            self.line_ended.set()


@pytest.fixture
def pty_modem() -> Iterator[tuple[int, str]]:
    """A modem's USB port as the integration sees it: a tty path; the test holds the far side."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    yield master, path
    os.close(master)
    os.close(slave)


@pytest.fixture
async def tcp_modem(socket_enabled: None) -> AsyncIterator[tuple[int, asyncio.Queue[bytes]]]:
    """A modem behind ser2net: a TCP port that answers every line with OK."""
    heard: asyncio.Queue[bytes] = asyncio.Queue()
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        line = await reader.readuntil(b"\r")
        await heard.put(line)
        writer.write(b"\r\nOK\r\n")
        await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield port, heard
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_modem_on_a_tty_path_is_opened_and_talks(pty_modem: tuple[int, str]) -> None:
    """The user picks /dev/ttyUSB2; bytes flow both ways through serialx's transport."""
    master, path = pty_modem
    protocol = Collector()

    transport = await open_serial_transport(lambda: protocol, path, 115200)
    try:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(b"AT\r")
        await asyncio.get_running_loop().run_in_executor(None, _read_exactly, master, 3)
        os.write(master, b"\r\nOK\r\n")
        await asyncio.wait_for(protocol.line_ended.wait(), 5)
    finally:
        transport.close()

    assert bytes(protocol.received).strip() == b"OK"


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += os.read(fd, size - len(data))
    assert data == b"AT\r"
    return data


async def test_a_modem_behind_ser2net_is_opened_by_url(
    tcp_modem: tuple[int, asyncio.Queue[bytes]],
) -> None:
    """The user types socket://host:port; the command reaches the far end and OK comes back."""
    port, heard = tcp_modem
    protocol = Collector()

    transport = await open_serial_transport(lambda: protocol, f"socket://127.0.0.1:{port}", 115200)
    try:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(b"ATI\r")
        assert await asyncio.wait_for(heard.get(), 5) == b"ATI\r"
        await asyncio.wait_for(protocol.line_ended.wait(), 5)
    finally:
        transport.close()

    assert bytes(protocol.received) == b"\r\nOK\r\n"


async def test_an_unknown_url_scheme_is_a_disconnected_modem_without_its_password() -> None:
    """A typo in the scheme: serialx refuses it, the error names the URL without the password."""
    with pytest.raises(ModemDisconnectedError) as caught:
        await open_serial_transport(asyncio.Protocol, "sockett://admin:hunter2@127.0.0.1:1", 115200)

    assert "hunter2" not in str(caught.value)
    assert "sockett://***@127.0.0.1:1" in str(caught.value)


async def test_a_missing_tty_is_a_disconnected_modem() -> None:
    """The modem was unplugged: its path is gone, and opening it says so."""
    with pytest.raises(ModemDisconnectedError, match="cannot open /dev/ttyModemUnplugged"):
        await open_serial_transport(asyncio.Protocol, "/dev/ttyModemUnplugged", 115200)


def test_esphome_proxy_keys_and_passwords_are_redacted() -> None:
    """An ESPHome serial proxy's encryption key and API password never reach a log line."""
    url = "esphome://192.168.1.30:6053/?port_name=Modem&key=c2VjcmV0a2V5+dGhhdA==&password=pw"

    assert redact_url(url) == (
        "esphome://192.168.1.30:6053/?port_name=Modem&key=REDACTED&password=REDACTED"
    )


def test_the_noise_psk_alias_and_encoded_names_are_redacted_too() -> None:
    """`noise_psk` is the key's other name; a percent-encoded or split name is still that name."""
    assert redact_url("esphome://proxy/?noise_psk=abc") == "esphome://proxy/?noise_psk=REDACTED"
    assert redact_url("esphome://proxy/?k%65y=abc&x=1") == "esphome://proxy/?k%65y=REDACTED&x=1"
    assert redact_url("esphome://proxy/?pass\tword=abc") == "esphome://proxy/?pass\tword=REDACTED"


def test_other_parameters_and_the_fragment_stay_as_typed() -> None:
    """Only secrets change: the port name keeps its encoding, the fragment is kept."""
    url = "esphome://proxy/?port_name=My%20Modem&baud=115200#left"

    assert redact_url(url) == url
    assert redact_url("esphome://proxy/?key=k#frag") == "esphome://proxy/?key=REDACTED#frag"


def test_credentials_and_query_secrets_are_both_hidden() -> None:
    """A URL with both a user:password@ part and a key loses both."""
    assert redact_url("esphome://u:p@proxy:6053/?key=k") == "esphome://***@proxy:6053/?key=REDACTED"
    assert redact_url("/dev/serial/by-id/usb-SimTech-if02") == "/dev/serial/by-id/usb-SimTech-if02"


@pytest.mark.parametrize(
    "url",
    [
        "esphome://proxy:6053/?port_name=Modem&key=abc%3D&password=p",
        "esphome://proxy/?noise_psk=abc#frag",
        "esphome://proxy/?k%65y=abc&pass+word=x&password=&=",
        "socket://127.0.0.1:7000",
        "/dev/ttyUSB2",
    ],
)
def test_redaction_matches_newer_serialx_where_it_has_its_own(url: str) -> None:
    """Newer serialx redacts query secrets itself; ours must hide exactly as much, no less."""
    serialx_redact = getattr(serialx, "redact_uri", None)
    if serialx_redact is None:
        pytest.skip(f"serialx {importlib.metadata.version('serialx')} has no redact_uri")

    assert redact_url(url) == serialx_redact(url)
