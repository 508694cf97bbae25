"""Misbehaviour on demand: the ways real modems and real lines fail, armed by tests at runtime.

A `FaultPlan` only records what is wanted; the modem core and the server consult it at the points
where a real failure would bite. One-shot faults (`garbage_line`, `urc_in_reply`, `reset_mid_reply`)
fire once, on the next command's reply; standing ones (`delay_replies`, `split_output`,
`stop_answering`) stay until cleared.

Where each fault acts:

- `delay_replies(s)`: the command is echoed at once but runs `s` seconds later (a busy modem).
- `split_output(n, seed)`: the server writes every output in pieces of 1..n bytes with a ~1 ms
  pause, so readers see lines cut at arbitrary points, as from a USB serial adapter.
- `garbage_line(text)`: `\\r\\n<text>\\r\\n` is printed right before the next reply (after its
  echo).
- `urc_in_reply(text)`: the URC lands inside the next reply: between its first and second
  information line, inside a data block whose writer allowed it, or at the latest just before the
  final code.
- `reset_mid_reply()`: the next reply is held back until complete, only its first half goes out, and
  the modem resets (boot URCs follow after the boot delay).
- `stop_answering()` / `resume()`: input is swallowed whole (no echo, no execution), like a hung
  firmware; output already produced and URCs still go out.
- `drop_connection()`: over TCP the server closes the client socket (the host sees EOF). A
  pseudo-terminal cannot be unplugged, so the server goes deaf and mute for `pty_drop_silence`
  seconds instead (input discarded, output dropped), which is what a USB modem looks like from the
  host while it re-enumerates.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


def _as_bytes(text: str | bytes) -> bytes:
    return text.encode() if isinstance(text, str) else text


@dataclass
class FaultPlan:
    """What should go wrong next; see the module docstring for where each fault acts."""

    reply_delay: float = 0.0
    split_max_chunk: int | None = None
    answering: bool = True
    pty_drop_silence: float = 1.0
    _split_rng: random.Random = field(default_factory=random.Random, repr=False)
    _garbage: list[bytes] = field(default_factory=list, repr=False)
    _reply_urcs: list[bytes] = field(default_factory=list, repr=False)
    _reset_mid_reply: bool = field(default=False, repr=False)
    _drop_listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def delay_replies(self, seconds: float) -> None:
        """Run every following command `seconds` late (0 turns it off)."""
        self.reply_delay = max(0.0, seconds)

    def split_output(self, max_chunk: int | None, random_seed: int | None = None) -> None:
        """Write output in random pieces of 1..max_chunk bytes (None turns it off)."""
        if max_chunk is not None and max_chunk < 1:
            raise ValueError("max_chunk must be at least 1")
        self.split_max_chunk = max_chunk
        self._split_rng = random.Random(random_seed)

    def garbage_line(self, text: str | bytes) -> None:
        """Print `\\r\\n<text>\\r\\n` before the next reply."""
        self._garbage.append(_as_bytes(text))

    def urc_in_reply(self, text: str | bytes) -> None:
        """Insert the URC `text` into the middle of the next reply."""
        self._reply_urcs.append(_as_bytes(text))

    def reset_mid_reply(self) -> None:
        """Cut the next reply halfway and reset the modem."""
        self._reset_mid_reply = True

    def stop_answering(self) -> None:
        """Swallow all input until `resume()`."""
        self.answering = False

    def resume(self) -> None:
        """Undo `stop_answering()`."""
        self.answering = True

    def drop_connection(self) -> None:
        """Hang up on the host now (see the module docstring for TCP versus pty)."""
        for listener in list(self._drop_listeners):
            listener()

    def clear(self) -> None:
        """Forget every armed fault, standing or one-shot."""
        self.reply_delay = 0.0
        self.split_max_chunk = None
        self.answering = True
        self._garbage.clear()
        self._reply_urcs.clear()
        self._reset_mid_reply = False

    # The rest is for the core and the server, which consume what tests armed.

    def add_drop_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Let a transport hear `drop_connection()`; returns the function that unsubscribes."""
        self._drop_listeners.append(listener)

        def remove() -> None:
            if listener in self._drop_listeners:
                self._drop_listeners.remove(listener)

        return remove

    def take_garbage(self) -> list[bytes]:
        """The garbage lines armed for the next reply (each taken once)."""
        taken, self._garbage = self._garbage, []
        return taken

    def take_reply_urcs(self) -> list[bytes]:
        """The URCs armed for the next reply (each taken once)."""
        taken, self._reply_urcs = self._reply_urcs, []
        return taken

    def take_reset_mid_reply(self) -> bool:
        """Whether the next reply is to be cut (taken once)."""
        armed, self._reset_mid_reply = self._reset_mid_reply, False
        return armed

    def split(self, data: bytes) -> Iterator[bytes]:
        """Cut `data` into the pieces `split_output` asks for (one piece when it is off)."""
        limit = self.split_max_chunk
        if limit is None or len(data) <= 1:
            yield data
            return
        pos = 0
        while pos < len(data):
            size = self._split_rng.randint(1, limit)
            yield data[pos : pos + size]
            pos += size
