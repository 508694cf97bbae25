"""The vocabulary of AT commands: how a command line is cut into requests, and how one ends.

Parsing follows ITU-T V.250 section 5.3 as SIMCom and Quectel firmware apply it:

- after `AT`, basic commands (`E0`, `V1`, `I`, `&F`, `Z`, `S0=1`) may follow each other without a
  separator (`ATE0V1`); an extended command (`+CSQ`, `$QCRMCALL`, `^SYSINFO`) runs to the end of
  the line or to the next `;` outside double quotes (`AT+CSQ;+CREG?`, `ATE0+CMEE=2`);
- names are case-insensitive and reported upper-case; arguments keep their case;
- arguments are split on commas outside quotes: a quoted argument is unquoted verbatim (modems do
  not process backslash escapes), a bare decimal number becomes an `int`, an omitted one is `''`.

A handler ends a request by returning (the core prints `OK`), by raising `CmeError` / `PlainError`,
or by returning `NO_FINAL` when it wrote its own final result code (or wants none).
"""

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Final, Literal

type Kind = Literal["exec", "set", "read", "test"]
type Arg = str | int

_EXTENDED_PREFIXES: Final = frozenset("+$^*%#!")
_INT_RE: Final = re.compile(r"-?[0-9]+")
_BASIC_RE: Final = re.compile(r"(&?[A-Z])([0-9]*)")
_S_REGISTER_RE: Final = re.compile(r"S([0-9]+)(\?|=([0-9]*))?")
_EXTENDED_NAME_RE: Final = re.compile(r"[+$^*%#!][A-Z0-9_&.\-/:]+")

# 3GPP TS 27.007 section 9.2.1 (general errors) and 9.2.2 (GPRS-related errors): the texts modems
# print with AT+CMEE=2. SIMCom and Quectel use the same wording (SIM7600 and EC25 AT command
# manuals).
CME_ERROR_TEXTS: Final[dict[int, str]] = {
    0: "phone failure",
    1: "no connection to phone",
    2: "phone-adaptor link reserved",
    3: "operation not allowed",
    4: "operation not supported",
    5: "PH-SIM PIN required",
    6: "PH-FSIM PIN required",
    7: "PH-FSIM PUK required",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    14: "SIM busy",
    15: "SIM wrong",
    16: "incorrect password",
    17: "SIM PIN2 required",
    18: "SIM PUK2 required",
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
    40: "network personalization PIN required",
    41: "network personalization PUK required",
    42: "network subset personalization PIN required",
    43: "network subset personalization PUK required",
    44: "service provider personalization PIN required",
    45: "service provider personalization PUK required",
    46: "corporate personalization PIN required",
    47: "corporate personalization PUK required",
    50: "Incorrect parameters",
    100: "unknown",
    103: "Illegal MS",
    106: "Illegal ME",
    107: "GPRS services not allowed",
    111: "PLMN not allowed",
    112: "Location area not allowed",
    113: "Roaming not allowed in this location area",
    132: "service option not supported",
    133: "requested service option not subscribed",
    134: "service option temporarily out of order",
    148: "unspecified GPRS error",
    149: "PDP authentication failure",
    150: "invalid mobile class",
}


@dataclass(slots=True)
class AtRequest:
    """One command of a command line, as a handler sees it.

    `raw` is the command's own text (`+HTTPPARA="URL","http://x"`), `arg_text` the raw text after
    `=` for handlers that must see the exact bytes (a URL with commas, a header with quotes).
    """

    raw: str
    name: str
    kind: Kind
    args: list[Arg] = field(default_factory=list)
    arg_text: str = ""

    def arg_int(self, index: int, default: int | None = None) -> int:
        """An integer argument, or `CmeError(50)` as real firmware answers a malformed one."""
        if index >= len(self.args) or self.args[index] == "":
            if default is None:
                raise CmeError(50)
            return default
        value = self.args[index]
        if not isinstance(value, int):
            raise CmeError(50)
        return value

    def arg_str(self, index: int, default: str | None = None) -> str:
        """A string argument (numbers are given back as written), or `CmeError(50)` when missing."""
        if index >= len(self.args):
            if default is None:
                raise CmeError(50)
            return default
        return str(self.args[index])


class CommandSyntaxError(ValueError):
    """The line is not valid AT syntax; modems answer a plain `ERROR` whatever AT+CMEE says."""


class CmeError(Exception):
    """A `+CME ERROR`, printed as `ERROR`, `+CME ERROR: <code>` or `+CME ERROR: <text>` per AT+CMEE.

    `text` overrides the 27.007 wording for vendor codes (the table has no text for them, and then
    the number is printed in verbose mode too, as SIMCom does for its own codes).
    """

    def __init__(self, code: int, text: str | None = None) -> None:
        self.code = code
        self.text = text if text is not None else CME_ERROR_TEXTS.get(code, str(code))
        super().__init__(f"+CME ERROR: {code} ({self.text})")


class PlainError(Exception):
    """A bare `ERROR` final result code whatever AT+CMEE says (syntax errors, unsupported forms)."""


class PayloadTimeout(Exception):
    """Data-input mode ended before the announced size arrived; `.partial` holds what did arrive."""

    def __init__(self, partial: bytes, expected: int) -> None:
        self.partial = partial
        self.expected = expected
        super().__init__(f"payload timeout: got {len(partial)} of {expected} bytes")


class FinalSent(Enum):
    """Returned by a handler that printed its own final result code (or deliberately none)."""

    NO_FINAL = "no-final"


NO_FINAL: Final = FinalSent.NO_FINAL


def execute_form(req: AtRequest) -> bool:
    """For a command with only an execute form: True to run it, False for its test form.

    The test form answers a plain OK; any other form is a syntax error (ERROR).
    """
    if req.kind == "test":
        return False
    if req.kind != "exec":
        raise PlainError
    return True


def parse_args(text: str) -> list[Arg]:
    """Split `text` (what follows `=`) into arguments, unquoting strings and converting numbers."""
    if text == "":
        return []
    args: list[Arg] = []
    for token in _split_outside_quotes(text, ",", keep_trailing=True):
        stripped = token.strip()
        if stripped.startswith('"'):
            if len(stripped) < 2 or not stripped.endswith('"') or '"' in stripped[1:-1]:
                raise CommandSyntaxError(f"bad quoted argument: {token!r}")
            args.append(stripped[1:-1])
        elif '"' in stripped:
            raise CommandSyntaxError(f"stray quote in argument: {token!r}")
        elif _INT_RE.fullmatch(stripped):
            args.append(int(stripped))
        else:
            args.append(stripped)
    return args


def parse_command_line(body: str) -> list[AtRequest]:
    """Cut the text after `AT` into requests; an empty body (plain `AT`) is no request at all."""
    requests: list[AtRequest] = []
    for segment in _split_outside_quotes(body, ";"):
        requests.extend(_parse_segment(segment.strip()))
    return requests


def _parse_segment(segment: str) -> list[AtRequest]:
    requests: list[AtRequest] = []
    pos = 0
    while pos < len(segment):
        if segment[pos].isspace():
            pos += 1
            continue
        if segment[pos] in _EXTENDED_PREFIXES:
            requests.append(_parse_extended(segment[pos:]))
            break
        upper = segment[pos:].upper()
        if upper.startswith("D"):
            # Dial strings run to the end of the segment and are not ours to interpret.
            requests.append(
                AtRequest(raw=segment[pos:], name="D", kind="exec", arg_text=segment[pos + 1 :])
            )
            break
        if s_match := _S_REGISTER_RE.match(upper):
            name = f"S{int(s_match.group(1))}"
            if s_match.group(2) == "?":
                requests.append(AtRequest(raw=s_match.group(0), name=name, kind="read"))
            elif s_match.group(2) is not None:
                value = s_match.group(3) or "0"
                requests.append(
                    AtRequest(
                        raw=s_match.group(0),
                        name=name,
                        kind="set",
                        args=[int(value)],
                        arg_text=value,
                    )
                )
            else:
                raise CommandSyntaxError(f"S-register without ? or =: {segment!r}")
            pos += s_match.end()
            continue
        match = _BASIC_RE.match(upper)
        if match is None:
            raise CommandSyntaxError(f"not a command: {segment[pos:]!r}")
        letter, digits = match.groups()
        requests.append(
            AtRequest(
                raw=segment[pos : pos + match.end()],
                name=letter + digits,
                kind="exec",
                args=[int(digits)] if digits else [],
                arg_text=digits,
            )
        )
        pos += match.end()
    return requests


def _parse_extended(text: str) -> AtRequest:
    cut = len(text)
    for marker in "=?":
        index = text.find(marker)
        if index != -1:
            cut = min(cut, index)
    name = text[:cut].strip().upper()
    if not _EXTENDED_NAME_RE.fullmatch(name):
        raise CommandSyntaxError(f"bad extended command name: {text!r}")
    rest = text[cut:]
    if rest == "":
        return AtRequest(raw=text, name=name, kind="exec")
    if rest == "?":
        return AtRequest(raw=text, name=name, kind="read")
    if rest == "=?":
        return AtRequest(raw=text, name=name, kind="test")
    if rest.startswith("="):
        arg_text = rest[1:]
        return AtRequest(
            raw=text, name=name, kind="set", args=parse_args(arg_text), arg_text=arg_text
        )
    raise CommandSyntaxError(f"unexpected text after command name: {text!r}")


def _split_outside_quotes(text: str, separator: str, *, keep_trailing: bool = False) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted:
        raise CommandSyntaxError(f"unterminated quote in {text!r}")
    tail = "".join(current)
    if keep_trailing or tail.strip() or not parts:
        parts.append(tail)
    return parts
