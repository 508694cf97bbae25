"""Checks applied to everything a caller passes before a byte of it reaches the modem.

AT commands are text lines with quoted strings: a `"` ends a string early, CR/LF ends the command,
so a header value like `x"<CR><LF>AT+CFUN=0` would run a second command (AT injection). It is
refused with RequestRejected instead of being escaped, because modems have no escaping rules.
"""

import re
from email.utils import parsedate_to_datetime
from typing import Final
from urllib.parse import urlsplit

from .errors import RequestRejected
from .shown import shown

_FORBIDDEN = frozenset({'"'}) | frozenset(chr(c) for c in range(0x20)) | {"\x7f"}
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""RFC 9110 section 5.6.2: token = 1*tchar."""
_STRONG_ENTITY_TAG: Final = re.compile(r'"[\x21\x23-\x7e]{1,128}"')
"""RFC 9110 8.8.3 entity-tag, strong, ASCII: `"` etagc* `"` (etagc never a `"`)."""
MAX_METHOD: Final = 32
"""Registered methods are at most 17 characters (VERSION-CONTROL); more is not a method."""


def check_method(method: str) -> str:
    """An HTTP method is a token (RFC 9110 section 9.1); refused without quoting it.

    This runs before anything else looks at the method, so a value with a line break in it
    never reaches a message, a log line or the modem.
    """
    if not isinstance(method, str) or not method:
        raise RequestRejected("method", "must not be empty")
    if len(method) > MAX_METHOD or not _TOKEN.fullmatch(method):
        raise RequestRejected(
            "method",
            f"is not an HTTP method (at most {MAX_METHOD} letters, digits or !#$%&'*+-.^_`|~)",
        )
    return method


def check_text(field: str, value: str, *, max_length: int, allow_empty: bool = True) -> str:
    """Refuse quotes, control characters, non-ASCII and overlong values."""
    if not value and not allow_empty:
        raise RequestRejected(field, "must not be empty")
    bad = sorted({ch for ch in value if ch in _FORBIDDEN})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise RequestRejected(field, f"contains characters the modem cannot take: {shown}")
    if not value.isascii():
        raise RequestRejected(field, "must be ASCII (percent-encode other characters)")
    if len(value) > max_length:
        raise RequestRejected(field, f"is {len(value)} characters long; at most {max_length}")
    return value


def check_range(field: str, value: int, low: int, high: int) -> int:
    """Refuse a number outside the manual's range (bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestRejected(field, f"must be a whole number from {low} to {high}")
    if not low <= value <= high:
        raise RequestRejected(field, f"is {value}; the modem accepts {low} to {high}")
    return value


def check_url(url: str, *, max_length: int) -> str:
    """An absolute http(s) URL with a host, safe to put in a quoted AT argument."""
    check_text("url", url, max_length=max_length, allow_empty=False)
    if " " in url:
        raise RequestRejected("url", "contains a space (percent-encode it as %20)")
    try:
        parts = urlsplit(url)
    except ValueError as err:
        # An unclosed IPv6 bracket, for one: urlsplit refuses it outright.
        raise RequestRejected("url", "is not a valid URL") from err
    if parts.scheme.lower() not in ("http", "https"):
        raise RequestRejected("url", "must start with http:// or https://")
    if not parts.hostname:
        raise RequestRejected("url", "has no host")
    try:
        _ = parts.port
    except ValueError as err:
        raise RequestRejected("url", "has an invalid port") from err
    return url


def check_header(name: str, value: str) -> tuple[str, str]:
    """A header name must be a token and neither part may carry control characters."""
    check_text("headers", name, max_length=256, allow_empty=False)
    if any(ch in name for ch in " :()<>@,;\\/[]?={}\t"):
        raise RequestRejected("headers", f"header name '{shown(name)}' is not a valid token")
    check_text("headers", value, max_length=2048)
    return name, value


def check_if_range(value: str) -> str:
    """An If-Range value: a strong entity-tag or an HTTP-date (RFC 9110 13.1.5), nothing else.

    It comes from a server's ETag or Last-Modified, so it is held to their grammar before any
    family puts it in a request: the quotes of an entity-tag are the only ones allowed, and
    only where they belong.
    """
    if not isinstance(value, str):
        raise RequestRejected("if_range", "must be text")
    if _STRONG_ENTITY_TAG.fullmatch(value):
        return value
    check_text("if_range", value, max_length=64, allow_empty=False)
    try:
        moment = parsedate_to_datetime(value)
    except TypeError, ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestRejected("if_range", "must be a strong entity-tag or an HTTP-date")
    return value


def check_file_name(field: str, name: str, *, max_length: int) -> str:
    """A modem file name: no paths, no traversal, no quotes or control characters."""
    check_text(field, name, max_length=max_length, allow_empty=False)
    if "/" in name or "\\" in name or name in (".", "..") or ":" in name:
        raise RequestRejected(field, "must be a plain file name without a path")
    return name


def fit_range(value: float, bounds: tuple[int, int]) -> int:
    """A number of seconds (or bytes) cut to fit the manual's range for a parameter."""
    low, high = bounds
    return max(low, min(high, int(value)))
