"""Planning a download that survives cuts: which request comes next, and what its answer means.

Pure decisions, no I/O. A caller (the download service, a driver) asks `ResumePlanner` for the next
request, sends it through the modem, and hands back what the response said (`ResponseFacts`); the
planner judges it (`Continue`, `Restart`, `GiveUp`) and is told when a body ended or was cut. Every
state is an immutable `Transfer`, so a test can walk any path step by step.

A resumed request is `Range: bytes=<kept>-` plus proof that the bytes coming back belong to the
same version of the resource as the bytes already kept. RFC 9110 gives two ways to prove it:

- If-Range (13.1.5): the server sends the range only if the validator still matches, otherwise the
  whole new representation with 200. A client must not send a weak entity-tag in it, and may send
  a Last-Modified date only when it has no entity-tag at all and the date is strong: at least
  60 seconds before the response's Date (8.8.2.2).
- Checking the 206 itself: a 206 carries the ETag a 200 would (15.3.7) and says the complete
  length in Content-Range (14.4). The same strong ETag (strong comparison, 8.8.3.2), or the same
  strong Last-Modified, plus the same complete length, is the same proof If-Range asks the server
  to make, made by the client instead; a mismatch costs one extra request, not a wrong file.

What each family can carry decides which one is used (`HeaderCarrier`):

- AT+HTTPINIT family (SIMCom): the range goes as BREAK/BREAKEND or a `Range:` line in USERDATA,
  but USERDATA is a quoted AT string parameter and a `"` ends it, so a strong ETag (always quoted)
  cannot ride; a Last-Modified date (no quotes) can. So: with a strong ETag, no If-Range (the RFC
  forbids the date then) and the 206's ETag and length are checked; with only a strong
  Last-Modified, `If-Range: <date>` in USERDATA. HTTPHEAD gives the 206's headers before a byte of
  the body crosses the serial line, so a mismatch costs no body transfer.
- AT+HTTPCFG family and Quectel's twin: a raw request (`requestheader` 1) goes out verbatim, so
  `If-Range: "<etag>"` (or the date) rides as it is. HTTPGETEX (body mode) sends only its closed
  range and no header of the host's at all: used that way, the 206 is checked like SIMCom's
  (`responseheader` 1 gives its headers).
- Neither a strong ETag nor a strong Last-Modified: nothing can prove two responses are one
  version, so the download is never continued from a range; after a cut it is fetched whole
  again, once.

Why two versions are never spliced: bytes are only ever appended (`Continue`) after a 206 whose
Content-Range starts exactly at the bytes kept, whose complete length equals the kept version's
(learnt from the first proven 206 when the first response did not say it), and whose version is
proven by a strong validator, by If-Range at the server or by the 206's own
validator here; a 200, a changed validator or length, a 416 or an unexpected range all throw the
kept bytes away (`Restart`), and the transfer's version is only ever set from a response whose
body starts at byte 0. A weak ETag never proves anything (it promises equivalence, not equal
bytes), and a date within 60 seconds of the response is never trusted.

A server without range support (a 200 to a ranged request for the same version, or
`Accept-Ranges: none`) is downloaded whole again, once; so is a resource without validators.
Every request made after a cut counts against `max_resumes`.

Pieces: with `piece_size`, every request asks for at most that many bytes (`bytes=a-b`). That is
how a family whose read hands the body over only once the whole read is done (Quectel's
QHTTPREAD) keeps what arrived before a cut: each completed piece is kept, a cut loses at most one.
The last piece of a known length asks to the end (`bytes=a-`), which every family can say
(BREAKEND 0; HTTPGETEX with a length past the end) even when one byte is left, where SIMCom's
BREAK/BREAKEND cannot name a one-byte range.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from .resume_facts import (
    HTTPCFG_GETEX,
    HTTPCFG_RAW_REQUEST,
    SIMCOM_USERDATA,
    ContentRange,
    EntityTag,
    HeaderCarrier,
    Pin,
    ResponseFacts,
    Validator,
    Version,
)

__all__ = [
    "HTTPCFG_GETEX",
    "HTTPCFG_RAW_REQUEST",
    "SIMCOM_USERDATA",
    "Complete",
    "ContentRange",
    "Continue",
    "EntityTag",
    "GiveUp",
    "GiveUpReason",
    "HeaderCarrier",
    "Pin",
    "PlannedRequest",
    "Reading",
    "ResponseFacts",
    "Restart",
    "RestartReason",
    "ResumePlanner",
    "Transfer",
    "Validator",
    "Version",
]


# --- the transfer ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """The GET to send next."""

    first: int | None = None
    """First byte of the Range; None: no Range, the whole representation."""
    last: int | None = None
    """Last byte (inclusive) of a closed Range; None: to the end."""
    if_range: str | None = None
    pin: Pin | None = None

    @property
    def byte_range(self) -> tuple[int, int | None] | None:
        """(first, last) as `HttpRequest.byte_range` takes it; None for no Range."""
        return None if self.first is None else (self.first, self.last)

    @property
    def range_header(self) -> str | None:
        """The Range field value (`bytes=100-` or `bytes=100-199`)."""
        if self.first is None:
            return None
        return f"bytes={self.first}-" + ("" if self.last is None else str(self.last))

    def headers(self) -> tuple[tuple[str, str], ...]:
        """Range and If-Range as header pairs, for families that send headers."""
        pairs: list[tuple[str, str]] = []
        if (range_header := self.range_header) is not None:
            pairs.append(("Range", range_header))
        if self.if_range is not None:
            pairs.append(("If-Range", self.if_range))
        return tuple(pairs)


@dataclass(frozen=True, slots=True)
class Reading:
    """The body being read: where it goes and how long it is said to be."""

    offset: int
    length: int | None
    asked_last: int | None
    """The request's last byte (None: open-ended), to know when an unknown length has ended."""


@dataclass(frozen=True, slots=True)
class Transfer:
    """Where a download stands. Immutable: every step returns a new one."""

    version: Version | None = None
    """The version whose bytes are kept; None before the first response and after a restart."""
    kept: int = 0
    """Bytes of `version` kept so far, from byte 0 on."""
    ranged: bool = True
    """Ranged requests may be sent (False: no range support, or nothing proves the version)."""
    resumes: int = 0
    """Requests made after a cut."""
    whole_retries: int = 0
    """Whole downloads started again because no range could be used."""
    reading: Reading | None = None
    complete: bool = False

    @property
    def total(self) -> int | None:
        """The complete length of the version being downloaded, once a response said it."""
        return None if self.version is None else self.version.complete_length


class RestartReason(StrEnum):
    """Why the bytes kept are thrown away."""

    CHANGED = "changed"
    """Another validator or complete length: the resource changed."""
    RANGE_IGNORED = "range_ignored"
    """A 200 for the same version: the server does not do ranges."""
    UNSATISFIABLE = "unsatisfiable"
    """416: the range is past the end, so the resource is not what it was."""
    WRONG_RANGE = "wrong_range"
    """A 206 that is not the part asked for (another start, too long, malformed)."""
    UNVERIFIABLE = "unverifiable"
    """A part of a resource without a strong validator cannot be continued."""
    WHOLE_AGAIN = "whole_again"
    """The representation was asked for whole again (no range could be used)."""


class GiveUpReason(StrEnum):
    """Why the download stops."""

    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    NO_RANGE_SUPPORT = "no_range_support"
    """Cut again while downloading whole from a server without range support."""
    UNVERIFIABLE = "unverifiable"
    """Cut again while downloading whole a resource without a strong validator."""
    UNEXPECTED_STATUS = "unexpected_status"


@dataclass(frozen=True, slots=True)
class Continue:
    """Write this response's body at `offset` (the first response: at 0)."""

    transfer: Transfer
    offset: int
    length: int | None


@dataclass(frozen=True, slots=True)
class Restart:
    """Throw away what is kept.

    `body_from_zero`: this response's body is the whole version, write it from byte 0; otherwise
    leave the body unread and ask again (`next_request`).
    """

    transfer: Transfer
    reason: RestartReason
    body_from_zero: bool
    length: int | None = None


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Stop: the partial data must not become the target."""

    reason: GiveUpReason
    transfer: Transfer
    status: int | None = None


@dataclass(frozen=True, slots=True)
class Complete:
    """Every byte is there."""

    size: int
    resumes: int


type Verdict = Continue | Restart | GiveUp
type AfterBody = Transfer | GiveUp


class ResumePlanner:
    """The decisions of one download through one family; see the module docstring."""

    def __init__(
        self, carrier: HeaderCarrier, *, max_resumes: int = 5, piece_size: int | None = None
    ) -> None:
        if max_resumes < 0:
            raise ValueError("max_resumes cannot be negative")
        if piece_size is not None and piece_size < 1:
            raise ValueError("piece_size must be at least one byte")
        self.carrier = carrier
        self.max_resumes = max_resumes
        self.piece_size = piece_size

    def start(self) -> Transfer:
        """Nothing asked, nothing kept."""
        return Transfer()

    def next_request(self, transfer: Transfer) -> PlannedRequest | Complete:
        """What to send now (or that the download is complete)."""
        if transfer.complete:
            return Complete(transfer.kept, transfer.resumes)
        if transfer.reading is not None:
            raise ValueError("a response is still being read: end or cut it first")
        version = transfer.version
        if not transfer.ranged:
            return PlannedRequest()
        if version is None:
            return self._ranged(0, None, None, None)
        pin = version.pin(self.carrier)
        if pin is None:
            return PlannedRequest()
        if transfer.kept == 0 and self.piece_size is None:
            return PlannedRequest()
        return self._ranged(transfer.kept, version.complete_length, version, pin)

    def _ranged(
        self, first: int, complete_length: int | None, version: Version | None, pin: Pin | None
    ) -> PlannedRequest:
        if self.piece_size is None:
            if first == 0:
                return PlannedRequest()
            last: int | None = None
        else:
            last = first + self.piece_size - 1
            if complete_length is not None and last >= complete_length - 1:
                last = None  # the last piece: to the end
        if_range = version.if_range_value(pin) if version is not None and pin is not None else None
        return PlannedRequest(first, last, if_range, pin)

    def judge(self, transfer: Transfer, request: PlannedRequest, facts: ResponseFacts) -> Verdict:
        """What the response to `request` means for the bytes kept."""
        if transfer.reading is not None or transfer.complete:
            raise ValueError("no request is outstanding")
        match facts.status:
            case 206 if request.first is not None:
                return self._partial(transfer, request, facts)
            case 200:
                return self._whole(transfer, request, facts)
            case 416 if request.first is not None:
                return self._unsatisfiable(transfer, facts)
        return GiveUp(GiveUpReason.UNEXPECTED_STATUS, transfer, facts.status)

    def _partial(
        self, transfer: Transfer, request: PlannedRequest, facts: ResponseFacts
    ) -> Verdict:
        part = ContentRange.parse(facts.content_range)
        if (
            part is None
            or part.first != request.first
            or (request.last is not None and part.last > request.last)
            or (facts.body_length is not None and facts.body_length != part.length)
        ):
            # A server that answers another part than the one asked for is not trusted with
            # ranges again: whole downloads from here on.
            return self._throw_away(transfer, RestartReason.WRONG_RANGE, ranged=False)
        shown = Version.of(facts, part.complete_length)
        kept = transfer.version
        if kept is None:
            # The first piece: it starts at 0 (nothing is kept), so it sets the version.
            if shown.pin(self.carrier) is None and (
                part.complete_length is None or part.last + 1 < part.complete_length
            ):
                return self._throw_away(transfer, RestartReason.UNVERIFIABLE, ranged=False)
            first_piece = replace(transfer, version=shown)
            return self._read(first_piece, part.first, part.length, request.last)
        pin = request.pin
        if pin is None or not kept.proves_same(shown, pin):
            return self._throw_away(transfer, RestartReason.CHANGED)
        if kept.complete_length is None:
            transfer = replace(
                transfer, version=replace(kept, complete_length=part.complete_length)
            )
        return self._read(transfer, part.first, part.length, request.last)

    def _whole(self, transfer: Transfer, request: PlannedRequest, facts: ResponseFacts) -> Verdict:
        shown = Version.of(facts, facts.body_length)
        accepts = (facts.accept_ranges or "").strip().lower()
        ranged = transfer.ranged and accepts != "none" and shown.pin(self.carrier) is not None
        kept = transfer.version
        if request.first is not None and kept is None:
            # The first piece answered whole: a server without ranges; this is the download.
            first = replace(transfer, version=shown, ranged=False)
            return self._read(first, 0, facts.body_length, None)
        if kept is None:
            first = replace(transfer, version=shown, ranged=ranged)
            return self._read(first, 0, facts.body_length, None)
        whole_retries = transfer.whole_retries
        if request.first is None:
            reason = RestartReason.WHOLE_AGAIN
        elif kept.same_as_whole(shown):
            reason, ranged = RestartReason.RANGE_IGNORED, False
            whole_retries += 1  # this body is the one whole download such a server gets
        else:
            reason = RestartReason.CHANGED
        restarted = replace(
            transfer,
            version=shown,
            kept=0,
            ranged=ranged,
            whole_retries=whole_retries,
            reading=Reading(0, facts.body_length, None),
        )
        return Restart(restarted, reason, body_from_zero=True, length=facts.body_length)

    def _unsatisfiable(self, transfer: Transfer, facts: ResponseFacts) -> Verdict:
        if transfer.version is None:
            # Only an empty representation has no byte 0 (`bytes */0`).
            if (facts.content_range or "").strip().lower() == "bytes */0":
                empty = replace(transfer, version=Version(0), kept=0, complete=True)
                return Continue(empty, 0, 0)
            return GiveUp(GiveUpReason.UNEXPECTED_STATUS, transfer, facts.status)
        return self._throw_away(transfer, RestartReason.UNSATISFIABLE)

    @staticmethod
    def _throw_away(
        transfer: Transfer, reason: RestartReason, *, ranged: bool | None = None
    ) -> Restart:
        fresh = replace(
            transfer,
            version=None,
            kept=0,
            reading=None,
            ranged=transfer.ranged if ranged is None else ranged,
        )
        return Restart(fresh, reason, body_from_zero=False)

    @staticmethod
    def _read(
        transfer: Transfer, offset: int, length: int | None, asked_last: int | None
    ) -> Continue:
        reading = Reading(offset, length, asked_last)
        return Continue(replace(transfer, kept=offset, reading=reading), offset, length)

    def body_ended(self, transfer: Transfer, kept: int) -> AfterBody:
        """The response's body ended with `kept` bytes of the version stored in all.

        A body that ended short of its announced length is a cut.
        """
        reading = transfer.reading
        if reading is None:
            if transfer.complete:
                return transfer
            raise ValueError("no body is being read")
        self._check_kept(transfer, kept)
        if kept < reading.offset:
            raise ValueError("kept bytes cannot shrink while a body is read")
        if reading.length is not None:
            end = reading.offset + reading.length
            if kept < end:
                return self.cut(transfer, kept)
            if kept > end:
                raise ValueError("more bytes kept than the response announced")
        version = transfer.version
        assert version is not None
        complete_length = version.complete_length
        if complete_length is None:
            received = kept - reading.offset
            asked = None if reading.asked_last is None else reading.asked_last - reading.offset + 1
            if asked is None or received < asked:
                version = replace(version, complete_length=kept)  # the body ended: so did it
                complete_length = kept
        return replace(
            transfer,
            version=version,
            kept=kept,
            reading=None,
            complete=complete_length is not None and kept == complete_length,
        )

    def cut(self, transfer: Transfer, kept: int) -> AfterBody:
        """The transfer was cut (link, bearer, restart, timeout) with `kept` bytes safely stored."""
        self._check_kept(transfer, kept)
        if transfer.version is None and kept != 0:
            raise ValueError("bytes kept before any response")
        resumes = transfer.resumes + 1
        cut = replace(transfer, reading=None, kept=kept, resumes=resumes)
        version = transfer.version
        if version is not None and version.complete_length == kept:
            return replace(cut, complete=True, resumes=transfer.resumes)  # all there: no request
        if resumes > self.max_resumes:
            return GiveUp(GiveUpReason.ATTEMPTS_EXHAUSTED, cut)
        if version is None:
            return replace(cut, kept=0)
        if not transfer.ranged or version.pin(self.carrier) is None:
            if transfer.whole_retries >= 1:
                reason = (
                    GiveUpReason.NO_RANGE_SUPPORT
                    if version.pin(self.carrier) is not None
                    else GiveUpReason.UNVERIFIABLE
                )
                return GiveUp(reason, cut)
            return replace(cut, kept=0, whole_retries=transfer.whole_retries + 1)
        return cut

    @staticmethod
    def _check_kept(transfer: Transfer, kept: int) -> None:
        if kept < 0:
            raise ValueError("kept bytes cannot be negative")
        version = transfer.version
        complete_length = None if version is None else version.complete_length
        if complete_length is not None and kept > complete_length:
            raise ValueError("more bytes kept than the resource has")
