"""The planner against a real-behaving server, cut anywhere: never two versions in one file.

Hypothesis draws a resource (versions, validators, range support), when it changes, where the
transfer is cut, the family and whether pieces are used; the server's answers come from the
emulator's RFC 9110 logic (`modem_emulator.resources.answer`). Whatever happens, the bytes kept
always come from one version and are that version's bytes from byte 0, a completed download is
exactly the version last served, and the attempt limit holds.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict

from custom_components.modem_http.atmodem.resume import (
    HTTPCFG_GETEX,
    HTTPCFG_RAW_REQUEST,
    SIMCOM_USERDATA,
    Complete,
    Continue,
    GiveUp,
    HeaderCarrier,
    PlannedRequest,
    ResponseFacts,
    Restart,
    ResumePlanner,
    Transfer,
)
from modem_emulator.resources import EtagKind, RangeSupport, Representation, answer, http_date

EPOCH = datetime(2026, 3, 1, tzinfo=UTC)
CUT_BEFORE_ANSWER = -1
"""A cut entry meaning: the line went before the response arrived."""


@dataclass
class Server:
    """A resource that changes version when a given request arrives."""

    versions: list[bytes]
    etag: EtagKind
    last_modified: bool
    strong_date: bool
    ranges: RangeSupport
    length_announced: bool
    changes: dict[int, int]
    current: int = 0
    requests: int = 0

    def respond(self, request: PlannedRequest) -> tuple[ResponseFacts, bytes, int]:
        self.requests += 1
        self.current = self.changes.get(self.requests, self.current)
        content = self.versions[self.current]
        tag = f'"v{self.current}"'
        modified = EPOCH + timedelta(hours=self.current)
        representation = Representation(
            content,
            {"strong": tag, "weak": f"W/{tag}", "none": None}[self.etag],
            modified if self.last_modified else None,
            self.length_announced,
        )
        headers = CIMultiDict(request.headers())
        reply = answer(representation, "GET", headers, ranges=self.ranges)
        date = modified + (timedelta(days=1) if self.strong_date else timedelta(seconds=30))
        sent = CIMultiDict(reply.headers)
        sent["Date"] = http_date(date)
        if not reply.chunked:
            sent["Content-Length"] = str(len(reply.body))
        return ResponseFacts.from_headers(reply.status, sent), reply.body, self.current


@dataclass
class File:
    """The temporary file: its bytes and, for each byte, the version it came from."""

    data: bytearray = field(default_factory=bytearray)
    origin: list[int] = field(default_factory=list)

    def truncate(self, size: int) -> None:
        del self.data[size:]
        del self.origin[size:]

    def append(self, data: bytes, version: int) -> None:
        self.data += data
        self.origin += [version] * len(data)


@st.composite
def servers(draw: st.DrawFn) -> Server:
    count = draw(st.integers(min_value=1, max_value=3))
    # Versions of one length are the hard case: only the validator tells them apart.
    size = draw(st.integers(min_value=0, max_value=400))
    same_length = st.binary(min_size=size, max_size=size)
    versions = [draw(st.one_of(same_length, st.binary(max_size=400))) for _ in range(count)]
    changes = draw(
        st.dictionaries(
            st.integers(min_value=2, max_value=8), st.integers(min_value=0, max_value=count - 1)
        )
    )
    return Server(
        versions,
        draw(st.sampled_from(["strong", "weak", "none"])),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.sampled_from(list(RangeSupport))),
        draw(st.booleans()),
        changes,
    )


CARRIERS = st.sampled_from([SIMCOM_USERDATA, HTTPCFG_RAW_REQUEST, HTTPCFG_GETEX])
CUTS = st.lists(
    st.one_of(st.none(), st.integers(min_value=CUT_BEFORE_ANSWER, max_value=450)), max_size=10
)


def download(
    planner: ResumePlanner, server: Server, cuts: list[int | None], *, streaming: bool
) -> tuple[Complete | GiveUp, File, int]:
    """Run the download; returns how it ended, the file, and the version last served."""
    transfer = planner.start()
    file = File()
    served = -1
    pending_cuts = list(cuts)
    for _step in range(5000):
        assert len(set(file.origin)) <= 1, "bytes of two versions in one file"
        assert len(file.data) == transfer.kept
        request = planner.next_request(transfer)
        if isinstance(request, Complete):
            return request, file, served
        if not planner.carrier.quotes:
            assert '"' not in (request.if_range or "")
        if not planner.carrier.headers:
            assert request.if_range is None
        cut = pending_cuts.pop(0) if pending_cuts else None
        if cut == CUT_BEFORE_ANSWER:
            after = planner.cut(transfer, transfer.kept)
            if isinstance(after, GiveUp):
                return after, file, served
            file.truncate(after.kept)
            transfer = after
            continue
        facts, body, served = server.respond(request)
        verdict = planner.judge(transfer, request, facts)
        match verdict:
            case GiveUp():
                return verdict, file, served
            case Restart(body_from_zero=False):
                file.truncate(0)
                transfer = verdict.transfer
                continue
            case Restart():
                file.truncate(0)
            case Continue():
                assert verdict.offset == len(file.data), "a continuation must append exactly"
        transfer = verdict.transfer
        start = len(file.data)
        if cut is not None and cut < len(body):
            if streaming:
                file.append(body[:cut], served)
            after = planner.cut(transfer, len(file.data))
        else:
            file.append(body, served)
            after = planner.body_ended(transfer, len(file.data))
        if isinstance(after, GiveUp):
            return after, file, served
        file.truncate(after.kept)
        assert after.kept <= start or after.reading is None
        transfer = after
    raise AssertionError("the download neither completed nor gave up")


@settings(max_examples=400, deadline=None)
@given(
    server=servers(),
    cuts=CUTS,
    carrier=CARRIERS,
    piece_size=st.one_of(st.none(), st.integers(min_value=1, max_value=300)),
    streaming=st.booleans(),
    max_resumes=st.integers(min_value=0, max_value=6),
)
def test_a_download_is_one_version_byte_for_byte_whatever_happens(
    server: Server,
    cuts: list[int | None],
    carrier: HeaderCarrier,
    piece_size: int | None,
    streaming: bool,
    max_resumes: int,
) -> None:
    planner = ResumePlanner(carrier, max_resumes=max_resumes, piece_size=piece_size)
    outcome, file, served = download(planner, server, cuts, streaming=streaming)
    if isinstance(outcome, Complete):
        assert bytes(file.data) == server.versions[served]
        assert set(file.origin) <= {served}
        assert outcome.size == len(file.data)
        assert outcome.resumes <= max_resumes
    else:
        assert outcome.transfer.resumes <= max_resumes + 1
        assert set(file.origin) <= {served}  # the partial data is never two versions either


@settings(max_examples=200, deadline=None)
@given(
    content=st.binary(min_size=1, max_size=400),
    etag=st.sampled_from(["strong", "none"]),
    cuts=st.lists(st.integers(min_value=0, max_value=399), max_size=4),
    carrier=CARRIERS,
    piece_size=st.one_of(st.none(), st.integers(min_value=50, max_value=300)),
)
def test_an_unchanging_resource_on_a_range_server_always_completes_within_the_limit(
    content: bytes,
    etag: EtagKind,
    cuts: list[int],
    carrier: HeaderCarrier,
    piece_size: int | None,
) -> None:
    # A strong validator of some kind: a strong ETag, or (with none) a strong Last-Modified.
    server = Server([content], etag, True, True, RangeSupport.BYTES, True, {})
    planner = ResumePlanner(carrier, max_resumes=4, piece_size=piece_size)
    outcome, file, _served = download(planner, server, list(cuts), streaming=True)
    assert isinstance(outcome, Complete)
    assert bytes(file.data) == content


def test_a_transfer_starts_empty() -> None:
    assert ResumePlanner(SIMCOM_USERDATA).start() == Transfer()
