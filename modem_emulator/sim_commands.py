"""The SIM as the host meets it: AT+CPIN (state, PIN, PUK), retry counters, IMSI and ICCID.

Formats and behaviour, with their sources:
- `AT+CPIN?` answers `+CPIN: READY`, `+CPIN: SIM PIN` or `+CPIN: SIM PUK` (27.007 section 8.3);
  without a SIM `+CME ERROR: 10` ("SIM not inserted"; `AT+CPIN?` -> `+CME ERROR: 10` in the
  Telit HSPA+ AT reference example, `+CME ERROR: SIM not inserted` from an A7670 in
  Xinyuan-LilyGO/T-Internet-COM issue #24). A SIM whose PUK tries are used up is dead:
  `+CME ERROR: 13` (SIM failure).
- `AT+CPIN=<pin>`: a wrong PIN answers `+CME ERROR: 16` ("incorrect password") and costs one of
  three tries; after the third the SIM wants its PUK: `AT+CPIN=<puk>,<newpin>` (ten tries) sets
  the new PIN (the Siemens/Multi-Tech AT^SPIC walkthroughs show exactly this sequence). A PIN
  given while the SIM wants its PUK is refused with `+CME ERROR: 12` without costing a PUK try.
  Entering a PIN while none is asked for answers `+CME ERROR: 3`.
- After the right PIN the module prints what it prints at boot from `+CPIN: READY` on, unasked:
  SIM7600 `+CPIN: READY`, `SMS DONE`, `PB DONE`; EC25 `+CPIN: READY`, `+QUSIM: 1`,
  `+QIND: SMS DONE`, `+QIND: PB DONE` (the boot sequences in basic.py). A module booting with a
  locked SIM stops at `+CPIN: SIM PIN`; without a SIM SIMCom prints `+CPIN: SIM REMOVED` (A7670E
  log in Xinyuan-LilyGO/LilyGo-Modem-Series issue #496) and Quectel `+CPIN: NOT READY` (Quectel
  (U)SIM commands, AT+QSIMDET example, as collected in CursedHardware/at-manual).
- SIMCom `AT+SPIC` -> `+SPIC: <pin1>,<puk1>,<pin2>,<puk2>` (`+SPIC: 3,10,0,10` from a SIM7600
  in a public controller's tests). Quectel `AT+QPINC?` -> `+QPINC: "SC",<pin>,<puk>` and
  `+QPINC: "P2",...`; `AT+QPINC="SC"` one line (Quectel (U)SIM commands, AT+QPINC).
- `AT+CIMI` prints the bare IMSI (27.007 section 5.6); `+CME ERROR: 10` without a SIM (A7670 log
  above), `+CME ERROR: 11` / `12` while the SIM is locked. The ICCID commands work on a locked SIM
  (the ICCID file needs no PIN); without a SIM they answer `+CME ERROR: 10`, or a bare `OK` on
  firmware that simply has nothing to print (`SimCard.iccid_without_sim`).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, CmeError, PlainError
from modem_emulator.radio import PIN_TRIES, PUK_TRIES

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

type _Handler = Callable[[EmulatedModem, AtRequest], Awaitable[None]]

ERR_NOT_ALLOWED: Final = 3
ERR_NO_SIM: Final = 10
ERR_PIN_REQUIRED: Final = 11
ERR_PUK_REQUIRED: Final = 12
ERR_SIM_FAILURE: Final = 13
ERR_WRONG_PASSWORD: Final = 16
ERR_INVALID: Final = 50
_READY_URC: Final = "+CPIN: READY"
_PIN2_TRIES: Final = 3
_PUK2_TRIES: Final = 10


def install(modem: EmulatedModem) -> None:
    """Register the SIM commands (the retry counter in its profile's spelling)."""
    modem.register("+CPIN", _cpin)
    modem.register("+CIMI", _cimi)
    for name, prefix in modem.identity.iccid_commands:
        modem.register(name, _iccid(prefix))
    if modem.identity.profile == "simcom":
        modem.register("+SPIC", _spic)
    elif modem.identity.profile == "quectel":
        modem.register("+QPINC", _qpinc)


# --- what the module prints about its SIM ---------------------------------------------------------


def _absent_urc(modem: EmulatedModem) -> str:
    return "+CPIN: NOT READY" if modem.identity.profile == "quectel" else "+CPIN: SIM REMOVED"


def _state_urc(modem: EmulatedModem) -> str:
    status = modem.network.sim.status
    if status == "ABSENT":
        return _absent_urc(modem)
    if status == "BLOCKED":
        return "+CPIN: SIM PUK"
    return f"+CPIN: {status}"


def boot_urcs(modem: EmulatedModem) -> tuple[str, ...]:
    """The boot URCs for the SIM in the holder: a locked or missing SIM stops the sequence."""
    urcs = modem.identity.boot_urcs
    if _READY_URC not in urcs:
        return urcs
    split = urcs.index(_READY_URC)
    if modem.network.sim.ready:
        return urcs
    # The USIM type indication still comes: the card was read, only its PIN is missing.
    usim = tuple(urc for urc in urcs[split:] if urc.startswith("+QUSIM"))
    return (*urcs[:split], _state_urc(modem), *(usim if modem.network.sim.inserted else ()))


def _after_ready(modem: EmulatedModem) -> tuple[str, ...]:
    urcs = modem.identity.boot_urcs
    return urcs[urcs.index(_READY_URC) + 1 :] if _READY_URC in urcs else ()


def report_sim_state(modem: EmulatedModem) -> None:
    """Print what the module says when its SIM changes: the CPIN line, then SMS/phonebook ready."""
    modem.send_urc(_state_urc(modem))
    if modem.network.sim.ready:
        _follow_ready(modem)


def _follow_ready(modem: EmulatedModem) -> None:
    later = _after_ready(modem)
    if not later:
        return

    async def print_later() -> None:
        for urc in later:
            await asyncio.sleep(modem.boot_step)
            modem.send_urc(urc)

    modem.spawn(print_later())


# --- handlers -------------------------------------------------------------------------------------


def _raw_args(req: AtRequest) -> list[str]:
    """Arguments exactly as typed: a PIN keeps its leading zeros (`0000` is not the number 0)."""
    return [part.strip().strip('"') for part in req.arg_text.split(",")] if req.arg_text else []


def _check_code(code: str) -> str:
    if not code.isdigit() or not 4 <= len(code) <= 8:
        raise CmeError(ERR_INVALID)
    return code


async def _cpin(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        return
    sim = modem.network.sim
    status = sim.status
    if status == "ABSENT":
        raise CmeError(ERR_NO_SIM)
    if status == "BLOCKED":
        raise CmeError(ERR_SIM_FAILURE)
    if req.kind == "read":
        modem.send_line(f"+CPIN: {status}")
        return
    if req.kind != "set":
        raise PlainError
    codes = [_check_code(code) for code in _raw_args(req)]
    if status == "READY":
        raise CmeError(ERR_NOT_ALLOWED)
    if status == "SIM PIN":
        if len(codes) != 1:
            raise CmeError(ERR_INVALID)
        if codes[0] != sim.pin:
            sim.pin_attempts -= 1
            raise CmeError(ERR_WRONG_PASSWORD)
        sim.pin_attempts = PIN_TRIES
    else:  # SIM PUK
        if len(codes) != 2:
            raise CmeError(ERR_PUK_REQUIRED)
        if codes[0] != sim.puk:
            sim.puk_attempts -= 1
            raise CmeError(ERR_WRONG_PASSWORD)
        sim.pin, sim.pin_attempts, sim.puk_attempts = codes[1], PIN_TRIES, PUK_TRIES
    sim.unlocked = True
    _unlocked(modem)


def _unlocked(modem: EmulatedModem) -> None:
    """After OK: `+CPIN: READY` and what follows it, then registration (its URCs if enabled)."""
    from modem_emulator import network_status  # noqa: PLC0415 - it imports radio, as we do

    async def report() -> None:
        await asyncio.sleep(modem.boot_step)
        modem.send_urc(_READY_URC)
        _follow_ready(modem)
        network_status.announce(modem)

    modem.spawn(report())


def _require_ready_sim(modem: EmulatedModem) -> None:
    status = modem.network.sim.status
    if status == "ABSENT":
        raise CmeError(ERR_NO_SIM)
    if status == "SIM PIN":
        raise CmeError(ERR_PIN_REQUIRED)
    if status in {"SIM PUK", "BLOCKED"}:
        raise CmeError(ERR_PUK_REQUIRED if status == "SIM PUK" else ERR_SIM_FAILURE)


async def _cimi(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        return
    if req.kind != "exec":
        raise PlainError
    _require_ready_sim(modem)
    modem.send_line(modem.identity.imsi)


def _iccid(prefix: str) -> _Handler:
    async def handler(modem: EmulatedModem, req: AtRequest) -> None:
        if req.kind == "test":
            return
        if req.kind != "exec":
            raise PlainError
        sim = modem.network.sim
        if not sim.inserted:
            if sim.iccid_without_sim == "bare_ok":
                return
            raise CmeError(ERR_NO_SIM)
        iccid = modem.identity.iccid
        # SIM800 and SIM7080 print the bare ICCID (an empty prefix in their identity).
        modem.send_line(f"{prefix}: {iccid}" if prefix else iccid)

    return handler


def _require_sim(modem: EmulatedModem) -> None:
    if not modem.network.sim.inserted:
        raise CmeError(ERR_NO_SIM)


async def _spic(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        return
    if req.kind != "exec":
        raise PlainError
    _require_sim(modem)
    sim = modem.network.sim
    modem.send_line(
        f"+SPIC: {sim.pin_attempts},{max(0, sim.puk_attempts)},{_PIN2_TRIES},{_PUK2_TRIES}"
    )


async def _qpinc(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line('+QPINC: ("SC","P2")')
        return
    _require_sim(modem)
    sim = modem.network.sim
    lines = {
        "SC": f'+QPINC: "SC",{sim.pin_attempts},{max(0, sim.puk_attempts)}',
        "P2": f'+QPINC: "P2",{_PIN2_TRIES},{_PUK2_TRIES}',
    }
    if req.kind == "read":
        modem.send_lines(lines.values())
    elif req.kind == "set":
        facility = req.arg_str(0).upper()
        if facility not in lines:
            raise CmeError(ERR_INVALID)
        modem.send_line(lines[facility])
    else:
        raise PlainError
