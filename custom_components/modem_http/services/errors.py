"""The one place where what went wrong becomes what Home Assistant shows.

Each row of RULES names an error (and, for the modem's own HTTP error numbers, what the number
means to its family) and says:

- who must act: the caller (ServiceValidationError, fix the call) or nobody but time (a
  HomeAssistantError: the modem or the network failed, try again later), Home Assistant's rule;
- the translated message, which names the modem's own number where it has one, because that
  number is what the module's manual lists;
- the state of the Last error sensor; None for input refused before the modem heard of it, which
  is the caller's mistake and not counted as a failed request.

The first row whose type (and failure) matches wins, so a subclass comes before its base. A row
without a message passes its error on as it is: the caller that knows more (the download knows
which file could not be written) or nobody (cancellation) explains it.
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any, Final

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ..atmodem import (
    AtCommandError,
    DownloadGaveUpError,
    HttpFailure,
    ModemDisconnectedError,
    ModemError,
    ModemHttpError,
    ModemInputOpenError,
    ModemTimeoutError,
    NoDataConnectionError,
    RequestRejected,
    ResponseCutError,
    ResponseTooLargeError,
    SmsRejected,
    SmsSimNotReadyError,
    UnsupportedOperation,
)
from ..atmodem.shown import shown
from ..atmodem.sms import (
    CmsErrorKind,
    EmptyText,
    ForbiddenCharacter,
    InvalidNumber,
    MessageTooLong,
    SmsError,
)
from ..const import DOMAIN
from ..models import ErrorKind

MAX_PLACEHOLDER: Final = 240
"""A path or a refusal's reason (which quotes a bit of the value) fits; a flood does not."""

type Message = tuple[str, Mapping[str, object]]
"""A translation key and its placeholders."""


@dataclass(frozen=True, slots=True)
class Call:
    """What the failed call asked for, where a message names it."""

    timeout: float
    """The seconds the call allowed (queueing for the modem included)."""
    command: str = ""
    """send_command's command."""


def safe_placeholders(placeholders: Mapping[str, object]) -> dict[str, str]:
    """Every value as one bounded line: placeholders end up in messages and in the log."""
    return {name: shown(value, limit=MAX_PLACEHOLDER) for name, value in placeholders.items()}


def validation_error(key: str, **placeholders: object) -> ServiceValidationError:
    """A translated error for input the caller must fix."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=safe_placeholders(placeholders),
    )


def modem_failure(key: str, **placeholders: object) -> HomeAssistantError:
    """A translated error for a modem or network failure."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=safe_placeholders(placeholders),
    )


@dataclass(frozen=True, slots=True)
class Rule[E: BaseException]:
    """What one kind of failure means to the caller and to the sensors."""

    error: type[E]
    state: ErrorKind | None
    """The Last error sensor's state; None: refused before the modem heard of it."""
    message: Callable[[E, Call], Message] | None
    """Key and placeholders from the error and the call; None: passed on as it is."""
    _: KW_ONLY
    failure: HttpFailure | None = None
    """For ModemHttpError: what the modem's number means (each family's table says)."""
    field: str | None = None
    """For RequestRejected: the refused field, where it has a message of its own."""
    callers_mistake: bool = False
    """ServiceValidationError (the caller fixes the call) rather than HomeAssistantError."""

    def matches(self, err: BaseException) -> bool:
        """Whether this row is about err."""
        if not isinstance(err, self.error):
            return False
        match err:
            case ModemHttpError() if self.failure is not None:
                return err.failure is self.failure
            case RequestRejected() if self.field is not None:
                return err.field == self.field
        return self.failure is None and self.field is None


_SERVICE_FIELDS: Final = {
    "file_name": "modem_file",
    "body": "payload",
    "byte_range": "range_start",
    "content_type": "content_type",
}
"""The library's names for what the actions call by their field names."""


def _rejected(err: RequestRejected, _call: Call) -> Message:
    """Name the field; a bad URL has its own message because it is the commonest mistake."""
    if err.field == "url":
        return "invalid_url", {"reason": err.reason}
    return "request_rejected", {
        "field": _SERVICE_FIELDS.get(err.field, err.field),
        "reason": err.reason,
    }


def _http_error(err: ModemHttpError, _call: Call) -> Message:
    return "modem_http_error", {"code": err.code, "message": err.message}


def _too_large(err: ResponseTooLargeError, _call: Call) -> Message:
    if err.size is None:
        return "response_too_large_unannounced", {"limit": err.limit}
    return "response_too_large", {"size": err.size, "limit": err.limit}


def _disconnected(err: ModemDisconnectedError, _call: Call) -> Message:
    port = err.port or "an unknown port"
    return ("modem_restarted" if err.restarted else "modem_disconnected"), {"port": port}


def _modem_timeout(err: ModemTimeoutError, call: Call) -> Message:
    """Say where the time went: queued behind other requests, then on the modem.

    A request's timeout counts from the call, queueing included, so a request that waited long
    for the modem must not read as if the modem itself had been slow.
    """
    queued, elapsed = err.queued, err.elapsed
    if queued is None or elapsed is None:
        return "modem_timeout", {"timeout": f"{call.timeout:g}"}
    if elapsed == 0.0:
        return "modem_busy", {"timeout": f"{call.timeout:g}"}
    if queued >= 0.1:
        return "modem_timeout_queued", {"queued": f"{queued:.1f}", "elapsed": f"{elapsed:.1f}"}
    return "modem_timeout", {"timeout": f"{round(elapsed, 1):g}"}


def _input_open(_err: ModemInputOpenError, call: Call) -> Message:
    return "modem_input_open", {"timeout": f"{call.timeout:g}"}


def _timeout(_err: TimeoutError, call: Call) -> Message:
    return "modem_timeout", {"timeout": f"{call.timeout:g}"}


def _command_failed(err: AtCommandError, _call: Call) -> Message:
    return "at_command_error", {"code": err.cme_code if err.cme_code is not None else err.final}


def _other(err: ModemError, _call: Call) -> Message:
    return "modem_error", {"error": str(err) or type(err).__name__}


def _command_refused(err: RequestRejected, call: Call) -> Message:
    return "command_refused", {"command": call.command, "reason": err.reason}


def _unsupported(err: UnsupportedOperation, _call: Call) -> Message:
    """What the modem's family cannot do (a module file on SIM800, verification on SIM800...)."""
    return "operation_unsupported", {"reason": str(err)}


def _no_data_connection(err: NoDataConnectionError, _call: Call) -> Message:
    return "no_data_connection", {"cause": err.cause}


def _response_cut(err: ResponseCutError, _call: Call) -> Message:
    return "response_cut", {"received": err.received}


_GAVE_UP_KEYS: Final = {
    "no_range_support": "download_gave_up_no_ranges",
    "unverifiable": "download_gave_up_unverifiable",
}
"""Why a download was given up, where it was not the attempt limit (`download_gave_up`)."""


def _download_gave_up(err: DownloadGaveUpError, _call: Call) -> Message:
    key = _GAVE_UP_KEYS.get(err.reason, "download_gave_up")
    return key, {"resumes": err.resumes}


def _sms_text_problem(key: str) -> Callable[[BaseException, Call], Message]:
    def message(_err: BaseException, _call: Call) -> Message:
        return key, {}

    return message


def _too_many_parts(err: MessageTooLong, _call: Call) -> Message:
    return "sms_too_long", {"parts": err.parts_needed, "max": err.max_parts}


_SMS_CAUSES: Final[Mapping[CmsErrorKind, str]] = {
    CmsErrorKind.NO_NETWORK: "sms_no_network",
    CmsErrorKind.SMSC_UNKNOWN: "sms_no_service_centre",
    CmsErrorKind.SIM_MISSING: "sms_no_sim",
    CmsErrorKind.SIM_LOCKED: "sms_sim_locked",
    CmsErrorKind.SIM_NOT_READY: "sms_modem_busy",
    CmsErrorKind.BUSY: "sms_modem_busy",
    CmsErrorKind.NETWORK_TIMEOUT: "sms_network_failure",
    CmsErrorKind.NETWORK_FAILURE: "sms_network_failure",
    CmsErrorKind.BARRED: "sms_not_allowed",
    CmsErrorKind.SUBSCRIPTION: "sms_not_allowed",
    CmsErrorKind.NOT_ALLOWED: "sms_not_allowed",
    CmsErrorKind.REJECTED: "sms_not_allowed",
    CmsErrorKind.RECIPIENT_UNASSIGNED: "sms_bad_recipient",
    CmsErrorKind.RECIPIENT_UNREACHABLE: "sms_bad_recipient",
    CmsErrorKind.INVALID_DESTINATION: "sms_bad_recipient",
}
"""What a `+CMS ERROR` cause tells the user to do, by kind; other kinds say the cause as it is."""


def _sms_sim_not_ready(err: SmsSimNotReadyError, _call: Call) -> Message:
    return "sms_sim_not_ready", {"cause": err.cause}


def _sms_rejected(err: SmsRejected, _call: Call) -> Message:
    """Name the cause and what to do; a message cut off half-way says how much went out."""
    cause = err.cause
    code = cause.code if cause.code is not None else "?"
    if err.parts_sent:
        return "sms_partly_sent", {
            "sent": err.parts_sent,
            "total": err.parts_total,
            "cause": cause.text,
            "code": code,
        }
    return _SMS_CAUSES.get(cause.kind, "sms_rejected"), {"cause": cause.text, "code": code}


RULES: Final[tuple[Rule[Any], ...]] = (
    # SMS input, refused by the codec before anything reaches the modem.
    Rule(InvalidNumber, None, _sms_text_problem("sms_invalid_number"), callers_mistake=True),
    Rule(EmptyText, None, _sms_text_problem("sms_empty"), callers_mistake=True),
    Rule(
        ForbiddenCharacter,
        None,
        _sms_text_problem("sms_forbidden_character"),
        callers_mistake=True,
    ),
    Rule(MessageTooLong, None, _too_many_parts, callers_mistake=True),
    Rule(RequestRejected, None, _command_refused, field="command", callers_mistake=True),
    Rule(RequestRejected, None, _rejected, callers_mistake=True),
    # The modem cannot do what was asked; found before the request went out. The caller (or
    # the options) must ask for something else.
    Rule(UnsupportedOperation, None, _unsupported, callers_mistake=True),
    Rule(NoDataConnectionError, ErrorKind.NO_DATA_CONNECTION, _no_data_connection),
    Rule(ModemHttpError, ErrorKind.DNS_FAILED, _http_error, failure=HttpFailure.DNS),
    Rule(ModemHttpError, ErrorKind.CONNECTION_FAILED, _http_error, failure=HttpFailure.CONNECT),
    Rule(ModemHttpError, ErrorKind.TLS_FAILED, _http_error, failure=HttpFailure.TLS),
    Rule(ModemHttpError, ErrorKind.SERVER_TIMEOUT, _http_error, failure=HttpFailure.TIMEOUT),
    Rule(ModemHttpError, ErrorKind.MODEM_HTTP_ERROR, _http_error),
    Rule(ResponseTooLargeError, ErrorKind.RESPONSE_TOO_LARGE, _too_large),
    Rule(ResponseCutError, ErrorKind.TRANSFER_CUT, _response_cut),
    Rule(DownloadGaveUpError, ErrorKind.TRANSFER_CUT, _download_gave_up),
    Rule(ModemDisconnectedError, ErrorKind.MODEM_DISCONNECTED, _disconnected),
    Rule(ModemInputOpenError, ErrorKind.MODEM_TIMEOUT, _input_open),
    Rule(ModemTimeoutError, ErrorKind.MODEM_TIMEOUT, _modem_timeout),
    Rule(SmsRejected, ErrorKind.COMMAND_FAILED, _sms_rejected),
    Rule(SmsSimNotReadyError, ErrorKind.OTHER, _sms_sim_not_ready),
    Rule(AtCommandError, ErrorKind.COMMAND_FAILED, _command_failed),
    Rule(ModemError, ErrorKind.OTHER, _other),
    # Not the library's: a deadline around a library call, the download's own file (a full
    # disk, a removed folder), a call cancelled by its automation.
    Rule(TimeoutError, ErrorKind.MODEM_TIMEOUT, _timeout),
    Rule(OSError, ErrorKind.FILE_WRITE_FAILED, None),
    Rule(asyncio.CancelledError, ErrorKind.CANCELLED, None),
)

_UNKNOWN: Final[Rule[BaseException]] = Rule(BaseException, ErrorKind.OTHER, None)
"""Anything else (a bug): counted as a failed request, passed on unchanged."""


def rule_for(err: BaseException) -> Rule[Any]:
    """The row about err."""
    return next((rule for rule in RULES if rule.matches(err)), _UNKNOWN)


def to_service_error(
    err: BaseException, *, timeout: float, command: str = ""
) -> HomeAssistantError | None:
    """What the caller sees for err; None when err is to be passed on as it is."""
    rule = rule_for(err)
    if rule.message is None:
        return None
    key, placeholders = rule.message(err, Call(timeout, command))
    make = validation_error if rule.callers_mistake else modem_failure
    return make(key, **placeholders)


def library_error(
    err: ModemError | TimeoutError | SmsError, *, timeout: float, command: str = ""
) -> HomeAssistantError:
    """What the caller sees for a failure of the library; RULES gives every one a message."""
    translated = to_service_error(err, timeout=timeout, command=command)
    assert translated is not None, f"RULES has no message for {type(err).__name__}"
    return translated


def last_error(err: BaseException) -> tuple[ErrorKind | None, int | None]:
    """The Last error sensor's state for err, and the modem's own number for it if it gave one."""
    return rule_for(err).state, modem_code(err)


def modem_code(err: BaseException) -> int | None:
    """The modem's own number for the failure, where it gave one."""
    match err:
        case ModemHttpError():
            return err.code
        case AtCommandError():
            return err.cme_code
    return None


def event_error(err: BaseException) -> tuple[str, int | None]:
    """What a failed download's event says went wrong, and the modem's number if any.

    The caller saw a translated error; its key (`file_exists`, `path_not_allowed`,
    `modem_http_error`) is the stable name automations match on. A failure that was never
    translated (cancellation) is named by its Last error state.
    """
    if isinstance(err, HomeAssistantError) and err.translation_key:
        code = (err.translation_placeholders or {}).get("code", "")
        return err.translation_key, int(code) if code.isdigit() else None
    return (rule_for(err).state or ErrorKind.OTHER).value, modem_code(err)


_ENTRY_ERRORS: Final[Mapping[str, str]] = {
    "service_config_entry_not_found": "modem_not_found",
    "service_config_entry_wrong_domain": "modem_not_found",
    "service_config_entry_not_loaded": "modem_not_loaded",
    "service_found_no_config_entry_for_domain": "no_modem",
    "service_found_multiple_config_entry_for_domain": "multiple_modems",
}
"""Home Assistant's refusals of a call's config entry, as this integration's messages.

Ours say what to do about a modem (plug it in, pick one with config_entry_id) where the generic
ones speak of config entries.
"""


def entry_error(err: ServiceValidationError, entry_id: str | None) -> ServiceValidationError:
    """Home Assistant's refusal of the call's config entry, in the integration's words."""
    key = _ENTRY_ERRORS.get(err.translation_key or "")
    if key is None:
        return err
    match key:
        case "modem_not_found":
            placeholders: dict[str, object] = {"entry_id": entry_id}
        case "modem_not_loaded":
            placeholders = {"name": (err.translation_placeholders or {}).get("entry_title", "")}
        case _:
            placeholders = {}
    return validation_error(key, **placeholders)


__all__ = [
    "MAX_PLACEHOLDER",
    "RULES",
    "Call",
    "Rule",
    "entry_error",
    "event_error",
    "last_error",
    "library_error",
    "modem_code",
    "modem_failure",
    "rule_for",
    "safe_placeholders",
    "to_service_error",
    "validation_error",
]
