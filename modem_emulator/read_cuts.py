"""Carrying out a read cut (`FaultPlan.cut_read`) where a dialect's read handler reaches it.

A read handler asks `cut_point(modem, n)` before it prints n body bytes. When the armed cut falls
among them, the handler prints the bytes before it and then lets the cut happen:

- LINK, RESTART and QUIET look the same on every module, so `interrupt()` does them: the line drops
  once the host has what was printed (`drop_connection(after_output=...)`), the modem reboots (its
  boot URCs follow), or the modem stops answering (for `quiet_seconds`, or until `resume()`).
- BEARER is each family's own: what the module prints when the network takes the data connection
  away, and what is left to read afterwards, differ (simcom.py and httpcfg.py say what and why).
  Both end with `lose_bearer()`, which takes the context down with the URCs every module prints.

Whatever the kind, the rest of the interrupted output is never printed.
"""

import asyncio

from modem_emulator import bearer
from modem_emulator.core import EmulatedModem
from modem_emulator.faults import ArmedReadCut, ReadCut


def cut_point(modem: EmulatedModem, size: int) -> tuple[int, ArmedReadCut] | None:
    """Where an armed cut falls in the next `size` body bytes (None: they all go out)."""
    return modem.faults.body_cut_point(size)


def interrupt(modem: EmulatedModem, cut: ArmedReadCut) -> None:
    """Cut the read now, after what has been printed so far (LINK, RESTART or QUIET)."""
    match cut.kind:
        case ReadCut.LINK:
            modem.faults.drop_connection(after_output=modem.output_position)
        case ReadCut.RESTART:
            modem.reset()
        case ReadCut.QUIET:
            _go_quiet(modem, cut.quiet_seconds)
        case ReadCut.BEARER:
            raise ValueError("a bearer cut is carried out by the module's own HTTP service")


def lose_bearer(modem: EmulatedModem, cid: int) -> None:
    """The network drops context `cid`: `+CGEV: NW PDN DEACT` (per AT+CGEREP), Quectel's URC."""
    bearer.deactivate(modem, cid, by="network")


def _go_quiet(modem: EmulatedModem, seconds: float | None) -> None:
    modem.faults.stop_answering()
    if seconds is None:
        return

    async def answer_again() -> None:
        await asyncio.sleep(seconds)
        modem.faults.resume()

    modem.spawn(answer_again())
