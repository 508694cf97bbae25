"""A payload command given up while the module may still be waiting for its payload.

After its prompt (CONNECT, DOWNLOAD, `>`) a module takes every byte as the payload until the
announced count has arrived or its input time has run out; most such commands have no byte that
ends the input (AT+CMGS has ESC, written as the command's `cancel`). A command given up before its
payload went out whole may leave the module in that input, its prompt maybe still on the way. An
`AT` written then is taken as data: a resynchronisation fails with the wrong cause, and when the
`AT`s complete a short payload the module sends a request its caller was told had failed, made of
the host's bytes. So nothing is written to the module until that input cannot be open any more:
its prompt did not come within LATE_PROMPT_GRACE, or the module ended the input with its own
final result, or the input time the command announced has passed since the prompt.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Final

from .errors import ModemInputOpenError
from .router import Exchange

LATE_PROMPT_GRACE: Final = 2.0
"""How long after a payload command was given up its prompt may still come (a busy module)."""
END_LINE_SLACK: Final = 0.5
"""How long past the window its end line (+CME ERROR: 726, ERROR) may take to arrive; waiting
for it keeps the next `AT` from being answered with it."""
UNANNOUNCED_INPUT_WINDOW: Final = 10.0
"""The input time assumed for a prompt command that announces none (SIMCom's shortest)."""


@dataclass(slots=True)
class AbandonedInput:
    """The given-up command and the input window it asked the module for."""

    exchange: Exchange
    window: float
    given_up_at: float
    prompted_at: float | None = None
    ended: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def name(self) -> str:
        """The command without its parameters (they may hold a caller's text)."""
        return self.exchange.reply.command.split("=", 1)[0]

    def prompt_arrived(self, now: float) -> None:
        """The module printed the prompt late: its input window runs from now."""
        if self.prompted_at is None:
            self.prompted_at = now
            self._changed.set()

    def input_ended(self) -> None:
        """The module printed a final result: it takes bytes as commands again."""
        self.ended = True
        self._changed.set()

    def open_until(self) -> float | None:
        """Loop time until which the module may still take bytes as payload; None: it cannot."""
        if self.ended:
            return None
        if self.prompted_at is None:
            return self.given_up_at + LATE_PROMPT_GRACE
        return self.prompted_at + self.window + END_LINE_SLACK

    async def wait_closed(self, deadline: float) -> None:
        """Return once the input cannot be open; ModemInputOpenError at `deadline`."""
        loop = asyncio.get_running_loop()
        while (until := self.open_until()) is not None and loop.time() < until:
            if loop.time() >= deadline:
                state = "is still waiting for" if self.prompted_at else "may still wait for"
                raise ModemInputOpenError(
                    f"the modem {state} the data of an abandoned {self.name}"
                    f" (its input ends within {until - loop.time():.1f} s)"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(min(until, deadline)):
                    await self._changed.wait()
