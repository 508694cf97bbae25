"""The AT lines around SMS PDUs in PDU mode (3GPP TS 27.005 sections 3.4.2, 3.4.3, 3.5.1, 3.4.1).

- `+CMGL: <index>,<stat>,[<alpha>],<length>` then the PDU on the next line, once per message
  (`AT+CMGL=4` lists all). Quectel leaves `<alpha>` empty (`+CMGL: 0,1,,31`, the EC2x sample in
  the public asterisk-chan-quectel parser); SIMCom firmware quotes it (`+CMGL: 0,1,"",32`, a
  public SIM7670G field log; `+CMGRD: 0,"",30` on an A7670G in LilyGo-Modem-Series issue 264).
- `+CMGR: <stat>,[<alpha>],<length>` then the PDU (`AT+CMGR=<index>`).
- `+CMT: [<alpha>],<length>` then the PDU, unsolicited (AT+CNMI=..,2: delivered, not stored).
- `+CMTI: <mem>,<index>` unsolicited (AT+CNMI=..,1: stored at `<index>` of memory `<mem>`).
- `+CMGS: <mr>[,<scts>]` after the Ctrl-Z of AT+CMGS, then OK.

`<stat>` in PDU mode: 0 received unread, 1 received read, 2 stored unsent, 3 stored sent.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from .errors import InvalidPdu, SmsError
from .parse import SmsPdu, parse_pdu

_ALPHA: Final = r'(?:"[^"]*"|[^,"]*)'
_CMGL: Final = re.compile(rf"\+CMGL: ?(\d+),(\d),{_ALPHA},(\d+)")
_CMGR: Final = re.compile(rf"\+CMGR: ?(\d),{_ALPHA},(\d+)")
_CMT: Final = re.compile(rf"\+CMT: ?{_ALPHA},(\d+)")
_CMTI: Final = re.compile(r'\+CMTI: ?"([A-Z]{2})",(\d+)')
_CMGS: Final = re.compile(r'\+CMGS: ?(\d+)(?:,"[^"]*")?')


class MessageStatus(IntEnum):
    """`<stat>` of a stored message in PDU mode (27.005 3.1)."""

    RECEIVED_UNREAD = 0
    RECEIVED_READ = 1
    STORED_UNSENT = 2
    STORED_SENT = 3


ALL_MESSAGES: Final = 4
"""The `<stat>` that lists every message (`AT+CMGL=4`)."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One entry of a listing: storage index, status, and the message or why it is unreadable.

    An unreadable entry is still listed, so that it can be deleted.
    """

    index: int
    status: MessageStatus
    pdu: SmsPdu | None
    error: SmsError | None = None


@dataclass(frozen=True, slots=True)
class NewMessageIndication:
    """`+CMTI: <mem>,<index>`: a message arrived and is stored there."""

    storage: str
    index: int


def parse_cmgl_header(line: str) -> tuple[int, MessageStatus, int]:
    """Index, status and TPDU length of a `+CMGL:` line; InvalidPdu if it is not one."""
    match = _CMGL.fullmatch(line.strip())
    if match is None:
        raise InvalidPdu("not a PDU-mode +CMGL line")
    return int(match[1]), _status(match[2]), int(match[3])


def parse_cmgr_header(line: str) -> tuple[MessageStatus, int]:
    """Status and TPDU length of a `+CMGR:` line."""
    match = _CMGR.fullmatch(line.strip())
    if match is None:
        raise InvalidPdu("not a PDU-mode +CMGR line")
    return _status(match[1]), int(match[2])


def parse_cmt_header(line: str) -> int:
    """TPDU length of a `+CMT:` line (the PDU follows on the next line)."""
    match = _CMT.fullmatch(line.strip())
    if match is None:
        raise InvalidPdu("not a PDU-mode +CMT line")
    return int(match[1])


def parse_cmti(line: str) -> NewMessageIndication:
    """The storage and index of a `+CMTI:` line."""
    match = _CMTI.fullmatch(line.strip())
    if match is None:
        raise InvalidPdu("not a +CMTI line")
    return NewMessageIndication(match[1], int(match[2]))


def parse_cmgs(line: str) -> int:
    """The message reference of a `+CMGS:` line."""
    match = _CMGS.fullmatch(line.strip())
    if match is None:
        raise InvalidPdu("not a +CMGS line")
    return int(match[1])


def _status(text: str) -> MessageStatus:
    try:
        return MessageStatus(int(text))
    except ValueError:
        raise InvalidPdu("unknown message status") from None


def parse_listing(lines: Iterable[str]) -> list[StoredMessage]:
    """The messages of an `AT+CMGL` answer (its information lines, without OK).

    Lines that are neither a `+CMGL:` header nor the PDU after one (a URC that slipped in) are
    skipped; a header whose PDU cannot be read still gives an entry, with `error` set.
    """
    entries: list[StoredMessage] = []
    pending: tuple[int, MessageStatus, int] | None = None
    for raw_line in lines:
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith("+CMGL:"):
            if pending is not None:
                entries.append(_unreadable(pending, InvalidPdu("listing entry without a PDU")))
            pending = parse_cmgl_header(line)
            continue
        if pending is None or not _looks_like_hex(line):
            continue
        index, status, length = pending
        pending = None
        try:
            entries.append(StoredMessage(index, status, parse_pdu(line, length)))
        except InvalidPdu as err:
            entries.append(StoredMessage(index, status, None, err))
    if pending is not None:
        entries.append(_unreadable(pending, InvalidPdu("listing entry without a PDU")))
    return entries


def _unreadable(header: tuple[int, MessageStatus, int], error: SmsError) -> StoredMessage:
    return StoredMessage(header[0], header[1], None, error)


def _looks_like_hex(line: str) -> bool:
    return all(char in "0123456789ABCDEFabcdef" for char in line)
