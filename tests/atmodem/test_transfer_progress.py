"""A transfer's progress counter moves as its body crosses the serial line, each way, each family.

A posted file counts its own bytes as they are written (a raw request's head does not count);
a response body counts as it arrives, against the length the response announced.
"""

import pytest

from custom_components.modem_http.atmodem.progress import Direction, TransferProgress

from .resume_fixtures import FAMILIES, content, resume_rig

pytestmark = pytest.mark.usefixtures("socket_enabled")

BODY = content(60_000)
EVERY_FAMILY = (*FAMILIES, "sim7080")
"""Progress is counted on every family, also one that cannot resume."""


class RecordedProgress(TransferProgress):
    """A progress counter that remembers every value it was moved to."""

    def __init__(self, direction: Direction) -> None:
        super().__init__(direction)
        self.seen: list[int] = []

    def sent(self, count: int) -> None:
        super().sent(count)
        self.seen.append(self.done)

    def received(self, done: int) -> None:
        super().received(done)
        self.seen.append(self.done)


@pytest.mark.parametrize("headers", [{}, {"X-Camera": "front"}], ids=["body mode", "with header"])
@pytest.mark.parametrize("dialect", EVERY_FAMILY)
async def test_a_posted_file_counts_its_bytes_as_they_go_out(
    dialect: str, headers: dict[str, str]
) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(b"ok")
        body = BODY[: rig.modem.family.limits.max_body]  # SIM7080 takes 4096 bytes at most
        progress = RecordedProgress(Direction.UPLOAD)

        await rig.modem.http_request(
            "POST",
            rig.far.url("/upload"),
            body=body,
            headers=headers,
            content_type="application/octet-stream",
            timeout=30,
            progress=progress,
        )

        assert progress.done == len(body)
        # Written in pieces of at most 1 KiB, counted piece by piece.
        assert len(progress.seen) >= len(body) // 1024
        assert progress.seen == sorted(progress.seen)
        assert progress.seen[0] <= 1024


@pytest.mark.parametrize("dialect", EVERY_FAMILY)
async def test_a_response_body_counts_as_it_arrives(dialect: str) -> None:
    async with resume_rig(dialect) as rig:
        rig.add(BODY)
        rig.emulator.faults.split_output(8192, random_seed=1)  # as a serial line delivers it
        progress = RecordedProgress(Direction.DOWNLOAD)

        response = await rig.modem.http_request("GET", rig.url, timeout=30, progress=progress)

        assert response.body == BODY
        assert (progress.done, progress.total) == (len(BODY), len(BODY))
        assert len(progress.seen) > 1
        assert progress.seen == sorted(progress.seen)
