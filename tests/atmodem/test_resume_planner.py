"""Stories of a download cut and resumed: what the planner asks for next and what it makes of it.

Each story is a download of a 3000-byte file through one family, cut somewhere, and the answers a
real server gives to the resumed request.
"""

import pytest

from custom_components.modem_http.atmodem.resume import (
    HTTPCFG_GETEX,
    HTTPCFG_RAW_REQUEST,
    SIMCOM_USERDATA,
    Complete,
    ContentRange,
    Continue,
    EntityTag,
    GiveUp,
    GiveUpReason,
    PlannedRequest,
    ResponseFacts,
    Restart,
    RestartReason,
    ResumePlanner,
    Transfer,
)

ETAG = '"v1-3000"'
OTHER_ETAG = '"v2-2000"'
MODIFIED = "Sun, 01 Mar 2026 12:00:00 GMT"
LATER = "Sun, 01 Mar 2026 13:00:00 GMT"
DATE = "Mon, 02 Mar 2026 12:00:00 GMT"
TOTAL = 3000


def whole(
    *,
    etag: str | None = ETAG,
    modified: str | None = MODIFIED,
    length: int | None = TOTAL,
    date: str = DATE,
    accept_ranges: str | None = "bytes",
) -> ResponseFacts:
    headers = {"Date": date}
    if etag is not None:
        headers["ETag"] = etag
    if modified is not None:
        headers["Last-Modified"] = modified
    if accept_ranges is not None:
        headers["Accept-Ranges"] = accept_ranges
    if length is not None:
        headers["Content-Length"] = str(length)
    return ResponseFacts.from_headers(200, headers)


def part(
    first: int,
    last: int,
    total: int | str = TOTAL,
    *,
    etag: str | None = ETAG,
    modified: str | None = MODIFIED,
) -> ResponseFacts:
    headers = {
        "date": DATE,
        "content-range": f"bytes {first}-{last}/{total}",
        "content-length": str(last - first + 1),
    }
    if etag is not None:
        headers["etag"] = etag
    if modified is not None:
        headers["last-modified"] = modified
    return ResponseFacts.from_headers(206, headers)


def first_download(planner: ResumePlanner, response: ResponseFacts) -> Transfer:
    """The first request (whole), its response accepted, its body being read."""
    request = planner.next_request(planner.start())
    assert request == PlannedRequest()
    verdict = planner.judge(planner.start(), request, response)
    assert isinstance(verdict, Continue)
    assert (verdict.offset, verdict.length) == (0, response.body_length)
    return verdict.transfer


def cut_at(planner: ResumePlanner, transfer: Transfer, kept: int) -> Transfer:
    after = planner.cut(transfer, kept)
    assert isinstance(after, Transfer)
    return after


def ranged(planner: ResumePlanner, transfer: Transfer) -> PlannedRequest:
    request = planner.next_request(transfer)
    assert isinstance(request, PlannedRequest)
    return request


# --- which proof each family sends --------------------------------------------------------------


def test_simcom_with_a_strong_etag_sends_no_if_range_and_checks_the_206() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    assert (transfer.kept, transfer.total) == (1200, TOTAL)  # what a progress bar shows
    request = ranged(planner, transfer)
    # The ETag is quoted and USERDATA cannot carry a quote; the RFC forbids the date instead.
    assert request.headers() == (("Range", "bytes=1200-"),)
    assert request.byte_range == (1200, None)
    verdict = planner.judge(transfer, request, part(1200, 2999))
    assert isinstance(verdict, Continue)
    assert (verdict.offset, verdict.length) == (1200, 1800)
    done = planner.body_ended(verdict.transfer, TOTAL)
    assert isinstance(done, Transfer)
    assert planner.next_request(done) == Complete(TOTAL, resumes=1)


def test_simcom_with_only_last_modified_sends_it_as_if_range() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = cut_at(planner, first_download(planner, whole(etag=None)), 1200)
    assert ranged(planner, transfer).headers() == (
        ("Range", "bytes=1200-"),
        ("If-Range", MODIFIED),
    )


def test_a_weak_etag_keeps_the_date_out_of_if_range_and_the_206_is_checked_by_date() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole(etag='W/"v1"')), 1200)
    request = ranged(planner, transfer)
    assert request.headers() == (("Range", "bytes=1200-"),)  # RFC 9110 13.1.5
    moved = planner.judge(transfer, request, part(1200, 2999, etag='W/"v1"', modified=LATER))
    assert isinstance(moved, Restart)
    assert moved.reason is RestartReason.CHANGED


def test_httpcfg_raw_request_sends_the_strong_etag_as_if_range() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    assert ranged(planner, transfer).headers() == (("Range", "bytes=1200-"), ("If-Range", ETAG))


def test_httpcfg_getex_sends_nothing_but_the_range() -> None:
    planner = ResumePlanner(HTTPCFG_GETEX)
    transfer = cut_at(planner, first_download(planner, whole(etag=None)), 1200)
    request = ranged(planner, transfer)
    assert request.headers() == (("Range", "bytes=1200-"),)
    assert request.if_range is None


def test_a_last_modified_within_a_minute_of_the_date_proves_nothing() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    fresh = whole(etag=None, date="Sun, 01 Mar 2026 12:00:59 GMT")
    transfer = cut_at(planner, first_download(planner, fresh), 1200)
    assert planner.next_request(transfer) == PlannedRequest()  # whole again: no range without proof


# --- the answers to a resumed request ----------------------------------------------------------


def test_if_range_answered_200_means_a_new_version_whose_body_starts_over() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    request = ranged(planner, transfer)
    verdict = planner.judge(transfer, request, whole(etag=OTHER_ETAG, length=2000))
    assert isinstance(verdict, Restart)
    assert (verdict.reason, verdict.body_from_zero, verdict.length) == (
        RestartReason.CHANGED,
        True,
        2000,
    )
    assert verdict.transfer.kept == 0
    done = planner.body_ended(verdict.transfer, 2000)
    assert isinstance(done, Transfer)
    assert planner.next_request(done) == Complete(2000, resumes=1)


@pytest.mark.parametrize(
    "answer",
    [
        part(1200, 2999, etag=OTHER_ETAG),
        part(1200, 1999, total=2000),  # same ETag, another length: a server that reuses tags
        part(1200, 2999, total="*"),
        part(1200, 2999, etag=None),  # nothing proves it without If-Range
    ],
    ids=["other-etag", "other-length", "unknown-length", "no-etag"],
)
def test_a_206_that_does_not_prove_the_version_throws_the_kept_bytes_away(
    answer: ResponseFacts,
) -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    verdict = planner.judge(transfer, ranged(planner, transfer), answer)
    assert isinstance(verdict, Restart)
    assert (verdict.reason, verdict.body_from_zero) == (RestartReason.CHANGED, False)
    assert (verdict.transfer.kept, verdict.transfer.version) == (0, None)
    assert planner.next_request(verdict.transfer) == PlannedRequest()  # from byte 0, whole


def test_a_206_without_etag_is_trusted_when_the_server_checked_if_range() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    verdict = planner.judge(transfer, ranged(planner, transfer), part(1200, 2999, etag=None))
    assert isinstance(verdict, Continue)


def test_416_after_a_cut_means_the_resource_shrank() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole()), 2500)
    request = ranged(planner, transfer)
    answer = ResponseFacts.from_headers(416, {"Content-Range": "bytes */2000"})
    verdict = planner.judge(transfer, request, answer)
    assert isinstance(verdict, Restart)
    assert (verdict.reason, verdict.body_from_zero) == (RestartReason.UNSATISFIABLE, False)
    assert planner.next_request(verdict.transfer) == PlannedRequest()


@pytest.mark.parametrize(
    "answer",
    [
        part(1000, 2999),  # another start
        part(1200, 2999, total=2500),  # impossible: last byte past the end
        ResponseFacts.from_headers(
            206, {"Content-Range": "bytes 1200-2999/3000", "ETag": ETAG}, body_length=5
        ),
        ResponseFacts.from_headers(206, {"ETag": ETAG}),
    ],
    ids=["other-start", "past-the-end", "body-length", "no-content-range"],
)
def test_a_206_for_another_part_restarts_and_ranges_are_not_used_again(
    answer: ResponseFacts,
) -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    verdict = planner.judge(transfer, ranged(planner, transfer), answer)
    assert isinstance(verdict, Restart)
    assert verdict.reason is RestartReason.WRONG_RANGE
    assert not verdict.transfer.ranged


def test_a_server_that_ignores_ranges_gets_one_whole_download_more() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = cut_at(planner, first_download(planner, whole(accept_ranges=None)), 1200)
    verdict = planner.judge(transfer, ranged(planner, transfer), whole(accept_ranges=None))
    assert isinstance(verdict, Restart)
    assert (verdict.reason, verdict.body_from_zero) == (RestartReason.RANGE_IGNORED, True)
    again = planner.cut(verdict.transfer, 2000)
    assert isinstance(again, GiveUp)
    assert again.reason is GiveUpReason.NO_RANGE_SUPPORT


def test_accept_ranges_none_downloads_whole_again_once() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole(accept_ranges="none")), 1200)
    assert transfer.kept == 0
    request = planner.next_request(transfer)
    assert request == PlannedRequest()
    verdict = planner.judge(transfer, request, whole(accept_ranges="none"))
    assert isinstance(verdict, Restart)
    assert (verdict.reason, verdict.body_from_zero) == (RestartReason.WHOLE_AGAIN, True)
    again = planner.cut(verdict.transfer, 100)
    assert isinstance(again, GiveUp)
    assert again.reason is GiveUpReason.NO_RANGE_SUPPORT
    assert again.transfer.resumes == 2


def test_a_resource_without_validators_is_downloaded_whole_again_once() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole(etag=None, modified=None)), 1200)
    assert (transfer.kept, transfer.whole_retries) == (0, 1)
    request = planner.next_request(transfer)
    assert request == PlannedRequest()
    verdict = planner.judge(transfer, request, whole(etag=None, modified=None))
    assert isinstance(verdict, Restart)
    again = planner.cut(verdict.transfer, 1500)
    assert isinstance(again, GiveUp)
    assert again.reason is GiveUpReason.UNVERIFIABLE


def test_the_attempt_limit_ends_the_download() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, max_resumes=2)
    transfer = cut_at(planner, first_download(planner, whole()), 500)
    for kept in (1000, 1500):
        request = ranged(planner, transfer)
        verdict = planner.judge(transfer, request, part(transfer.kept, 2999))
        assert isinstance(verdict, Continue)
        after = planner.cut(verdict.transfer, kept)
        if kept == 1500:
            assert isinstance(after, GiveUp)
            assert (after.reason, after.transfer.resumes) == (GiveUpReason.ATTEMPTS_EXHAUSTED, 3)
            assert after.transfer.kept == 1500
        else:
            assert isinstance(after, Transfer)
            transfer = after


@pytest.mark.parametrize("status", [404, 500, 304])
def test_another_status_on_a_resumed_request_gives_up_with_it(status: int) -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole()), 1200)
    verdict = planner.judge(transfer, ranged(planner, transfer), ResponseFacts(status))
    assert isinstance(verdict, GiveUp)
    assert (verdict.reason, verdict.status) == (GiveUpReason.UNEXPECTED_STATUS, status)


def test_a_206_or_416_to_a_request_without_range_gives_up() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    request = planner.next_request(planner.start())
    assert isinstance(request, PlannedRequest)
    for answer in (part(0, 2999), ResponseFacts(416)):
        verdict = planner.judge(planner.start(), request, answer)
        assert isinstance(verdict, GiveUp)
        assert verdict.reason is GiveUpReason.UNEXPECTED_STATUS


def test_the_first_response_failing_gives_up_with_its_status() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    verdict = planner.judge(planner.start(), PlannedRequest(), ResponseFacts(404))
    assert isinstance(verdict, GiveUp)
    assert verdict.status == 404


# --- how cuts and body ends count ---------------------------------------------------------------


def test_a_cut_before_any_response_asks_again_from_scratch() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = cut_at(planner, planner.start(), 0)
    assert transfer.resumes == 1
    assert planner.next_request(transfer) == PlannedRequest()
    with pytest.raises(ValueError, match="before any response"):
        planner.cut(planner.start(), 10)


def test_a_cut_after_the_last_byte_is_complete_without_another_request() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = cut_at(planner, first_download(planner, whole()), TOTAL)
    assert planner.next_request(transfer) == Complete(TOTAL, resumes=0)


def test_a_body_that_ends_short_is_a_cut() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    after = planner.body_ended(first_download(planner, whole()), 1700)
    assert isinstance(after, Transfer)
    assert (after.kept, after.resumes) == (1700, 1)
    assert ranged(planner, after).range_header == "bytes=1700-"


def test_a_body_of_unannounced_length_ends_the_download_where_it_ends() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = first_download(planner, whole(length=None))
    done = planner.body_ended(transfer, 4321)
    assert isinstance(done, Transfer)
    assert planner.next_request(done) == Complete(4321, resumes=0)


def test_a_206_teaches_the_length_a_chunked_first_response_did_not_say() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST)
    transfer = cut_at(planner, first_download(planner, whole(length=None)), 1000)
    verdict = planner.judge(transfer, ranged(planner, transfer), part(1000, 2999))
    assert isinstance(verdict, Continue)
    assert verdict.transfer.version is not None
    assert verdict.transfer.version.complete_length == TOTAL
    short = planner.body_ended(verdict.transfer, 2500)  # less than the 206 announced: a cut
    assert isinstance(short, Transfer)
    assert ranged(planner, short).range_header == "bytes=2500-"


def test_kept_bytes_must_make_sense() -> None:
    planner = ResumePlanner(SIMCOM_USERDATA)
    transfer = first_download(planner, whole())
    with pytest.raises(ValueError, match="negative"):
        planner.cut(transfer, -1)
    with pytest.raises(ValueError, match="more bytes kept than the resource has"):
        planner.cut(transfer, TOTAL + 1)
    with pytest.raises(ValueError, match="still being read"):
        planner.next_request(transfer)
    with pytest.raises(ValueError, match="no request is outstanding"):
        planner.judge(transfer, PlannedRequest(), whole())
    with pytest.raises(ValueError, match="no body is being read"):
        planner.body_ended(planner.start(), 0)


@pytest.mark.parametrize(
    ("max_resumes", "piece_size", "message"),
    [(-1, None, "max_resumes cannot be negative"), (3, 0, "piece_size must be at least one byte")],
)
def test_the_planner_refuses_impossible_limits(
    max_resumes: int, piece_size: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ResumePlanner(SIMCOM_USERDATA, max_resumes=max_resumes, piece_size=piece_size)


# --- pieces (a read that hands the body over only at its end) ------------------------------------


def test_pieces_ask_for_closed_ranges_pinned_after_the_first() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, piece_size=1024)
    transfer = planner.start()
    seen: list[tuple[tuple[str, str], ...]] = []
    while not isinstance(request := planner.next_request(transfer), Complete):
        seen.append(request.headers())
        assert request.first is not None
        last = TOTAL - 1 if request.last is None else request.last
        verdict = planner.judge(transfer, request, part(request.first, last))
        assert isinstance(verdict, Continue)
        after = planner.body_ended(verdict.transfer, last + 1)
        assert isinstance(after, Transfer)
        transfer = after
    assert seen == [
        (("Range", "bytes=0-1023"),),
        (("Range", "bytes=1024-2047"), ("If-Range", ETAG)),
        (("Range", "bytes=2048-"), ("If-Range", ETAG)),  # the last piece: to the end
    ]
    assert request == Complete(TOTAL, resumes=0)


def test_a_cut_piece_is_asked_for_again_and_nothing_before_it_is_lost() -> None:
    planner = ResumePlanner(HTTPCFG_GETEX, piece_size=1000)
    request = ranged(planner, planner.start())
    verdict = planner.judge(planner.start(), request, part(0, 999))
    assert isinstance(verdict, Continue)
    transfer = planner.body_ended(verdict.transfer, 1000)
    assert isinstance(transfer, Transfer)
    request = ranged(planner, transfer)
    verdict = planner.judge(transfer, request, part(1000, 1999))
    assert isinstance(verdict, Continue)
    transfer = cut_at(planner, verdict.transfer, 1000)  # the piece's read never completed
    assert ranged(planner, transfer).byte_range == (1000, 1999)


def test_the_first_piece_answered_whole_is_the_download() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, piece_size=1024)
    request = ranged(planner, planner.start())
    verdict = planner.judge(planner.start(), request, whole(accept_ranges=None, length=None))
    assert isinstance(verdict, Continue)
    assert not verdict.transfer.ranged
    done = planner.body_ended(verdict.transfer, 5000)
    assert isinstance(done, Transfer)
    assert planner.next_request(done) == Complete(5000, resumes=0)


def test_a_first_piece_without_validators_is_thrown_away_for_a_whole_download() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, piece_size=1024)
    request = ranged(planner, planner.start())
    verdict = planner.judge(planner.start(), request, part(0, 1023, etag=None, modified=None))
    assert isinstance(verdict, Restart)
    assert (verdict.reason, verdict.body_from_zero) == (RestartReason.UNVERIFIABLE, False)
    assert planner.next_request(verdict.transfer) == PlannedRequest()


def test_a_single_piece_needs_no_validator() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, piece_size=4096)
    request = ranged(planner, planner.start())
    verdict = planner.judge(planner.start(), request, part(0, 2999, etag=None, modified=None))
    assert isinstance(verdict, Continue)


def test_an_empty_resource_in_pieces_is_complete_at_once() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, piece_size=1024)
    request = ranged(planner, planner.start())
    answer = ResponseFacts.from_headers(416, {"Content-Range": "bytes */0"})
    verdict = planner.judge(planner.start(), request, answer)
    assert isinstance(verdict, Continue)
    assert verdict.length == 0
    done = planner.body_ended(verdict.transfer, 0)
    assert isinstance(done, Transfer)
    assert planner.next_request(done) == Complete(0, resumes=0)


def test_pieces_of_unknown_total_end_with_a_short_piece() -> None:
    planner = ResumePlanner(HTTPCFG_RAW_REQUEST, piece_size=1000)
    transfer = planner.start()
    for first, last in ((0, 999), (1000, 1499)):
        request = ranged(planner, transfer)
        assert request.byte_range == (first, first + 999)
        verdict = planner.judge(transfer, request, part(first, last, total="*"))
        assert isinstance(verdict, Continue)
        after = planner.body_ended(verdict.transfer, last + 1)
        assert isinstance(after, Transfer)
        transfer = after
    assert planner.next_request(transfer) == Complete(1500, resumes=0)


# --- the vocabulary -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ('"abc"', EntityTag('"abc"')),
        ('W/"abc"', EntityTag('"abc"', weak=True)),
        ('  ""  ', EntityTag('""')),
        ("abc", None),
        ('"a"b"', None),
        ('w/"abc"', None),
        (None, None),
    ],
)
def test_entity_tags_parse_as_rfc_9110_writes_them(
    value: str | None, parsed: EntityTag | None
) -> None:
    assert EntityTag.parse(value) == parsed


def test_strong_comparison_needs_two_strong_tags() -> None:
    strong, weak = EntityTag('"a"'), EntityTag('"a"', weak=True)
    assert strong.strongly_equals(EntityTag('"a"'))
    assert not strong.strongly_equals(weak)
    assert not weak.strongly_equals(weak)
    assert not strong.strongly_equals(None)
    assert str(weak) == 'W/"a"'


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes 0-99/3000", ContentRange(0, 99, 3000)),
        ("bytes 100-199/*", ContentRange(100, 199, None)),
        ("BYTES 5-5/6", ContentRange(5, 5, 6)),
        ("bytes 10-9/3000", None),
        ("bytes 0-3000/3000", None),
        ("bytes */3000", None),
        ("items 0-1/2", None),
        (None, None),
    ],
)
def test_content_range_parses_only_a_possible_part(
    value: str | None, parsed: ContentRange | None
) -> None:
    assert ContentRange.parse(value) == parsed


def test_response_facts_read_any_spelling_and_prefer_the_modems_length() -> None:
    facts = ResponseFacts.from_headers(
        206, {"CONTENT-LENGTH": "10", "etag": ETAG, "Content-Range": "bytes 0-9/20"}
    )
    assert (facts.body_length, facts.etag, facts.content_range) == (10, ETAG, "bytes 0-9/20")
    assert ResponseFacts.from_headers(200, {"Content-Length": "x"}).body_length is None
    assert ResponseFacts.from_headers(200, {"Content-Length": "10"}, body_length=7).body_length == 7


def test_planned_request_forms() -> None:
    assert PlannedRequest().headers() == ()
    assert PlannedRequest().byte_range is None
    closed = PlannedRequest(100, 199, '"x"')
    assert closed.range_header == "bytes=100-199"
    assert closed.headers() == (("Range", "bytes=100-199"), ("If-Range", '"x"'))
