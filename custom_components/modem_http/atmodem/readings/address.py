"""The data connection's addresses: AT+CGPADDR.

`+CGPADDR: <cid>[,<PDP_addr_1>[,<PDP_addr_2>]]` one line per context (3GPP TS 27.007 section
10.1.14). The address may be quoted or not (`+CGPADDR: 1,"10.215.15.91"`,
`+CGPADDR: 1,10.175.163.107`), IPv6 comes in 27.007's dotted form of 16 octets unless AT+CGPIAF
asked for colons, an IPv4v6 context gives both, and a context that is down shows `0.0.0.0`, an
empty field or nothing after its <cid> (`+CGPADDR: 1`).
"""

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .errors import UnexpectedReply
from .fields import MISSING, in_range, integer, payloads, split_fields

COMMAND: Final = "AT+CGPADDR"
_IPV6_OCTETS: Final = 16


@dataclass(frozen=True, slots=True)
class PdpAddress:
    """One context's addresses; None where it has none (down, or not of that IP version)."""

    cid: int
    ipv4: ipaddress.IPv4Address | None = None
    ipv6: ipaddress.IPv6Address | None = None

    @property
    def connected(self) -> bool:
        """The context has an address: it is up."""
        return self.ipv4 is not None or self.ipv6 is not None


def _address(text: str, line: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if text in MISSING:
        return None
    parts = text.split(".")
    try:
        if len(parts) == _IPV6_OCTETS:
            octets = bytes(int(part) for part in parts)
            address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv6Address(octets)
        else:
            address = ipaddress.ip_address(text)
    except ValueError:
        raise UnexpectedReply(COMMAND, "an IP address was expected", line) from None
    return None if address.is_unspecified else address


def parse_cgpaddr(lines: Sequence[str]) -> tuple[PdpAddress, ...]:
    """Every context's addresses, in the order the modem listed them."""
    found = payloads(lines, "+CGPADDR:")
    if not found:
        raise UnexpectedReply(COMMAND, "no +CGPADDR line")
    result: list[PdpAddress] = []
    for payload in found:
        fields = split_fields(payload)
        cid = in_range(integer(fields[0], COMMAND, payload), 0, 255, COMMAND, "cid", payload)
        texts = [part for field in fields[1:] for part in field.split()] or [""]
        if len(texts) > 2:
            raise UnexpectedReply(COMMAND, "more than two addresses for one context", payload)
        ipv4: ipaddress.IPv4Address | None = None
        ipv6: ipaddress.IPv6Address | None = None
        for text in texts:
            address = _address(text, payload)
            if isinstance(address, ipaddress.IPv4Address):
                ipv4 = address
            elif isinstance(address, ipaddress.IPv6Address):
                ipv6 = address
        result.append(PdpAddress(cid, ipv4, ipv6))
    return tuple(result)
