"""How the HTTPREAD output is cut: header block, exact body, trailer; results; de-chunking."""

from __future__ import annotations

import pytest

from custom_components.modem_http.atmodem import ModemError
from custom_components.modem_http.atmodem.dialects.httpcfg_read import (
    ResponseReader,
    dechunk,
    parse_result,
)
from custom_components.modem_http.atmodem.framing import AtStreamParser

HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-A: b\r\n\r\n"
BODY = b"ab\r\nOK\r\n\r\ncd"  # the read trailer's first half, inside the body


class Sink:
    def __init__(self) -> None:
        self.events: list[tuple[str, bytes]] = []

    def on_line(self, line: bytes) -> None:
        self.events.append(("line", line))

    def on_data(self, data: bytes, *, final: bool) -> None:
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))

    def on_prompt(self) -> None:
        self.events.append(("prompt", b""))


def parse(reader: ResponseReader, stream: bytes, step: int) -> list[tuple[str, bytes]]:
    sink = Sink()
    parser = AtStreamParser(sink, lambda line: reader.data_after(line.decode()))
    for start in range(0, len(stream), step):
        parser.feed(stream[start : start + step])
    return sink.events


@pytest.mark.parametrize("step", [1, 3, 7, 4096])
def test_header_block_then_exact_body_whatever_the_split(step: int) -> None:
    reader = ResponseReader("Q", headers=True, expects_body=True)
    stream = b"\r\nCONNECT\r\n" + HEAD + BODY + b"\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n"

    events = parse(reader, stream, step)

    assert events == [
        ("line", b"CONNECT"),
        ("data", HEAD + BODY),
        ("line", b"OK"),
        ("line", b"+QHTTPREAD: 0"),
    ]
    head, body = reader.split(HEAD + BODY)
    assert head is not None
    assert head.headers["X-A"] == "b"
    assert body == BODY


def test_head_response_has_no_body_despite_its_length() -> None:
    reader = ResponseReader("", headers=True, expects_body=False)
    stream = b"\r\nCONNECT\r\n" + HEAD + b"\r\nOK\r\n\r\n+HTTPREAD: 0\r\n"

    assert parse(reader, stream, 5)[1] == ("data", HEAD)


def test_without_headers_the_urc_length_is_used() -> None:
    reader = ResponseReader("", headers=False, expects_body=True)
    reader.content_length = len(BODY)
    stream = b"\r\nCONNECT\r\n" + BODY + b"\r\nOK\r\n\r\n+HTTPREAD: 0\r\n"

    assert parse(reader, stream, 2)[1] == ("data", BODY)


def test_unknown_length_runs_to_the_trailer() -> None:
    reader = ResponseReader("", headers=False, expects_body=True)
    stream = b"\r\nCONNECT\r\nplain text\r\nOK\r\n\r\n+HTTPREAD: 0\r\n"

    events = parse(reader, stream, 1)

    assert events[1] == ("data", b"plain text")
    assert events[-1] == ("line", b"+HTTPREAD: 0")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0,200,5", (0, 200, 5)), (" 0,200", (0, 200, None)), ("702", (702, None, None))],
)
def test_result_fields(text: str, expected: tuple[int, int | None, int | None]) -> None:
    result = parse_result(text)
    assert (result.err, result.status, result.content_length) == expected


def test_dechunk_and_its_failures() -> None:
    assert dechunk(b"3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n") == b"abcde"
    with pytest.raises(ModemError):
        dechunk(b"zz\r\n")
    with pytest.raises(ModemError):
        dechunk(b"9\r\nabc")
