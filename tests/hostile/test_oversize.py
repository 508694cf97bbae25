"""Bodies over a dialect's limit are refused whole before the modem hears a byte.

The limits come from the manuals: AT+HTTPDATA takes 1-153,600 bytes (seed 002); AT+HTTPPOST takes
1-1,024,000 (seed 000); a raw GET request written through AT+HTTPGET is at most 2048 bytes.
"""

import pytest

from custom_components.modem_http.atmodem import RequestRejected

from .test_injection import URL, listening

pytestmark = pytest.mark.usefixtures("socket_enabled")

LIMITS = {
    "simcom": 153_600,
    "httpcfg": 1_024_000,
    "quectel": 1_024_000,
    "sim800": 319_488,  # AT+HTTPDATA <size>, SIM800 Series AT Command Manual
    "sim7080": 4_096,  # AT+SHCONF="BODYLEN", SIM7080 Series AT Command Manual
}


@pytest.mark.parametrize("dialect", sorted(LIMITS))
async def test_a_body_one_byte_over_the_limit_is_refused_unsent(dialect: str) -> None:
    async with listening(dialect) as rig:
        assert rig.modem.max_body == LIMITS[dialect]

        with pytest.raises(RequestRejected) as caught:
            await rig.modem.http_request("POST", URL, body=b"x" * (LIMITS[dialect] + 1))

        assert caught.value.field == "body"
        assert await rig.heard_since_mark() == b""


@pytest.mark.parametrize("dialect", ["httpcfg", "quectel"])
async def test_a_raw_get_request_over_2048_bytes_is_refused_unsent(dialect: str) -> None:
    """Custom headers force the raw-request mode, whose GET form takes at most 2048 bytes."""
    async with listening(dialect) as rig:
        with pytest.raises(RequestRejected):
            await rig.modem.http_request("GET", URL, headers={"X-Pad": "p" * 2100})
        assert await rig.heard_since_mark() == b""
