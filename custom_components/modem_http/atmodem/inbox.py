"""Received SMS: announced by the modem, read, joined, handed to listeners once, then deleted.

The modem announces a stored message with `+CMTI: "SM",<index>` (the set-up asks for that, see
sms_commands.py) or, when someone configured it so, pushes it whole as `+CMT: ,<length>` and the
PDU on the next line. Those lines arrive whenever the modem likes, in the middle of an HTTP
transaction too, so their handlers only queue a job; one worker runs the jobs in order, each
through the modem's operation path (Access.SMS): queued behind requests like any operation,
never interleaved with a transaction, with the SMS settings put back after a restart first.

- A scan (`AT+CMGL`) runs when the inbox starts, when the modem says SMS is ready after a boot
  (the family's ready line, or a while after the restart when it prints none), and after the
  serial link comes back: messages that arrived while nobody listened are delivered then.
- A `+CMTI` job reads that one slot (`AT+CMGR=<index>`); a `+CMT` job parses the pushed PDU.
- Parts of a concatenated message wait in a Reassembler until all have arrived; a message still
  missing parts after INCOMPLETE_AFTER is delivered with what came, so no text is lost.
- Each message goes to the listeners once. With `delete_after_reading` its slots are freed
  afterwards (`AT+CMGD`), so the SIM never fills; a slot whose deletion failed is deleted by a
  later scan without the message being delivered again. Without it, scans list only unread
  messages (reading marks them read), so a message is not delivered again at the next start.
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from .deadline import Deadline
from .engine import AtEngine, ConnectionState, Urc
from .errors import ModemError
from .families import SmsCommands
from .framing import UntilTerminator
from .operation import Access, OperationPath
from .sms import (
    AssembledMessage,
    InvalidPdu,
    Reassembler,
    SmsDeliver,
    StoredMessage,
    parse_cmt_header,
    parse_cmti,
    parse_pdu,
)

_LOGGER = logging.getLogger(__name__)

JOB_TIMEOUT: Final = 300.0
"""One job's budget, queueing behind other operations included (a long download, say)."""
READY_WAIT: Final = 30.0
"""How long after a restart to wait for the ready line before scanning anyway."""
RETRY_DELAYS: Final = (5.0, 15.0, 60.0, 300.0)
"""Seconds before a failed scan is tried again (the last one repeats)."""
INCOMPLETE_AFTER: Final = timedelta(minutes=10)
"""How long the parts of a concatenated message wait for the rest before going out as they are."""
EXPIRY_CHECK: Final = 60.0
"""Seconds between looks for such messages while parts wait."""
_REMEMBERED: Final = 512
"""Parts delivered this session, remembered so a slot that could not be deleted (or a stale
`+CMTI`) never delivers a message twice."""


@dataclass(frozen=True, slots=True)
class ReceivedSms:
    """One received message, its parts joined."""

    sender: str
    """`+` and digits for a number, the name for an alphanumeric sender ("Vodafone")."""
    text: str
    timestamp: datetime | None
    """The service centre's time stamp (with the sender's network's UTC offset)."""
    parts: int
    """How many parts arrived."""
    parts_total: int
    """How many parts the message announced (more than `parts` when some never came)."""

    @property
    def complete(self) -> bool:
        """Whether every part arrived."""
        return self.parts == self.parts_total


type SmsListener = Callable[[ReceivedSms], None]


@dataclass(frozen=True, slots=True)
class _Scan:
    """List the storage and deliver what is there."""


@dataclass(frozen=True, slots=True)
class _Stored:
    """Read the message `+CMTI` announced."""

    storage: str
    index: int


@dataclass(frozen=True, slots=True)
class _Pushed:
    """A message `+CMT` pushed whole."""

    pdu: str
    length: int


@dataclass(frozen=True, slots=True)
class _Expire:
    """Deliver messages whose missing parts stopped coming."""


type _Job = _Scan | _Stored | _Pushed | _Expire


class SmsInbox:
    """Turns a modem's new-message indications into ReceivedSms for the listeners."""

    def __init__(self, engine: AtEngine, path: OperationPath, sms: SmsCommands) -> None:
        """Nothing is listened to or sent until start()."""
        self._engine = engine
        self._path = path
        self._sms = sms
        self._listeners: list[SmsListener] = []
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._scan_queued = False
        self._worker: asyncio.Task[None] | None = None
        self._removers: list[Callable[[], None]] = []
        self._timers: set[asyncio.TimerHandle] = set()
        self._ready_timer: asyncio.TimerHandle | None = None
        self._failures = 0
        self._reassembler: Reassembler[int | None] = Reassembler()
        self._delivered: OrderedDict[tuple[int | None, SmsDeliver], None] = OrderedDict()
        self._doomed: list[int] = []
        self.delete_after_reading = True

    # ------------------------------------------------------------------ public

    def add_listener(self, listener: SmsListener) -> Callable[[], None]:
        """Be handed every received message; returns a remover."""
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    @property
    def running(self) -> bool:
        """Whether the inbox listens (between start() and stop())."""
        return self._worker is not None

    def start(self, *, delete_after_reading: bool = True) -> None:
        """Listen for new messages and deliver the stored ones."""
        if self._worker is not None:
            return
        self.delete_after_reading = delete_after_reading
        self._queue = asyncio.Queue()
        self._scan_queued = False
        engine = self._engine
        self._removers = [
            engine.on_urc("+CMTI:", self._on_cmti),
            engine.on_urc("+CMT:", self._on_cmt, data_after=_pdu_line),
            engine.on_urc(self._sms.ready_line, self._on_ready),
            engine.add_listener(self._on_connection_state),
        ]
        self._worker = asyncio.get_running_loop().create_task(
            self._work(), name="modem_http SMS inbox"
        )
        self._queue_scan()

    async def stop(self) -> None:
        """Stop listening; a job in progress is cancelled (its messages stay on the SIM)."""
        for remove in self._removers:
            remove()
        self._removers = []
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._cancel_ready_timer()
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def drained(self) -> None:
        """Return once every job queued so far has run (for callers that must know)."""
        await self._queue.join()

    # ------------------------------------------------------------- URCs, events

    def _on_cmti(self, urc: Urc) -> None:
        try:
            indication = parse_cmti(urc.line)
        except InvalidPdu:
            _LOGGER.warning("The modem announced a message in a form not understood; scanning.")
            self._queue_scan()
            return
        self._queue.put_nowait(_Stored(indication.storage, indication.index))

    def _on_cmt(self, urc: Urc) -> None:
        try:
            length = parse_cmt_header(urc.line)
        except InvalidPdu:
            _LOGGER.warning("The modem pushed a message in a form not understood; it is lost.")
            return
        pdu = (urc.data or b"").decode("latin-1").strip()
        self._queue.put_nowait(_Pushed(pdu, length))

    def _on_ready(self, _urc: Urc) -> None:
        self._cancel_ready_timer()
        self._queue_scan()

    def _on_connection_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.CONNECTED:
            self._queue_scan()
        elif state is ConnectionState.RESET:
            # SMS commands fail until the module has read the SIM's messages; it says when
            # with its ready line, and a module that prints none is scanned after a while.
            self._cancel_ready_timer()
            self._ready_timer = asyncio.get_running_loop().call_later(READY_WAIT, self._queue_scan)

    def _cancel_ready_timer(self) -> None:
        if self._ready_timer is not None:
            self._ready_timer.cancel()
            self._ready_timer = None

    def _queue_scan(self) -> None:
        if not self._scan_queued:
            self._scan_queued = True
            self._queue.put_nowait(_Scan())

    def _retry_later(self) -> None:
        delay = RETRY_DELAYS[min(self._failures, len(RETRY_DELAYS) - 1)]
        self._failures += 1
        timer = asyncio.get_running_loop().call_later(delay, self._retry_now)
        self._timers.add(timer)

    def _retry_now(self) -> None:
        self._timers = {timer for timer in self._timers if not timer.cancelled()}
        self._queue_scan()

    # ------------------------------------------------------------------ worker

    async def _work(self) -> None:
        while True:
            job = await self._next_job()
            try:
                await self._run(job)
            except ModemError as err:
                # The messages stay on the SIM; a scan picks them up once the modem answers.
                _LOGGER.warning(
                    "Could not read received SMS from the modem at %s (%s); trying again later.",
                    self._engine.port,
                    err,
                )
                self._retry_later()
            except Exception:
                _LOGGER.exception("Reading received SMS failed.")
                self._retry_later()
            else:
                self._failures = 0
            finally:
                self._queue.task_done()

    async def _next_job(self) -> _Job:
        if not self._reassembler.waiting:
            return await self._queue.get()
        try:
            async with asyncio.timeout(EXPIRY_CHECK):
                return await self._queue.get()
        except TimeoutError:
            self._queue.put_nowait(_Expire())
            return await self._queue.get()

    async def _run(self, job: _Job) -> None:
        if isinstance(job, _Scan):
            self._scan_queued = False
        deadline = Deadline(JOB_TIMEOUT)
        await self._path.run(deadline, lambda: self._on_modem(job, deadline), Access.SMS)

    async def _on_modem(self, job: _Job, deadline: Deadline) -> None:
        """Run one job with the modem to ourselves: read, deliver, delete."""
        engine, sms = self._engine, self._sms
        match job:
            case _Scan():
                listed = await sms.list_messages(
                    engine, deadline, unread_only=not self.delete_after_reading
                )
                for entry in listed:
                    self._take_stored(entry)
            case _Stored(storage, index):
                if storage != sms.storage:
                    _LOGGER.warning(
                        "A message arrived in the modem's %s storage, which is not read; "
                        "the integration reads %s.",
                        storage,
                        sms.storage,
                    )
                    return
                read = await sms.read(engine, index, deadline)
                if read is not None:
                    self._take_stored(read)
            case _Pushed(pdu, length):
                try:
                    part = parse_pdu(pdu, length)
                except InvalidPdu:
                    _LOGGER.warning("The modem pushed a message that cannot be read.")
                    return
                if isinstance(part, SmsDeliver):
                    self._take_part(part, None)
            case _Expire():
                pass
        for message in self._reassembler.take_incomplete(_now() - INCOMPLETE_AFTER):
            self._deliver(message)
        await self._delete_doomed(deadline)

    def _take_stored(self, entry: StoredMessage) -> None:
        if entry.error is not None:
            # Left where it is: deleting what cannot be read would lose it for good.
            _LOGGER.warning("Message %d on the SIM cannot be read: %s", entry.index, entry.error)
            return
        if isinstance(entry.pdu, SmsDeliver):
            self._take_part(entry.pdu, entry.index)
        # Delivery reports and messages stored to be sent are not received messages.

    def _take_part(self, part: SmsDeliver, slot: int | None) -> None:
        key = (slot, part)
        if key in self._delivered:
            if slot is not None:
                self._doomed.append(slot)
            return
        self._delivered[key] = None
        while len(self._delivered) > _REMEMBERED:
            self._delivered.popitem(last=False)
        message = self._reassembler.add(part, slot, _now())
        self._doomed.extend(tag for tag in self._reassembler.take_discarded() if tag is not None)
        if message is not None:
            self._deliver(message)

    def _deliver(self, message: AssembledMessage[int | None]) -> None:
        received = ReceivedSms(
            sender=message.sender,
            text=message.text,
            timestamp=message.timestamp,
            parts=message.parts_received,
            parts_total=message.parts_total,
        )
        for listener in list(self._listeners):
            try:
                listener(received)
            except Exception:
                _LOGGER.exception("A listener of received SMS failed.")
        self._doomed.extend(tag for tag in message.tags if tag is not None)

    async def _delete_doomed(self, deadline: Deadline) -> None:
        pending = list(dict.fromkeys(self._doomed))
        self._doomed = []
        if not self.delete_after_reading:
            return
        for position, index in enumerate(pending):
            try:
                await self._sms.delete(self._engine, index, deadline)
            except ModemError:
                # The message was delivered and is remembered: the next job (or scan) deletes
                # it without delivering it again.
                self._doomed = pending[position:]
                raise
            self._forget_slot(index)

    def _forget_slot(self, index: int) -> None:
        """A freed slot's next message is new, even one identical to the last to the second."""
        for key in [key for key in self._delivered if key[0] == index]:
            del self._delivered[key]


def _pdu_line(_line: str) -> UntilTerminator:
    """A `+CMT:` header is followed by the PDU on a line of its own (27.005 3.4.1)."""
    return UntilTerminator(b"\r\n")


def _now() -> datetime:
    return datetime.now(UTC)


__all__ = ["INCOMPLETE_AFTER", "ReceivedSms", "SmsInbox", "SmsListener"]
