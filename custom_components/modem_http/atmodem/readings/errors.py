"""Why a status reply could not be read: typed, so callers never guess from a message.

A reading refuses a reply it does not understand rather than making a value up: the modem, or
the line to it, said something else than the command's format allows. The offending line is
quoted through `shown()` (bounded, control characters escaped), so a garbled reply cannot forge
log lines.
"""

from ..errors import ModemError
from ..shown import shown

_QUOTED_LIMIT = 80
"""Enough of a reply line to recognise it in a log."""


class ReadingError(ModemError):
    """A status reply could not be read; `command` names the command it answered."""

    def __init__(self, command: str, reason: str, line: str | None = None) -> None:
        """Reason says what was wrong; line is the reply line (quoted safely, if given)."""
        self.command = command
        self.reason = reason
        self.line = line
        quoted = f" in {shown(line, limit=_QUOTED_LIMIT)!r}" if line is not None else ""
        super().__init__(f"{command}: {reason}{quoted}")


class UnexpectedReply(ReadingError):
    """The reply is not in the command's format: a line missing, fields missing, not a number."""


class ValueOutOfRange(ReadingError):
    """A number the format cannot hold (an AT+CSQ <rssi> of 45, a registration <stat> of 12)."""
