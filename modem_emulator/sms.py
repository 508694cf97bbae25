"""SMS as SIMCom SIM7600 and Quectel EC25 firmware serve it (3GPP TS 27.005), both modes.

SIM800/SIM900 and SIM7070/SIM7080 firmware document the same commands and formats (SIM800 Series
AT Command Manual, SMS chapter; SIM7070/SIM7080/SIM7090 AT Command Manual, SMS chapter), so their
profiles get this module unchanged: "IRA" as the default character set like the SIM7600, and
the quoted empty `<alpha>` of SIMCom's listings (assumed from the SIM7600-class logs below; no
public PDU-mode listing of those two modules was found to check it against).

Commands: AT+CMGF (0 PDU, 1 text), AT+CSCS ("IRA", "GSM", "UCS2"), AT+CSCA, AT+CPMS, AT+CNMI,
AT+CSMP, AT+CSDH, AT+CMGS (text mode `AT+CMGS="<da>"`, PDU mode `AT+CMGS=<length>`), AT+CMGL,
AT+CMGR and AT+CMGD (with `<delflag>` 1-4). Incoming messages come from `deliver_sms` /
`deliver_pdu` (the network), are stored in SIM ("SM") or modem ("ME") memory of limited capacity
and announced as `+CMTI: "SM",<index>` (AT+CNMI `<mt>` 1), or pushed as `+CMT:` (`<mt>` 2).

Formats, with their sources:
- Prompt: after `AT+CMGS=...<CR>` the modem prints `<CR><LF>> ` (four characters, 27.005
  3.5.1); the host types the PDU in hex (or the text) and Ctrl-Z (0x1A) to send, ESC (0x1B) to
  cancel. What is typed is echoed under ATE1, the Ctrl-Z included (a SIM800 log in
  vshymanskyy/TinyGSM issue 47 shows the 0x1A echoed after the text). In text mode each CR typed
  gets a new `<CR><LF>> ` and a backspace deletes (27.005 3.5.1). 27.005 names no result code for
  a cancel; we print OK (the command ended without error and nothing was sent).
- `+CMGS: <mr>` then OK once sent (27.005 3.5.1; Fibocom/Telit manual examples `+CMGS: 128`).
- PDU mode listings: `+CMGL: <index>,<stat>,[<alpha>],<length>` / `+CMGR: <stat>,[<alpha>],
  <length>`, the PDU (with its SCA) on the next line (27.005 3.4.2-3.4.3; SIM7500/SIM7600 and
  EC25 AT manuals). `<alpha>`: Quectel leaves it empty (`+CMGL: 0,1,,31`, asterisk-chan-quectel's
  EC2x sample), SIMCom quotes it (`+CMGL: 0,1,"",32` in a public SIM7670G field log,
  `+CMGRD: 0,"",30` on an A7670G, LilyGo-Modem-Series issue 264).
- Text mode: `+CMGL: <index>,"REC UNREAD","<oa>",<alpha>,"<scts>"` then the text; with AT+CSDH=1
  `,<tooa>,<length>` follows (the SIM7670G log: `...,"26/08/25,20:29:40+12",145,5`), and +CMGR
  adds `<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>`. `<scts>` is `yy/MM/dd,hh:mm:ss±zz`.
  Under AT+CSCS="UCS2" addresses and texts are UCS-2 hex (`"002B0037..."` in the same log).
- Storage: `+CPMS: "SM",<used>,<total>,...` (read) and `+CPMS: <used1>,<total1>,...` (set), as a
  gnokii log of `AT+CPMS?` / `AT+CPMS="SM"` shows; indexes start at 0 (SIM7600 manual, <index>;
  the SIM7670G log's `+CMTI: "ME",0`). `AT+CMGD=,4` empties the storage (SIM7670G log).
- `+CSCA: "+491710760000",145`, and `+CSCA: "",129` with no service centre set
  (asterisk-chan-quectel's parser comments show both shapes).
- `+CMS ERROR: <err>` obeys AT+CMEE like +CME ERROR (SIM7600 and EC25 manuals, AT+CMEE): plain
  ERROR at 0, the number at 1, the 27.005 3.2.5 wording at 2.

When the storage is full an incoming message waits at the network (the service centre retries,
23.040 "memory capacity exceeded"), and is delivered once AT+CMGD frees a slot.
"""

import asyncio
import binascii
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Literal

from modem_emulator.commands import NO_FINAL, AtRequest, FinalSent, PayloadTimeout, PlainError
from modem_emulator.sms_codec import (
    PduError,
    Submission,
    decode_submit,
    encode_deliver,
    encode_service_centre,
    gsm_septets,
    gsm_text,
    split_text,
    text_mode_time,
)

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

type _Handler = Callable[["EmulatedModem", AtRequest], Awaitable[FinalSent | None]]

_LOGGER = logging.getLogger(__name__)

CTRL_Z: Final = 0x1A
ESC: Final = 0x1B
_CR: Final = 0x0D
_BACKSPACE: Final = frozenset({0x08, 0x7F})
PROMPT: Final = b"\r\n> "
NETWORK_SERVICE_CENTRE: Final = "+491710760000"
MAX_TPDU_LENGTH: Final = 164
"""27.005 3.5.1 leaves the limit to the ME; 23.040's largest SMS-SUBMIT is 164 octets."""

# 27.005 3.2.5 wording, printed under AT+CMEE=2.
CMS_ERROR_TEXTS: Final[dict[int, str]] = {
    300: "ME failure",
    301: "SMS service of ME reserved",
    302: "operation not allowed",
    303: "operation not supported",
    304: "invalid PDU mode parameter",
    305: "invalid text mode parameter",
    310: "(U)SIM not inserted",
    311: "(U)SIM PIN required",
    313: "(U)SIM failure",
    316: "(U)SIM PUK required",
    320: "memory failure",
    321: "invalid memory index",
    322: "memory full",
    330: "SMSC address unknown",
    331: "no network service",
    332: "network timeout",
    500: "unknown error",
}
CMS_NOT_ALLOWED: Final = 302
CMS_INVALID_PDU: Final = 304
CMS_INVALID_TEXT: Final = 305
CMS_SIM_MISSING: Final = 310
CMS_BY_SIM_STATE: Final = {
    "ABSENT": CMS_SIM_MISSING,
    "SIM PIN": 311,
    "SIM PUK": 316,
    "BLOCKED": 313,
}
"""What SMS commands answer while the SIM is not ready (27.005 3.2.5 numbers), by AT+CPIN? state."""
CMS_INVALID_INDEX: Final = 321
CMS_SMSC_UNKNOWN: Final = 330
CMS_NO_NETWORK: Final = 331

_STATUS_TEXT: Final = ("REC UNREAD", "REC READ", "STO UNSENT", "STO SENT")
_ALL_TEXT: Final = "ALL"
_CHARSETS: Final = ("IRA", "GSM", "UCS2")


class CmsError(Exception):
    """An SMS command failed with `+CMS ERROR: <code>`."""

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(f"+CMS ERROR: {code}")


@dataclass
class StoredSms:
    """One message in a storage slot: its `<stat>` (0-3) and PDU (service centre included)."""

    index: int
    status: int
    sender: str
    moment: datetime
    text: str
    ucs2: bool
    tpdu: bytes
    service_centre: str


@dataclass
class Storage:
    """A message memory ("SM" on the SIM, "ME" in the module) with a fixed number of slots."""

    name: str
    capacity: int
    slots: dict[int, StoredSms] = field(default_factory=dict)

    def free_index(self) -> int | None:
        """The lowest free slot, None when full."""
        return next((i for i in range(self.capacity) if i not in self.slots), None)


@dataclass(frozen=True)
class SentSms:
    """One AT+CMGS as the network received it."""

    destination: str
    text: str
    encoding: str
    concatenation: tuple[int, int, int] | None
    """(reference, total, sequence) of a concatenated part."""
    message_reference: int
    mode: Literal["pdu", "text"]
    pdu: str
    """The TPDU in hex (PDU mode: as typed, without the service centre; text mode: empty)."""


@dataclass(frozen=True)
class SentMessage:
    """A whole outgoing message: its parts joined in sequence order."""

    destination: str
    text: str
    parts: tuple[SentSms, ...]

    @property
    def pdus(self) -> tuple[str, ...]:
        """The TPDUs of the parts, in sequence order."""
        return tuple(part.pdu for part in self.parts)


@dataclass
class SmsState:
    """The SMS side of a modem: settings, storages, the service centre, and what was sent.

    Knobs for tests: `service_centre` ("" emulates a SIM without one: AT+CMGS fails with 330),
    `send_error` (a +CMS ERROR code every AT+CMGS fails with, e.g. 500 or an RP cause; with
    `send_error_after` N, only once N messages went out, so a long message fails half-way),
    `send_delay` (seconds the network takes to accept a message), `storages[...].capacity`,
    `receive_storage` (where new messages go: "SM" or "ME"). Sending also fails with 331 while
    `modem.network` is not registered (`announce_registration(modem, 2)` drops coverage).
    """

    service_centre: str = NETWORK_SERVICE_CENTRE
    send_error: int | None = None
    send_error_after: int = 0
    send_delay: float = 0.0
    prompt_timeout: float = 60.0
    storages: dict[str, Storage] = field(
        default_factory=lambda: {"SM": Storage("SM", 30), "ME": Storage("ME", 50)}
    )
    receive_storage: str = "SM"
    sent: list[SentSms] = field(default_factory=list)
    waiting_at_network: list[tuple[bytes, StoredSms]] = field(default_factory=list)
    next_message_reference: int = 0
    next_concatenation_reference: int = 0
    cmgf: int = 0
    cscs: str = "IRA"
    cnmi: tuple[int, int, int, int, int] = (2, 1, 0, 0, 0)
    csmp: tuple[int, int, int, int] = (17, 167, 0, 0)
    csdh: int = 0
    memories: tuple[str, str, str] = ("SM", "SM", "SM")

    def restore_settings(self, default_charset: str) -> None:
        """The settings of a freshly booted module (messages on the SIM are kept)."""
        self.cmgf = 0
        self.cscs = default_charset
        self.cnmi = (2, 1, 0, 0, 0)
        self.csmp = (17, 167, 0, 0)
        self.csdh = 0
        self.memories = (self.receive_storage,) * 3

    def storage(self, name: str | None = None) -> Storage:
        """A message memory by name; the read/delete memory (`<mem1>`) by default."""
        return self.storages[name if name is not None else self.memories[0]]

    def sent_messages(self) -> list[SentMessage]:
        """What was sent, concatenated parts joined (by destination and reference)."""
        messages: list[SentMessage] = []
        groups: dict[tuple[str, int, int], list[SentSms]] = {}
        for item in self.sent:
            if item.concatenation is None:
                messages.append(SentMessage(item.destination, item.text, (item,)))
                continue
            reference, total, _sequence = item.concatenation
            key = (item.destination, reference, total)
            group = groups.setdefault(key, [])
            group.append(item)
            if len(group) == total:
                del groups[key]
                group.sort(key=lambda part: part.concatenation[2] if part.concatenation else 0)
                text = "".join(part.text for part in group)
                messages.append(SentMessage(item.destination, text, tuple(group)))
        return messages


def install(modem: EmulatedModem) -> None:
    """Register the SMS commands and forget SMS settings (not messages) on every reboot."""
    charset = _default_charset(modem)
    modem.sms.restore_settings(charset)
    modem.on_reset(lambda: modem.sms.restore_settings(charset))
    for name, handler in _HANDLERS.items():
        modem.register(name, handler)


def _default_charset(modem: EmulatedModem) -> str:
    # SIM7600 manual AT+CSCS: default "IRA"; EC25 manual AT+CSCS: default "GSM".
    return "GSM" if modem.identity.profile == "quectel" else "IRA"


def _quoted_alpha(modem: EmulatedModem) -> str:
    return "" if modem.identity.profile == "quectel" else '""'


# --- the network side: knobs for tests ----------------------------------------------------------


def deliver_sms(
    modem: EmulatedModem,
    sender: str,
    text: str,
    *,
    moment: datetime | None = None,
    ucs2: bool | None = None,
    part_size: int | None = None,
    reference: int | None = None,
    order: Sequence[int] | None = None,
) -> list[int | None]:
    """The network delivers `text` from `sender` (a number or a name); the storage indexes.

    The text is split into parts as a phone would (or into parts of `part_size` units). Each
    part gives its storage index, or None when it was pushed with +CMT or waits at the network
    because the storage is full.

    `ucs2` forces the alphabet (default: GSM-7 when the text fits); `order` delivers the parts in
    another order (1-based sequence numbers), `reference` fixes the concatenation reference.
    """
    moment = moment or datetime.now(UTC).replace(microsecond=0)
    wide = ucs2 if ucs2 is not None else gsm_septets(text) is None
    parts = split_text(text, wide, part_size)
    if reference is None:
        reference = modem.sms.next_concatenation_reference
        modem.sms.next_concatenation_reference = (reference + 1) % 256
    sequence_order = list(order) if order is not None else list(range(1, len(parts) + 1))
    indexes: list[int | None] = []
    for sequence in sequence_order:
        concatenation = (reference, len(parts), sequence) if len(parts) > 1 else None
        tpdu = encode_deliver(
            sender, parts[sequence - 1], moment, ucs2=wide, concatenation=concatenation
        )
        record = StoredSms(-1, 0, sender, moment, parts[sequence - 1], wide, tpdu, "")
        indexes.append(_receive(modem, tpdu, record))
    return indexes


def deliver_pdu(
    modem: EmulatedModem, tpdu: bytes, *, sender: str = "", text: str = ""
) -> int | None:
    """The network delivers a ready SMS-DELIVER TPDU (a real capture, say).

    `sender` and `text` only serve text-mode listings, which the emulator renders from them.
    """
    record = StoredSms(-1, 0, sender, datetime.now(UTC), text, False, tpdu, "")
    return _receive(modem, tpdu, record)


def _receive(modem: EmulatedModem, tpdu: bytes, record: StoredSms) -> int | None:
    state = modem.sms
    # The network's service centre stamps the message even when the SIM knows none.
    record.service_centre = NETWORK_SERVICE_CENTRE
    _mode, mt, _bm, _ds, _bfr = state.cnmi
    if mt == 2:
        _push(modem, record)
        return None
    storage = state.storage(state.memories[2])
    index = storage.free_index()
    if index is None:
        state.waiting_at_network.append((tpdu, record))
        return None
    record.index = index
    storage.slots[index] = record
    if mt in (1, 3) and state.cnmi[0] != 0:
        modem.send_urc(f'+CMTI: "{storage.name}",{index}')
    return index


def _push(modem: EmulatedModem, record: StoredSms) -> None:
    state = modem.sms
    if state.cmgf == 0:
        pdu = _pdu_hex(record)
        modem.send_urc(f"+CMT: {_quoted_alpha(modem)},{len(record.tpdu)}\r\n{pdu}")
    else:
        header = f'+CMT: "{_te(state, record.sender)}",{_quoted_alpha(modem)},'
        header += f'"{text_mode_time(record.moment)}"'
        modem.send_urc(f"{header}\r\n{_text_body(state, record)}")


async def _deliver_waiting_soon(modem: EmulatedModem) -> None:
    await asyncio.sleep(0)
    _deliver_waiting(modem)


def _deliver_waiting(modem: EmulatedModem) -> None:
    state = modem.sms
    waiting, state.waiting_at_network = state.waiting_at_network, []
    for tpdu, record in waiting:
        _receive(modem, tpdu, record)


# --- character sets and rendering ---------------------------------------------------------------


def _te(state: SmsState, text: str) -> str:
    """`text` in the TE character set (AT+CSCS) for quoted fields and text-mode bodies."""
    if state.cscs == "UCS2":
        return text.encode("utf-16-be", "surrogatepass").hex().upper()
    if state.cscs == "GSM":
        septets = gsm_septets(text)
        return bytes(septets).decode("latin-1") if septets is not None else "?"
    return "".join(char if char.isascii() else "?" for char in text)


def _from_te(state: SmsState, text: str) -> str:
    """A string typed by the host in the TE character set, back to text."""
    if state.cscs == "UCS2":
        try:
            return bytes.fromhex(text).decode("utf-16-be")
        except ValueError:
            raise CmsError(CMS_INVALID_TEXT) from None
    if state.cscs == "GSM":
        return gsm_text([ord(char) & 0x7F for char in text])
    return text


def _text_body(state: SmsState, record: StoredSms) -> str:
    if record.ucs2:
        return record.text.encode("utf-16-be", "surrogatepass").hex().upper()
    return _te(state, record.text)


def _pdu_hex(record: StoredSms) -> str:
    return (encode_service_centre(record.service_centre) + record.tpdu).hex().upper()


def _units(record: StoredSms) -> int:
    if record.ucs2:
        return len(record.text.encode("utf-16-be", "surrogatepass")) // 2
    return len(gsm_septets(record.text) or [])


# --- output -------------------------------------------------------------------------------------


def _cms_final(modem: EmulatedModem, code: int) -> FinalSent:
    if modem.cmee == 0:
        modem.send_final("ERROR")
    elif modem.cmee == 1:
        modem.send_final(f"+CMS ERROR: {code}")
    else:
        modem.send_final(f"+CMS ERROR: {CMS_ERROR_TEXTS.get(code, str(code))}")
    return NO_FINAL


def _sms_command(handler: _Handler) -> _Handler:
    """Wrap an SMS handler: a SIM not ready gives its error, and a CmsError `+CMS ERROR`.

    No SIM is 310; a SIM waiting for its PIN 311, for its PUK 316 (27.005 3.2.5, the SIM7600
    and EC25 manuals' +CMS ERROR lists).
    """

    async def run(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        sim_error = CMS_BY_SIM_STATE.get(modem.network.sim.status)
        if sim_error is not None and req.kind != "test":
            return _cms_final(modem, sim_error)
        try:
            return await handler(modem, req)
        except CmsError as error:
            return _cms_final(modem, error.code)

    return run


# --- settings -----------------------------------------------------------------------------------


async def _cmgf(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "read":
        modem.send_line(f"+CMGF: {modem.sms.cmgf}")
    elif req.kind == "test":
        modem.send_line("+CMGF: (0-1)")
    elif req.kind == "set":
        mode = req.arg_int(0, 0)
        if mode not in (0, 1):
            raise CmsError(CMS_NOT_ALLOWED)
        modem.sms.cmgf = mode
    else:
        modem.sms.cmgf = 0


async def _cscs(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "read":
        modem.send_line(f'+CSCS: "{modem.sms.cscs}"')
    elif req.kind == "test":
        modem.send_line('+CSCS: ("IRA","GSM","UCS2")')
    elif req.kind == "set":
        charset = req.arg_str(0)
        if charset not in _CHARSETS:
            raise PlainError
        modem.sms.cscs = charset
    else:
        raise PlainError


async def _csca(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    if req.kind == "read":
        number = state.service_centre
        kind = 145 if number.startswith("+") else 129
        modem.send_line(f'+CSCA: "{_te(state, number)}",{kind}')
    elif req.kind == "set":
        number = _from_te(state, req.arg_str(0))
        if number and not number.lstrip("+").isdigit():
            raise CmsError(CMS_NOT_ALLOWED)
        state.service_centre = number
    elif req.kind != "test":
        raise PlainError


async def _cpms(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    names = tuple(state.storages)
    if req.kind == "test":
        listed = ",".join(f'"{name}"' for name in names)
        modem.send_line(f"+CPMS: ({listed}),({listed}),({listed})")
        return
    if req.kind == "read":
        fields = []
        for name in state.memories:
            storage = state.storages[name]
            fields.append(f'"{name}",{len(storage.slots)},{storage.capacity}')
        modem.send_line("+CPMS: " + ",".join(fields))
        return
    if req.kind != "set" or not 1 <= len(req.args) <= 3:
        raise PlainError
    chosen = [str(arg) for arg in req.args]
    if any(name not in state.storages for name in chosen):
        raise CmsError(CMS_NOT_ALLOWED)
    memories = list(state.memories)
    memories[: len(chosen)] = chosen
    state.memories = (memories[0], memories[1], memories[2])
    counts = [f"{len(state.storages[n].slots)},{state.storages[n].capacity}" for n in memories]
    modem.send_line("+CPMS: " + ",".join(counts))


async def _cnmi(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    if req.kind == "read":
        modem.send_line("+CNMI: " + ",".join(str(value) for value in state.cnmi))
    elif req.kind == "test":
        modem.send_line("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)")
    elif req.kind == "set":
        values = [req.arg_int(i, old) for i, old in enumerate(state.cnmi)]
        mode, mt, bm, ds, bfr = values
        if not (0 <= mode <= 2 and 0 <= mt <= 3 and bm in (0, 2) and 0 <= ds <= 2 and bfr <= 1):
            raise CmsError(CMS_NOT_ALLOWED)
        state.cnmi = (mode, mt, bm, ds, bfr)
    else:
        raise PlainError


async def _csmp(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    if req.kind == "read":
        modem.send_line("+CSMP: " + ",".join(str(value) for value in state.csmp))
    elif req.kind == "set":
        values = [req.arg_int(i, old) for i, old in enumerate(state.csmp)]
        if not all(0 <= value <= 255 for value in values):
            raise CmsError(CMS_NOT_ALLOWED)
        state.csmp = (values[0], values[1], values[2], values[3])
    elif req.kind != "test":
        raise PlainError


async def _csdh(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "read":
        modem.send_line(f"+CSDH: {modem.sms.csdh}")
    elif req.kind == "test":
        modem.send_line("+CSDH: (0-1)")
    elif req.kind in ("set", "exec"):
        show = req.arg_int(0, 0) if req.kind == "set" else 0
        if show not in (0, 1):
            raise CmsError(CMS_NOT_ALLOWED)
        modem.sms.csdh = show
    else:
        raise PlainError


# --- sending ------------------------------------------------------------------------------------


async def _cmgs(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
    state = modem.sms
    if req.kind == "test":
        return None
    if req.kind != "set":
        raise PlainError
    if state.cmgf == 0:
        length = req.args[0] if req.args else None
        if not isinstance(length, int) or not 1 <= length <= MAX_TPDU_LENGTH:
            raise CmsError(CMS_INVALID_PDU)
        typed = await _read_prompted(modem, text_mode=False)
        if typed is None:
            return None
        submission, tpdu = _submitted_pdu(typed, length)
        pdu_hex = tpdu.hex().upper()
        mode: Literal["pdu", "text"] = "pdu"
    else:
        destination = _from_te(state, req.arg_str(0))
        if not destination.lstrip("+").isdigit():
            raise CmsError(CMS_INVALID_TEXT)
        typed = await _read_prompted(modem, text_mode=True)
        if typed is None:
            return None
        submission = _submitted_text(state, destination, typed)
        pdu_hex, mode = "", "text"
    await _network_accepts(modem)
    reference = state.next_message_reference
    state.next_message_reference = (reference + 1) % 256
    state.sent.append(
        SentSms(
            submission.destination,
            submission.text,
            submission.encoding,
            submission.concatenation,
            reference,
            mode,
            pdu_hex,
        )
    )
    # What the network took, for someone trying the emulator by hand (`python -m modem_emulator`
    # shows it); tests read `sent` instead.
    part = (
        ""
        if submission.concatenation is None
        else " (part {2} of {1})".format(*submission.concatenation)
    )
    _LOGGER.info("SMS to %s%s: %r", submission.destination, part, submission.text)
    modem.send_line(f"+CMGS: {reference}")
    return None


async def _read_prompted(modem: EmulatedModem, *, text_mode: bool) -> bytes | None:
    """Print the prompt and take what the host types up to Ctrl-Z; None when it sends ESC.

    Bytes are taken one at a time through `receive_payload`, as the prompt of AT+CCERTDOWN
    takes its payload, so the data-mode rules (a lone LF after the command's CR is dropped,
    the prompt is never held back) are the same.
    """
    modem.send_raw(PROMPT)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + modem.sms.prompt_timeout
    typed = bytearray()
    while True:
        try:
            byte = (await modem.receive_payload(1, max(0.0, deadline - loop.time())))[0]
        except PayloadTimeout:
            raise PlainError from None
        if modem.echo and not (text_mode and byte == _CR):
            modem.send_raw(bytes((byte,)))
        if byte == CTRL_Z:
            return bytes(typed)
        if byte == ESC:
            return None
        if text_mode and byte == _CR:
            modem.send_raw(PROMPT)
            typed.append(byte)
        elif text_mode and byte in _BACKSPACE:
            if typed:
                typed.pop()
        elif len(typed) < 4 * MAX_TPDU_LENGTH + 64:
            typed.append(byte)


def _submitted_pdu(typed: bytes, length: int) -> tuple[Submission, bytes]:
    try:
        pdu = binascii.unhexlify(typed.strip())
    except binascii.Error, ValueError:
        raise CmsError(CMS_INVALID_PDU) from None
    if not pdu or len(pdu) != 1 + pdu[0] + length:
        raise CmsError(CMS_INVALID_PDU)
    tpdu = pdu[1 + pdu[0] :]
    try:
        return decode_submit(tpdu), tpdu
    except PduError:
        raise CmsError(CMS_INVALID_PDU) from None


def _submitted_text(state: SmsState, destination: str, typed: bytes) -> Submission:
    raw = typed.decode("latin-1")
    ucs2 = (state.csmp[3] >> 2) & 0x03 == 2
    if ucs2:
        try:
            text = bytes.fromhex(raw).decode("utf-16-be")
        except ValueError:
            raise CmsError(CMS_INVALID_TEXT) from None
    else:
        text = _from_te(state, raw)
    if ucs2:
        units, limit = len(text.encode("utf-16-be")) // 2, 70
    else:
        septets = gsm_septets(text)
        if septets is None:
            raise CmsError(CMS_INVALID_TEXT)
        units, limit = len(septets), 160
    if units > limit:
        raise CmsError(CMS_INVALID_TEXT)
    encoding = "ucs2" if ucs2 else "gsm7"
    return Submission(destination, text, encoding, None, bool(state.csmp[0] & 0x20))


async def _network_accepts(modem: EmulatedModem) -> None:
    state = modem.sms
    if not modem.network.registered:
        raise CmsError(CMS_NO_NETWORK)
    if not state.service_centre:
        raise CmsError(CMS_SMSC_UNKNOWN)
    if state.send_delay > 0:
        await asyncio.sleep(state.send_delay)
    if state.send_error is not None and len(state.sent) >= state.send_error_after:
        raise CmsError(state.send_error)


# --- reading and deleting -----------------------------------------------------------------------


async def _cmgl(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    if req.kind == "test":
        if state.cmgf == 0:
            modem.send_line("+CMGL: (0-4)")
        else:
            modem.send_line('+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")')
        return
    if req.kind not in ("exec", "set"):
        raise PlainError
    wanted = _listing_status(state, req.args[0] if req.args else None)
    storage = state.storage()
    lines: list[str] = []
    for index in sorted(storage.slots):
        record = storage.slots[index]
        if wanted is not None and record.status != wanted:
            continue
        lines += _listing_lines(modem, record)
        if record.status == 0:
            record.status = 1
    if lines:
        modem.send_lines(lines)


def _listing_status(state: SmsState, arg: str | int | None) -> int | None:
    """The `<stat>` asked for (None: all), in the form the current mode takes."""
    if state.cmgf == 0:
        value = 0 if arg is None or arg == "" else arg
        if not isinstance(value, int) or not 0 <= value <= 4:
            raise CmsError(CMS_INVALID_PDU)
        return None if value == 4 else value
    text = "REC UNREAD" if arg is None or arg == "" else str(arg)
    if text == _ALL_TEXT:
        return None
    if text not in _STATUS_TEXT:
        raise CmsError(CMS_INVALID_TEXT)
    return _STATUS_TEXT.index(text)


def _listing_lines(modem: EmulatedModem, record: StoredSms) -> list[str]:
    state = modem.sms
    if state.cmgf == 0:
        return [
            f"+CMGL: {record.index},{record.status},{_quoted_alpha(modem)},{len(record.tpdu)}",
            _pdu_hex(record),
        ]
    header = (
        f'+CMGL: {record.index},"{_STATUS_TEXT[record.status]}","{_te(state, record.sender)}",'
        f'{_quoted_alpha(modem)},"{text_mode_time(record.moment)}"'
    )
    if state.csdh:
        header += f",{_type_of(record.sender)},{_units(record)}"
    return [header, _text_body(state, record)]


def _type_of(number: str) -> int:
    if number.startswith("+"):
        return 145
    return 129 if number.isdigit() else 208


async def _cmgr(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    if req.kind == "test":
        return
    if req.kind != "set":
        raise PlainError
    storage = state.storage()
    index = req.arg_int(0)
    if not 0 <= index < storage.capacity:
        raise CmsError(CMS_INVALID_INDEX)
    record = storage.slots.get(index)
    if record is None:
        # No public log settles what an empty slot answers; OK alone is the common reading.
        return
    if state.cmgf == 0:
        header = f"+CMGR: {record.status},{_quoted_alpha(modem)},{len(record.tpdu)}"
        modem.send_lines([header, _pdu_hex(record)])
    else:
        header = (
            f'+CMGR: "{_STATUS_TEXT[record.status]}","{_te(state, record.sender)}",'
            f'{_quoted_alpha(modem)},"{text_mode_time(record.moment)}"'
        )
        if state.csdh:
            header += (
                f",{_type_of(record.sender)},{record.tpdu[0]},0,{8 if record.ucs2 else 0},"
                f'"{_te(state, record.service_centre)}",145,{_units(record)}'
            )
        modem.send_lines([header, _text_body(state, record)])
    if record.status == 0:
        record.status = 1


async def _cmgd(modem: EmulatedModem, req: AtRequest) -> None:
    state = modem.sms
    if req.kind == "test":
        storage = state.storage()
        modem.send_line(f"+CMGD: ({','.join(str(i) for i in sorted(storage.slots))}),(0-4)")
        return
    if req.kind != "set":
        raise PlainError
    storage = state.storage()
    flag = req.arg_int(1, 0)
    if not 0 <= flag <= 4:
        raise CmsError(CMS_NOT_ALLOWED)
    if flag == 0:
        index = req.arg_int(0)
        if not 0 <= index < storage.capacity:
            raise CmsError(CMS_INVALID_INDEX)
        storage.slots.pop(index, None)
    else:
        # 27.005 3.5.4: 1 read, 2 read and sent, 3 read, sent and unsent, 4 all.
        doomed = {1: {1}, 2: {1, 3}, 3: {1, 2, 3}, 4: {0, 1, 2, 3}}[flag]
        for index in [i for i, record in storage.slots.items() if record.status in doomed]:
            del storage.slots[index]
    if state.waiting_at_network:
        # The service centre retries on its own time: the message lands after this OK.
        modem.spawn(_deliver_waiting_soon(modem))


_HANDLERS: Final[dict[str, _Handler]] = {
    "+CMGF": _sms_command(_cmgf),
    "+CSCS": _cscs,
    "+CSCA": _sms_command(_csca),
    "+CPMS": _sms_command(_cpms),
    "+CNMI": _sms_command(_cnmi),
    "+CSMP": _sms_command(_csmp),
    "+CSDH": _sms_command(_csdh),
    "+CMGS": _sms_command(_cmgs),
    "+CMGL": _sms_command(_cmgl),
    "+CMGR": _sms_command(_cmgr),
    "+CMGD": _sms_command(_cmgd),
}
