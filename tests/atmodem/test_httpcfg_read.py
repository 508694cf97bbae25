"""How the HTTPREAD output is cut: header block, exact body, trailer; results; de-chunking."""

import pytest

from custom_components.modem_http.atmodem import ModemError
from custom_components.modem_http.atmodem.families.httpcfg.read import (
    ResponseReader,
    dechunk,
    parse_result,
)
from custom_components.modem_http.atmodem.framing import AtStreamParser

from .httpcfg_fixtures import load_sections

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


ENDINGS = {
    # The three ways firmware ends the read (see httpcfg_read): OK and the result line; the
    # result line alone (seed manual 000); OK, unsolicited lines, then the result as a URC.
    "ok": b"\r\nOK\r\n\r\n+HTTPREAD: 0\r\n",
    "no_ok": b"\r\n+HTTPREAD: 0\r\n",
    "urc_after_ok": b'\r\nOK\r\n\r\n+CREG: 1\r\n\r\n+CMTI: "SM",3\r\n\r\n+HTTPREAD: 0\r\n',
}
NASTY = b"line one\r\nOK\r\n\r\n+HTTPREAD: 0\r\n+QHTTPREAD: 0\r\nOK\r\n"
"""A body made of the very lines that end a read."""


def chunked(*parts: bytes) -> bytes:
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize("step", [1, 5, 4096])
def test_a_chunked_body_is_followed_to_its_last_chunk_whatever_it_contains(
    ending: str, step: int
) -> None:
    reader = ResponseReader("", headers=True, expects_body=True)
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = chunked(NASTY[:10], NASTY[10:], b"end")
    stream = b"\r\nCONNECT\r\n" + head + body + ENDINGS[ending]

    events = parse(reader, stream, step)

    assert events[1] == ("data", head + body)
    assert events[-1] == ("line", b"+HTTPREAD: 0")
    assert reader.split(head + body)[1] == NASTY + b"end"


def test_chunk_extensions_and_trailer_fields_end_where_the_coding_says() -> None:
    reader = ResponseReader("", headers=True, expects_body=True)
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"3;name=v\r\nabc\r\n0\r\nChecksum: 1\r\n\r\n"

    events = parse(reader, b"\r\nCONNECT\r\n" + head + body + ENDINGS["no_ok"], 1)

    assert events[1] == ("data", head + body)
    assert reader.split(head + body)[1] == b"abc"


@pytest.mark.parametrize("ending", ["ok", "no_ok"])
def test_without_length_or_chunks_the_body_runs_to_the_result_line(ending: str) -> None:
    """A close-delimited body on the seed module; its OK lines stay in it."""
    reader = ResponseReader("", headers=False, expects_body=True)
    body = b"plain text\r\nOK\r\nmore text"

    events = parse(reader, b"\r\nCONNECT\r\n" + body + ENDINGS[ending], 1)

    assert events[-1] == ("line", b"+HTTPREAD: 0")
    assert reader.split(events[1][1]) == (None, body)


def test_a_module_known_to_end_without_ok_keeps_a_body_ending_in_ok() -> None:
    reader = ResponseReader("", headers=False, expects_body=True, ends_with_ok=False)
    body = b"status\r\nOK\r\n"

    events = parse(reader, b"\r\nCONNECT\r\n" + body + ENDINGS["no_ok"], 3)

    assert reader.split(events[1][1]) == (None, body)


def test_the_eg800k_log_of_a_chunked_page_read_without_headers() -> None:
    """The bytes an EG800K printed for AT+QHTTPREAD of a page without Content-Length."""
    read = load_sections("httpcfg_eg800k_get_chunked.txt")["READ"]
    stream = b"".join(piece for piece in read if isinstance(piece, bytes))
    reader = ResponseReader("Q", headers=False, expects_body=True)

    events = parse(reader, stream, 7)

    assert events[-1] == ("line", b"+QHTTPREAD: 0")
    assert reader.split(events[1][1]) == (None, b"<!doctype html><title>Example Domain</title>")


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
