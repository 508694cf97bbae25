"""What responses say about the version of a resource, and what a family can carry to prove it.

The vocabulary of resuming (resume.py decides with it): entity-tags and their strong comparison
(RFC 9110 8.8.3), Content-Range (14.4), when a Last-Modified is a strong validator (8.8.2.2), the
version a response shows, and the `Pin` that proves a later part belongs to the same version -
sent as If-Range where the family's request can carry it (`HeaderCarrier`), checked on the 206
otherwise.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Final

STRONG_DATE_MARGIN: Final = timedelta(seconds=60)
"""A Last-Modified at least this long before the response's Date is a strong validator for a
client (RFC 9110 8.8.2.2)."""

_ENTITY_TAG: Final = re.compile(r'(W/)?("[\x21\x23-\x7e\x80-\xff]*")')
_CONTENT_RANGE: Final = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


# --- what a family can carry -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeaderCarrier:
    """What a family's ranged request can carry besides the range itself."""

    headers: bool
    """An If-Range header can be added at all."""
    quotes: bool
    """A header value may contain `"` (an entity-tag is always quoted)."""


SIMCOM_USERDATA: Final = HeaderCarrier(headers=True, quotes=False)
"""AT+HTTPINIT family: headers in the quoted USERDATA parameter, where a `"` cannot be."""
HTTPCFG_RAW_REQUEST: Final = HeaderCarrier(headers=True, quotes=True)
"""AT+HTTPCFG family (and Quectel's) with `requestheader` 1: the request goes out verbatim."""
HTTPCFG_GETEX: Final = HeaderCarrier(headers=False, quotes=False)
"""AT+HTTPGETEX: a closed range and nothing else of the host's."""


# --- what a response said ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityTag:
    """An entity-tag (RFC 9110 8.8.3): the quoted opaque part, and whether it is weak."""

    opaque: str
    weak: bool = False

    @classmethod
    def parse(cls, value: str | None) -> EntityTag | None:
        """The entity-tag in an ETag field value; None when absent or malformed."""
        if value is None:
            return None
        match = _ENTITY_TAG.fullmatch(value.strip())
        if match is None:
            return None
        return cls(match.group(2), weak=match.group(1) is not None)

    def strongly_equals(self, other: EntityTag | None) -> bool:
        """Strong comparison (8.8.3.2): both strong, same opaque tag."""
        return (
            other is not None and not self.weak and not other.weak and self.opaque == other.opaque
        )

    def __str__(self) -> str:
        return f"W/{self.opaque}" if self.weak else self.opaque


@dataclass(frozen=True, slots=True)
class ContentRange:
    """A 206's `Content-Range: bytes <first>-<last>/<complete length or *>` (RFC 9110 14.4)."""

    first: int
    last: int
    complete_length: int | None

    @classmethod
    def parse(cls, value: str | None) -> ContentRange | None:
        """The range in a Content-Range field value; None when absent, malformed or impossible."""
        if value is None:
            return None
        match = _CONTENT_RANGE.fullmatch(value.strip())
        if match is None:
            return None
        first, last = int(match.group(1)), int(match.group(2))
        complete = None if match.group(3) == "*" else int(match.group(3))
        if last < first or (complete is not None and last >= complete):
            return None
        return cls(first, last, complete)

    @property
    def length(self) -> int:
        """How many bytes the part has."""
        return self.last - self.first + 1


@dataclass(frozen=True, slots=True)
class ResponseFacts:
    """What one response said that matters for resuming; build it with `from_headers`."""

    status: int
    body_length: int | None = None
    """The length of this response's body (Content-Length, or what the modem reported)."""
    content_range: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    date: str | None = None
    accept_ranges: str | None = None

    @classmethod
    def from_headers(
        cls, status: int, headers: Mapping[str, str], *, body_length: int | None = None
    ) -> ResponseFacts:
        """From a status and headers (any spelling); `body_length` wins over Content-Length."""
        lowered = {name.lower(): value for name, value in headers.items()}
        if body_length is None:
            announced = lowered.get("content-length", "").strip()
            body_length = int(announced) if announced.isdigit() else None
        return cls(
            status,
            body_length,
            lowered.get("content-range"),
            lowered.get("etag"),
            lowered.get("last-modified"),
            lowered.get("date"),
            lowered.get("accept-ranges"),
        )


def _http_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except TypeError, ValueError:
        return None
    return moment if moment.tzinfo is not None else None


# --- the version being downloaded --------------------------------------------------------------


class Validator(StrEnum):
    """What proves that a part belongs to the version already kept."""

    ETAG = "etag"
    LAST_MODIFIED = "last-modified"


@dataclass(frozen=True, slots=True)
class Pin:
    """The validator a continuation is checked against, and whether it goes out as If-Range."""

    validator: Validator
    if_range: bool
    """True: the server checks it (If-Range); False: the client checks the 206's own."""


@dataclass(frozen=True, slots=True)
class Version:
    """The version of the resource whose bytes are kept: its validators and complete length."""

    complete_length: int | None
    etag: EntityTag | None = None
    last_modified: datetime | None = None
    last_modified_text: str | None = None
    """As the server wrote it: sent back verbatim in If-Range, which asks for an exact match."""
    strong_date: bool = False
    """Last-Modified at least 60 s before the response's Date (RFC 9110 8.8.2.2)."""

    @classmethod
    def of(cls, facts: ResponseFacts, complete_length: int | None) -> Version:
        """The version a response shows."""
        modified = _http_date(facts.last_modified)
        date = _http_date(facts.date)
        strong_date = (
            modified is not None and date is not None and date - modified >= (STRONG_DATE_MARGIN)
        )
        return cls(
            complete_length,
            EntityTag.parse(facts.etag),
            modified,
            facts.last_modified.strip() if facts.last_modified is not None else None,
            strong_date,
        )

    def pin(self, carrier: HeaderCarrier) -> Pin | None:
        """The strongest proof available with this family; None when nothing can prove it."""
        if self.etag is not None and not self.etag.weak:
            return Pin(Validator.ETAG, if_range=carrier.headers and carrier.quotes)
        if self.last_modified is not None and self.strong_date:
            # With any entity-tag at all (a weak one), the date must not go in If-Range (13.1.5).
            return Pin(Validator.LAST_MODIFIED, if_range=carrier.headers and self.etag is None)
        return None

    def if_range_value(self, pin: Pin) -> str | None:
        """The If-Range field value for `pin` (None when it is checked by the client)."""
        if not pin.if_range:
            return None
        if pin.validator is Validator.ETAG:
            return str(self.etag)
        return self.last_modified_text

    def proves_same(self, other: Version, pin: Pin) -> bool:
        """Whether a 206 showing `other` continues this version (see the module docstring).

        A length this version never announced (a chunked first response) is learnt from the 206
        that the validator proves; a length it did announce must be the same.
        """
        if self.complete_length is not None and self.complete_length != other.complete_length:
            return False
        if pin.validator is Validator.ETAG:
            assert self.etag is not None
            if other.etag is None:
                return pin.if_range  # the server checked it; the 206 merely omitted the ETag
            return self.etag.strongly_equals(other.etag)
        if other.last_modified is None:
            return pin.if_range
        return other.last_modified == self.last_modified

    def same_as_whole(self, other: Version) -> bool:
        """Whether a 200 shows this same version (so the server ignored the range)."""
        pin = self.pin(HTTPCFG_GETEX)
        return pin is not None and self.proves_same(other, pin)
