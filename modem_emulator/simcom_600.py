"""The 600-range result codes of SIMCom's older HTTP stacks, for far-end failures.

SIM800/SIM900 report them in `+HTTPACTION: <m>,<code>,0`, and the SIM7070/SIM7080 AT+SH* stack in
`+SHREQ: "<m>",<code>,0`: the request got no HTTP answer, so there is no HTTP status to report.

The table, from the SIM800 Series AT Command Manual V1.09 (AT+HTTPACTION <StatusCode>): 600 Not
HTTP PDU, 601 Network Error, 602 No memory, 603 DNS Error, 604 Stack Busy, 605 SSL failed to
establish channels, 606 SSL fatal alert message with immediate connection termination.

What public logs show of them:
- 601 when the bearer is not open ("Code 601 usually means your device isn't actually connected":
  botletics/SIM7000-LTE-Shield issue #325, maintainer's answer; issue #26 log).
- 603 for a host that does not resolve and for a malformed URL (`https:\\\\date.nager.at`), and 606
  for a TLS 1.2-only site on R14.18 firmware (nager/Nager.Date issue #331, SIM800L 1418B02).
- 603 and 604 alternating while DNS is broken (SIM800L question 60765382 on example-a.com).
"""

from typing import Final

from modem_emulator.far_end import (
    BadUrl,
    ConnectFailed,
    ConnectTimeout,
    DnsFailure,
    FailureTable,
    FarEndError,
    ReadTimeout,
    ResponseError,
    TlsFailure,
    failure_number,
)

NOT_HTTP_PDU: Final = 600
NETWORK_ERROR: Final = 601
DNS_ERROR: Final = 603
STACK_BUSY: Final = 604
SSL_CHANNEL_FAILED: Final = 605
SSL_FATAL_ALERT: Final = 606

FAILURE_CODES: Final[FailureTable] = (
    (DnsFailure, DNS_ERROR),
    (BadUrl, DNS_ERROR),
    (TlsFailure, SSL_CHANNEL_FAILED),
    (ResponseError, NOT_HTTP_PDU),
    (ConnectFailed, NETWORK_ERROR),
    (ConnectTimeout, NETWORK_ERROR),
    (ReadTimeout, NETWORK_ERROR),
)


def failure_code(error: FarEndError) -> int:
    """The 60x number for a far-end failure (601, network error, for anything unlisted)."""
    return failure_number(error, FAILURE_CODES, NETWORK_ERROR)
