"""The modem_http services: HTTP requests, file posts and downloads through the modem.

Registered once in async_setup (not per entry) so automations validate even while a modem is
unplugged; each call picks its modem by `config_entry_id`, or the only loaded one. Every input is
checked before anything is sent (AT injection, sizes, paths), every call ends in a response or a
translated error, and every request that reached the modem is recorded for the sensors.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import Any, Final

import probatio as vol
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import ConfigEntrySelector
from homeassistant.helpers.service import async_register_admin_service

from .atmodem import Modem, RequestRejected, ResponseTooLargeError
from .atmodem.validation import check_method
from .const import DOMAIN
from .file_transfer import read_allowed_file
from .services_common import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_CONTENT_TYPE,
    ATTR_HEADERS,
    ATTR_JSON,
    ATTR_MAX_RESPONSE_SIZE,
    ATTR_METHOD,
    ATTR_MODEM_FILE,
    ATTR_OVERWRITE,
    ATTR_PATH,
    ATTR_PAYLOAD,
    ATTR_RANGE_END,
    ATTR_RANGE_START,
    ATTR_TIMEOUT,
    ATTR_URL,
    MAX_RESPONSE_SIZE,
    checked_headers,
    checked_modem_file,
    checked_url,
    perform,
    request_timeout,
    resolve_entry,
    response_limit,
)
from .services_download import async_download
from .services_errors import to_service_error, validation_error
from .services_response import http_response_data

SERVICE_GET: Final = "get"
SERVICE_POST: Final = "post"
SERVICE_REQUEST: Final = "request"
SERVICE_POST_FILE: Final = "post_file"
SERVICE_DOWNLOAD: Final = "download"


def http_method(value: str) -> str:
    """The schema's check: an HTTP token, refused without repeating the value."""
    try:
        return check_method(value)
    except RequestRejected as err:
        raise vol.Invalid(err.reason) from err


_TIMEOUT = vol.All(vol.Coerce(float), vol.Range(min=1, max=600))
_BYTE = vol.All(vol.Coerce(int), vol.Range(min=0))

_BASE: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): ConfigEntrySelector({"integration": DOMAIN}),
    vol.Required(ATTR_URL): cv.string,
    vol.Optional(ATTR_HEADERS, default=dict): vol.Schema({cv.string: cv.string}),
    vol.Optional(ATTR_TIMEOUT): _TIMEOUT,
}
_RESPONSE: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_MAX_RESPONSE_SIZE): vol.All(
        vol.Coerce(int), vol.Range(min=1, max=MAX_RESPONSE_SIZE)
    ),
}
_BODY: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_PAYLOAD): cv.string,
    vol.Optional(ATTR_JSON): vol.Any(dict, list),
    vol.Optional(ATTR_CONTENT_TYPE): cv.string,
}
_RANGE: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_RANGE_START): _BYTE,
    vol.Optional(ATTR_RANGE_END): _BYTE,
}

GET_SCHEMA: Final = vol.Schema({**_BASE, **_RANGE, **_RESPONSE})
POST_SCHEMA: Final = vol.Schema({**_BASE, **_BODY, **_RESPONSE})
REQUEST_SCHEMA: Final = vol.Schema(
    {
        **_BASE,
        **_BODY,
        **_RANGE,
        **_RESPONSE,
        # A token first: nothing (not even an error message) may look at a method with a line
        # break in it.
        vol.Required(ATTR_METHOD): vol.All(cv.string, http_method, vol.Upper),
    }
)
POST_FILE_SCHEMA: Final = vol.Schema(
    {
        **_BASE,
        **_RESPONSE,
        vol.Optional(ATTR_PATH): cv.string,
        vol.Optional(ATTR_MODEM_FILE): cv.string,
        vol.Optional(ATTR_CONTENT_TYPE): cv.string,
    }
)
DOWNLOAD_SCHEMA: Final = vol.Schema(
    {
        **_BASE,
        vol.Optional(ATTR_PATH): cv.string,
        vol.Optional(ATTR_MODEM_FILE): cv.string,
        vol.Optional(ATTR_OVERWRITE, default=False): cv.boolean,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the services; called once from async_setup."""

    async def get(call: ServiceCall) -> ServiceResponse:
        return await _async_http(hass, call, "GET")

    async def post(call: ServiceCall) -> ServiceResponse:
        return await _async_http(hass, call, "POST")

    async def request(call: ServiceCall) -> ServiceResponse:
        return await _async_http(hass, call, call.data[ATTR_METHOD])

    async def post_file(call: ServiceCall) -> ServiceResponse:
        return await _async_post_file(hass, call)

    async def download(call: ServiceCall) -> ServiceResponse:
        entry = resolve_entry(hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
        return await async_download(hass, entry, call.data, request_timeout(entry, call.data))

    optional = SupportsResponse.OPTIONAL
    hass.services.async_register(DOMAIN, SERVICE_GET, get, GET_SCHEMA, optional)
    hass.services.async_register(DOMAIN, SERVICE_POST, post, POST_SCHEMA, optional)
    hass.services.async_register(DOMAIN, SERVICE_REQUEST, request, REQUEST_SCHEMA, optional)
    # Reading and writing local files is an administrator's privilege, as in `downloader`.
    async_register_admin_service(
        hass, DOMAIN, SERVICE_POST_FILE, post_file, POST_FILE_SCHEMA, optional
    )
    async_register_admin_service(
        hass, DOMAIN, SERVICE_DOWNLOAD, download, DOWNLOAD_SCHEMA, optional
    )


def _body(data: Mapping[str, Any]) -> tuple[bytes | None, str | None]:
    """The request body and the content type it implies."""
    if ATTR_PAYLOAD in data and ATTR_JSON in data:
        raise validation_error("payload_and_json")
    if ATTR_JSON in data:
        try:
            # NaN and Infinity are not JSON; values a script passes that JSON has no form for
            # (a date, a set) are the caller's to convert.
            text = jsonlib.dumps(
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


async def _async_http(hass: HomeAssistant, call: ServiceCall, method: str) -> ServiceResponse:
    """get, post and request: check everything, send once, answer in rest_command's shape."""
    data = call.data
    entry = resolve_entry(hass, data.get(ATTR_CONFIG_ENTRY_ID))
    modem = entry.runtime_data.modem
    if method not in modem.methods:
        raise validation_error(
            "method_not_supported",
            method=method,
            dialect=modem.dialect,
            allowed=", ".join(sorted(modem.methods)),
        )
    url = checked_url(data[ATTR_URL])
    headers, header_content_type = checked_headers(data[ATTR_HEADERS])
    body, body_content_type = _body(data)
    if body is not None and len(body) > modem.max_body:
        raise validation_error("body_too_large", size=len(body), max=modem.max_body)
    content_type = data.get(ATTR_CONTENT_TYPE) or header_content_type or body_content_type
    byte_range = _byte_range(data, method)
    timeout = request_timeout(entry, data)

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
        ),
    )
    return http_response_data(response)


async def _async_post_file(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """POST a local file (allow-listed, read in the executor) or a file on the modem."""
    data = call.data
    entry = resolve_entry(hass, data.get(ATTR_CONFIG_ENTRY_ID))
    modem: Modem = entry.runtime_data.modem
    if (ATTR_PATH in data) == (ATTR_MODEM_FILE in data):
        raise validation_error("path_or_modem_file")
    url = checked_url(data[ATTR_URL])
    headers, header_content_type = checked_headers(data[ATTR_HEADERS])
    timeout = request_timeout(entry, data)

    if ATTR_MODEM_FILE in data:
        if headers or ATTR_CONTENT_TYPE in data or header_content_type:
            raise validation_error(
                "request_rejected",
                field=ATTR_HEADERS,
                reason="the modem sends its own file without extra headers",
            )
        name = checked_modem_file(data[ATTR_MODEM_FILE])
        response = await perform(
            entry, "POST", 0, timeout, lambda: modem.post_modem_file(url, name, timeout=timeout)
        )
        limit = response_limit(data)
        if len(response.body) > limit:
            # The file commands read the answer whole; it is still not handed over.
            raise to_service_error(
                ResponseTooLargeError(limit, len(response.body)), timeout=timeout
            )
        return http_response_data(response)

    body = await hass.async_add_executor_job(
        read_allowed_file, hass, data[ATTR_PATH], modem.max_body
    )
    content_type = data.get(ATTR_CONTENT_TYPE) or header_content_type or "application/octet-stream"
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
            max_response_size=response_limit(data),
        ),
    )
    return http_response_data(response)
