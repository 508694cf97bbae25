"""Reading the data connection's addresses from AT+CGPADDR."""

from ipaddress import IPv4Address, IPv6Address

import pytest

from custom_components.modem_http.atmodem.readings import (
    PdpAddress,
    UnexpectedReply,
    ValueOutOfRange,
    parse_cgpaddr,
)


@pytest.mark.parametrize(
    ("lines", "addresses"),
    [
        # Quoted (Telit GE865 fixtures; an A7670 driver's tests), bare (A7670 replies).
        (['+CGPADDR: 1,"10.215.15.91"'], (PdpAddress(1, IPv4Address("10.215.15.91")),)),
        (["+CGPADDR: 1,10.175.163.107"], (PdpAddress(1, IPv4Address("10.175.163.107")),)),
        # A context that is down.
        (['+CGPADDR: 1,"0.0.0.0"'], (PdpAddress(1),)),
        (["+CGPADDR: 1"], (PdpAddress(1),)),
        (['+CGPADDR: 1,""'], (PdpAddress(1),)),
        # IPv4v6 in 27.007's dotted form of 16 octets, and with colons after AT+CGPIAF.
        (
            ['+CGPADDR: 1,"10.1.2.3","254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1"'],
            (PdpAddress(1, IPv4Address("10.1.2.3"), IPv6Address("fe80::1")),),
        ),
        (['+CGPADDR: 2,"2001:DB8::1"'], (PdpAddress(2, None, IPv6Address("2001:db8::1")),)),
        (
            ['+CGPADDR: 1,"10.1.2.3 2001:DB8::1"'],
            (PdpAddress(1, IPv4Address("10.1.2.3"), IPv6Address("2001:db8::1")),),
        ),
        # Every defined context, one a line.
        (
            ["+CGPADDR: 1,10.64.0.2", "+CGPADDR: 2,0.0.0.0"],
            (PdpAddress(1, IPv4Address("10.64.0.2")), PdpAddress(2)),
        ),
    ],
)
def test_addresses(lines: list[str], addresses: tuple[PdpAddress, ...]) -> None:
    assert parse_cgpaddr(lines) == addresses


def test_only_a_context_with_an_address_is_connected() -> None:
    up, down = parse_cgpaddr(['+CGPADDR: 1,"10.64.0.2"', '+CGPADDR: 2,"0.0.0.0"'])
    assert up.connected
    assert not down.connected


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        (['+CGPADDR: 1,"10.1.2"'], UnexpectedReply),
        (["+CGPADDR: x"], UnexpectedReply),
        (["+CGPADDR: 1,1.2.3.4,5.6.7.8,9.9.9.9"], UnexpectedReply),
        (["+CGPADDR: 300,1.2.3.4"], ValueOutOfRange),
        ([], UnexpectedReply),
    ],
)
def test_replies_outside_the_format_are_refused(lines: list[str], error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_cgpaddr(lines)
