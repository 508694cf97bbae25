"""What events and the progress sensor may show of a caller's text: one bounded line, no password.

Event data and entity attributes end up in the logbook, automation traces and the frontend, so
caller text (a URL, a path) is shown there only made safe: one line, bounded, and a URL without
the password its user part may carry.
"""

from typing import Final
from urllib.parse import urlsplit, urlunsplit

from ..atmodem.shown import shown

MAX_EVENT_TEXT: Final = 1024
"""Event data is caller text too: one line, bounded, whatever the call carried."""


def event_url(url: str) -> str:
    """The URL without a password, fit for the event bus and the logbook.

    A URL too broken to parse cannot be redacted reliably, so it is not repeated at all.
    """
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return shown(url, limit=MAX_EVENT_TEXT)
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
    except ValueError:
        return "(not a valid URL)"
    redacted = urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    return shown(redacted, limit=MAX_EVENT_TEXT)
