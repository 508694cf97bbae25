"""get, post, request and post_file: one HTTP request through the modem, answered in full.

The caller gets rest_command's response shape (services/responses.py). Before the modem hears of
the call, only what Home Assistant decides is checked here: the fields' combinations, the byte
range, the modem's body limit and methods (named in the message), and local files against the
allow-list. Whether a URL, header or file name can be sent is the library's check.

Each request shows on the transfer progress sensor while it runs (a quick one never does): the
response body for get, post and request, the local file going out for post_file (a file
already on the modem does not cross the serial line, so it has no progress to show).
"""

import json
from collections.abc import Mapping
from typing import Any, Final

import probatio as vol
from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv

from ..atmodem import HttpResponse, RequestRejected, ResponseTooLargeError
from ..atmodem.progress import Direction
from ..atmodem.shown import shown
from ..atmodem.validation import check_method
from .errors import validation_error
from .fields import (
    ATTR_CONTENT_TYPE,
    ATTR_HEADERS,
    ATTR_JSON,
    ATTR_METHOD,
    ATTR_MODEM_FILE,
    ATTR_PATH,
    ATTR_PAYLOAD,
    ATTR_RANGE_END,
    ATTR_RANGE_START,
    ATTR_URL,
    REQUEST_FIELDS,
    RESPONSE_FIELDS,
    request_timeout,
    response_limit,
    split_content_type,
)
from .local_files import read_allowed_file
from .outcome import perform
from .responses import http_response_data
from .shown_text import MAX_EVENT_TEXT, event_url
from .target import modem_entry


def http_method(value: str) -> str:
    """The schema's check: an HTTP token, refused without repeating the value."""
    try:
        return check_method(value)
    except RequestRejected as err:
        raise vol.Invalid(err.reason) from err


_BYTE: Final = vol.All(vol.Coerce(int), vol.Range(min=0))
_BODY: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_PAYLOAD): cv.string,
    vol.Optional(ATTR_JSON): vol.Any(dict, list),
    vol.Optional(ATTR_CONTENT_TYPE): cv.string,
}
_RANGE: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_RANGE_START): _BYTE,
    vol.Optional(ATTR_RANGE_END): _BYTE,
}

GET_SCHEMA: Final = vol.Schema({**REQUEST_FIELDS, **_RANGE, **RESPONSE_FIELDS})
POST_SCHEMA: Final = vol.Schema({**REQUEST_FIELDS, **_BODY, **RESPONSE_FIELDS})
REQUEST_SCHEMA: Final = vol.Schema(
    {
        **REQUEST_FIELDS,
        **_BODY,
        **_RANGE,
        **RESPONSE_FIELDS,
        # A token first: nothing (not even an error message) may look at a method with a line
        # break in it.
        vol.Required(ATTR_METHOD): vol.All(cv.string, http_method, vol.Upper),
    }
)
POST_FILE_SCHEMA: Final = vol.Schema(
    {
        **REQUEST_FIELDS,
        **RESPONSE_FIELDS,
        vol.Optional(ATTR_PATH): cv.string,
        vol.Optional(ATTR_MODEM_FILE): cv.string,
        vol.Optional(ATTR_CONTENT_TYPE): cv.string,
    }
)


async def async_get(call: ServiceCall) -> ServiceResponse:
    """modem_http.get."""
    return await _async_http(call, "GET")


async def async_post(call: ServiceCall) -> ServiceResponse:
    """modem_http.post."""
    return await _async_http(call, "POST")


async def async_request(call: ServiceCall) -> ServiceResponse:
    """modem_http.request: any method the modem can send."""
    return await _async_http(call, call.data[ATTR_METHOD])


async def _async_http(call: ServiceCall, method: str) -> ServiceResponse:
    """Check what only Home Assistant knows, send once, answer in rest_command's shape."""
    data = call.data
    entry = modem_entry(call)
    modem = entry.runtime_data.modem
    if method not in modem.methods:
        raise validation_error(
            "method_not_supported",
            method=method,
            dialect=modem.dialect,
            allowed=", ".join(sorted(modem.methods)),
        )
    headers, header_content_type = split_content_type(data[ATTR_HEADERS])
    body, body_content_type = _body(data)
    if body is not None and len(body) > modem.max_body:
        raise validation_error("body_too_large", size=len(body), max=modem.max_body)
    content_type = data.get(ATTR_CONTENT_TYPE) or header_content_type or body_content_type
    byte_range = _byte_range(data, method)
    timeout = request_timeout(entry, data)
    url: str = data[ATTR_URL]
    with entry.runtime_data.transfers.track(
        Direction.DOWNLOAD, call.service, event_url(url)
    ) as progress:
        response = await perform(
            entry,
            method,
            len(body or b""),
            timeout,
            lambda: modem.http_request(
                method,
                url,
                headers=headers,
                body=body,
                timeout=timeout,
                byte_range=byte_range,
                content_type=content_type,
                max_response_size=response_limit(data),
                progress=progress,
            ),
        )
    return http_response_data(response)


async def async_post_file(call: ServiceCall) -> ServiceResponse:
    """modem_http.post_file: a local file (allow-listed, read in the executor) or a modem's file."""
    data = call.data
    entry = modem_entry(call)
    modem = entry.runtime_data.modem
    if (ATTR_PATH in data) == (ATTR_MODEM_FILE in data):
        raise validation_error("path_or_modem_file")
    url: str = data[ATTR_URL]
    headers, header_content_type = split_content_type(data[ATTR_HEADERS])
    timeout = request_timeout(entry, data)
    limit = response_limit(data)

    if ATTR_MODEM_FILE in data:
        if headers or header_content_type or ATTR_CONTENT_TYPE in data:
            raise validation_error(
                "request_rejected",
                field=ATTR_HEADERS,
                reason="the modem sends its own file without extra headers",
            )
        name: str = data[ATTR_MODEM_FILE]

        async def post_modem_file() -> HttpResponse:
            response = await modem.post_modem_file(url, name, timeout=timeout)
            if len(response.body) > limit:
                # The file commands read the answer whole; it is still not handed over.
                raise ResponseTooLargeError(limit, len(response.body))
            return response

        return http_response_data(await perform(entry, "POST", 0, timeout, post_modem_file))

    body = await call.hass.async_add_executor_job(
        read_allowed_file, call.hass, data[ATTR_PATH], modem.max_body
    )
    content_type = data.get(ATTR_CONTENT_TYPE) or header_content_type or "application/octet-stream"
    path = shown(data[ATTR_PATH], limit=MAX_EVENT_TEXT)
    with entry.runtime_data.transfers.track(Direction.UPLOAD, "post_file", path) as progress:
        progress.total = len(body)
        response = await perform(
            entry,
            "POST",
            len(body),
            timeout,
            lambda: modem.http_request(
                "POST",
                url,
                headers=headers,
                body=body,
                timeout=timeout,
                content_type=content_type,
                max_response_size=limit,
                progress=progress,
            ),
        )
    return http_response_data(response)


def _body(data: Mapping[str, Any]) -> tuple[bytes | None, str | None]:
    """The request body and the content type it implies."""
    if ATTR_PAYLOAD in data and ATTR_JSON in data:
        raise validation_error("payload_and_json")
    if ATTR_JSON in data:
        try:
            # NaN and Infinity are not JSON; values a script passes that JSON has no form for
            # (a date, a set) are the caller's to convert.
            text = json.dumps(
                data[ATTR_JSON], separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
        except (TypeError, ValueError) as err:
            raise validation_error(
                "request_rejected", field=ATTR_JSON, reason="cannot be written as JSON"
            ) from err
        return _utf8(ATTR_JSON, text), "application/json"
    if ATTR_PAYLOAD in data:
        return _utf8(ATTR_PAYLOAD, str(data[ATTR_PAYLOAD])), None
    return None, None


def _utf8(field: str, text: str) -> bytes:
    """Text as UTF-8; a lone surrogate (JSON over the WebSocket API can carry one) is refused."""
    try:
        return text.encode()
    except UnicodeEncodeError as err:
        raise validation_error(
            "request_rejected", field=field, reason="contains text that is not valid Unicode"
        ) from err


def _byte_range(data: Mapping[str, Any], method: str) -> tuple[int, int | None] | None:
    """range_start and range_end as the library's (first, last) pair; GET only, in order."""
    start: int | None = data.get(ATTR_RANGE_START)
    end: int | None = data.get(ATTR_RANGE_END)
    if start is None and end is None:
        return None
    if method != "GET":
        raise validation_error(
            "request_rejected", field=ATTR_RANGE_START, reason="a byte range needs GET"
        )
    first = start or 0
    if end is not None and end < first:
        raise validation_error(
            "request_rejected", field=ATTR_RANGE_END, reason=f"is before range_start ({first})"
        )
    return first, end
