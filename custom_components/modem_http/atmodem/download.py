"""A download that survives cuts: the rest is asked for with ranged requests, one version only.

`Download.run()` drives `ResumePlanner` (resume.py, which decides what to send and what each
response means) with real requests through the modem's one operation path:

1. Each request's head is judged before a byte of its body is kept (`ResponseBody.begin`): a
   206 that continues the version kept is written after the bytes already there; a 200 (the
   resource changed, or the server ignores ranges) is written from byte 0 over them; anything
   else leaves the body unread and asks again.
2. A cut - the serial link lost, the modem restarted, the data connection lost (the operation
   path brings it up again before the next request), a read that stalled or timed out while the
   caller's time lasts - keeps what reached the target, less the last `ROLLBACK` bytes: a
   module that restarted or lost its data connection in the middle of a data block prints its
   boot or network lines where the host still counts body bytes, so the tail of a cut read
   cannot be trusted; what came before it can. The planner then says what to ask for next.
3. Every request after a cut counts against `max_resumes`; past it (or when a server without
   ranges is cut again while fetched whole once more) the download gives up with
   DownloadGaveUpError, and the caller throws the target away.

What each family can carry to prove that a part belongs to the same version (an If-Range with a
quoted ETag, a date, or checking the 206's own ETag and length) is the family's `resume`
(families/base.py); resume.py explains the rules that keep two versions from ever being spliced.

The target is the caller's: `write` appends, `truncate` keeps the first bytes and the next write
follows them. A download of unannounced length, a server that never sends 206 and a resource
without validators all work; they are fetched whole again after a cut (once).
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Final, Protocol

from multidict import CIMultiDict, CIMultiDictProxy

from .deadline import Deadline
from .errors import (
    AtCommandError,
    DownloadGaveUpError,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemTimeoutError,
    ResponseCutError,
)
from .families import RequestPlan
from .progress import TransferProgress
from .request import ResponseBody
from .response import HttpResponse
from .resume import (
    Complete,
    Continue,
    GiveUp,
    PlannedRequest,
    ResponseFacts,
    Restart,
    ResumePlanner,
    Transfer,
)

_LOGGER = logging.getLogger(__name__)

MAX_RESUMES: Final = 5
"""Requests a download may make after cuts before it gives up."""
READ_STALL: Final = 5.0
"""Seconds without a byte after which a read of a resumable download counts as cut.

Reads come out of the module as fast as the line carries them (SIMCom reads its buffer; a
Quectel module's own <wait_time> is set to the same gap), so a silence this long means the read
is over; asking for the rest costs one request, less than waiting out the read's timeout.
"""
ROLLBACK: Final = 1024
"""Bytes at the end of a cut read that are not trusted (see the module docstring)."""

type SendPlanned = Callable[[RequestPlan, Deadline, ResponseBody], Awaitable[HttpResponse]]
type PlanRequest = Callable[[PlannedRequest], RequestPlan]


class DownloadTarget(Protocol):
    """Where a download's bytes go (a temporary file, for the integration)."""

    async def write(self, data: bytes) -> None:
        """Append `data`."""

    async def truncate(self, size: int) -> None:
        """Keep the first `size` bytes; the next write follows them."""


class _Attempt:
    """One request of a download: judges its head, places its body, knows what it wrote."""

    def __init__(
        self,
        planner: ResumePlanner,
        transfer: Transfer,
        request: PlannedRequest,
        target: DownloadTarget,
        size: int,
        progress: TransferProgress | None,
    ) -> None:
        self._planner = planner
        self._start = transfer
        self.transfer = transfer
        self._request = request
        self._target = target
        self._progress = progress
        self.size = size
        """Bytes in the target now."""
        self.written = False
        """Bytes of this request's body reached the target."""
        self.verdict: Continue | Restart | GiveUp | None = None
        self.offset: int | None = None
        """Where this request's body goes in the target (None: not judged, or left unread)."""
        self.origin: HttpResponse | None = None
        """Status and headers of this response, when its body starts the version at byte 0."""
        self._cut_to: int | None = None
        """A truncation the body's placement asks for, done before its first byte is written."""

    def head(self, status: int, headers: Mapping[str, str], length: int | None) -> int | None:
        """The planner's verdict on the response; where its body goes (None: unread)."""
        facts = ResponseFacts.from_headers(status, headers, body_length=length)
        # A retry of the same request (the operation path recovers a lost data connection
        # once) is judged from where this request started, like the first try.
        verdict = self._planner.judge(self._start, self._request, facts)
        self.verdict = verdict
        self.transfer = verdict.transfer
        if isinstance(verdict, Continue):
            offset = verdict.offset
        elif isinstance(verdict, Restart) and verdict.body_from_zero:
            offset = 0
        else:
            return None
        self.offset = offset
        if offset == 0:
            self.origin = HttpResponse(
                status=status, headers=CIMultiDictProxy(CIMultiDict(headers))
            )
        if offset != self.size:
            self._cut_to = offset
        if self._progress is not None:
            self._progress.total = verdict.transfer.total
            self._progress.done = offset
        return offset

    async def write(self, data: bytes) -> None:
        """The body's sink: after the placement's truncation, append."""
        await self.settle()
        await self._target.write(data)
        self.size += len(data)
        self.written = True

    async def settle(self) -> None:
        """Do the truncation the placement asked for (also for a body with no bytes)."""
        if self._cut_to is not None:
            size, self._cut_to = self._cut_to, None
            await self._target.truncate(size)
            self.size = size

    async def trusted(self) -> int:
        """After a cut: the bytes kept, less the tail of this request's that is not trusted.

        Bytes of a version the planner has let go of (it restarted) are not kept at all.
        """
        await self.settle()
        keep = self.size
        if self.transfer.version is None:
            keep = 0
        elif self.written and self.offset is not None:
            keep = max(self.offset, self.size - ROLLBACK)
        if keep < self.size:
            await self._target.truncate(keep)
            self.size = keep
        return self.size


class Download:
    """One download through one modem; `run()` once."""

    def __init__(
        self,
        send: SendPlanned,
        plan: PlanRequest,
        planner: ResumePlanner,
        target: DownloadTarget,
        deadline: Deadline,
        *,
        resuming: bool,
        progress: TransferProgress | None = None,
    ) -> None:
        """`plan` turns a planned request into the family's plan (RequestRejected: bad input)."""
        self._send = send
        self._plan = plan
        self._planner = planner
        self._target = target
        self._deadline = deadline
        self._resuming = resuming
        self._progress = progress

    async def run(self) -> HttpResponse:
        """Fetch until complete; the response that began the version kept, with the resumes.

        A response the planner cannot use at all (a 404, a 500 to a resumed request) is
        returned as it is: the caller looks at its status and throws the target away.
        """
        planner, deadline = self._planner, self._deadline
        transfer = planner.start()
        size = 0
        origin: HttpResponse | None = None
        while True:
            step = planner.next_request(transfer)
            if isinstance(step, Complete):
                assert origin is not None  # a complete version started at byte 0
                return replace(
                    origin,
                    content_length=size,
                    elapsed=deadline.elapsed,
                    queued=deadline.queued,
                    resumes=step.resumes,
                )
            plan = self._plan(step)
            attempt = _Attempt(planner, transfer, step, self._target, size, self._progress)
            body = ResponseBody(
                sink=attempt.write,
                head=attempt.head,
                progress=self._progress,
                stall=READ_STALL if self._resuming else None,
            )
            try:
                response = await self._send(plan, deadline, body)
                await attempt.settle()
            except ModemError as err:
                origin = attempt.origin or origin
                if not self._resuming or not self._is_cut(err, attempt):
                    raise
                size = await attempt.trusted()
                transfer = self._after_cut(attempt.transfer, size, err)
                continue
            size = attempt.size
            origin = attempt.origin or origin
            match attempt.verdict:
                case GiveUp() | None:
                    return replace(response, resumes=transfer.resumes)
                case Restart(body_from_zero=False, transfer=fresh):
                    transfer = fresh
                    continue
            after = planner.body_ended(attempt.transfer, size)
            if isinstance(after, GiveUp):  # the body ended short: a cut too many
                raise DownloadGaveUpError(after.reason.value, attempt.transfer.resumes, size)
            transfer = after
            self._note_resumes(transfer)

    def _is_cut(self, err: ModemError, attempt: _Attempt) -> bool:
        """Whether `err` cut the transfer (ask for the rest) rather than ended it (raise)."""
        if self._deadline.expired:
            return False  # the caller's time is up: no request could follow
        if isinstance(err, ModemDisconnectedError):
            # A link that did not come back within its grace is not a cut to resume after: the
            # modem is gone, and saying so beats trying again and again.
            return not err.stayed_down
        if isinstance(err, ResponseCutError | ModemTimeoutError):
            return True
        # The module's own error in the middle of a body (its read failed): a cut too.
        return attempt.written and isinstance(err, ModemHttpError | AtCommandError)

    def _after_cut(self, transfer: Transfer, size: int, err: ModemError) -> Transfer:
        after = self._planner.cut(transfer, size)
        if isinstance(after, GiveUp):
            # The resumed requests made so far; the one this cut would need is not made.
            raise DownloadGaveUpError(after.reason.value, transfer.resumes, size) from err
        _LOGGER.info(
            "A download was cut (%s) with %d bytes kept; resuming (%d so far)",
            err,
            after.kept,
            after.resumes,
        )
        self._note_resumes(after)
        return after

    def _note_resumes(self, transfer: Transfer) -> None:
        if self._progress is not None:
            self._progress.resumes = transfer.resumes


__all__ = ["MAX_RESUMES", "READ_STALL", "ROLLBACK", "Download", "DownloadTarget"]
