"""Joining the parts of concatenated messages, in whatever order they arrive.

Parts belong together when they come from the same sender with the same reference and the same
announced total (and reference width); they are joined in sequence order once all are there.
A part seen twice (networks do resend, and the SIM may still hold an old copy) is ignored, also
after its message was completed: its `tag` (the caller's handle on it, typically its storage
index) is handed back through `take_discarded()` so the caller can delete it. Parts whose message
never completes are given back by `take_incomplete()` with what did arrive, so no text is lost.

Pure and synchronous: the caller says what time it is.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from .coding import mend_surrogates
from .parse import SmsDeliver

_REMEMBERED_COMPLETIONS: Final = 64

type _Key = tuple[str, int, int, bool]


@dataclass(frozen=True, slots=True)
class AssembledMessage[T]:
    """A whole message (or what arrived of one) with the tags of every part it consumed."""

    sender: str
    text: str
    timestamp: datetime | None
    """The service centre time stamp of the first part that carries one."""
    parts_received: int
    parts_total: int
    tags: tuple[T, ...]

    @property
    def complete(self) -> bool:
        """Whether every part arrived."""
        return self.parts_received == self.parts_total


@dataclass
class _Pending[T]:
    first_seen: datetime
    parts: dict[int, tuple[SmsDeliver, T]] = field(default_factory=dict)
    extra_tags: list[T] = field(default_factory=list)


class Reassembler[T]:
    """Collects message parts; see the module docstring."""

    def __init__(self) -> None:
        self._pending: dict[_Key, _Pending[T]] = {}
        self._completed: OrderedDict[_Key, None] = OrderedDict()
        self._discarded: list[T] = []

    def add(self, part: SmsDeliver, tag: T, now: datetime) -> AssembledMessage[T] | None:
        """Take one received part; the whole message when this part completes it."""
        concat = part.concatenation
        if concat is None or concat.total == 1:
            return AssembledMessage(
                part.sender.value, mend_surrogates(part.text), part.timestamp, 1, 1, (tag,)
            )
        key: _Key = (part.sender.value, concat.reference, concat.total, concat.wide_reference)
        if key in self._completed:
            self._discarded.append(tag)
            return None
        pending = self._pending.setdefault(key, _Pending(now))
        if concat.sequence in pending.parts:
            pending.extra_tags.append(tag)
            return None
        pending.parts[concat.sequence] = (part, tag)
        if len(pending.parts) < concat.total:
            return None
        del self._pending[key]
        self._completed[key] = None
        while len(self._completed) > _REMEMBERED_COMPLETIONS:
            self._completed.popitem(last=False)
        return _assemble(key, pending)

    def take_discarded(self) -> list[T]:
        """Tags of duplicate parts that arrived after their message was complete."""
        taken, self._discarded = self._discarded, []
        return taken

    def take_incomplete(self, older_than: datetime) -> list[AssembledMessage[T]]:
        """Messages still missing parts whose first part arrived before `older_than`."""
        stale = [key for key, pending in self._pending.items() if pending.first_seen < older_than]
        return [_assemble(key, self._pending.pop(key)) for key in stale]

    @property
    def waiting(self) -> int:
        """How many messages are waiting for parts."""
        return len(self._pending)


def _assemble[T](key: _Key, pending: _Pending[T]) -> AssembledMessage[T]:
    ordered = [pending.parts[sequence] for sequence in sorted(pending.parts)]
    text = mend_surrogates("".join(part.text for part, _tag in ordered))
    timestamp = next((part.timestamp for part, _tag in ordered if part.timestamp), None)
    tags = tuple(tag for _part, tag in ordered) + tuple(pending.extra_tags)
    return AssembledMessage(key[0], text, timestamp, len(ordered), key[2], tags)
