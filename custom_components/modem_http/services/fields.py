"""What the actions share: field names, schema pieces, and the values a call implies.

Only Home Assistant's own checks live here (types, ranges, the response cap). What a modem can
send (a URL or header free of AT injection, a file name its family accepts) is the library's to
check: it refuses with RequestRejected before a byte reaches the modem, and services/errors.py
turns that into the caller's translated error.
"""

from collections.abc import Mapping
from typing import Any, Final

import probatio as vol
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import ConfigEntrySelector

from ..const import CONF_TIMEOUT, DEFAULT_TIMEOUT, DOMAIN
from ..models import ModemHttpConfigEntry

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_URL: Final = "url"
ATTR_METHOD: Final = "method"
ATTR_HEADERS: Final = "headers"
ATTR_PAYLOAD: Final = "payload"
ATTR_JSON: Final = "json"
ATTR_CONTENT_TYPE: Final = "content_type"
ATTR_TIMEOUT: Final = "timeout"
ATTR_RANGE_START: Final = "range_start"
ATTR_RANGE_END: Final = "range_end"
ATTR_PATH: Final = "path"
ATTR_MODEM_FILE: Final = "modem_file"
ATTR_OVERWRITE: Final = "overwrite"
ATTR_RESUME: Final = "resume"
ATTR_MAX_RESPONSE_SIZE: Final = "max_response_size"
ATTR_COMMAND: Final = "command"

DEFAULT_MAX_RESPONSE_SIZE: Final = 1024 * 1024
"""What get, post, request and post_file hand back at most unless the call asks for more.

A response lands in the action's response variable, in automation traces and (base64 for
binary bodies, a third larger) in whatever the caller keeps; large bodies belong in a file
(the download action), which streams them to disk instead.
"""
MAX_RESPONSE_SIZE: Final = 8 * 1024 * 1024
"""The most a call may ask for with max_response_size."""

ENTRY_FIELD: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): ConfigEntrySelector({"integration": DOMAIN}),
}
REQUEST_FIELDS: Final[dict[Any, Any]] = {
    **ENTRY_FIELD,
    vol.Required(ATTR_URL): cv.string,
    vol.Optional(ATTR_HEADERS, default=dict): vol.Schema({cv.string: cv.string}),
    vol.Optional(ATTR_TIMEOUT): vol.All(vol.Coerce(float), vol.Range(min=1, max=600)),
}
RESPONSE_FIELDS: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_MAX_RESPONSE_SIZE): vol.All(
        vol.Coerce(int), vol.Range(min=1, max=MAX_RESPONSE_SIZE)
    ),
}


def request_timeout(entry: ModemHttpConfigEntry, data: Mapping[str, Any]) -> float:
    """The call's own timeout, else the one the user set in the entry's options."""
    if ATTR_TIMEOUT in data:
        return float(data[ATTR_TIMEOUT])
    return float(entry.options.get(CONF_TIMEOUT, DEFAULT_TIMEOUT))


def response_limit(data: Mapping[str, Any]) -> int:
    """The call's max_response_size (the schema bounds it), else the default."""
    return int(data.get(ATTR_MAX_RESPONSE_SIZE, DEFAULT_MAX_RESPONSE_SIZE))


def split_content_type(headers: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """The headers without Content-Type, and its value.

    The modems set the content type with a command of their own, so a Content-Type header moves
    to the content_type argument rather than being sent twice.
    """
    rest: dict[str, str] = {}
    content_type: str | None = None
    for name, value in headers.items():
        if name.lower() == "content-type":
            content_type = value
        else:
            rest[name] = value
    return rest, content_type
