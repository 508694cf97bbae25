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
  host while it re-enumerates. With `after_output` the line goes only once the host has received
  the modem's output up to that position (`EmulatedModem.output_position`), so a test can say
  exactly which byte was the last to get through.
- `cut_read(n, kind)`: the HTTP body being read out (AT+HTTPREAD, AT+QHTTPREAD) stops after `n`
  body bytes, counted across reads and blocks from the moment it is armed (framing, headers and
  echo do not count), in one of the four ways a long download dies (`ReadCut`); `read_cuts.py`
  carries them out, each dialect's read handler asks it where to stop. The simcom, httpcfg and
  quectel dialects do; the SIM800 and SIM7080 families' reads do not consult it yet.
"""

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


def _as_bytes(text: str | bytes) -> bytes:
    return text.encode() if isinstance(text, str) else text


class ReadCut(StrEnum):
    """How a body read is cut short."""

    LINK = "link"
    """The serial link goes (server drop, as `drop_connection`) and the host can come back."""
    BEARER = "bearer"
    """The data connection is lost: the module prints its family's URCs and the read ends short."""
    RESTART = "restart"
    """The modem restarts: the boot URCs (`RDY` ...) follow after its boot delay."""
    QUIET = "quiet"
    """The modem goes quiet mid-read (no output, input swallowed): the host's read times out."""


@dataclass
class ArmedReadCut:
    """A read cut waiting for its byte: what `cut_read` armed, and how far the body has got."""

    at_byte: int
    kind: ReadCut
    quiet_seconds: float | None = None
    """QUIET only: seconds until the modem answers again (None: until `resume()`)."""
    passed: int = 0
    """Body bytes printed since the cut was armed."""

    @property
    def allowance(self) -> int:
        """How many more body bytes go out before the cut."""
        return self.at_byte - self.passed


type DropListener = Callable[[int | None], None]
"""Hears `drop_connection`: the output position after which the line goes, or None for now."""


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
    _drop_listeners: list[DropListener] = field(default_factory=list, repr=False)
    _read_cut: ArmedReadCut | None = field(default=None, repr=False)

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

    def drop_connection(self, *, after_output: int | None = None) -> None:
        """Hang up on the host now, or once it has what the modem printed up to `after_output`.

        See the module docstring for TCP versus pty.
        """
        for listener in list(self._drop_listeners):
            listener(after_output)

    def cut_read(
        self, at_byte: int, kind: ReadCut | str, *, quiet_seconds: float | None = None
    ) -> None:
        """Cut the body read short after `at_byte` more body bytes, the way `kind` says.

        One-shot: it fires when the body output would pass that byte, in whichever read that is
        (a read that ends exactly there does not fire it; the next one does, before its first
        body byte). `quiet_seconds` is for `ReadCut.QUIET` only.
        """
        if isinstance(at_byte, bool) or not isinstance(at_byte, int) or at_byte < 0:
            raise ValueError("at_byte must be a byte count of 0 or more")
        cut = ReadCut(kind)
        if quiet_seconds is not None and (
            cut is not ReadCut.QUIET or not math.isfinite(quiet_seconds) or quiet_seconds < 0
        ):
            raise ValueError("quiet_seconds is a non-negative duration for a QUIET cut only")
        self._read_cut = ArmedReadCut(at_byte, cut, quiet_seconds)

    def clear(self) -> None:
        """Forget every armed fault, standing or one-shot."""
        self.reply_delay = 0.0
        self.split_max_chunk = None
        self.answering = True
        self._garbage.clear()
        self._reply_urcs.clear()
        self._reset_mid_reply = False
        self._read_cut = None

    # The rest is for the core and the server, which consume what tests armed.

    def add_drop_listener(self, listener: DropListener) -> Callable[[], None]:
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

    def body_cut_point(self, size: int) -> tuple[int, ArmedReadCut] | None:
        """Where an armed read cut falls in the next `size` body bytes to be printed.

        None: all of them go out (and are counted). Otherwise (k, cut): only the first k go out
        and the cut fires there (it is taken: one-shot).
        """
        cut = self._read_cut
        if cut is None:
            return None
        if cut.allowance >= size:
            cut.passed += size
            return None
        position = cut.allowance
        cut.passed = cut.at_byte
        self._read_cut = None
        return position, cut

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
