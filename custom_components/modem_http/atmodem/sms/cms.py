"""`+CMS ERROR: <err>`: what went wrong with an SMS command, as a kind the caller can act on.

Sources:
- 3GPP TS 27.005 section 3.2.5: 300-340 and 500, the same numbers on every module;
  0-127 are RP causes from the network (24.011 E.2), 128-255 TP failure causes (23.040
  9.2.3.22), both only ever returned by the send commands.
- SIMCom (512-540): the `EAT_CMS_*` constants of SIMCom's embedded-AT SDK header, marked there
  "same as sim300 and sim900" ("SIM not ready", "Invalid (non-hex) chars in PDU"...).
- Quectel (512-531): the "Summary of CMS ERROR Codes" of the Quectel UC20/EC2x AT manuals, as
  listed by SMSEagle's public table ("SIM not ready", "Message length exceeds", "ME storage
  full"...).
Numbers from 512 up mean different things per vendor, so a family passes its own table.

With AT+CMEE=2 the modem prints the text instead of the number; `parse_cms_error` reads both.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class CmsErrorKind(StrEnum):
    """Why an SMS command failed, grouped by what the user can do about it."""

    NO_NETWORK = "no_network"
    NETWORK_TIMEOUT = "network_timeout"
    SMSC_UNKNOWN = "smsc_unknown"
    MEMORY_FULL = "memory_full"
    MEMORY_FAILURE = "memory_failure"
    INVALID_INDEX = "invalid_index"
    SIM_MISSING = "sim_missing"
    SIM_LOCKED = "sim_locked"
    SIM_FAILURE = "sim_failure"
    SIM_NOT_READY = "sim_not_ready"
    BUSY = "busy"
    INVALID_PDU = "invalid_pdu"
    INVALID_TEXT = "invalid_text"
    MESSAGE_TOO_LONG = "message_too_long"
    NOT_ALLOWED = "not_allowed"
    NOT_SUPPORTED = "not_supported"
    ME_FAILURE = "me_failure"
    RECIPIENT_UNASSIGNED = "recipient_unassigned"
    RECIPIENT_UNREACHABLE = "recipient_unreachable"
    INVALID_DESTINATION = "invalid_destination"
    BARRED = "barred"
    SUBSCRIPTION = "subscription"
    REJECTED = "rejected"
    NETWORK_FAILURE = "network_failure"
    PROTOCOL_ERROR = "protocol_error"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CmsCause:
    """One `+CMS ERROR` code with its wording and kind."""

    code: int | None
    """None when the modem printed a text that is in no table."""
    text: str
    kind: CmsErrorKind


K = CmsErrorKind

# 27.005 3.2.5 (wording as the SIM7600 and EC25 manuals print it).
STANDARD_CMS_CODES: Final[Mapping[int, tuple[str, CmsErrorKind]]] = {
    300: ("ME failure", K.ME_FAILURE),
    301: ("SMS ME reserved", K.BUSY),
    302: ("operation not allowed", K.NOT_ALLOWED),
    303: ("operation not supported", K.NOT_SUPPORTED),
    304: ("invalid PDU mode", K.INVALID_PDU),
    305: ("invalid text mode", K.INVALID_TEXT),
    310: ("SIM not inserted", K.SIM_MISSING),
    311: ("SIM pin necessary", K.SIM_LOCKED),
    312: ("PH SIM pin necessary", K.SIM_LOCKED),
    313: ("SIM failure", K.SIM_FAILURE),
    314: ("SIM busy", K.BUSY),
    315: ("SIM wrong", K.SIM_FAILURE),
    316: ("SIM PUK required", K.SIM_LOCKED),
    317: ("SIM PIN2 required", K.SIM_LOCKED),
    318: ("SIM PUK2 required", K.SIM_LOCKED),
    320: ("memory failure", K.MEMORY_FAILURE),
    321: ("invalid memory index", K.INVALID_INDEX),
    322: ("memory full", K.MEMORY_FULL),
    330: ("SMSC address unknown", K.SMSC_UNKNOWN),
    331: ("no network", K.NO_NETWORK),
    332: ("network timeout", K.NETWORK_TIMEOUT),
    340: ("no +CNMA acknowledgement expected", K.NOT_ALLOWED),
    500: ("unknown", K.UNKNOWN),
}

SIMCOM_CMS_CODES: Final[Mapping[int, tuple[str, CmsErrorKind]]] = {
    512: ("SIM not ready", K.SIM_NOT_READY),
    513: ("unread records on SIM", K.BUSY),
    514: ("CB error unknown", K.UNKNOWN),
    515: ("PS busy", K.BUSY),
    516: ("couldn't read SMS parameters from SIM", K.SIM_FAILURE),
    517: ("SM BL not ready", K.SIM_NOT_READY),
    528: ("invalid (non-hex) chars in PDU", K.INVALID_PDU),
    529: ("incorrect PDU length", K.INVALID_PDU),
    530: ("invalid MTI", K.INVALID_PDU),
    531: ("invalid (non-hex) chars in address", K.INVALID_PDU),
    532: ("invalid address (no digits read)", K.INVALID_PDU),
    533: ("incorrect PDU length (UDL)", K.INVALID_PDU),
    534: ("incorrect SCA length", K.INVALID_PDU),
    536: ("invalid first octet", K.INVALID_PDU),
    537: ("invalid command type", K.INVALID_PDU),
    538: ("SRR bit not set", K.INVALID_PDU),
    539: ("SRR bit set", K.INVALID_PDU),
    540: ("invalid user data header IE", K.INVALID_PDU),
}

QUECTEL_CMS_CODES: Final[Mapping[int, tuple[str, CmsErrorKind]]] = {
    512: ("SIM not ready", K.SIM_NOT_READY),
    513: ("message length exceeds", K.MESSAGE_TOO_LONG),
    514: ("invalid request parameters", K.NOT_ALLOWED),
    515: ("ME storage failure", K.MEMORY_FAILURE),
    517: ("invalid service mode", K.NOT_ALLOWED),
    528: ("more message to send state error", K.BUSY),
    529: ("MO SMS is not allow", K.NOT_ALLOWED),
    530: ("GPRS is suspended", K.BUSY),
    531: ("ME storage full", K.MEMORY_FULL),
}

# 24.011 annex E.2 (RP causes of a failed mobile-originated transfer).
_RP_CAUSES: Final[Mapping[int, tuple[str, CmsErrorKind]]] = {
    1: ("unassigned (unallocated) number", K.RECIPIENT_UNASSIGNED),
    8: ("operator determined barring", K.BARRED),
    10: ("call barred", K.BARRED),
    21: ("short message transfer rejected", K.REJECTED),
    27: ("destination out of service", K.RECIPIENT_UNREACHABLE),
    28: ("unidentified subscriber", K.SUBSCRIPTION),
    29: ("facility rejected", K.REJECTED),
    30: ("unknown subscriber", K.SUBSCRIPTION),
    38: ("network out of order", K.NETWORK_FAILURE),
    41: ("temporary failure", K.NETWORK_FAILURE),
    42: ("congestion", K.NETWORK_FAILURE),
    47: ("resources unavailable, unspecified", K.NETWORK_FAILURE),
    50: ("requested facility not subscribed", K.SUBSCRIPTION),
    69: ("requested facility not implemented", K.NOT_SUPPORTED),
    81: ("invalid short message transfer reference value", K.PROTOCOL_ERROR),
    95: ("invalid message, unspecified", K.PROTOCOL_ERROR),
    96: ("invalid mandatory information", K.PROTOCOL_ERROR),
    97: ("message type non-existent or not implemented", K.PROTOCOL_ERROR),
    98: ("message not compatible with short message protocol state", K.PROTOCOL_ERROR),
    99: ("information element non-existent or not implemented", K.PROTOCOL_ERROR),
    111: ("protocol error, unspecified", K.PROTOCOL_ERROR),
    127: ("interworking, unspecified", K.NETWORK_FAILURE),
}

# 23.040 9.2.3.22 (TP-FCS values a service centre reports for a SUBMIT).
_TP_FAILURES: Final[Mapping[int, tuple[str, CmsErrorKind]]] = {
    0xC0: ("SC busy", K.NETWORK_FAILURE),
    0xC1: ("no SC subscription", K.SUBSCRIPTION),
    0xC2: ("SC system failure", K.NETWORK_FAILURE),
    0xC3: ("invalid SME address", K.INVALID_DESTINATION),
    0xC4: ("destination SME barred", K.BARRED),
    0xC5: ("SM rejected-duplicate SM", K.REJECTED),
    0xC6: ("TP-VPF not supported", K.NOT_SUPPORTED),
    0xC7: ("TP-VP not supported", K.NOT_SUPPORTED),
    0xD0: ("(U)SIM SMS storage full", K.MEMORY_FULL),
    0xD3: ("memory capacity exceeded", K.MEMORY_FULL),
}

_CMS_LINE: Final = re.compile(r"\+CMS ERROR: ?(.+)")

# 27.005's own wording, which some firmware prints with AT+CMEE=2 instead of the manuals' one.
_SPEC_WORDING: Final[Mapping[str, int]] = {
    "SMS service of ME reserved": 301,
    "invalid PDU mode parameter": 304,
    "invalid text mode parameter": 305,
    "(U)SIM not inserted": 310,
    "(U)SIM PIN required": 311,
    "PH-(U)SIM PIN required": 312,
    "(U)SIM failure": 313,
    "(U)SIM busy": 314,
    "(U)SIM wrong": 315,
    "(U)SIM PUK required": 316,
    "(U)SIM PIN2 required": 317,
    "(U)SIM PUK2 required": 318,
    "no network service": 331,
    "unknown error": 500,
}


def _wording_key(text: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", text.casefold().replace("(u)", ""))


def cms_cause(
    code: int, vendor_codes: Mapping[int, tuple[str, CmsErrorKind]] | None = None
) -> CmsCause:
    """The cause of `+CMS ERROR: <code>`, with the module family's own table for 512 and up."""
    entry = STANDARD_CMS_CODES.get(code)
    if entry is None and vendor_codes is not None:
        entry = vendor_codes.get(code)
    if entry is None and 0 <= code <= 127:
        entry = _RP_CAUSES.get(code, ("network refused the message", K.REJECTED))
    if entry is None and 128 <= code <= 255:
        entry = _TP_FAILURES.get(code, ("service centre refused the message", K.PROTOCOL_ERROR))
    if entry is None:
        entry = ("unknown error", K.UNKNOWN)
    return CmsCause(code, entry[0], entry[1])


def parse_cms_error(
    line: str, vendor_codes: Mapping[int, tuple[str, CmsErrorKind]] | None = None
) -> CmsCause | None:
    """The cause in a `+CMS ERROR:` line (numeric or AT+CMEE=2 text); None for other lines."""
    match = _CMS_LINE.fullmatch(line.strip())
    if match is None:
        return None
    value = match[1].strip()
    if value.isdecimal():
        return cms_cause(int(value), vendor_codes)
    wanted = _wording_key(value)
    for text, code in _SPEC_WORDING.items():
        if _wording_key(text) == wanted:
            return cms_cause(code, vendor_codes)
    tables = [STANDARD_CMS_CODES, *([vendor_codes] if vendor_codes is not None else [])]
    for table in tables:
        for code, (text, kind) in table.items():
            if _wording_key(text) == wanted:
                return CmsCause(code, text, kind)
    return CmsCause(None, "unknown error", K.UNKNOWN)
