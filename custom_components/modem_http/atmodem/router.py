"""Who each piece of a modem's output belongs to: the command in flight, a URC handler, or nobody.

A modem mixes three kinds of output on one line: the reply of the command it is answering
(information lines, raw data, a final result code), unsolicited result codes (URCs) that can
arrive anywhere, even between two lines of a reply, and leftovers of a command that was given up
(stale lines). The router decides, line by line and block by block, which is which:

- echo: the command text itself (a modem that ignores ATE0, or one that just rebooted);
- a line of the command's own prefix (`+CREG:` for `AT+CREG?`) is its reply, even when a URC
  shares the prefix; any other line a URC handler takes, or that the tables list as only ever
  unsolicited, is a URC;
- a final result code (OK, ERROR, +CME ERROR...) ends the reply, unless the command says its
  output goes on after it (`complete`);
- a line saying the modem restarted (RDY, or +CPIN: READY out of the blue) ends the reply in flight
  with ModemDisconnectedError, because the modem forgot the command; unless its owner said it
  expects that line (a module prints +CPIN: READY unasked after a right PIN, too);
- a payload command given up before its input ended (`watch_abandoned`) still hears of its late
  prompt and of the final result that ends the module's input, so its owner knows when the module
  takes bytes as commands again;
- everything else while no command is in flight is stale and dropped.

Which lines are unsolicited or mean a restart is data (LineTables): each module family declares its
own, and the engine hands them to the router. The router is synchronous and does no I/O, so it can
be fed a stream split at every byte in tests; it tells its owner what happened through
RouterEvents.
"""

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Protocol

from .errors import AtCommandError, ModemError, cme_code_from_text
from .framing import AtStreamParser, DataSpec

_LOGGER = logging.getLogger(__name__)

FINAL_OK: Final = "OK"
_ERROR_FINALS: Final = frozenset({"ERROR", "NO CARRIER", "NO DIALTONE", "BUSY", "NO ANSWER"})
_CME_PREFIX: Final = "+CME ERROR:"
_CMS_PREFIX: Final = "+CMS ERROR:"
RAW_TAIL: Final = 160
"""Raw bytes an exchange remembers: enough for the last lines a module prints in a burst."""
TRAILING_LINES: Final = 3
"""Lines at the end of stopped raw data looked at for one the module prints on its own."""
BOOT_WINDOW: Final = 15.0
"""Seconds after a restart line during which a later boot line belongs to the same boot."""


class Prompt(StrEnum):
    """What the modem prints when it is ready for a command's payload."""

    CONNECT = "CONNECT"
    DOWNLOAD = "DOWNLOAD"
    GREATER_THAN = ">"


@dataclass(frozen=True, slots=True)
class LineTables:
    """Lines a module prints unasked, as data the router works with.

    `restart_lines` always mean the modem restarted; `restart_when_unasked` mean it when they
    come while no command asked for them (`+CPIN: READY` is also the answer to `AT+CPIN?`);
    lines starting with an `unsolicited` prefix are never part of another command's reply (boot
    progress, bearer, network and message indications), even when nobody listens for them.
    """

    restart_lines: frozenset[str] = frozenset()
    restart_when_unasked: frozenset[str] = frozenset()
    unsolicited: tuple[str, ...] = ()

    def merged(self, *others: LineTables) -> LineTables:
        """These tables and others together."""
        tables = (self, *others)
        return LineTables(
            frozenset().union(*(t.restart_lines for t in tables)),
            frozenset().union(*(t.restart_when_unasked for t in tables)),
            tuple(dict.fromkeys(prefix for t in tables for prefix in t.unsolicited)),
        )


STANDARD_LINES: Final = LineTables(
    # 3GPP TS 27.007: a SIM that becomes ready again unasked means the modem started over.
    restart_when_unasked=frozenset({"+CPIN: READY"}),
    unsolicited=(
        "+CGEV:",  # 27.007 10.1.19: packet domain events (context deactivated...)
        "+CREG:",  # 27.007 7.2/10.1.20/10.1.22: registration changes (with AT+CREG=1...)
        "+CGREG:",
        "+CEREG:",
        "+CMTI:",  # 27.005 3.4.1: a message arrived, or a status report was stored
        "+CDSI:",
        # 27.007 8.3 and the modules' own SIM URCs: +CPIN: SIM PIN at boot, +CPIN: SIM REMOVED
        # (SIMCom), +CPIN: NOT READY (Quectel); never part of another command's reply.
        "+CPIN:",
    ),
)
"""What every 3GPP module prints unasked, whatever its family."""


@dataclass(slots=True)
class AtReply:
    """What one command produced: its information lines, raw data and final result."""

    command: str
    lines: list[str] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    """Raw data blocks, unless the command streamed them to a data sink."""
    data_size: int = 0
    """Bytes of raw data received, whether kept in `chunks` or streamed."""
    final: str | None = None

    @property
    def data(self) -> bytes:
        """All raw data blocks joined, byte for byte."""
        return b"".join(self.chunks)

    def lines_with(self, prefix: str) -> list[str]:
        """Information lines starting with prefix, with the prefix and following space removed."""
        return [line[len(prefix) :].strip() for line in self.lines if line.startswith(prefix)]

    def first(self, prefix: str) -> str:
        """The first line with prefix (stripped of it); raises ModemError when absent."""
        found = self.lines_with(prefix)
        if not found:
            raise ModemError(f"{self.command}: no {prefix!r} line in reply {self.lines!r}")
        return found[0]


@dataclass(frozen=True, slots=True)
class Urc:
    """An unsolicited result code, with the raw data that followed it when it announces some."""

    line: str
    data: bytes | None = None


UrcHandler = Callable[[Urc], None]
DataAfter = Callable[[str], DataSpec]
"""Asked for every line of a reply: does raw data follow it (a count, a terminator)?"""
Completion = Callable[[AtReply], bool]
"""Asked as a reply grows: is it complete (for output that goes on after OK)?"""
DataSink = Callable[[bytes], None]
"""Takes a reply's raw data as it arrives, instead of the reply keeping it."""


@dataclass(slots=True)
class Exchange:
    """One command as the router sees its reply arrive."""

    reply: AtReply
    own_prefix: str | None = None
    data_after: DataAfter | None = None
    complete: Completion | None = None
    prompt: Prompt | None = None
    """The prompt the command waits for before its payload (None: no payload)."""
    data_sink: DataSink | None = None
    prompted: bool = False
    answered: bool = False
    refused: ModemError | None = None
    """What the data sink raised; the reply is refused with it once the command has ended."""
    data_line_pending: bool = False
    tail: bytearray = field(default_factory=bytearray)
    """The last RAW_TAIL bytes of raw data (what a read that stopped ended with)."""

    @classmethod
    def of(
        cls,
        command: str,
        *,
        data_after: DataAfter | None = None,
        complete: Completion | None = None,
        prompt: Prompt | None = None,
        data_sink: DataSink | None = None,
    ) -> Exchange:
        """An exchange for `command`, whose own information lines start with its prefix."""
        return cls(
            AtReply(command), command_prefix(command), data_after, complete, prompt, data_sink
        )


class RouterEvents(Protocol):
    """What the router tells its owner."""

    def answered(self, exchange: Exchange, outcome: AtReply | ModemError) -> None:
        """The exchange is over: its reply, or the typed error its final result code means."""

    def prompted(self, exchange: Exchange) -> None:
        """The modem is ready for the exchange's payload."""

    def restarted(self, line: str) -> None:
        """The modem restarted (it printed `line`); the exchange in flight, if any, is lost."""


@dataclass(slots=True)
class _UrcRoute:
    prefix: str
    handler: UrcHandler
    data_after: DataAfter | None


class ReplyRouter:
    """Routes parsed output to the exchange in flight, to URC handlers, or drops it as stale."""

    def __init__(
        self,
        events: RouterEvents,
        tables: LineTables = STANDARD_LINES,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock` tells which boot lines belong to one boot (BOOT_WINDOW)."""
        self._events = events
        self._clock = clock
        self._parser = AtStreamParser(self, self._data_after)
        self._exchange: Exchange | None = None
        self._abandoned: Exchange | None = None
        self._routes: list[_UrcRoute] = []
        self._data_routes = 0
        """How many routes announce data; lets most lines skip the lookup."""
        self._urc_in_data: tuple[str, list[bytes]] | None = None
        self._last_boot = -BOOT_WINDOW
        self._decoded_raw: bytes | None = None
        self._decoded_text = ""
        self._expected: dict[str, float] = {}
        """Restart-when-unasked lines the owner's own action will make the module print, and
        until when (clock time) one of each is taken as a URC."""
        self.tables = tables

    @property
    def tables(self) -> LineTables:
        """The lines this router takes as unsolicited or as a restart."""
        return self._tables

    @tables.setter
    def tables(self, tables: LineTables) -> None:
        self._tables = tables
        self._restart_lines = tables.restart_lines
        self._restart_when_unasked = tables.restart_when_unasked
        self._unsolicited = tables.unsolicited

    # ------------------------------------------------------------------ input

    def feed(self, data: bytes) -> None:
        """Bytes as they came off the line."""
        self._parser.feed(data)

    def reset(self) -> None:
        """Forget partial input (after a resynchronisation or a reconnect)."""
        self._parser.reset()
        self._urc_in_data = None

    @property
    def in_raw_data(self) -> bool:
        """True while a raw block announced by a line is being read (lines inside are data)."""
        return self._parser.in_raw_data

    def raw_data_ends_in_a_line(self) -> bool:
        """Whether the raw data being read ends with lines the modem prints on its own.

        A final result code, a restart line, a line the tables list as unsolicited or one a URC
        handler waits for, among the last TRAILING_LINES lines at the very end: what a module
        prints when the data it was sending stops (its data connection lost, a restart) and the
        host is still counting bytes of a block. More than the last line is looked at because
        a module may follow its error with URCs of another vendor's set (a lost context is
        reported by `+CGEV` and the module's own line). A body may end a piece that way too; a
        caller that takes this for a cut merely asks for the rest again.
        """
        exchange = self._exchange
        if exchange is None or not self._parser.in_raw_data:
            return False
        text = exchange.tail.decode("latin-1")
        if not text.endswith("\r\n"):
            return False
        # The first piece may be the middle of a body line: only whole lines after it count.
        lines = [line.strip() for line in text[:-2].split("\r\n")[1:]]
        return any(self._printed_unasked(line) for line in lines[-TRAILING_LINES:] if line)

    def _printed_unasked(self, line: str) -> bool:
        return (
            line == FINAL_OK
            or line in _ERROR_FINALS
            or line in self._restart_lines
            or line in self._restart_when_unasked
            or line.startswith((_CME_PREFIX, _CMS_PREFIX, *self._unsolicited))
            or any(line.startswith(route.prefix) for route in self._routes)
        )

    # -------------------------------------------------------------- exchanges

    @property
    def in_flight(self) -> Exchange | None:
        """The exchange replies are routed to now."""
        return self._exchange

    def begin(self, exchange: Exchange) -> None:
        """Route replies to `exchange` from now on (its command is about to be written)."""
        self._exchange = exchange
        self._parser.expect_prompt = exchange.prompt is Prompt.GREATER_THAN

    def end(self, exchange: Exchange) -> None:
        """Stop routing to `exchange` (it was given up); later lines of its reply are stale."""
        if self._exchange is exchange:
            self._exchange = None
            self._parser.expect_prompt = False

    def watch_abandoned(self, exchange: Exchange | None) -> None:
        """Route the late prompt and the final result of a given-up payload command to its owner.

        The module may print the prompt after the command was given up and then take bytes as its
        payload until it prints a final result; `prompted` and `answered` tell the owner of both
        (None stops watching). Only while no other command waits for a reply of its own, which is
        all its owner lets happen until the input has ended.
        """
        self._abandoned = exchange
        if self._exchange is None:
            self._parser.expect_prompt = (
                exchange is not None and exchange.prompt is Prompt.GREATER_THAN
            )

    def _abandoned_line(self, text: str, exchange: Exchange | None) -> bool:
        abandoned = self._abandoned
        if abandoned is None:
            return False
        prompt = abandoned.prompt
        if (
            prompt is not None
            and not abandoned.prompted
            and (text == prompt.value or text.startswith(prompt.value + " "))
        ):
            abandoned.prompted = True
            self._events.prompted(abandoned)
            return True
        if exchange is None and (
            text == FINAL_OK or text in _ERROR_FINALS or text.startswith((_CME_PREFIX, _CMS_PREFIX))
        ):
            self._abandoned = None
            outcome = (
                abandoned.reply if text == FINAL_OK else _error_for(abandoned.reply.command, text)
            )
            self._events.answered(abandoned, outcome)
            return True
        return False

    def expect(self, line: str, within: float) -> None:
        """Take `line` as the module's answer to the owner's action once, within `within` s.

        After a right PIN modules print `+CPIN: READY` unasked, exactly what a module that
        started over prints; the owner that entered the PIN says so here, so the line is
        dispatched as a URC and not taken for a restart. A restart line (RDY) still means one.
        """
        self._expected[line] = self._clock() + within

    def _was_expected(self, text: str) -> bool:
        until = self._expected.pop(text, None)
        return until is not None and self._clock() <= until

    def fail(self, error: ModemError) -> None:
        """End the exchange in flight with `error` (the line dropped, the modem restarted)."""
        exchange = self._exchange
        if exchange is not None:
            self._answer(exchange, error)

    # ------------------------------------------------------------------- URCs

    def on_urc(
        self, prefix: str, handler: UrcHandler, *, data_after: DataAfter | None = None
    ) -> Callable[[], None]:
        """Call handler for every URC starting with prefix; returns a remover.

        `data_after(line)` lets a URC announce raw data that follows it (auto-output modes).
        """
        route = _UrcRoute(prefix, handler, data_after)
        self._routes.append(route)
        if data_after is not None:
            self._data_routes += 1

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._routes.remove(route)
                if data_after is not None:
                    self._data_routes -= 1

        return remove

    # ------------------------------------------------------------ parser sink

    def _decode(self, raw_line: bytes) -> str:
        # The parser asks data_after and then on_line about the same line: decode it once.
        if raw_line is not self._decoded_raw:
            self._decoded_raw = raw_line
            self._decoded_text = raw_line.decode("latin-1").strip()
        return self._decoded_text

    def _data_after(self, raw_line: bytes) -> DataSpec:
        exchange = self._exchange
        if (exchange is None or exchange.data_after is None) and not self._data_routes:
            return None
        line = self._decode(raw_line)
        if exchange is not None and exchange.data_after is not None:
            spec = exchange.data_after(line)
            if spec:
                exchange.data_line_pending = True
                return spec
        for route in self._routes:
            if route.data_after is not None and line.startswith(route.prefix):
                spec = route.data_after(line)
                if spec:
                    self._urc_in_data = (line, [])
                    return spec
        return None

    def on_line(self, line: bytes) -> None:
        """Route a line: echo, URC, information line, final result code, restart or stale."""
        text = self._decode(line)
        if not text:
            return
        exchange = self._exchange
        if self._urc_in_data is not None and self._urc_in_data[0] == text:
            return  # its data follows; dispatched in on_data
        if exchange is not None and exchange.data_line_pending:
            exchange.data_line_pending = False
            exchange.reply.lines.append(text)
            return
        if text in self._restart_lines or (
            text in self._restart_when_unasked
            and (exchange is None or exchange.own_prefix != text.split(" ")[0])
        ):
            if text not in self._restart_lines and self._was_expected(text):
                self._dispatch_urc(text)
                return
            self._on_restart(text)
            return
        if self._abandoned is not None and self._abandoned_line(text, exchange):
            return
        if exchange is None:
            if not self._dispatch_urc(text) and not text.startswith(self._unsolicited):
                _LOGGER.debug("dropped stale line %r", text)
            return
        if exchange.reply.command.upper() == text.upper() and not exchange.reply.lines:
            return  # echo
        own = exchange.own_prefix is not None and text.upper().startswith(exchange.own_prefix)
        if not own and (self._dispatch_urc(text) or text.startswith(self._unsolicited)):
            return
        self._on_reply_line(text, exchange)

    def on_data(self, data: bytes, *, final: bool) -> None:
        """Raw bytes belong to the exchange in flight, or to the URC that announced them."""
        if self._urc_in_data is not None:
            line, parts = self._urc_in_data
            parts.append(data)
            if final:
                self._urc_in_data = None
                self._dispatch_urc(line, b"".join(parts))
            return
        exchange = self._exchange
        if exchange is None:
            _LOGGER.debug("dropped %d stale data bytes", len(data))
            return
        reply = exchange.reply
        reply.data_size += len(data)
        tail = exchange.tail
        tail += data[-RAW_TAIL:]
        if len(tail) > RAW_TAIL:
            del tail[:-RAW_TAIL]
        sink = exchange.data_sink
        if sink is None:
            reply.chunks.append(data)
        elif exchange.refused is None:
            try:
                sink(data)
            except ModemError as err:
                # The modem goes on printing the data; the reply is refused once it has ended,
                # so the conversation stays in step.
                exchange.refused = err
        self._check_complete(exchange)

    def on_prompt(self) -> None:
        """The `>` prompt: the exchange in flight may write its payload."""
        exchange = self._exchange
        if exchange is not None and exchange.prompt is not None and not exchange.prompted:
            exchange.prompted = True
            self._events.prompted(exchange)
        elif exchange is None and self._abandoned is not None:
            self._abandoned_line(Prompt.GREATER_THAN.value, exchange)

    # -------------------------------------------------------------- routing

    def _dispatch_urc(self, line: str, data: bytes | None = None) -> bool:
        # Most lines are replies, not URCs: build the Urc only once a route matches.
        urc: Urc | None = None
        handled = False
        for route in list(self._routes):
            if line.startswith(route.prefix):
                handled = True
                if urc is None:
                    urc = Urc(line, data)
                try:
                    route.handler(urc)
                except Exception:
                    _LOGGER.exception("The handler of %s URCs failed.", route.prefix)
        return handled

    def _on_reply_line(self, text: str, exchange: Exchange) -> None:
        reply = exchange.reply
        prompt = exchange.prompt
        if (
            prompt is not None
            and not exchange.prompted
            and (text == prompt.value or text.startswith(prompt.value + " "))
        ):
            exchange.prompted = True
            self._events.prompted(exchange)
            return
        if reply.final is None:
            if text == FINAL_OK:
                reply.final = text
                self._check_complete(exchange)
                return
            if text in _ERROR_FINALS or text.startswith((_CME_PREFIX, _CMS_PREFIX)):
                reply.final = text
                self._answer(exchange, _error_for(reply.command, text))
                return
        reply.lines.append(text)
        self._check_complete(exchange)

    def _check_complete(self, exchange: Exchange) -> None:
        if exchange.answered or self._parser.in_raw_data:
            return
        reply = exchange.reply
        complete = exchange.complete
        if reply.final is not None if complete is None else complete(reply):
            self._answer(exchange, reply if exchange.refused is None else exchange.refused)

    def _answer(self, exchange: Exchange, outcome: AtReply | ModemError) -> None:
        """Settle the exchange and stop routing lines to it at once.

        Later lines in the same read (a result URC right after OK) must go to URC handlers, not
        to a command that is already answered.
        """
        if self._exchange is exchange:
            self._exchange = None
            self._parser.expect_prompt = False
        if not exchange.answered:
            exchange.answered = True
            self._events.answered(exchange, outcome)

    def _on_restart(self, text: str) -> None:
        now = self._clock()
        if text not in self._restart_lines and now - self._last_boot < BOOT_WINDOW:
            # The rest of a boot already reported by its restart line (+CPIN: READY follows RDY):
            # one restart, not two, so a command sent in between is not failed for nothing.
            self._dispatch_urc(text)
            return
        self._last_boot = now
        self._events.restarted(text)
        self._dispatch_urc(text)


@functools.lru_cache(maxsize=512)
def command_prefix(command: str) -> str | None:
    """The response prefix of an extended command: `AT+CSQ` -> `+CSQ:`, `AT+QHTTPGET=1` -> ...

    Lines with the command's own prefix are its information lines even if a URC shares the prefix.
    """
    body = command[2:] if command[:2].upper() == "AT" else command
    if not body or body[0] not in "+$^#":
        return None
    end = len(body)
    for stop in "=?;":
        index = body.find(stop)
        if 0 <= index < end:
            end = index
    return body[:end].upper() + ":"


def _error_for(command: str, final: str) -> AtCommandError:
    if final.startswith(_CME_PREFIX):
        value = final[len(_CME_PREFIX) :].strip()
        if value.isdigit():
            return AtCommandError(command, final, cme_code=int(value))
        return AtCommandError(command, final, cme_code=cme_code_from_text(value), cme_text=value)
    if final.startswith(_CMS_PREFIX):
        value = final[len(_CMS_PREFIX) :].strip()
        return AtCommandError(command, final, cms_code=int(value) if value.isdigit() else None)
    return AtCommandError(command, final)


def merge_tables(tables: Iterable[LineTables]) -> LineTables:
    """All of `tables` together (the standard lines included)."""
    return STANDARD_LINES.merged(*tables)


__all__ = [
    "BOOT_WINDOW",
    "FINAL_OK",
    "STANDARD_LINES",
    "AtReply",
    "Completion",
    "DataAfter",
    "DataSink",
    "Exchange",
    "LineTables",
    "Prompt",
    "ReplyRouter",
    "RouterEvents",
    "Urc",
    "UrcHandler",
    "command_prefix",
    "merge_tables",
]
