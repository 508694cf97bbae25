"""SMS over 3GPP TS 27.005 in PDU mode: the commands a family sends, one method per job.

SIMCom and Quectel modules document the SMS commands identically (SIM7500/SIM7600 AT Command
Manual V1.07, the EC25&EC21 AT Commands Manual, the SIM800 Series and SIM7070/SIM7080 AT Command
Manuals, SMS chapters), so one implementation serves every family; a family hands it what
differs: the line its modules print once SMS is ready after a boot (`SMS DONE`, `+QIND: SMS
DONE`, `SMS Ready`), the message storage, and its own `+CMS ERROR` numbers from 512 up.
Why PDU mode and not text mode is explained in sms/__init__.py.

Set-up (after every restart or reconnect, before the first SMS command):
- `AT+CMGF=0`: PDU mode.
- `AT+CPMS="SM","SM","SM"`: read, write and receive in one storage, so a `+CMTI` index is an
  index `AT+CMGR` and `AT+CMGD` understand.
- `AT+CNMI=2,1,0,0,0`: store a new message and announce it with `+CMTI: "SM",<index>` (rather
  than pushing it with `+CMT`, which needs an acknowledgement under AT+CSMS=1 and is lost if
  the host is busy); no cell broadcasts, no status reports.
AT+CSCS is left alone: in PDU mode it only affects text-mode fields we never read.

Sending one part: `AT+CMGS=<length>`, the modem prints `<CR><LF>> ` (no line end), the host
writes the PDU as hexadecimal digits and Ctrl-Z, the modem answers `+CMGS: <mr>` and OK once the
network took it (27.005 3.5.1; "Maximum Response Time 120s, determined by network" in the EC25
manual). A `+CMS ERROR` may come instead of the prompt (no SIM, bad length) or after the payload
(no network, no service centre, the network's refusal).
"""

from collections.abc import Mapping
from typing import Final

from .deadline import Deadline
from .engine import AtEngine
from .errors import AtCommandError, ModemError, SmsRejected
from .router import AtReply, Prompt
from .sms import (
    ALL_MESSAGES,
    ESC,
    CmsCause,
    CmsErrorKind,
    InvalidPdu,
    MessageStatus,
    StoredMessage,
    SubmitPart,
    cms_cause,
    parse_cmgr_header,
    parse_cmgs,
    parse_cms_error,
    parse_listing,
    parse_pdu,
)

SEND_PART_TIMEOUT: Final = 120.0
"""The longest one part may take from AT+CMGS to its `+CMGS:` (EC25 manual, AT+CMGS)."""
COMMAND_TIMEOUT: Final = 10.0
"""Set-up, reading and deleting: answered by the module itself (reading a SIM takes a moment)."""
LISTING_TIMEOUT: Final = 30.0
"""AT+CMGL reads every slot of the SIM; a full SIM of 50 messages takes seconds."""

type CmsTable = Mapping[int, tuple[str, CmsErrorKind]]


class PduModeSms:
    """The SMS commands of a 27.005 module in PDU mode (a family's `sms` member)."""

    def __init__(self, *, ready_line: str, storage: str, cms_codes: CmsTable) -> None:
        """What the family's modules print when SMS is ready, where messages live, their codes."""
        self.ready_line = ready_line
        self.storage = storage
        self._cms_codes = cms_codes

    def setup_commands(self) -> tuple[str, ...]:
        """The commands that put the module in the state the other methods rely on."""
        storage = f'"{self.storage}"'
        return ("AT+CMGF=0", f"AT+CPMS={storage},{storage},{storage}", "AT+CNMI=2,1,0,0,0")

    def cause(self, err: AtCommandError) -> CmsCause | None:
        """What a failed SMS command's `+CMS ERROR` means; None for any other failure."""
        if err.cms_code is not None:
            return cms_cause(err.cms_code, self._cms_codes)
        return parse_cms_error(err.final, self._cms_codes)

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """PDU mode, one storage, new messages announced by `+CMTI`.

        SmsRejected when a command fails with `+CMS ERROR` (a SIM that is not ready yet answers
        so for a while after a boot), AtCommandError otherwise.
        """
        for command in self.setup_commands():
            await self._command(engine, command, deadline, COMMAND_TIMEOUT)

    async def send(self, engine: AtEngine, part: SubmitPart, deadline: Deadline) -> int:
        """Send one part; its message reference. SmsRejected with the `+CMS ERROR` cause."""
        reply = await self._command(
            engine, part.command, deadline, SEND_PART_TIMEOUT, payload=part.payload
        )
        for line in reply.lines:
            if line.startswith("+CMGS:"):
                try:
                    return parse_cmgs(line)
                except InvalidPdu:
                    break
        raise ModemError(f"{part.command}: OK without a readable +CMGS line")

    async def list_messages(
        self, engine: AtEngine, deadline: Deadline, *, unread_only: bool
    ) -> list[StoredMessage]:
        """Every message in the storage (or the unread ones); reading marks them read."""
        status = int(MessageStatus.RECEIVED_UNREAD) if unread_only else ALL_MESSAGES
        reply = await self._command(engine, f"AT+CMGL={status}", deadline, LISTING_TIMEOUT)
        return parse_listing(reply.lines)

    async def read(self, engine: AtEngine, index: int, deadline: Deadline) -> StoredMessage | None:
        """The message at `index`, None for an empty slot; reading marks it read."""
        reply = await self._command(engine, f"AT+CMGR={index}", deadline, COMMAND_TIMEOUT)
        lines = reply.lines
        for position, line in enumerate(lines):
            if not line.startswith("+CMGR:"):
                continue
            try:
                status, length = parse_cmgr_header(line)
            except InvalidPdu as err:
                raise ModemError(f"AT+CMGR={index}: unreadable +CMGR line") from err
            if position + 1 >= len(lines):
                return StoredMessage(index, status, None, InvalidPdu("+CMGR without a PDU"))
            try:
                return StoredMessage(index, status, parse_pdu(lines[position + 1], length))
            except InvalidPdu as err:
                return StoredMessage(index, status, None, err)
        return None

    async def delete(self, engine: AtEngine, index: int, deadline: Deadline) -> None:
        """Free the slot at `index` (an empty slot is not an error)."""
        await self._command(engine, f"AT+CMGD={index}", deadline, COMMAND_TIMEOUT)

    async def _command(
        self,
        engine: AtEngine,
        command: str,
        deadline: Deadline,
        ceiling: float,
        *,
        payload: bytes | None = None,
    ) -> AtReply:
        """One command within the deadline; a `+CMS ERROR` becomes SmsRejected with its cause."""
        try:
            return await engine.command(
                command,
                timeout=deadline.step(ceiling),
                payload=payload,
                prompt=Prompt.GREATER_THAN if payload is not None else None,
                cancel=ESC if payload is not None else None,
            )
        except AtCommandError as err:
            cause = self.cause(err)
            if cause is None:
                raise
            raise SmsRejected(cause) from err


__all__ = ["COMMAND_TIMEOUT", "LISTING_TIMEOUT", "SEND_PART_TIMEOUT", "CmsTable", "PduModeSms"]
