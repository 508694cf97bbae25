"""SMS for atmodem: the codec and the AT lines around it (pure, synchronous, no I/O).

Text mode or PDU mode? PDU mode (`AT+CMGF=0`) for everything, sending and receiving.

- Text mode cannot carry the concatenation header: 27.005 3.5.1 lets text mode send a User Data
  Header only when AT+CSMP's `<fo>` sets TP-UDHI, and then the whole text must be typed as
  hexadecimal octets, which is PDU mode's user data without its benefits. So long messages need
  PDU mode anyway.
- UCS-2 in text mode needs `AT+CSMP=17,167,0,8` and `AT+CSCS="UCS2"`, after which every address
  and text the modem prints or takes is hex too (a public SIM7670G field log shows
  `+CMGL: 1,"REC UNREAD","002B0037..."`), and the character set leaks into every other command.
- In text mode the characters typed after `> ` are the message: a Ctrl-Z ends it, an ESC cancels
  it, a CR makes the modem print another prompt and a backspace deletes, so a message text would
  have to be filtered; and `AT+CSCS="GSM"` takes GSM codes (where `@` is 0x00) while "IRA" cannot
  express `€` or `ä`. In PDU mode the payload is hexadecimal digits by construction: nothing a
  user writes can end, cancel or edit it (see `submit.py`).
- Receiving in PDU mode gives what text mode drops: the concatenation header of each part, the
  data coding, and the time stamp with its time zone. The same SIM7670G log shows text mode
  listing a multi-part message as a single record of 67 characters while PDU mode lists its
  parts with their `05 00 03` headers.
- Every family documents PDU mode identically (SIM7500/SIM7600 AT Command Manual V1.07,
  Quectel EC25&EC21 AT Commands Manual, the SIM800 Series and SIM7070/SIM7080 AT Command
  Manuals, SMS chapters: AT+CMGF=0, `AT+CMGS=<length>`, `+CMGL: <index>,<stat>,[<alpha>],
  <length>`), so one code path serves them all.

Nothing goes out in text mode, then; the codec is what a family's SMS commands are built on:
`build_submit` (segmentation, GSM-7/UCS-2, concatenation, PDU), `parse_pdu` and `parse_listing`
(SMS-DELIVER, SMS-STATUS-REPORT, stored SMS-SUBMIT), `Reassembler` (joining parts), `cms_cause`
(the `+CMS ERROR` table) and `validate_e164` / `check_text` (refusing bad input first).
"""

from .address import Address, validate_e164
from .alphabet import decode_gsm7, encode_gsm7, gsm7_length, is_gsm7
from .cms import (
    QUECTEL_CMS_CODES,
    SIMCOM_CMS_CODES,
    STANDARD_CMS_CODES,
    CmsCause,
    CmsErrorKind,
    cms_cause,
    parse_cms_error,
)
from .coding import Encoding
from .errors import (
    EmptyText,
    ForbiddenCharacter,
    InvalidNumber,
    InvalidPdu,
    InvalidText,
    MessageTooLong,
    SmsError,
)
from .lines import (
    ALL_MESSAGES,
    MessageStatus,
    NewMessageIndication,
    StoredMessage,
    parse_cmgl_header,
    parse_cmgr_header,
    parse_cmgs,
    parse_cmt_header,
    parse_cmti,
    parse_listing,
)
from .packing import pack_septets, unpack_septets
from .parse import SmsDeliver, SmsPdu, SmsStatusReport, SmsSubmit, UserData, parse_pdu
from .reassembly import AssembledMessage, Reassembler
from .segment import MAX_PARTS, SegmentPlan, check_text, choose_encoding, plan_segments
from .submit import CTRL_Z, ESC, SubmitPart, build_submit, encode_submit, encode_validity
from .udh import Concatenation

__all__ = [
    "ALL_MESSAGES",
    "CTRL_Z",
    "ESC",
    "MAX_PARTS",
    "QUECTEL_CMS_CODES",
    "SIMCOM_CMS_CODES",
    "STANDARD_CMS_CODES",
    "Address",
    "AssembledMessage",
    "CmsCause",
    "CmsErrorKind",
    "Concatenation",
    "EmptyText",
    "Encoding",
    "ForbiddenCharacter",
    "InvalidNumber",
    "InvalidPdu",
    "InvalidText",
    "MessageStatus",
    "MessageTooLong",
    "NewMessageIndication",
    "Reassembler",
    "SegmentPlan",
    "SmsDeliver",
    "SmsError",
    "SmsPdu",
    "SmsStatusReport",
    "SmsSubmit",
    "StoredMessage",
    "SubmitPart",
    "UserData",
    "build_submit",
    "check_text",
    "choose_encoding",
    "cms_cause",
    "decode_gsm7",
    "encode_gsm7",
    "encode_submit",
    "encode_validity",
    "gsm7_length",
    "is_gsm7",
    "pack_septets",
    "parse_cmgl_header",
    "parse_cmgr_header",
    "parse_cmgs",
    "parse_cms_error",
    "parse_cmt_header",
    "parse_cmti",
    "parse_listing",
    "parse_pdu",
    "plan_segments",
    "unpack_septets",
    "validate_e164",
]
