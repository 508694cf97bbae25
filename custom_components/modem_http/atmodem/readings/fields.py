"""Cutting information lines into fields, the way every status reply needs it.

Firmware differs in small ways that must not matter: a space after the colon or not
(`+QENG:"NR5G-NSA"` next to `+QENG: "LTE"`), spaces after commas (`"TDD", 515`), quotes around
a value or not (`"1A2B"` and `1A2B`, `"-"` and `-`). Quectel prints `-` for a value that does
not apply in the current state; an empty field means the same in 3GPP replies (`+CREG: 2,1,,,7`).
"""

from collections.abc import Iterable, Sequence
from typing import Final

from .errors import UnexpectedReply, ValueOutOfRange

MISSING: Final = frozenset({"", "-"})
"""Field texts that mean "no value here"."""


def payloads(lines: Iterable[str], prefix: str) -> list[str]:
    """The text after `prefix` (`+CSQ:`) of every line that starts with it, stripped."""
    return [line[len(prefix) :].strip() for line in lines if line.startswith(prefix)]


def only_payload(lines: Sequence[str], prefix: str, command: str) -> str:
    """The one line's payload a single-line reply must have."""
    found = payloads(lines, prefix)
    if len(found) != 1:
        reason = f"no {prefix} line" if not found else f"{len(found)} {prefix} lines, one expected"
        raise UnexpectedReply(command, reason)
    return found[0]


def split_fields(payload: str) -> list[str]:
    """Fields at commas outside double quotes, each stripped of spaces and of its quotes."""
    fields: list[str] = []
    current: list[str] = []
    quoted = False
    for char in payload:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == "," and not quoted:
            fields.append(_clean("".join(current)))
            current = []
        else:
            current.append(char)
    fields.append(_clean("".join(current)))
    return fields


def _clean(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


def require_fields(fields: Sequence[str], count: int, command: str, line: str) -> None:
    """At least `count` fields, or the reply is not the command's."""
    if len(fields) < count:
        raise UnexpectedReply(command, f"{len(fields)} fields, at least {count} expected", line)


def integer(text: str, command: str, line: str) -> int:
    """A decimal integer (sign allowed)."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isascii() or not body.isdigit():
        raise UnexpectedReply(command, "a number was expected", line)
    return int(text)


def optional_integer(text: str, command: str, line: str) -> int | None:
    """A decimal integer, or None where the module prints `-` or nothing."""
    return None if text in MISSING else integer(text, command, line)


def decimal(text: str, command: str, line: str) -> float:
    """A decimal number with an optional fraction (`12.5`, `-3`)."""
    body = text[1:] if text[:1] in "+-" else text
    whole, _dot, fraction = body.partition(".")
    if not whole.isascii() or not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise UnexpectedReply(command, "a number was expected", line)
    return float(text)


def hexadecimal(text: str, command: str, line: str) -> int:
    """A hexadecimal integer, with or without `0x` (`0x1A2B`, `1a2b`, `243800E`)."""
    digits = text[2:] if text[:2].lower() == "0x" else text
    if not digits or not digits.isascii() or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise UnexpectedReply(command, "a hexadecimal number was expected", line)
    return int(digits, 16)


def optional_hexadecimal(text: str, command: str, line: str) -> int | None:
    """A hexadecimal integer, or None where the module prints `-` or nothing."""
    return None if text in MISSING else hexadecimal(text, command, line)


def in_range(value: int, low: int, high: int, command: str, what: str, line: str) -> int:
    """The value when the format can hold it."""
    if not low <= value <= high:
        raise ValueOutOfRange(command, f"{what} {value} is outside {low}..{high}", line)
    return value


def plausible(value: float | None, low: float, high: float) -> float | None:
    """A measurement, or None when it lies outside what a radio can measure.

    Firmware fills measurements it has not got with placeholders (`-32768`, `0`, `255`); such
    a value is "not known", never a reading.
    """
    if value is None or not low <= value <= high:
        return None
    return value


def plmn(mcc: str, mnc: str, command: str, line: str) -> tuple[str, str]:
    """MCC and MNC as digit strings: a two-digit MNC keeps its leading zero (`262`, `01`)."""
    if not (mcc.isascii() and mcc.isdigit() and len(mcc) == 3):
        raise UnexpectedReply(command, "a three-digit MCC was expected", line)
    if not (mnc.isascii() and mnc.isdigit() and len(mnc) in (2, 3)):
        raise UnexpectedReply(command, "a two- or three-digit MNC was expected", line)
    return mcc, mnc
