"""The simcom driver against byte-exact replies of real firmware (transcripts from public logs).

The emulator is one implementation of the manual; these transcripts pin the formats real modules
print (SIM7600 `+HTTPREAD: DATA,n`, A76xx `+HTTPREAD: n`, OK before or after the data, unasked
`+HTTP_PEER_CLOSED`), so the driver is known to read each of them.
"""

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest

from custom_components.modem_http.atmodem import Modem, open_modem

from .scripted_peer import ScriptedPeer
from .simcom_fixtures import Transcript

type Opener = Callable[[str], Coroutine[Any, Any, tuple[Modem, Transcript]]]


@pytest.fixture
async def replay(socket_enabled: None) -> AsyncIterator[Opener]:
    """Open a simcom modem whose every reply comes from a transcript file."""
    peers: list[ScriptedPeer] = []
    modems: list[Modem] = []

    async def open_transcript(name: str) -> tuple[Modem, Transcript]:
        transcript = Transcript.load(name)
        peer = ScriptedPeer(transcript)
        peers.append(peer)
        modem = await open_modem(await peer.start(), dialect="simcom", reconnect=False)
        modems.append(modem)
        return modem, transcript

    yield open_transcript
    for modem in modems:
        await modem.close()
    for peer in peers:
        await peer.stop()


async def test_sim7600_https_get_with_data_framing_and_peer_closed_urc(replay: Opener) -> None:
    """SIM7600: headers via `+HTTPHEAD: DATA,n`, body via `+HTTPREAD: DATA,n` after OK."""
    modem, transcript = await replay("simcom_sim7600_https_get.txt")

    response = await modem.http_request("GET", "https://vsh.example/TinyGSM/logo.txt", timeout=60)

    assert transcript.sent == transcript.commands
    assert response.status == 200
    assert response.reason == "OK"
    assert response.body == b"TinyGSM logo, plain text.\n"
    assert response.headers["content-type"] == "text/plain; charset=UTF-8"
    assert response.headers["Server"] == "nginx/1.22.1"
    assert response.content_length == 26


async def test_a7670_get_with_bare_length_framing(replay: Opener) -> None:
    """A76xx: `+HTTPHEAD: n` and `+HTTPREAD: n` without DATA, as in the manual's own example."""
    modem, transcript = await replay("simcom_a7670_get.txt")

    response = await modem.http_request("GET", "http://203.0.113.7:8080/page", timeout=60)

    assert transcript.sent == transcript.commands
    assert response.body == b"<!doctyped"
    assert response.headers["X-Served-By"] == "a"


async def test_ok_after_the_data_and_a_404_that_is_a_response(replay: Opener) -> None:
    """OK may follow the data; a 404 comes back as a response with its body and headers."""
    modem, transcript = await replay("simcom_ok_after_data.txt")

    response = await modem.http_request("GET", "http://203.0.113.7/missing", timeout=60)

    assert transcript.sent == transcript.commands
    assert response.status == 404
    assert response.reason == "Not Found"
    assert response.body == b"not here\n"
    assert response.headers["X-Why"] == "gone"


async def test_read_ending_with_ok_and_no_end_marker(replay: Opener) -> None:
    """Data then OK, no `+HTTPREAD: 0`: the read ends at OK instead of waiting forever."""
    modem, transcript = await replay("simcom_read_without_end_marker.txt")

    response = await modem.http_request("GET", "http://203.0.113.7:8080/page", timeout=60)

    assert transcript.sent == transcript.commands
    assert response.body == b"<!doctyped"
