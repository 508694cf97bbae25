"""Turning 3GPP status answers into values a dashboard shows."""

import pytest
from multidict import CIMultiDict

from custom_components.modem_http.atmodem import Registration
from custom_components.modem_http.atmodem.errors import AtCommandError, cme_code_from_text
from custom_components.modem_http.atmodem.response import HttpResponse, parse_response_head
from custom_components.modem_http.atmodem.status import (
    csq_to_dbm,
    parse_operator,
    parse_registration,
)
from custom_components.modem_http.atmodem.transport import redact_url


@pytest.mark.parametrize(
    ("rssi", "dbm"), [(0, -113), (1, -111), (2, -109), (20, -73), (30, -53), (31, -51), (99, None)]
)
def test_csq_to_dbm_follows_27_007(rssi: int, dbm: int | None) -> None:
    assert csq_to_dbm(rssi) == dbm


@pytest.mark.parametrize(
    ("value", "state"),
    [
        ("0,1", Registration.HOME),
        ('2,5,"1A2B","01C2D3E4",7', Registration.ROAMING),
        ("0,2", Registration.SEARCHING),
        ("0,3", Registration.DENIED),
        ("0,0", Registration.NOT_REGISTERED),
        ("1", Registration.HOME),  # URC form +CREG: <stat>
        ("0,6", Registration.HOME),
        ("x", Registration.UNKNOWN),
    ],
)
def test_registration_read_and_urc_forms(value: str, state: Registration) -> None:
    assert parse_registration(value) is state


def test_operator_name_and_not_registered() -> None:
    assert parse_operator('0,0,"Telekom.de",7') == "Telekom.de"
    assert parse_operator("0") is None


def test_verbose_cme_texts_map_back_to_numbers() -> None:
    assert cme_code_from_text("SIM PIN required") == 11
    assert cme_code_from_text("  incorrect parameters ") == 50
    assert cme_code_from_text("something else") is None
    assert "SIM not inserted" in str(AtCommandError("AT+CPIN?", "+CME ERROR: 10", cme_code=10))


def test_response_head_is_parsed_case_insensitively_with_folded_lines() -> None:
    head = parse_response_head(
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-Long: a\r\n  b\r\n"
        b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nbody"
    )
    assert head.status == 404
    assert head.reason == "Not Found"
    assert head.headers["content-type"] == "text/plain"
    assert head.headers["X-LONG"] == "a b"
    assert head.headers.getall("set-cookie") == ["a=1", "b=2"]


def test_http_response_ok_and_default_headers() -> None:
    assert HttpResponse(204).ok
    assert not HttpResponse(500).ok
    assert dict(HttpResponse(200).headers) == dict(CIMultiDict())


def test_serial_urls_lose_their_credentials_in_logs() -> None:
    assert redact_url("rfc2217://admin:secret@10.0.0.5:7000") == "rfc2217://***@10.0.0.5:7000"
    assert redact_url("/dev/ttyUSB2") == "/dev/ttyUSB2"
