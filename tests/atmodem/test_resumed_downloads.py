"""Stories of a long download cut and resumed through each family, end to end.

A user's firmware download runs over a flaky line: the link is pulled, the network drops the
data connection, the module restarts, or it goes quiet. Each time the library keeps what came
through, asks the server for the rest with a ranged request that proves it wants the same
version, and the file ends byte for byte the server's. A resource that changed in between is
started again from zero, never spliced; a server without ranges gets one whole download more;
past the attempt limit the download gives up.
"""

import pytest

from custom_components.modem_http.atmodem import (
    DownloadGaveUpError,
    ModemDisconnectedError,
    RequestRejected,
    UnsupportedOperation,
)
from custom_components.modem_http.atmodem.download import ROLLBACK
from custom_components.modem_http.atmodem.progress import Direction, TransferProgress
from modem_emulator.faults import ReadCut
from modem_emulator.resources import RangeSupport

from .resume_fixtures import (
    FAMILIES,
    QUICK_STALL,
    QUOTES_IN_USERDATA_REFUSED,
    Cut,
    MemoryTarget,
    content,
    cuts_of,
    resume_rig,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

SIZE = 70_000
"""More than two SIMCom reads (32 KiB each) and more than one streamed piece (64 KiB)."""
CUT_POINTS = (1, 32_768, 50_001, SIZE - 1)
"""The first byte, a read boundary, the middle of a read, the last byte."""
FIRMWARE = content(SIZE)
NEW_FIRMWARE = content(SIZE - 5_000, seed=11)


@pytest.fixture(autouse=True)
def quick_stall(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that stops is noticed in a third of a second (5 s on real lines)."""
    monkeypatch.setattr("custom_components.modem_http.atmodem.download.READ_STALL", QUICK_STALL)


@pytest.mark.parametrize("at", CUT_POINTS)
@pytest.mark.parametrize(
    ("dialect", "kind"), [(dialect, kind) for dialect in FAMILIES for kind in cuts_of(dialect)]
)
async def test_a_download_cut_anywhere_finishes_byte_for_byte(
    dialect: str, kind: ReadCut, at: int
) -> None:
    """One cut, one resumed request for the rest (If-Range or the 206's own ETag), exact file."""
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        rig.cut_each_request(Cut(at, kind))
        target = MemoryTarget()

        response = await rig.modem.download(rig.url, target, timeout=30)

        assert bytes(target.data) == FIRMWARE
        assert response.status == 200
        assert response.content_length == SIZE
        assert response.resumes == 1
        # What came through was kept, less the tail a cut read cannot vouch for (a restart's
        # boot lines or a lost bearer's may have been counted as body); the rest was asked for.
        first, (asked, _if_range, status) = rig.served
        assert first == (None, None, 200)
        if at <= ROLLBACK:
            assert (asked, status) == (None, 200)
        else:
            assert asked is not None
            assert status == 206
            start = int(asked.removeprefix("bytes=").removesuffix("-"))
            assert at - ROLLBACK <= start <= at


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_cuts_of_every_kind_still_end_in_the_exact_file(dialect: str) -> None:
    """One cut after another, each way the family's reads can be cut, each a little earlier."""
    kinds = cuts_of(dialect)
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        rig.cut_each_request(*(Cut(20_000 - 5_000 * i, kind) for i, kind in enumerate(kinds)))
        target = MemoryTarget()
        progress = TransferProgress(Direction.DOWNLOAD)

        response = await rig.modem.download(rig.url, target, timeout=60, progress=progress)

        assert bytes(target.data) == FIRMWARE
        assert response.resumes == len(kinds)
        assert [status for *_, status in rig.served] == [200] + [206] * len(kinds)
        assert (progress.done, progress.total, progress.resumes) == (SIZE, SIZE, len(kinds))


@pytest.mark.parametrize("dialect", ["sim800", "sim7080"])
async def test_a_module_that_loses_its_bearer_mid_read_still_has_the_whole_body(
    dialect: str,
) -> None:
    """The module reported the response once all of it was in its buffer; nothing is asked again.

    The network's `+SAPBR 1: DEACT` (`+APP PDP: 0,DEACTIVE`) comes after the read; the rest of
    the body is still read from the module's buffer, and the next request brings the bearer up
    again.
    """
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        rig.cut_each_request(Cut(40_000, ReadCut.BEARER))
        target = MemoryTarget()

        response = await rig.modem.download(rig.url, target, timeout=30)

        assert bytes(target.data) == FIRMWARE
        assert response.resumes == 0
        assert rig.served == [(None, None, 200)]
        assert not rig.emulator.network.context_active(1)
        again = await rig.modem.download(rig.url, MemoryTarget(), timeout=30)
        assert (again.status, again.resumes) == (200, 0)


@pytest.mark.parametrize(
    ("dialect", "if_range_carried"),
    [("quectel", True), ("httpcfg", True), ("simcom", False), ("sim800", False)],
)
async def test_how_each_family_proves_that_the_rest_is_the_same_version(
    dialect: str, if_range_carried: bool
) -> None:
    """A strong ETag: If-Range where the family's request can carry it, else the 206 checked.

    The AT+HTTPCFG raw request carries `If-Range: "<etag>"` for the server to check; SIMCom's
    quoted USERDATA cannot carry a quote, so the 206's own ETag is checked instead.
    """
    async with resume_rig(dialect) as rig:
        resource = rig.add(FIRMWARE)
        rig.cut_each_request(Cut(40_000, ReadCut.LINK))

        await rig.modem.download(rig.url, MemoryTarget(), timeout=30)

        etag = resource.representation.etag
        expected_if_range = etag if if_range_carried else None
        assert rig.served[1] == (f"bytes={40_000 - ROLLBACK}-", expected_if_range, 206)


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_a_resource_that_changed_between_cuts_is_fetched_again_from_zero(
    dialect: str,
) -> None:
    """The file is replaced on the server while the line is down: the new version, whole."""
    async with resume_rig(dialect) as rig:
        resource = rig.add(FIRMWARE)
        resource.replace_on_request(2, NEW_FIRMWARE)
        rig.cut_each_request(Cut(40_000, ReadCut.LINK))
        target = MemoryTarget()

        response = await rig.modem.download(rig.url, target, timeout=30)

        assert bytes(target.data) == NEW_FIRMWARE
        assert response.content_length == len(NEW_FIRMWARE)
        statuses = [status for _range, _if_range, status in rig.served]
        # With If-Range the server sends the new version whole (200); SIMCom sees the 206's new
        # ETag, leaves its body unread and asks again for the whole.
        assert statuses == (
            [200, 206, 200] if dialect in QUOTES_IN_USERDATA_REFUSED else [200, 200]
        )


@pytest.mark.parametrize("dialect", sorted(QUOTES_IN_USERDATA_REFUSED))
async def test_an_httpinit_module_proves_a_version_without_etag_by_its_date_in_userdata(
    dialect: str,
) -> None:
    """Only Last-Modified: `If-Range: <date>` rides in USERDATA; a change gives the new whole."""
    async with resume_rig(dialect) as rig:
        resource = rig.add(FIRMWARE, etag="none")
        resource.replace_on_request(3, NEW_FIRMWARE)
        rig.cut_each_request(Cut(30_000, ReadCut.LINK), Cut(30_000, ReadCut.RESTART))
        target = MemoryTarget()

        await rig.modem.download(rig.url, target, timeout=30)

        assert bytes(target.data) == NEW_FIRMWARE
        (_, _, first), (_, date, second), (_, again, third) = rig.served
        assert (first, second, third) == (200, 206, 200)
        assert date is not None
        assert date.endswith(" GMT")
        assert again == date


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_a_server_without_ranges_gets_one_whole_download_more(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE, ranges=RangeSupport.IGNORED)
        rig.cut_each_request(Cut(25_000, ReadCut.LINK))
        target = MemoryTarget()

        response = await rig.modem.download(rig.url, target, timeout=30)

        assert bytes(target.data) == FIRMWARE
        assert response.resumes == 1
        assert [status for *_, status in rig.served] == [200, 200]


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_a_server_without_ranges_cut_again_is_given_up(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE, ranges=RangeSupport.IGNORED)
        rig.cut_each_request(Cut(25_000, ReadCut.LINK), Cut(60_000, ReadCut.LINK))

        with pytest.raises(DownloadGaveUpError) as gave_up:
            await rig.modem.download(rig.url, MemoryTarget(), timeout=30)

        assert gave_up.value.reason == "no_range_support"
        assert isinstance(gave_up.value.__cause__, ModemDisconnectedError)


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_past_the_attempt_limit_the_download_gives_up(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        rig.cut_each_request(*(Cut(10_000, ReadCut.LINK) for _ in range(3)))

        with pytest.raises(DownloadGaveUpError) as gave_up:
            await rig.modem.download(rig.url, MemoryTarget(), timeout=30, max_resumes=2)

        assert (gave_up.value.reason, gave_up.value.resumes) == ("attempts_exhausted", 2)
        assert len(rig.served) == 3  # the first request and two resumed ones, no fourth


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_with_resume_off_a_cut_is_the_callers_error(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        rig.cut_each_request(Cut(10_000, ReadCut.LINK))

        with pytest.raises(ModemDisconnectedError):
            await rig.modem.download(rig.url, MemoryTarget(), timeout=30, resume=False)

        assert len(rig.served) == 1


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_an_error_page_is_returned_for_the_caller_to_refuse(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        response = await rig.modem.download(rig.far.url("/missing.bin"), MemoryTarget(), timeout=30)
        assert (response.status, response.resumes) == (404, 0)


@pytest.mark.parametrize("dialect", FAMILIES)
async def test_a_range_header_of_the_callers_own_is_refused_while_resuming(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(FIRMWARE)
        with pytest.raises(RequestRejected) as refused:
            await rig.modem.download(
                rig.url, MemoryTarget(), headers={"Range": "bytes=0-9"}, timeout=30
            )
        assert refused.value.field == "headers"
        assert rig.served == []


async def test_a_plain_get_whose_body_the_module_lost_is_fetched_again_never_short() -> None:
    """SIMCom: the network goes while the module still receives, so its buffer ends short.

    The short body is a cut (ResponseCutError), and a GET that kept nothing yet is sent again
    once the data connection is back: the caller gets the whole body, never a short one.
    """
    async with resume_rig("simcom") as rig:
        rig.add(FIRMWARE)
        rig.cut_each_request(Cut(40_000, ReadCut.BEARER))

        response = await rig.modem.http_request("GET", rig.url, timeout=30)

        assert response.body == FIRMWARE
        assert rig.served == [(None, None, 200), (None, None, 200)]


@pytest.mark.parametrize(
    ("dialect", "kind"),
    [
        ("httpcfg", ReadCut.BEARER),
        ("quectel", ReadCut.RESTART),
        ("simcom", ReadCut.RESTART),
        ("sim800", ReadCut.RESTART),
    ],
)
async def test_a_read_whose_data_ends_in_the_modules_own_lines_is_a_cut_without_the_long_wait(
    monkeypatch: pytest.MonkeyPatch, dialect: str, kind: ReadCut
) -> None:
    """A read by length counts the module's error, network or boot lines as body bytes.

    The stall limit and the read's own time limits here are longer than the caller's whole
    time: only seeing that the data stopped on such lines ends the read soon enough for the
    rest to be asked for. The module boots slower than the first look at a silent read, so its
    boot lines come after it.
    """
    atmodem = "custom_components.modem_http.atmodem"
    monkeypatch.setattr(f"{atmodem}.download.READ_STALL", 600.0)
    monkeypatch.setattr(f"{atmodem}.families.simcom.http.SERIAL_GRACE", 600.0)
    monkeypatch.setattr(f"{atmodem}.families.httpcfg.http.COMMAND_TIMEOUT", 600.0)
    async with resume_rig(dialect) as rig:
        rig.emulator.boot_delay = 0.8
        rig.add(FIRMWARE)
        rig.cut_each_request(Cut(30_000, kind))
        target = MemoryTarget()

        response = await rig.modem.download(rig.url, target, timeout=20)

        assert bytes(target.data) == FIRMWARE
        assert response.resumes == 1
        assert [status for *_, status in rig.served] == [200, 206]


async def test_a_sim7080_says_why_it_cannot_resume_before_anything_is_sent() -> None:
    """Its AT+SH* stack reports no response headers: no part could be proven the same version."""
    async with resume_rig("sim7080") as rig:
        rig.add(FIRMWARE)

        with pytest.raises(UnsupportedOperation) as refused:
            await rig.modem.download(rig.url, MemoryTarget(), timeout=30, resume=True)

        assert "report no response headers" in str(refused.value)
        assert rig.served == []


async def test_a_sim7080_download_streams_whole_and_a_cut_one_is_the_callers_error() -> None:
    """Without resuming, the body still streams into the target with its progress; a cut fails."""
    async with resume_rig("sim7080") as rig:
        rig.add(FIRMWARE)
        target = MemoryTarget()
        progress = TransferProgress(Direction.DOWNLOAD)

        response = await rig.modem.download(rig.url, target, timeout=30, progress=progress)

        assert (bytes(target.data), response.resumes) == (FIRMWARE, 0)
        assert (progress.done, progress.total) == (SIZE, SIZE)

        rig.cut_each_request(Cut(30_000, ReadCut.LINK))
        with pytest.raises(ModemDisconnectedError):
            await rig.modem.download(rig.url, MemoryTarget(), timeout=30)
        assert len(rig.served) == 2
