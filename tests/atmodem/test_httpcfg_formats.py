"""The driver against the exact bytes real Quectel firmware prints (tests/fixtures/httpcfg_*)."""

import re
from collections.abc import AsyncIterator, Sequence

import pytest

from custom_components.modem_http.atmodem import Modem, ModemHttpError, open_modem
from custom_components.modem_http.atmodem.families.httpcfg.http import HttpcfgHttp

from .httpcfg_fixtures import load_sections
from .scripted_peer import ScriptedPeer, Step, ok

pytestmark = pytest.mark.usefixtures("socket_enabled")


class Firmware:
    """Answers the Quectel family from a transcript; every other HTTPCFG command gets OK."""

    def __init__(self, name: str) -> None:
        self.sections = load_sections(name)
        self.peer = ScriptedPeer(self.respond)
        self.sent: list[str] = []
        self.files_deleted = 0

    def respond(self, command: str) -> Sequence[Step] | None:
        file_command = re.match(r"AT\+(QF[A-Z]+)", command)
        if file_command is not None:
            self.sent.append(command)
            step = file_command.group(1)
            if step == "QFDEL":
                # The first delete finds no leftover file; the one after the read removes it.
                self.files_deleted += 1
                step = "QFDEL-MISSING" if self.files_deleted == 1 else "QFDEL"
            return self.sections[step]
        name = re.match(r"AT\+QHTTP([A-Z]+)", command)
        if name is None:
            return None
        self.sent.append(command)
        step = name.group(1)
        numbers = [int(n) for n in re.findall(r"\d+", command.split("=", 1)[-1])]
        if step == "CFG":
            return ok()
        if step == "URL":
            self.peer.payload_for[command] = numbers[0]
        if step == "POST":
            self.peer.payload_for[command] = numbers[0]
            for piece in self.sections["POST-RESULT"]:
                if isinstance(piece, bytes):
                    self.peer.later(0.2, piece)
        return self.sections[step]


@pytest.fixture
async def firmware(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Modem, Firmware]]:
    fw = Firmware(request.param)
    url = await fw.peer.start()
    modem = await open_modem(url, dialect="quectel", reconnect=False)
    assert isinstance(modem.family.http, HttpcfgHttp)
    modem.family.http.response_headers = False  # the logs were taken with responseheader 0
    try:
        yield modem, fw
    finally:
        await modem.close()
        await fw.peer.stop()


@pytest.mark.parametrize("firmware", ["httpcfg_quectel_readfile_chunked.txt"], indirect=True)
async def test_result_without_length_is_read_through_the_modules_file(
    firmware: tuple[Modem, Firmware],
) -> None:
    """No length anywhere: the module stores the page and hands it back by its length."""
    modem, fw = firmware

    response = await modem.http_request("GET", "http://example.com/", timeout=10)

    assert response.status == 200
    assert response.content_length is None
    assert response.body == b"end of page\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n<p>after"
    assert fw.peer.payloads[0] == b"http://example.com/"
    file_steps = [line for line in fw.sent if not line.startswith("AT+QHTTPCFG")][2:]
    assert file_steps == [
        'AT+QFDEL="UFS:modem_http_response.tmp"',
        file_steps[1],
        'AT+QFOPEN="UFS:modem_http_response.tmp",2',
        "AT+QFREAD=1027,32768",
        "AT+QFCLOSE=1027",
        'AT+QFDEL="UFS:modem_http_response.tmp"',
    ]
    assert re.fullmatch(r'AT\+QHTTPREADFILE="UFS:modem_http_response\.tmp",\d+', file_steps[1])


@pytest.mark.parametrize("firmware", ["httpcfg_eg800k_getex.txt"], indirect=True)
async def test_ranged_get_result_comes_as_qhttpget(firmware: tuple[Modem, Firmware]) -> None:
    modem, fw = firmware

    response = await modem.http_request(
        "GET", "http://httpbin.org/range/16", byte_range=(0, 7), timeout=10
    )

    assert (response.status, response.body) == (206, b"abcdefgh")
    assert any(re.fullmatch(r"AT\+QHTTPGETEX=\d+,0,8", line) for line in fw.sent)


@pytest.mark.parametrize("firmware", ["httpcfg_eg800k_dns_final.txt"], indirect=True)
async def test_failure_as_final_result_code(firmware: tuple[Modem, Firmware]) -> None:
    modem, _fw = firmware

    with pytest.raises(ModemHttpError) as caught:
        await modem.http_request("GET", "http://no-such-host.invalid/", timeout=10)

    assert caught.value.code == 716


@pytest.mark.parametrize("firmware", ["httpcfg_bgx_post_404.txt"], indirect=True)
async def test_post_404_body_with_ok_inside_is_read_by_length(
    firmware: tuple[Modem, Firmware],
) -> None:
    modem, fw = firmware

    response = await modem.http_request("POST", "http://h.example/api", body=b"x=1", timeout=10)

    assert response.status == 404
    assert response.body == b"no\r\nOK\r\n here"
    assert fw.peer.payloads[-1] == b"x=1"
