"""The service response, in the shape `rest_command` users already template against.

`status`, `headers` and `content` mean what they mean in rest_command's response; `json`, `bytes`,
`elapsed` (seconds the request had the modem), `queued` (seconds it waited for the modem while
other requests used it) and `content_encoding` are additions. A service response must be JSON,
so a body that is not text in its declared charset (an image, a firmware blob) is handed back as
base64 and marked, rather than mangled by a lossy decode.
"""

import base64
import codecs
import contextlib
import json
import re
from typing import Any

from multidict import CIMultiDictProxy

from ..atmodem import HttpResponse

_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:+-]+)""", re.IGNORECASE)


def charset_of(content_type: str | None) -> str:
    """The charset a Content-Type declares, if Python knows it; UTF-8 otherwise."""
    if content_type and (match := _CHARSET.search(content_type)):
        try:
            return codecs.lookup(match.group(1)).name
        except LookupError:
            pass
    return "utf-8"


def headers_dict(headers: CIMultiDictProxy[str]) -> dict[str, str | list[str]]:
    """One value per header, or a list where the server repeated it (as rest_command does)."""
    result: dict[str, str | list[str]] = {}
    seen: set[str] = set()
    for name in headers:
        if (folded := name.lower()) in seen:
            continue
        seen.add(folded)
        values = headers.getall(name)
        result[name] = values[0] if len(values) == 1 else values
    return result


def body_fields(body: bytes, content_type: str | None) -> dict[str, Any]:
    """`content` as text (or base64), plus `json` when the text parses as JSON."""
    try:
        text = body.decode(charset_of(content_type))
    except UnicodeDecodeError:
        return {"content": base64.b64encode(body).decode("ascii"), "content_encoding": "base64"}
    fields: dict[str, Any] = {"content": text}
    if text.strip():
        with contextlib.suppress(ValueError):
            fields["json"] = json.loads(text, parse_constant=_refuse_constant)
    return fields


def _refuse_constant(name: str) -> None:
    """NaN and Infinity are not JSON; a service response carrying them would not serialise."""
    raise ValueError(name)


def http_response_data(response: HttpResponse) -> dict[str, Any]:
    """The whole service response for one HTTP request."""
    data: dict[str, Any] = {
        "status": response.status,
        "reason": response.reason,
        "headers": headers_dict(response.headers),
    }
    data.update(body_fields(response.body, response.headers.get("Content-Type")))
    data["bytes"] = len(response.body)
    data["elapsed"] = round(response.elapsed, 3)
    data["queued"] = round(response.queued, 3)
    return data
