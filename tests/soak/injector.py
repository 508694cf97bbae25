"""Arms the planned faults on an emulated modem, and undoes standing ones when their time is up.

The emulator's `FaultPlan` knows how each failure bites; this only decides when. Faults that act
later (a dropped line or a URC burst a moment into a request, a modem that resumes answering) are
timer handles kept here, so the end of the soak can cancel whatever is still pending and leave a
healthy modem behind.
"""

import asyncio
from collections import Counter
from collections.abc import Callable

from modem_emulator.core import EmulatedModem

from .plan import FaultSpec

# Commands one request takes on the line, roughly: a reply delay of timeout * share / commands
# makes the whole request take `share` of its timeout.
_COMMANDS_PER_REQUEST = {"simcom": 8, "httpcfg": 4, "quectel": 4, "sim800": 5, "sim7080": 4}


class FaultInjector:
    """One modem's fault arming; `counts` says how many of each kind were injected."""

    def __init__(self, emulator: EmulatedModem, dialect: str) -> None:
        """Nothing armed yet."""
        self.emulator = emulator
        self.dialect = dialect
        self.counts: Counter[str] = Counter()
        self._handles: set[asyncio.TimerHandle] = set()
        self._until: dict[str, float] = {}

    def arm(self, spec: FaultSpec, timeout: float) -> None:
        """Arm `spec` now (the request it belongs to is about to start)."""
        faults = self.emulator.faults
        self.counts[spec.kind] += 1
        match spec.kind:
            case "split_output":
                faults.split_output(int(spec.amount), spec.seed)
                self._clear_later("split_output", spec.duration)
            case "delay_replies":
                commands = _COMMANDS_PER_REQUEST[self.dialect]
                faults.delay_replies(timeout * spec.amount / commands)
                self._clear_later("delay_replies", spec.duration)
            case "garbage_line":
                for text in spec.texts:
                    faults.garbage_line(text)
            case "urc_in_reply":
                for text in spec.texts:
                    faults.urc_in_reply(text)
            case "urc_burst":
                self._later(spec.delay, lambda: self._burst(spec.texts))
            case "reset_mid_reply":
                faults.reset_mid_reply()
            case "drop_connection":
                self._later(spec.delay, faults.drop_connection)
            case "stop_answering":
                faults.stop_answering()
                self._clear_later("stop_answering", spec.duration)
            case _:
                raise ValueError(f"unknown fault {spec.kind!r}")

    def _burst(self, texts: tuple[bytes, ...]) -> None:
        for text in texts:
            self.emulator.send_urc(text)

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()
        handle: asyncio.TimerHandle

        def run() -> None:
            self._handles.discard(handle)
            action()

        handle = loop.call_later(delay, run)
        self._handles.add(handle)

    def _clear_later(self, kind: str, duration: float) -> None:
        """End a standing fault after `duration`, unless a later arming extended it."""
        loop = asyncio.get_running_loop()
        until = loop.time() + duration
        self._until[kind] = max(self._until.get(kind, 0.0), until)

        def end() -> None:
            if loop.time() + 0.001 < self._until.get(kind, 0.0):
                return  # a later arming of the same kind is still running
            self._undo(kind)

        self._later(duration, end)

    def _undo(self, kind: str) -> None:
        faults = self.emulator.faults
        if kind == "split_output":
            faults.split_output(None)
        elif kind == "delay_replies":
            faults.delay_replies(0)
        elif kind == "stop_answering":
            faults.resume()

    def calm(self) -> None:
        """Cancel pending actions and clear every fault: the modem is healthy from now on."""
        for handle in self._handles:
            handle.cancel()
        self._handles.clear()
        self._until.clear()
        self.emulator.faults.clear()
