"""One caller's time budget, handed down through every step of one operation.

A public Modem operation creates one Deadline from the caller's timeout the moment it is called and
passes that same object down: to the wait for the modem (other operations may hold it), to the
data connection bring-up, and to every AT command of the transaction. Each step takes what is left
of the budget, so the caller's timeout bounds the whole operation; no step restarts the clock with
a timeout of its own.

The budget includes the time spent queueing behind other operations: an automation that says
"10 seconds" gets its answer within 10 seconds, whatever else the modem is doing. Because that
makes "it timed out" ambiguous, the Deadline notes the moment the operation got the modem, so
errors and responses can say how long it waited (`queued`) and how long it ran on the modem
(`elapsed`).
"""

import asyncio
import math
from typing import Final

from .errors import ModemError, ModemTimeoutError, RequestRejected

MIN_STEP: Final = 0.05
"""The least a step is given, so a command sent as time runs out still gets its answer read."""


class Deadline:
    """The end of one operation's budget, and where the time went."""

    __slots__ = ("_loop", "_on_modem_since", "end", "started", "timeout")

    def __init__(self, timeout: float) -> None:
        """Start the clock now; RequestRejected for a timeout that is not a positive number."""
        if not (isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0):
            raise RequestRejected("timeout", "must be a positive number of seconds")
        self._loop = asyncio.get_running_loop()
        self.timeout = float(timeout)
        self.started = self._loop.time()
        self.end = self.started + self.timeout
        self._on_modem_since: float | None = None

    @property
    def remaining(self) -> float:
        """Seconds left, 0 once the deadline has passed."""
        return max(0.0, self.end - self._loop.time())

    @property
    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self._loop.time() >= self.end

    def left(self) -> float:
        """Seconds left for the next step (at least MIN_STEP)."""
        return max(MIN_STEP, self.end - self._loop.time())

    def step(self, ceiling: float) -> float:
        """What a step with its own upper bound gets: that bound, or what is left if less."""
        return min(ceiling, self.left())

    def got_modem(self) -> None:
        """The operation has the modem to itself from now on (the queueing is over)."""
        if self._on_modem_since is None:
            self._on_modem_since = self._loop.time()

    @property
    def queued(self) -> float:
        """Seconds spent waiting for the modem before the operation got it."""
        until = self._on_modem_since if self._on_modem_since is not None else self._loop.time()
        return until - self.started

    @property
    def elapsed(self) -> float:
        """Seconds the operation has had the modem (0 while it is still queueing)."""
        if self._on_modem_since is None:
            return 0.0
        return self._loop.time() - self._on_modem_since

    def account(self, err: ModemError) -> ModemError:
        """Note on the error where this operation's time went (and, once spent, the budget)."""
        err.queued = self.queued
        err.elapsed = self.elapsed
        if isinstance(err, ModemTimeoutError):
            err.timeout = self.timeout if self.expired else None
        return err

    def timed_out(
        self, cause: str, kind: type[ModemTimeoutError] = ModemTimeoutError
    ) -> ModemTimeoutError:
        """The error for a wait that ran out, saying what was waited for and where time went.

        A call that waited 55 s behind others and then ran 10 s on the modem does not claim that
        the modem took too long: the message tells both parts apart. When the caller's whole
        budget is spent the message says so, and `timeout` is set; a step that timed out on its
        own (the server's or the modem's timer) keeps its cause and gets the same accounting.
        `kind` keeps a more precise cause's type (the modem still in an abandoned input).
        """
        if self._on_modem_since is None:
            where = "all of it waiting for the modem, busy with other operations"
        elif self.queued >= 0.1:
            where = (
                f"{self.queued:.1f} s waiting for the modem, busy with other operations, then "
                f"{self.elapsed:.1f} s on it"
            )
        else:
            where = f"{self.elapsed:.1f} s on the modem"
        if self.expired:
            err = kind(f"no result within {self.timeout:g} s ({where}): {cause}")
        else:
            err = kind(f"{cause} ({where})")
        self.account(err)
        return err


__all__ = ["MIN_STEP", "Deadline"]
