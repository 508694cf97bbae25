"""The SIM's state (AT+CPIN?) and its PIN/PUK retry counters (SIMCom AT+SPIC, Quectel AT+QPINC).

`+CPIN: <code>` (3GPP TS 27.007 section 8.3): READY, SIM PIN, SIM PUK, PH-SIM PIN, SIM PIN2,
SIM PUK2 and the personalisation codes. Modules also print codes of their own as URCs: SIMCom
`+CPIN: SIM REMOVED` and `+CPIN: SIM CRASH` (A7670E log, Xinyuan-LilyGO/LilyGo-Modem-Series issue
#496), Quectel `+CPIN: NOT READY` (AT+QSIMDET example) and `+CPIN: NOT INSERTED`. Without a SIM,
`AT+CPIN?` itself fails with `+CME ERROR: 10`; `sim_state_from_cme` reads those errors.

`+SPIC: <pin1>,<puk1>,<pin2>,<puk2>` (SIMCom; `+SPIC: 3,10,0,10` from a SIM7600 in a public
controller's tests); `+QPINC: "SC",<pin>,<puk>` and `+QPINC: "P2",<pin>,<puk>` (Quectel (U)SIM
commands, AT+QPINC).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .errors import UnexpectedReply
from .fields import in_range, integer, only_payload, payloads, require_fields, split_fields


class SimState(StrEnum):
    """What the SIM lets the modem do, for an ENUM sensor and the PIN flow."""

    READY = "ready"
    PIN_REQUIRED = "pin_required"
    PUK_REQUIRED = "puk_required"
    PIN2_REQUIRED = "pin2_required"
    PUK2_REQUIRED = "puk2_required"
    PHONE_LOCKED = "phone_locked"
    """A PH-SIM or network personalisation code is asked for: the modem is locked to a SIM."""
    NOT_INSERTED = "not_inserted"
    NOT_READY = "not_ready"
    FAILURE = "failure"
    BUSY = "busy"

    @property
    def usable(self) -> bool:
        """The SIM lets the modem register (PIN2 guards only a few SIM files)."""
        return self in {SimState.READY, SimState.PIN2_REQUIRED, SimState.PUK2_REQUIRED}


_CODES: Final = {
    "READY": SimState.READY,
    "SIM PIN": SimState.PIN_REQUIRED,
    "SIM PUK": SimState.PUK_REQUIRED,
    "SIM PIN2": SimState.PIN2_REQUIRED,
    "SIM PUK2": SimState.PUK2_REQUIRED,
    "PH-SIM PIN": SimState.PHONE_LOCKED,
    "PH-FSIM PIN": SimState.PHONE_LOCKED,
    "PH-FSIM PUK": SimState.PHONE_LOCKED,
    "PH-NET PIN": SimState.PHONE_LOCKED,
    "PH-NET PUK": SimState.PHONE_LOCKED,
    "PH-NETSUB PIN": SimState.PHONE_LOCKED,
    "PH-NETSUB PUK": SimState.PHONE_LOCKED,
    "PH-SP PIN": SimState.PHONE_LOCKED,
    "PH-SP PUK": SimState.PHONE_LOCKED,
    "PH-CORP PIN": SimState.PHONE_LOCKED,
    "PH-CORP PUK": SimState.PHONE_LOCKED,
    "NOT INSERTED": SimState.NOT_INSERTED,
    "SIM REMOVED": SimState.NOT_INSERTED,
    "NOT READY": SimState.NOT_READY,
    "SIM CRASH": SimState.FAILURE,
}

_CME_STATES: Final = {
    10: SimState.NOT_INSERTED,
    11: SimState.PIN_REQUIRED,
    12: SimState.PUK_REQUIRED,
    13: SimState.FAILURE,
    14: SimState.BUSY,
    15: SimState.FAILURE,
    17: SimState.PIN2_REQUIRED,
    18: SimState.PUK2_REQUIRED,
}
"""27.007 section 9.2.1: 10 SIM not inserted, 11/12 PIN/PUK required, 13 SIM failure, 14 SIM
busy, 15 SIM wrong, 17/18 PIN2/PUK2 required."""


def cpin_state(code: str) -> SimState:
    """The state a `+CPIN:` code stands for (the text after `+CPIN:`)."""
    state = _CODES.get(" ".join(code.strip().strip('"').upper().split()))
    if state is None:
        raise UnexpectedReply("AT+CPIN?", "unknown SIM state", code)
    return state


def parse_cpin(lines: Sequence[str]) -> SimState:
    """The reply to AT+CPIN? (or a `+CPIN:` URC line)."""
    return cpin_state(only_payload(lines, "+CPIN:", "AT+CPIN?"))


def sim_state_from_cme(code: int) -> SimState | None:
    """The SIM state a `+CME ERROR` to a SIM command reports; None when it is about else."""
    return _CME_STATES.get(code)


@dataclass(frozen=True, slots=True)
class PinCounters:
    """Tries left before the SIM locks: PIN then PUK (PIN2 and PUK2 where the module says)."""

    pin: int
    puk: int
    pin2: int | None = None
    puk2: int | None = None


_MAX_TRIES: Final = 10


def _count(text: str, command: str, line: str) -> int:
    return in_range(integer(text, command, line), 0, _MAX_TRIES, command, "retry count", line)


def parse_spic(lines: Sequence[str]) -> PinCounters:
    """SIMCom's `+SPIC: <pin1>,<puk1>,<pin2>,<puk2>`."""
    command = "AT+SPIC"
    payload = only_payload(lines, "+SPIC:", command)
    fields = split_fields(payload)
    require_fields(fields, 4, command, payload)
    pin, puk, pin2, puk2 = (_count(text, command, payload) for text in fields[:4])
    return PinCounters(pin, puk, pin2, puk2)


def parse_qpinc(lines: Sequence[str]) -> PinCounters:
    """Quectel's `+QPINC: "SC",<pin>,<puk>` (and the `"P2"` line where the read form gives it)."""
    command = "AT+QPINC"
    found: dict[str, tuple[int, int]] = {}
    for payload in payloads(lines, "+QPINC:"):
        fields = split_fields(payload)
        require_fields(fields, 3, command, payload)
        found[fields[0].upper()] = (
            _count(fields[1], command, payload),
            _count(fields[2], command, payload),
        )
    if "SC" not in found:
        raise UnexpectedReply(command, 'no +QPINC: "SC" line')
    pin2, puk2 = found.get("P2", (None, None))
    return PinCounters(*found["SC"], pin2=pin2, puk2=puk2)
