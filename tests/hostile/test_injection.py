"""AT injection through every field a caller controls, for every dialect: refused, nothing sent.

A header value like `x"<CR><LF>AT+CFUN=0` would, if written into a quoted AT argument, end the
command and run another one (here: switch the radio off). Every such attempt through
`Modem.http_request`, `post_modem_file` and `download_to_modem_file` must raise RequestRejected
before a single byte reaches the modem; the emulator's received bytes prove it.
"""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.modem_http.atmodem import Modem, RequestRejected, open_modem
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.server import ModemServer

from ..recording import record_input

pytestmark = pytest.mark.usefixtures("socket_enabled")

DIALECTS = ("simcom", "httpcfg", "quectel")
URL = "http://127.0.0.1:9/t/x"
"""Never reached: every request here must be refused before the modem hears of it."""

# What an attacker (or a template gone wrong) could put in a field: quotes that end the AT string,
# line ends that end the command, Ctrl-Z/ESC that end data mode, NUL, Unicode line separators.
INJECTIONS = (
    '"',
    'x";AT+CFUN=0;"',
    "x\rAT+CFUN=0",
    "x\nAT+CFUN=0",
    'x"\r\nAT+CFUN=0\r\n',
    "x\x1aAT+CFUN=0",
    "x\x1b",
    "x\x00y",
    "x\x7fy",
    "x\u2028AT+CFUN=0",
    "x\x85AT+CFUN=0",
    "caf\u00e9",
)


@dataclass
class Listening:
    """A modem and every byte the emulator received after the mark."""

    dialect: str
    emulator: EmulatedModem
    modem: Modem
    received: bytearray = field(default_factory=bytearray)

    def mark(self) -> None:
        """Forget what was received so far (start-up, dialect set-up)."""
        self.received.clear()

    async def heard_since_mark(self) -> bytes:
        """What reached the module since the mark, up to a final `AT` sent after it.

        Bytes written before that `AT` reach the module before it, so its answer proves that
        nothing is still on its way.
        """
        await self.modem.engine.command("AT")
        heard = bytes(self.received).removesuffix(b"AT\r")
        self.mark()
        return heard


@contextlib.asynccontextmanager
async def listening(dialect: str) -> AsyncIterator[Listening]:
    """An emulated module of `dialect` whose input is recorded, and a Modem opened on it."""
    emulator = create_modem(dialect, boot_delay=0.01, boot_step=0.001)
    received = record_input(emulator)
    async with ModemServer(emulator) as server:
        await server.start_tcp()
        modem = await open_modem(server.url, dialect=dialect, reconnect=False)
        try:
            rig = Listening(dialect, emulator, modem, received)
            rig.mark()
            yield rig
        finally:
            await modem.close()


class _NoTarget:
    """A download target nothing may ever reach."""

    async def write(self, data: bytes) -> None:
        raise AssertionError("a refused download wrote to its target")

    async def truncate(self, size: int) -> None:
        raise AssertionError("a refused download touched its target")


Attempt = Callable[[Modem, str], Awaitable[Any]]

ATTEMPTS: dict[str, Attempt] = {
    "method": lambda m, bad: m.http_request(f"GET{bad}", URL, timeout=5),
    "url path": lambda m, bad: m.http_request("GET", f"{URL}/{bad}", timeout=5),
    "url query": lambda m, bad: m.http_request("GET", f"{URL}?q={bad}", timeout=5),
    "url host": lambda m, bad: m.http_request("GET", f"http://{bad}/x", timeout=5),
    "header value": lambda m, bad: m.http_request("GET", URL, headers={"X-A": bad}, timeout=5),
    "header name": lambda m, bad: m.http_request("GET", URL, headers={f"X-{bad}": "v"}, timeout=5),
    "user agent": lambda m, bad: m.http_request("GET", URL, headers={"User-Agent": bad}, timeout=5),
    "accept": lambda m, bad: m.http_request("GET", URL, headers={"Accept": bad}, timeout=5),
    "content type": lambda m, bad: m.http_request(
        "POST", URL, body=b"x", content_type=f"text/plain{bad}", timeout=5
    ),
    "post file name": lambda m, bad: m.post_modem_file(URL, f"log{bad}.txt", timeout=5),
    "post file url": lambda m, bad: m.post_modem_file(f"{URL}{bad}", "log.txt", timeout=5),
    "download file name": lambda m, bad: m.download_to_modem_file(URL, f"fw{bad}.bin", timeout=5),
    "download file url": lambda m, bad: m.download_to_modem_file(
        f"{URL}{bad}", "fw.bin", timeout=5
    ),
    "resumable download header": lambda m, bad: m.download(
        URL, _NoTarget(), headers={"X-A": bad}, timeout=5
    ),
    "resumable download url": lambda m, bad: m.download(f"{URL}{bad}", _NoTarget(), timeout=5),
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("where", list(ATTEMPTS))
async def test_injection_in_any_field_is_refused_with_nothing_sent(
    dialect: str, where: str
) -> None:
    """Every injection string in this field: RequestRejected, and the modem heard nothing."""
    attempt = ATTEMPTS[where]
    async with listening(dialect) as rig:
        for bad in INJECTIONS:
            with pytest.raises(RequestRejected) as raised:
                await attempt(rig.modem, bad)
            heard = await rig.heard_since_mark()
            assert heard == b"", f"{where} {bad!r} sent {heard!r}"
            assert_one_safe_line(str(raised.value))


# Not injection, but just as unsendable: each refused before anything goes out.
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("ftp url", lambda m: m.http_request("GET", "ftp://127.0.0.1/x", timeout=5)),
        ("no host", lambda m: m.http_request("GET", "http:///x", timeout=5)),
        ("space", lambda m: m.http_request("GET", "http://127.0.0.1/a b", timeout=5)),
        ("bad port", lambda m: m.http_request("GET", "http://127.0.0.1:99999/", timeout=5)),
        ("credentials", lambda m: m.http_request("GET", "http://u:p@127.0.0.1/", timeout=5)),
        ("long url", lambda m: m.http_request("GET", URL + "a" * 5000, timeout=5)),
        ("empty url", lambda m: m.http_request("GET", "", timeout=5)),
        ("method", lambda m: m.http_request("GET\r\nAT", URL, timeout=5)),
        ("method with a space", lambda m: m.http_request("GET /x HTTP/1.1", URL, timeout=5)),
        ("empty method", lambda m: m.http_request("", URL, timeout=5)),
        ("not a method", lambda m: m.http_request("BREW", URL, timeout=5)),
        ("unclosed ipv6", lambda m: m.http_request("GET", "http://[::1/x", timeout=5)),
        ("timeout", lambda m: m.http_request("GET", URL, timeout=0)),
        (
            "content-length",
            lambda m: m.http_request(
                "POST", URL, body=b"x", headers={"Content-Length": "99"}, timeout=5
            ),
        ),
        ("traversal", lambda m: m.post_modem_file(URL, "../../etc/passwd", timeout=5)),
        ("dot-dot", lambda m: m.download_to_modem_file(URL, "..", timeout=5)),
        ("folder", lambda m: m.download_to_modem_file(URL, "a/b.bin", timeout=5)),
        ("backslash", lambda m: m.download_to_modem_file(URL, "a\\b.bin", timeout=5)),
        ("empty name", lambda m: m.post_modem_file(URL, "", timeout=5)),
        ("long name", lambda m: m.post_modem_file(URL, "a" * 200, timeout=5)),
    ],
)
async def test_unsendable_requests_are_refused_with_nothing_sent(
    dialect: str, name: str, call: Callable[[Modem], Awaitable[Any]]
) -> None:
    """Wrong scheme, no host, spaces, credentials, overlong, path-like file names..."""
    async with listening(dialect) as rig:
        with pytest.raises(RequestRejected):
            await call(rig.modem)
        assert await rig.heard_since_mark() == b""


forbidden = st.sampled_from(['"', "\r", "\n", "\x00", "\x1a", "\x1b", "\x7f", "\u00e9", "\u2028"])
texts = st.tuples(st.text(max_size=20), forbidden, st.text(max_size=20)).map("".join)


@pytest.fixture(params=DIALECTS)
async def rig(request: pytest.FixtureRequest) -> AsyncIterator[Listening]:
    """One listening modem of each dialect, shared by all examples of a property."""
    async with listening(request.param) as opened:
        yield opened


@given(bad=texts, where=st.sampled_from(sorted(ATTEMPTS)))
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_generated_injections_in_every_field_are_refused(
    rig: Listening, bad: str, where: str
) -> None:
    """Any text with a quote, a control character or non-ASCII, anywhere in it, in any field."""
    with pytest.raises(RequestRejected) as raised:
        await ATTEMPTS[where](rig.modem, bad)
    assert bytes(rig.received) == b"", f"{where} {bad!r}"
    assert_one_safe_line(str(raised.value))


def assert_one_safe_line(message: str) -> None:
    """A refusal quotes the value escaped and cut: it can go into a log line as it is."""
    assert message.isprintable(), message
    assert len(message) <= 300, message
