"""Error texts, HTTP response heads and URLs as a user sees them (status replies: readings)."""

from multidict import CIMultiDict

from custom_components.modem_http.atmodem.errors import AtCommandError, cme_code_from_text
from custom_components.modem_http.atmodem.response import HttpResponse, parse_response_head
from custom_components.modem_http.atmodem.transport import redact_url


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
