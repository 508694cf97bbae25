"""The network a modem is on: operator and technology (AT+COPS?) and registration (AT+CREG? ...).

`+COPS: <mode>[,<format>,<oper>[,<AcT>]]` (3GPP TS 27.007 section 7.3): `+COPS: 0` while not
registered, `+COPS: 0,0,"vodafone.de",7` with a long name, `+COPS: 0,2,"26202",7` after
`AT+COPS=3,2` (4IceG/luci-app-3ginfo-lite PR #32); BG96 adds `,9` on NB-IoT (espressif/esp-protocols
issue #80: `"Vodafone",9`).

`+CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>]]` in the read form, `+CREG: <stat>[,...]` as a URC
(27.007 sections 7.2, 10.1.20, 10.1.22; +CGREG adds <rac>, +CEREG with n=3..5 a reject cause and
PSM timers). Location and cell are hexadecimal, quoted (`+CREG: 2,1,"FFFE","23E3E34",7`,
luci-app-3ginfo-lite issue #37) or not (`+CREG: 2,1,3584,ef4a08,7` from a Marvell modem,
obsy/packages issue #3), and may be empty.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .errors import UnexpectedReply
from .fields import (
    MISSING,
    in_range,
    integer,
    only_payload,
    optional_hexadecimal,
    optional_integer,
    require_fields,
    split_fields,
)

_MAX_ACT: Final = 20
"""27.007 defines <AcT> up to 13 and keeps adding; a larger number is not an <AcT>."""


@dataclass(frozen=True, slots=True)
class Operator:
    """The operator the modem is registered with; empty while it is not registered.

    `name` is as printed in the selected format: long or short alphanumeric, or the numeric
    MCC and MNC (then split into `mcc` and `mnc` too). `act` is the raw <AcT>: which technology
    it means depends on the family (see technology.py).
    """

    mode: int
    format: int | None = None
    name: str | None = None
    mcc: str | None = None
    mnc: str | None = None
    act: int | None = None

    @property
    def registered(self) -> bool:
        """The reply named an operator."""
        return self.name is not None


def parse_cops(lines: Sequence[str]) -> Operator:
    """The reply to AT+COPS?."""
    command = "AT+COPS?"
    payload = only_payload(lines, "+COPS:", command)
    fields = split_fields(payload)
    mode = in_range(integer(fields[0], command, payload), 0, 4, command, "mode", payload)
    if len(fields) == 1 or all(field in MISSING for field in fields[1:]):
        return Operator(mode)
    require_fields(fields, 3, command, payload)
    fmt = in_range(integer(fields[1], command, payload), 0, 2, command, "format", payload)
    name = fields[2]
    act = None
    if len(fields) > 3 and fields[3] not in MISSING:
        act = in_range(integer(fields[3], command, payload), 0, _MAX_ACT, command, "AcT", payload)
    mcc = mnc = None
    if fmt == 2:
        digits = name.replace(" ", "")
        if not (digits.isascii() and digits.isdigit() and len(digits) in (5, 6)):
            raise UnexpectedReply(
                command, "a numeric operator of 5 or 6 digits was expected", payload
            )
        mcc, mnc = digits[:3], digits[3:]
    return Operator(mode, fmt, name, mcc, mnc, act)


class RegistrationState(StrEnum):
    """<stat> of +CREG / +CGREG / +CEREG (27.007 section 7.2)."""

    NOT_REGISTERED = "not_registered"
    HOME = "home"
    SEARCHING = "searching"
    DENIED = "denied"
    UNKNOWN = "unknown"
    ROAMING = "roaming"
    HOME_SMS_ONLY = "home_sms_only"
    ROAMING_SMS_ONLY = "roaming_sms_only"
    EMERGENCY_ONLY = "emergency_only"
    HOME_CSFB_NOT_PREFERRED = "home_csfb_not_preferred"
    ROAMING_CSFB_NOT_PREFERRED = "roaming_csfb_not_preferred"
    RLOS_ONLY = "rlos_only"
    """Attached for access to restricted local operator services only (<stat> 11)."""

    @property
    def registered(self) -> bool:
        """Registered on a network that carries data, home or visited."""
        return self in _REGISTERED

    @property
    def roaming(self) -> bool:
        """Registered on a visited network."""
        return self in _ROAMING


_REGISTERED: Final = frozenset(
    {
        RegistrationState.HOME,
        RegistrationState.ROAMING,
        RegistrationState.HOME_SMS_ONLY,
        RegistrationState.ROAMING_SMS_ONLY,
        RegistrationState.HOME_CSFB_NOT_PREFERRED,
        RegistrationState.ROAMING_CSFB_NOT_PREFERRED,
    }
)
_ROAMING: Final = frozenset(
    {
        RegistrationState.ROAMING,
        RegistrationState.ROAMING_SMS_ONLY,
        RegistrationState.ROAMING_CSFB_NOT_PREFERRED,
    }
)
_STATES: Final = tuple(RegistrationState)
"""In <stat> order: the index is the number 27.007 gives each state."""


@dataclass(frozen=True, slots=True)
class Registration:
    """One registration command's answer; location and cell only where the modem gave them."""

    command: str
    state: RegistrationState
    area_code: int | None = None
    """LAC (+CREG, +CGREG) or TAC (+CEREG)."""
    cell_id: int | None = None
    act: int | None = None
    n: int | None = None
    """The URC mode <n> (read form only)."""


_COMMANDS: Final = ("+CREG", "+CGREG", "+CEREG", "+C5GREG")


def _registration(payload: str, prefix: str, *, with_n: bool) -> Registration:
    command = f"AT{prefix}?"
    fields = split_fields(payload)
    n: int | None = None
    if with_n:
        require_fields(fields, 2, command, payload)
        n = in_range(integer(fields[0], command, payload), 0, 5, command, "n", payload)
        fields = fields[1:]
    stat = integer(fields[0], command, payload)
    state = _STATES[in_range(stat, 0, len(_STATES) - 1, command, "stat", payload)]
    rest = [*fields[1:4], "", "", ""][:3]
    act = optional_integer(rest[2], command, payload)
    if act is not None:
        in_range(act, 0, _MAX_ACT, command, "AcT", payload)
    return Registration(
        prefix,
        state,
        area_code=optional_hexadecimal(rest[0], command, payload),
        cell_id=optional_hexadecimal(rest[1], command, payload),
        act=act,
        n=n,
    )


def _prefix(command: str) -> str:
    prefix = command.removeprefix("AT").rstrip("?")
    if prefix not in _COMMANDS:
        raise ValueError(f"not a registration command: {command!r}")
    return prefix


def parse_registration(lines: Sequence[str], command: str) -> Registration:
    """The reply to `AT+CREG?`, `AT+CGREG?`, `AT+CEREG?` (or `+C5GREG`): `<n>,<stat>[,...]`."""
    prefix = _prefix(command)
    return _registration(only_payload(lines, f"{prefix}:", f"AT{prefix}?"), prefix, with_n=True)


def parse_registration_urc(line: str, command: str) -> Registration:
    """A registration URC: `<stat>[,...]`, without the mode."""
    prefix = _prefix(command)
    return _registration(only_payload([line], f"{prefix}:", f"AT{prefix}?"), prefix, with_n=False)
