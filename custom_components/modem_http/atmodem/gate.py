"""A first-come-first-served gate for the one command on the wire.

asyncio.Lock would do, but every `async with` costs two coroutine objects even when nobody waits,
and taking the gate is on the path of every status poll and every step of every request. Here a
free gate is taken with a plain method call; only a caller that has to queue awaits.
"""

import asyncio
from collections import deque


class FifoGate:
    """One holder at a time; waiters are served strictly in arrival order."""

    def __init__(self) -> None:
        """Open, with nobody waiting."""
        self._held = False
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def held(self) -> bool:
        """True while someone holds the gate."""
        return self._held

    def try_acquire(self) -> bool:
        """Take the gate if it is free and nobody queues before us."""
        if self._held or self._waiters:
            return False
        self._held = True
        return True

    async def wait(self) -> None:
        """Queue until the gate is handed to us (it stays held while it is handed over)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed to us just as we gave up: pass it on
            else:
                self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        """Hand the gate to the next waiter still waiting, or open it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._held = False
