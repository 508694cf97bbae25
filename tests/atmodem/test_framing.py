"""The byte-stream parser: the same events however the modem's output is split into reads."""

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.modem_http.atmodem.framing import (
    MAX_LINE_BYTES,
    AtStreamParser,
    DataSpec,
    UntilTerminator,
)


@dataclass
class Recorder:
    """Collects events; consecutive data pieces are merged so splits compare equal."""

    events: list[tuple[str, bytes]] = field(default_factory=list)

    def on_line(self, line: bytes) -> None:
        self.events.append(("line", line))

    def on_data(self, data: bytes, *, final: bool) -> None:
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))
        if final:
            self.events.append(("end", b""))

    def on_prompt(self) -> None:
        self.events.append(("prompt", b""))


def simcom_and_quectel_framing(line: bytes) -> DataSpec:
    if line.startswith(b"+HTTPREAD: DATA,"):
        return int(line.rsplit(b",", 1)[1])
    if line == b"CONNECT":
        return UntilTerminator(b"\r\nOK\r\n")
    return None


# Echo, blank lines, a URC in the middle, a SIMCom read whose body holds OK and +HTTPREAD lines,
# a Quectel CONNECT block of unknown length, CR-only endings, and a `>` prompt.
BODY = b"\r\nOK\r\n+HTTPREAD: 0\r\n\x00\xff"
assert len(BODY) == 22
STREAM = (
    b"AT+HTTPREAD=0,22\r\r\n"
    b"\r\nOK\r\n"
    b"\r\n+CEREG: 5\r\n"
    b"\r\n+HTTPREAD: DATA,22\r\n" + BODY + b"\r\n+HTTPREAD: 0\r\n"
    b"\r\nCONNECT\r\n<html>\x00</html>\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n"
    b"+CSQ: 20,99\rOK\r"
    b"\r\n> "
)
EXPECTED = [
    ("line", b"AT+HTTPREAD=0,22"),
    ("line", b"OK"),
    ("line", b"+CEREG: 5"),
    ("line", b"+HTTPREAD: DATA,22"),
    ("data", BODY),
    ("end", b""),
    ("line", b"+HTTPREAD: 0"),
    ("line", b"CONNECT"),
    ("data", b"<html>\x00</html>"),
    ("end", b""),
    ("line", b"OK"),
    ("line", b"+QHTTPREAD: 0"),
    ("line", b"+CSQ: 20,99"),
    ("line", b"OK"),
    ("prompt", b""),
]


def parse(pieces: list[bytes]) -> list[tuple[str, bytes]]:
    recorder = Recorder()
    parser = AtStreamParser(recorder, simcom_and_quectel_framing)
    parser.expect_prompt = True
    for piece in pieces:
        parser.feed(piece)
    return recorder.events


def test_the_whole_stream_in_one_read() -> None:
    assert parse([STREAM]) == EXPECTED


def test_every_single_split_point_parses_the_same() -> None:
    for cut in range(1, len(STREAM)):
        assert parse([STREAM[:cut], STREAM[cut:]]) == EXPECTED, f"split at byte {cut}"


def test_every_pair_of_split_points_parses_the_same() -> None:
    step = 3  # every third pair keeps the test fast while still crossing every boundary kind
    for first in range(1, len(STREAM), step):
        for second in range(first + 1, len(STREAM), step):
            pieces = [STREAM[:first], STREAM[first:second], STREAM[second:]]
            assert parse(pieces) == EXPECTED, f"split at {first} and {second}"


def test_one_byte_at_a_time() -> None:
    assert parse([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


def test_a_line_without_terminator_is_bounded() -> None:
    garbage = b"x" * (MAX_LINE_BYTES + 10)
    assert parse([garbage]) == [("line", garbage)]


@given(st.lists(st.binary(max_size=64), max_size=40))
@settings(max_examples=400, deadline=None)
def test_random_byte_streams_never_break_the_parser(pieces: list[bytes]) -> None:
    """Whatever a broken modem sends, the parser only emits events; data never exceeds input."""
    events = parse(pieces)
    emitted = sum(len(payload) for _, payload in events)
    assert emitted <= sum(len(piece) for piece in pieces)


@given(st.binary(min_size=1, max_size=2048), st.lists(st.integers(1, 2047), max_size=8))
@settings(max_examples=200, deadline=None)
def test_announced_data_comes_back_byte_for_byte_however_split(
    body: bytes, cuts: list[int]
) -> None:
    stream = f"\r\n+HTTPREAD: DATA,{len(body)}\r\n".encode() + body + b"\r\n+HTTPREAD: 0\r\n"
    points = sorted({c for c in cuts if c < len(stream)})
    pieces = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    events = parse(pieces)
    assert events[:3] == [
        ("line", f"+HTTPREAD: DATA,{len(body)}".encode()),
        ("data", body),
        ("end", b""),
    ]
    assert events[3:] == [("line", b"+HTTPREAD: 0")]
