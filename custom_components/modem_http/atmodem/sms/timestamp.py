"""Service centre time stamps (3GPP TS 23.040 section 9.2.3.11).

Seven octets of swapped semi-octets: year, month, day, hour, minute, second, and the time zone in
quarters of an hour whose first semi-octet carries the sign in its bit 3 (`80` is +02:00, `2B` is
-08:00, `0A` -05:00... read as digits once swapped). Two-digit years follow POSIX `%y`: 69-99 are
19xx, 00-68 are 20xx.
"""

from datetime import datetime, timedelta, timezone

from .errors import InvalidPdu


def _swapped(octet: int) -> int:
    return (octet & 0x0F) * 10 + (octet >> 4)


def decode_timestamp(data: bytes) -> datetime | None:
    """The time stamp in `data` (7 octets) as an aware datetime; None if it is not a real date.

    A network that sends nonsense here should not cost the user the message, so an impossible
    date gives None instead of an error.
    """
    if len(data) != 7:
        raise InvalidPdu("time stamp cut short")
    year, month, day, hour, minute, second = (_swapped(octet) for octet in data[:6])
    zone = data[6]
    quarters = (zone & 0x07) * 10 + (zone >> 4)
    sign = -1 if zone & 0x08 else 1
    try:
        offset = timezone(timedelta(minutes=15 * quarters * sign))
        return datetime(
            year + (1900 if year >= 69 else 2000), month, day, hour, minute, second, tzinfo=offset
        )
    except ValueError:
        return None
