"""What can be wrong with a message, a number or a PDU, as typed exceptions.

They are `ValueError`s and carry no user text in their message (a rejected text or number is never
echoed back), so the caller can turn each one into its own translated error.
"""


class SmsError(ValueError):
    """Base of every refusal by the SMS codec."""


class InvalidNumber(SmsError):
    """The number is not E.164 (`+`, country code, subscriber number; 15 digits at most)."""


class InvalidText(SmsError):
    """The text is empty or holds characters no SMS may carry.

    Those are control characters other than line breaks, and lone halves of a surrogate pair.
    """


class EmptyText(InvalidText):
    """The text is empty: there is nothing to send."""


class ForbiddenCharacter(InvalidText):
    """The text holds a control character other than a line break, or a lone surrogate half."""


class MessageTooLong(SmsError):
    """The text needs more parts than allowed; `parts_needed` says how many it would take."""

    def __init__(self, parts_needed: int, max_parts: int) -> None:
        self.parts_needed = parts_needed
        self.max_parts = max_parts
        super().__init__(f"message needs {parts_needed} parts, at most {max_parts} allowed")


class InvalidPdu(SmsError):
    """A PDU (or the AT line around it) that does not follow 3GPP TS 23.040 / 27.005."""
