"""How far a transfer has got, for whoever shows it.

A `TransferProgress` is a plain counter the library moves as bytes cross the serial line: the
request body as it is written (an upload), the response body as it arrives (a download, resumed
ones included). Nothing is pushed anywhere: moving a counter costs nothing on the hot path, and
the reader (a Home Assistant sensor) samples it as often as it wants to show it.
"""

import time
from dataclasses import dataclass, field
from enum import StrEnum


class Direction(StrEnum):
    """Which way the bytes that matter go."""

    DOWNLOAD = "download"
    """The response body: a download, a large GET."""
    UPLOAD = "upload"
    """The request body: a file posted."""


@dataclass(slots=True)
class TransferProgress:
    """Bytes done of a total (None until known), resumes so far, and when it started."""

    direction: Direction
    done: int = 0
    total: int | None = None
    resumes: int = 0
    started: float = field(default_factory=time.monotonic)
    """Monotonic time the transfer was asked for (queueing for the modem included)."""

    def sent(self, count: int) -> None:
        """`count` bytes of the request body have gone out (upload transfers only)."""
        if self.direction is Direction.UPLOAD:
            self.done = count

    def expect(self, total: int | None) -> None:
        """The size the response said the body has (download transfers only)."""
        if self.direction is Direction.DOWNLOAD:
            self.total = total

    def received(self, done: int) -> None:
        """`done` bytes of the response body are in (download transfers only)."""
        if self.direction is Direction.DOWNLOAD:
            self.done = done

    @property
    def fraction(self) -> float | None:
        """Done over total, 0..1; None while the total is unknown."""
        if self.total is None:
            return None
        if self.total <= 0:
            return 1.0
        return min(1.0, self.done / self.total)


__all__ = ["Direction", "TransferProgress"]
