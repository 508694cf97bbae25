"""Typed errors of the atmodem library.

Every failure a caller can see is one of these, so the integration can map each to a translated
message and never has to guess from a string. Each carries the modem's own code where it has one.
"""

from enum import StrEnum

from .shown import shown
from .sms.cms import CmsCause

# 3GPP TS 27.007 section 9.2 texts, used to turn AT+CMEE=2 verbose errors back into numbers and to
# give numeric AT+CMEE=1 errors a readable message.
CME_ERROR_TEXTS: dict[int, str] = {
    0: "phone failure",
    1: "no connection to phone",
    3: "operation not allowed",
    4: "operation not supported",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    14: "SIM busy",
    15: "SIM wrong",
    16: "incorrect password",
    20: "memory full",
    21: "invalid index",
    22: "not found",
    23: "memory failure",
    24: "text string too long",
    25: "invalid characters in text string",
    26: "dial string too long",
    27: "invalid characters in dial string",
    30: "no network service",
    31: "network timeout",
    32: "network not allowed - emergency calls only",
    50: "Incorrect parameters",
    100: "unknown",
}
_CME_CODES_BY_TEXT = {text.lower(): code for code, text in CME_ERROR_TEXTS.items()}


def cme_code_from_text(text: str) -> int | None:
    """Return the numeric code of a verbose (+CMEE=2) error text, if it is a standard one."""
    return _CME_CODES_BY_TEXT.get(text.strip().lower())


class ModemError(Exception):
    """Base of every error raised by atmodem.

    A public Modem operation that fails notes where its time went before the error reaches the
    caller: `queued` seconds waiting for the modem (busy with other operations), then `elapsed`
    seconds on it. Both stay None for errors raised outside such an operation.
    """

    queued: float | None = None
    elapsed: float | None = None


class AtCommandError(ModemError):
    """The modem answered a command with ERROR, +CME ERROR, +CMS ERROR or NO CARRIER."""

    def __init__(
        self,
        command: str,
        final: str,
        *,
        cme_code: int | None = None,
        cme_text: str | None = None,
        cms_code: int | None = None,
    ) -> None:
        """Keep the raw final line too: some firmware puts vendor text there."""
        self.command = command
        self.final = final
        self.cme_code = cme_code
        self.cme_text = cme_text
        self.cms_code = cms_code
        detail = final
        if cme_code is not None and cme_text is None:
            known = CME_ERROR_TEXTS.get(cme_code)
            detail = f"{final} ({known})" if known else final
        super().__init__(f"{command}: {detail}")


class HttpFailure(StrEnum):
    """What a modem's HTTP error number means, whichever family numbered it.

    The same number means different things in different families (713 is a DNS failure to
    SIMCom and an IP address error to Quectel), so each family's table says which this is.
    """

    DNS = "dns"
    """The server's name could not be resolved."""
    CONNECT = "connect"
    """The server could not be reached, or the connection broke."""
    TLS = "tls"
    """The TLS handshake failed (certificate, CA, protocol)."""
    TIMEOUT = "timeout"
    """The server (or the network) did not answer in time."""
    OTHER = "other"
    """The modem's own trouble: busy, out of memory, bad state."""


class ModemHttpError(ModemError):
    """The modem's HTTP stack reported one of its own error numbers (such as 702 or 713)."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        method: str | None = None,
        failure: HttpFailure = HttpFailure.OTHER,
    ) -> None:
        """Code is the modem's number, message a readable explanation from the manual."""
        self.code = code
        self.message = message
        self.method = method
        self.failure = failure
        super().__init__(f"modem HTTP error {code}: {message}")


class ModemTimeoutError(ModemError, TimeoutError):
    """The modem did not answer in time; the engine resynchronises before the next command.

    `timeout` is the caller's whole budget when the error ends a public operation (None for a
    single command's own timeout); `queued` and `elapsed` then say how it was spent.
    """

    timeout: float | None = None


class ModemInputOpenError(ModemTimeoutError):
    """The modem still takes every byte as the data of a command given up earlier.

    Its input has no byte that ends it, so the module takes commands again only once its input
    time has run out; nothing is written to it meanwhile (abandoned_input.py).
    """


class ModemDisconnectedError(ModemError, ConnectionError):
    """The serial link is down or dropped, or the modem restarted, while it was needed.

    `port` names the line (credentials redacted) so a message can say which modem is not
    connected; `restarted` tells a modem that rebooted mid-operation from a link that went away;
    `stayed_down` tells a link that was down and did not come back within the link grace (nothing
    was sent) from one that dropped under an operation.
    """

    def __init__(
        self,
        message: str,
        *,
        port: str | None = None,
        restarted: bool = False,
        stayed_down: bool = False,
    ) -> None:
        """Message for logs; the rest for callers that explain it to a user or act on it."""
        super().__init__(message)
        self.port = port
        self.restarted = restarted
        self.stayed_down = stayed_down


_MAX_REASON = 240
"""A reason plus the bit of the value it quotes; longer ones are cut."""


class RequestRejected(ModemError, ValueError):
    """Input refused before anything was sent to the modem (range, length or AT injection)."""

    def __init__(self, field: str, reason: str) -> None:
        """Field names what the caller passed, so the message can point at it.

        Reasons often quote the refused value; they are made safe to show here, once, so no
        caller text reaches a message or a log line raw whichever check refused it.
        """
        self.field = field
        self.reason = shown(reason, limit=_MAX_REASON)
        super().__init__(f"{field}: {self.reason}")


class ResponseTooLargeError(ModemError):
    """The response body is larger than the caller accepts; reading it stopped (or never began).

    `size` is what the modem or server announced when known before the read; None when the read
    was stopped at the limit without an announced length.
    """

    def __init__(self, limit: int, size: int | None = None) -> None:
        """The limit the caller set, and the size when it was known."""
        self.limit = limit
        self.size = size
        told = f"{size} bytes" if size is not None else "more"
        super().__init__(f"the response is {told}; at most {limit} bytes were accepted")


class ResponseCutError(ModemError):
    """The response body stopped short of the length the modem announced, and cannot go on.

    The module's buffer ended where the data stopped (its data connection went mid-transfer), or
    part of the body already went to the caller's sink when the request would have had to be
    sent again. `received` bytes of `expected` (None: unannounced) got through.
    """

    def __init__(self, received: int, expected: int | None, *, port: str | None = None) -> None:
        """How far the body got, and the line it came over (for messages)."""
        self.received = received
        self.expected = expected
        self.port = port
        of = f" of {expected}" if expected is not None else ""
        super().__init__(f"the response body stopped after {received}{of} bytes")


class DownloadGaveUpError(ModemError):
    """A download cut again and again (or unable to resume) was given up; nothing was kept.

    `reason` says why: `attempts_exhausted` (more cuts than `max_resumes` allowed),
    `no_range_support` (a server without ranges cut again while the body was fetched whole once
    more), `unverifiable` (the same for a resource whose versions cannot be told apart). The last
    cut is the error's `__cause__`.
    """

    def __init__(self, reason: str, resumes: int, kept: int) -> None:
        """Why, after how many resumed requests, with how many bytes that were then thrown away."""
        self.reason = reason
        self.resumes = resumes
        self.kept = kept
        super().__init__(f"the download was given up after {resumes} resumes ({reason})")


class SmsRejected(ModemError):
    """The modem or the network refused a message: `+CMS ERROR: <err>` from AT+CMGS.

    `cause` says why in terms a user can act on (no network, no service centre, SIM full...).
    A long message goes out part by part: `references` holds the message references of the parts
    that went out before this one failed (`parts_sent` of `parts_total`), so the caller can tell
    that the recipient may already have received the beginning.
    """

    def __init__(
        self, cause: CmsCause, *, references: tuple[int, ...] = (), parts_total: int = 1
    ) -> None:
        """The cause, and what of the message went out before the refusal."""
        self.cause = cause
        self.references = references
        self.parts_total = parts_total
        told = f"+CMS ERROR: {cause.code}" if cause.code is not None else "+CMS ERROR"
        super().__init__(f"{told} ({cause.text})")

    @property
    def parts_sent(self) -> int:
        """How many parts went out before the refusal."""
        return len(self.references)
