"""Stories of the resource server a resumed download talks to: ranges, validators, changes."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from modem_emulator.resources import (
    RangeSupport,
    Representation,
    ResourceServer,
    answer,
    http_date,
    if_range_matches,
)
from scripts.echo_server import expected_file_bytes, make_app

CONTENT = bytes(range(256)) * 4  # 1024 bytes
MODIFIED = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
STRONG = Representation(CONTENT, '"v1-abc"', MODIFIED)


def test_a_plain_get_is_the_whole_representation_with_its_validators() -> None:
    reply = answer(STRONG, "GET", CIMultiDict())
    assert reply.status == 200
    assert reply.body == CONTENT
    assert reply.header("ETag") == '"v1-abc"'
    assert reply.header("Last-Modified") == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert reply.header("Accept-Ranges") == "bytes"
    assert reply.header("Content-Range") is None


@pytest.mark.parametrize(
    ("range_value", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 1023),
        ("bytes=1000-5000", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=-5000", 0, 1023),
        ("BYTES=5-5", 5, 5),
    ],
)
def test_one_byte_range_is_a_206_with_its_content_range(
    range_value: str, first: int, last: int
) -> None:
    reply = answer(STRONG, "GET", CIMultiDict({"Range": range_value}))
    assert reply.status == 206
    assert reply.body == CONTENT[first : last + 1]
    assert reply.header("Content-Range") == f"bytes {first}-{last}/1024"
    assert reply.header("ETag") == '"v1-abc"'  # RFC 9110 15.3.7: a 206 carries the ETag
    assert reply.header("Last-Modified") == "Sun, 01 Mar 2026 12:00:00 GMT"


@pytest.mark.parametrize("range_value", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_416_with_the_length(range_value: str) -> None:
    reply = answer(STRONG, "GET", CIMultiDict({"Range": range_value}))
    assert (reply.status, reply.body) == (416, b"")
    assert reply.header("Content-Range") == "bytes */1024"


def test_any_range_of_an_empty_representation_is_416() -> None:
    reply = answer(Representation(b"", '"e"'), "GET", CIMultiDict({"Range": "bytes=0-"}))
    assert (reply.status, reply.header("Content-Range")) == (416, "bytes */0")


@pytest.mark.parametrize(
    "range_value", ["bytes=9-3", "bytes=0-1,5-6", "items=0-1", "bytes=", "bytes=a-b", "0-10"]
)
def test_an_invalid_or_multiple_range_is_ignored(range_value: str) -> None:
    reply = answer(STRONG, "GET", CIMultiDict({"Range": range_value}))
    assert (reply.status, reply.body) == (200, CONTENT)


@pytest.mark.parametrize(
    ("if_range", "served"),
    [
        ('"v1-abc"', 206),
        ('"v0-old"', 200),
        ('W/"v1-abc"', 200),  # a weak entity-tag never passes the strong comparison
        ("Sun, 01 Mar 2026 12:00:00 GMT", 206),
        ("Sun, 01 Mar 2026 12:00:01 GMT", 200),
        ("Sunday, 01-Mar-26 12:00:00 GMT", 206),  # RFC 850 form: 5.6.7 says recipients take it
        ("yesterday", 200),
    ],
)
def test_if_range_lets_the_range_through_only_when_it_matches(if_range: str, served: int) -> None:
    reply = answer(STRONG, "GET", CIMultiDict({"Range": "bytes=100-", "If-Range": if_range}))
    assert reply.status == served
    assert reply.body == (CONTENT[100:] if served == 206 else CONTENT)


def test_a_weak_etag_never_matches_even_itself() -> None:
    weak = Representation(CONTENT, 'W/"v1-abc"', None)
    assert not if_range_matches('W/"v1-abc"', weak)
    assert not if_range_matches('"v1-abc"', weak)


def test_a_failing_if_range_wins_over_an_unsatisfiable_range() -> None:
    reply = answer(STRONG, "GET", CIMultiDict({"Range": "bytes=9999-", "If-Range": '"v0"'}))
    assert (reply.status, reply.body) == (200, CONTENT)


def test_if_range_without_range_is_ignored() -> None:
    reply = answer(STRONG, "GET", CIMultiDict({"If-Range": '"v0-old"'}))
    assert (reply.status, reply.body) == (200, CONTENT)


@pytest.mark.parametrize("support", [RangeSupport.IGNORED, RangeSupport.DECLARED_NONE])
def test_a_server_without_range_support_always_sends_everything(support: RangeSupport) -> None:
    reply = answer(
        STRONG, "GET", CIMultiDict({"Range": "bytes=100-", "If-Range": '"v1-abc"'}), ranges=support
    )
    assert (reply.status, reply.body) == (200, CONTENT)
    expected = None if support is RangeSupport.IGNORED else "none"
    assert reply.header("Accept-Ranges") == expected


def test_head_has_the_headers_and_no_body_and_ignores_range() -> None:
    reply = answer(STRONG, "HEAD", CIMultiDict({"Range": "bytes=0-9"}))
    assert (reply.status, reply.body, reply.header("ETag")) == (200, b"", '"v1-abc"')


def test_other_methods_are_refused() -> None:
    assert answer(STRONG, "POST", CIMultiDict()).status == 405


def test_http_date_is_the_imf_fixdate() -> None:
    assert http_date(datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)) == (
        "Sun, 06 Nov 1994 08:49:37 GMT"
    )


@given(
    content=st.binary(min_size=1, max_size=300),
    first=st.integers(min_value=0, max_value=400),
    extra=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_every_satisfiable_range_is_exactly_the_slice_it_names(
    content: bytes, first: int, extra: int | None
) -> None:
    value = f"bytes={first}-" + ("" if extra is None else str(first + extra))
    reply = answer(Representation(content, '"t"'), "GET", CIMultiDict({"Range": value}))
    if first >= len(content):
        assert (reply.status, reply.header("Content-Range")) == (416, f"bytes */{len(content)}")
        return
    last = len(content) - 1 if extra is None else min(first + extra, len(content) - 1)
    assert reply.status == 206
    assert reply.body == content[first : last + 1]
    assert reply.header("Content-Range") == f"bytes {first}-{last}/{len(content)}"


# --- the server, over a real socket ------------------------------------------------------------


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[ResourceServer]:
    async with ResourceServer() as served:
        yield served


async def fetch(url: str, **headers: str) -> tuple[int, CIMultiDict[str], bytes]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, CIMultiDict(response.headers), await response.read()


async def test_the_server_counts_what_each_request_fetched(server: ResourceServer) -> None:
    item = server.add("/big.bin", CONTENT)
    await server.start()
    status, headers, body = await fetch(server.url("/big.bin"))
    assert (status, body) == (200, CONTENT)
    etag = headers["ETag"]
    assert etag.startswith('"v1-')
    status, headers, body = await fetch(
        server.url("/big.bin"), Range="bytes=1000-", **{"If-Range": etag}
    )
    assert (status, body, headers["Content-Range"]) == (206, CONTENT[1000:], "bytes 1000-1023/1024")
    assert [(r.status, r.range, r.if_range, r.body_bytes) for r in item.requests] == [
        (200, None, None, 1024),
        (206, "bytes=1000-", etag, 24),
    ]
    assert item.bytes_served == 1048


async def test_a_changed_resource_gets_a_new_length_and_validators(
    server: ResourceServer,
) -> None:
    item = server.add("/doc", b"first version")
    await server.start()
    _, before, _ = await fetch(server.url("/doc"))
    item.replace(b"the second, longer version")
    status, after, body = await fetch(
        server.url("/doc"), Range="bytes=5-", **{"If-Range": before["ETag"]}
    )
    assert (status, body) == (200, b"the second, longer version")
    assert after["ETag"] != before["ETag"]
    assert after["Content-Length"] == "26"
    later = datetime.strptime(after["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
    earlier = datetime.strptime(before["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
    assert later > earlier
    status, _, _ = await fetch(
        server.url("/doc"), Range="bytes=5-", **{"If-Range": before["Last-Modified"]}
    )
    assert status == 200  # the old date no longer matches either


async def test_a_change_can_wait_for_a_given_request(server: ResourceServer) -> None:
    item = server.add("/doc", b"A" * 100)
    item.replace_on_request(2, b"B" * 50)
    await server.start()
    assert (await fetch(server.url("/doc")))[2] == b"A" * 100
    status, _, body = await fetch(server.url("/doc"), Range="bytes=60-")
    assert (status, body) == (416, b"")  # the new version is only 50 bytes long
    assert item.requests[-1].status == 416
    assert item.version == 2
    with pytest.raises(ValueError, match="answered already"):
        item.replace_on_request(1, b"C")


async def test_weak_etag_and_no_last_modified(server: ResourceServer) -> None:
    server.add("/weak", CONTENT, etag="weak", last_modified=False)
    server.add("/bare", CONTENT, etag="none", last_modified=False)
    await server.start()
    _, weak, _ = await fetch(server.url("/weak"))
    assert weak["ETag"].startswith('W/"v1-')
    assert "Last-Modified" not in weak
    _, bare, _ = await fetch(server.url("/bare"))
    assert "ETag" not in bare
    assert "Last-Modified" not in bare


async def test_a_server_without_ranges_answers_200_and_says_nothing(
    server: ResourceServer,
) -> None:
    item = server.add("/plain", CONTENT, ranges=RangeSupport.IGNORED)
    await server.start()
    status, headers, body = await fetch(server.url("/plain"), Range="bytes=10-")
    assert (status, body) == (200, CONTENT)
    assert "Accept-Ranges" not in headers
    assert item.requests[-1].range == "bytes=10-"


async def test_a_resource_of_unannounced_length_is_chunked_but_its_ranges_are_not(
    server: ResourceServer,
) -> None:
    server.add("/stream", CONTENT, length_announced=False)
    await server.start()
    _, headers, body = await fetch(server.url("/stream"))
    assert (headers.get("Transfer-Encoding"), "Content-Length" in headers, body) == (
        "chunked",
        False,
        CONTENT,
    )
    _, headers, body = await fetch(server.url("/stream"), Range="bytes=1020-")
    assert (headers["Content-Length"], headers["Content-Range"], body) == (
        "4",
        "bytes 1020-1023/1024",
        CONTENT[1020:],
    )


async def test_an_unknown_path_is_404(server: ResourceServer) -> None:
    await server.start()
    assert (await fetch(server.url("/nothing")))[0] == 404


async def test_the_echo_servers_files_resume_like_the_resource_server(
    socket_enabled: None, aiohttp_server: Any
) -> None:
    served = await aiohttp_server(make_app(), host="127.0.0.1")
    url = f"http://127.0.0.1:{served.port}/files/blob.bin?size=5000"
    status, headers, body = await fetch(url)
    assert (status, body) == (200, expected_file_bytes("blob.bin", 5000))
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, _, tail = await fetch(url, Range="bytes=4000-", **{"If-Range": etag})
    assert (status, tail) == (206, body[4000:])
    status, _, tail = await fetch(url, Range="bytes=4000-", **{"If-Range": modified})
    assert status == 206
    status, changed, other = await fetch(
        url + "&version=2", Range="bytes=4000-", **{"If-Range": etag}
    )
    assert (status, len(other)) == (200, 5000)
    assert other != body
    assert changed["ETag"] != etag
    status, plain, _ = await fetch(url + "&ranges=ignored", Range="bytes=4000-")
    assert status == 200
    assert "Accept-Ranges" not in plain
