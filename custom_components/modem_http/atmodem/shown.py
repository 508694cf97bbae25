"""Caller text made safe to show in a message, a log line, an event or a repair.

Home Assistant writes error messages into its log as they are; a CR or LF in a value (a method
`GET\\n2001-01-01 00:00:00.000 ERROR ...`) would start a forged log line of its own, and a
megabyte-long value would flood log, trace and UI. So every piece of caller (or modem) text that
ends up in one of those goes through `shown()` first: characters that are not printable are
written the way `repr()` writes them (`\\n`, `\\x1b`, `\\u2028`, a lone surrogate as `\\ud800`),
and the result is cut to a bounded length. Printable text is left exactly as it is, so applying
`shown()` twice changes nothing more than once.
"""

from typing import Final

MAX_SHOWN: Final = 120
"""Long enough for a URL or a path a user recognises, short enough for one log line."""
ELLIPSIS: Final = "…"


def shown(value: object, *, limit: int = MAX_SHOWN) -> str:
    """The value as one line of at most `limit` characters (plus an ellipsis when cut)."""
    text = value if isinstance(value, str) else str(value)
    pieces: list[str] = []
    size = 0
    for char in text:
        piece = char if char.isprintable() else repr(char)[1:-1]
        if size + len(piece) > limit:
            pieces.append(ELLIPSIS)
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


__all__ = ["ELLIPSIS", "MAX_SHOWN", "shown"]
