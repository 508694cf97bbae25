"""The transfers a modem is working on, for the progress sensor.

Every action that moves a body through the modem (download, post_file, get, post, request)
registers its transfer here for as long as it runs, with the `TransferProgress` counter the
library moves as bytes cross the serial line. Nothing is pushed per byte: the sensor is told when
a transfer starts or ends, and reads the counter on its own slow clock (progress_sensor.py).
"""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from homeassistant.core import callback

from .atmodem.progress import Direction, TransferProgress


@dataclass(frozen=True, slots=True, eq=False)
class ActiveTransfer:
    """One transfer in flight: its counter, the action that runs it, and what it is about."""

    progress: TransferProgress
    action: str
    """The action's name (download, post_file, get...): the sensor's `activity`."""
    target: str
    """The file or address, as shown to the user (no password)."""


type TransferListener = Callable[[], None]


class TransferMonitor:
    """The transfers of one modem, oldest first.

    The modem runs one operation at a time in the order they were asked for, so the oldest
    transfer is the one on the wire; the others wait for the modem.
    """

    def __init__(self) -> None:
        """No transfers, no listeners."""
        self._active: list[ActiveTransfer] = []
        self._listeners: list[TransferListener] = []

    @property
    def current(self) -> ActiveTransfer | None:
        """The transfer the modem works on now (None when nothing runs)."""
        return self._active[0] if self._active else None

    @callback
    def add_listener(self, listener: TransferListener) -> Callable[[], None]:
        """Be told when a transfer starts or ends; returns the remover."""
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    @contextlib.contextmanager
    def track(self, direction: Direction, action: str, target: str) -> Iterator[TransferProgress]:
        """Register a transfer for the duration of the block; yields its counter."""
        transfer = ActiveTransfer(TransferProgress(direction), action, target)
        self._active.append(transfer)
        self._tell()
        try:
            yield transfer.progress
        finally:
            self._active.remove(transfer)
            self._tell()

    def _tell(self) -> None:
        for listener in list(self._listeners):
            listener()


__all__ = ["ActiveTransfer", "TransferMonitor"]
