"""Turning atmodem's typed errors into Home Assistant's translated service errors.

The split follows Home Assistant's rule: a ServiceValidationError is the caller's mistake (fix the
call), a HomeAssistantError is the modem's or the network's (retry later). Every message names the
modem's own number where it has one, because that number is what the module's manual lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .atmodem import (
    AtCommandError,
    ModemDisconnectedError,
    ModemHttpError,
    ModemTimeoutError,
    NoDataConnectionError,
    RequestRejected,
    ResponseTooLargeError,
)
from .atmodem.shown import shown
from .const import DOMAIN
from .error_kinds import error_kind, modem_code

MAX_PLACEHOLDER = 240
"""A path or a refusal's reason (which quotes a bit of the value) fits; a flood does not."""


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


_SERVICE_FIELDS = {
    "file_name": "modem_file",
    "body": "payload",
    "byte_range": "range_start",
    "content_type": "content_type",
}
"""The drivers' names for what the services call by their field names."""


def rejected_to_validation_error(err: RequestRejected) -> ServiceValidationError:
    """Name the field; a bad URL has its own message because it is the commonest mistake."""
    if err.field == "url":
        return validation_error("invalid_url", reason=err.reason)
    field = _SERVICE_FIELDS.get(err.field, err.field)
    return validation_error("request_rejected", field=field, reason=err.reason)


def to_service_error(err: BaseException, *, timeout: float) -> HomeAssistantError:
    """Map an error raised while the modem worked on a request to what the caller sees."""
    if isinstance(err, RequestRejected):
        return rejected_to_validation_error(err)
    if isinstance(err, NoDataConnectionError):
        return modem_failure("no_data_connection", cause=err.cause)
    if isinstance(err, ModemHttpError):
        return modem_failure("modem_http_error", code=err.code, message=err.message)
    if isinstance(err, ResponseTooLargeError):
        if err.size is None:
            return modem_failure("response_too_large_unannounced", limit=err.limit)
        return modem_failure("response_too_large", size=err.size, limit=err.limit)
    if isinstance(err, ModemDisconnectedError):
        port = err.port or "an unknown port"
        if err.restarted:
            return modem_failure("modem_restarted", port=port)
        return modem_failure("modem_disconnected", port=port)
    if isinstance(err, ModemTimeoutError):
        return _timeout_error(err, timeout)
    if isinstance(err, TimeoutError):
        return modem_failure("modem_timeout", timeout=f"{timeout:g}")
    if isinstance(err, AtCommandError):
        code = err.cme_code if err.cme_code is not None else err.final
        return modem_failure("at_command_error", code=code)
    return modem_failure("modem_error", error=str(err) or type(err).__name__)


def _timeout_error(err: ModemTimeoutError, timeout: float) -> HomeAssistantError:
    """Say where the time went: queued behind other requests, then on the modem.

    A request's timeout counts from the call, queueing included, so a request that waited long
    for the modem must not read as if the modem itself had been slow.
    """
    queued, elapsed = err.queued, err.elapsed
    if queued is None or elapsed is None:
        return modem_failure("modem_timeout", timeout=f"{timeout:g}")
    if elapsed == 0.0:
        return modem_failure("modem_busy", timeout=f"{timeout:g}")
    if queued >= 0.1:
        return modem_failure(
            "modem_timeout_queued", queued=f"{queued:.1f}", elapsed=f"{elapsed:.1f}"
        )
    return modem_failure("modem_timeout", timeout=f"{round(elapsed, 1):g}")


def event_error(err: BaseException) -> tuple[str, int | None]:
    """What a failed download's event says went wrong, and the modem's number if any.

    The caller saw a translated error; its key (`file_exists`, `path_not_allowed`,
    `modem_http_error`) is the stable name automations match on. A failure that was never
    translated (cancellation) is named by its kind.
    """
    if isinstance(err, HomeAssistantError) and err.translation_key:
        code = (err.translation_placeholders or {}).get("code", "")
        return err.translation_key, int(code) if code.isdigit() else None
    return error_kind(err).value, modem_code(err)
