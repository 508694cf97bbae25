"""AT+HTTPPARA planning for the AT+HTTPINIT command family (SIMCom SIM7600/A76xx and SIM800).

Both manuals describe the same parameters the same way: a few headers have tags of their own
(CONTENT, UA, and on SIM7600 ACCEPT), every other header goes into USERDATA joined by the escape
`\\r\\n`, and a byte range becomes BREAK/BREAKEND. What differs is data: which headers have a tag,
how long a tag's value and USERDATA may be, and how the USERDATA bound is worded. Each family
passes its own `HttpparaRules`; the checks and the parameters they build are this module's.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ..errors import RequestRejected
from ..request import HttpRequest
from ..validation import check_header, check_range, check_text

USERDATA_SEPARATOR: Final = "\\r\\n"
"""Four characters, backslash r backslash n: a real CR/LF would end the AT command, so the firmware
takes this escape between custom headers (seen in public code for SIM800 and A7670 sending
`AT+HTTPPARA="USERDATA","Name: v\\r\\nOther: w"`)."""
MAX_BREAK: Final = 2**31 - 1
"""BREAK and BREAKEND are signed 32-bit numbers in both manuals."""

_FORBIDDEN_HEADERS: Final = {
    "content-length": "the modem sets Content-Length from the body itself",
    "transfer-encoding": "the modem frames the body itself",
}


@dataclass(frozen=True, slots=True)
class HttpparaRules:
    """One family's limits on AT+HTTPPARA values, as its manual gives them."""

    mapped_headers: Mapping[str, str]
    """Lower-case header name -> the AT+HTTPPARA tag it goes to instead of USERDATA."""
    max_field: int
    """The longest value a mapped tag (CONTENT, UA, ...) takes."""
    max_userdata: int
    """The longest USERDATA value."""
    userdata_bound: str
    """How refusing too long custom headers names the bound (`the modem takes at most 512`)."""


def headers_with_if_range(request: HttpRequest) -> tuple[tuple[str, str], ...]:
    """The request's headers, with its If-Range validator added as a header of its own."""
    headers = request.headers
    if request.if_range is None:
        return headers
    # USERDATA is a quoted AT string: an entity-tag's quotes would end it (a date has none).
    if '"' in request.if_range:
        raise RequestRejected(
            "if_range", "an entity-tag's quotes would end the quoted USERDATA parameter"
        )
    if any(name.lower() == "if-range" for name, _ in headers if isinstance(name, str)):
        raise RequestRejected("if_range", "is given both as a field and as a header")
    return (*headers, ("If-Range", request.if_range))


def header_parameters(
    headers: tuple[tuple[str, str], ...], content_type: str | None, rules: HttpparaRules
) -> dict[str, str]:
    """Mapped headers go to their own parameters, the rest to USERDATA (or RequestRejected)."""
    mapped: dict[str, str] = {}
    custom: list[str] = []
    for name, value in headers:
        if not isinstance(name, str) or not isinstance(value, str):
            raise RequestRejected("headers", "names and values must be strings")
        check_header(name, value)
        key = name.lower()
        if key in _FORBIDDEN_HEADERS:
            raise RequestRejected("headers", f"{name}: {_FORBIDDEN_HEADERS[key]}")
        if key in rules.mapped_headers:
            parameter = rules.mapped_headers[key]
            if parameter in mapped:
                raise RequestRejected("headers", f"{name} is given more than once")
            mapped[parameter] = check_text(name, value, max_length=rules.max_field)
            continue
        if "\\" in name or "\\" in value:
            # The modem turns backslash escapes in USERDATA into CR/LF: a backslash could
            # smuggle a header line of its own.
            raise RequestRejected("headers", f"{name}: a backslash cannot be sent in USERDATA")
        custom.append(f"{name}: {value}")
    if content_type is not None:
        if "CONTENT" in mapped and mapped["CONTENT"] != content_type:
            raise RequestRejected("content_type", "differs from the Content-Type header")
        mapped["CONTENT"] = check_text("content_type", content_type, max_length=rules.max_field)
    parameters = {parameter: f'"{value}"' for parameter, value in mapped.items()}
    if custom:
        user_data = USERDATA_SEPARATOR.join(custom)
        if len(user_data) > rules.max_userdata:
            raise RequestRejected(
                "headers",
                f"custom headers take {len(user_data)} characters in USERDATA; "
                f"{rules.userdata_bound}",
            )
        parameters["USERDATA"] = f'"{user_data}"'
    return parameters


def httpdata_body(method: str, body: bytes | None, max_body: int, dialect: str) -> bytes | None:
    """The body AT+HTTPDATA sends: POST only, at most `max_body` bytes; None without one."""
    if not body:
        return None
    if method != "POST":
        raise RequestRejected("body", f"only POST can carry a body in the {dialect} dialect")
    if len(body) > max_body:
        raise RequestRejected("body", f"is {len(body)} bytes; AT+HTTPDATA takes at most {max_body}")
    return bytes(body)


def range_parameters(method: str, byte_range: tuple[int, int | None] | None) -> dict[str, str]:
    """BREAK/BREAKEND: both 0 disables; BREAKEND below BREAK means "from BREAK to the end"."""
    if byte_range is None:
        return {}
    if method != "GET":
        raise RequestRejected("byte_range", "the modem resumes transfers for GET only")
    first, last = byte_range
    check_range("byte_range", first, 0, MAX_BREAK)
    if last is None:
        if first == 0:
            return {}  # the whole body: no range at all
        return {"BREAK": str(first), "BREAKEND": "0"}
    check_range("byte_range", last, 0, MAX_BREAK)
    if last <= first:
        # Equal values are neither "to breakend" nor "to the end"; 0-0 disables resuming.
        raise RequestRejected("byte_range", "the last byte must be after the first")
    return {"BREAK": str(first), "BREAKEND": str(last)}


__all__ = [
    "MAX_BREAK",
    "USERDATA_SEPARATOR",
    "HttpparaRules",
    "header_parameters",
    "headers_with_if_range",
    "httpdata_body",
    "range_parameters",
]
