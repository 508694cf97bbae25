"""Everything a caller types is checked before a byte reaches the modem (AT injection, ranges)."""

import pytest

from custom_components.modem_http.atmodem import RequestRejected
from custom_components.modem_http.atmodem.validation import (
    check_file_name,
    check_header,
    check_if_range,
    check_range,
    check_text,
    check_url,
)

INJECTIONS = ['x"', "x\r", "x\nAT+CFUN=0", "x\x1a", "x\x1b", "x\x00", "x\x7f", 'a",1\rAT+CFUN=1,1']


@pytest.mark.parametrize("value", INJECTIONS)
def test_quotes_and_control_characters_are_refused_in_text(value: str) -> None:
    with pytest.raises(RequestRejected, match="user_agent: contains characters"):
        check_text("user_agent", value, max_length=256)


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_a_url_is_refused(value: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        check_url(f"http://example.org/{value}", max_length=2048)
    assert caught.value.field == "url"


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_a_header_value_is_refused(value: str) -> None:
    with pytest.raises(RequestRejected):
        check_header("X-Key", value)


@pytest.mark.parametrize("name", ["X Key", "X:Key", "", "X\rKey", 'X"'])
def test_header_names_must_be_tokens(name: str) -> None:
    with pytest.raises(RequestRejected):
        check_header(name, "v")


def test_plain_values_pass_unchanged() -> None:
    assert check_text("ua", "modem_http/1.0", max_length=256) == "modem_http/1.0"
    assert check_header("Authorization", "Bearer abc.def") == ("Authorization", "Bearer abc.def")
    url = "https://user:pw@example.org:8443/a/b?c=d%20e#f"
    assert check_url(url, max_length=2048) == url


def test_length_limits_name_the_limit() -> None:
    check_text("ua", "a" * 256, max_length=256)
    with pytest.raises(RequestRejected, match="at most 256"):
        check_text("ua", "a" * 257, max_length=256)


def test_non_ascii_must_be_percent_encoded() -> None:
    with pytest.raises(RequestRejected, match="ASCII"):
        check_url("http://example.org/Straße", max_length=2048)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/",
        "example.org/x",
        "http:///path",
        "http://example.org:99999/",
        "http://a b/",
    ],
)
def test_urls_the_modem_cannot_fetch_are_refused(url: str) -> None:
    with pytest.raises(RequestRejected):
        check_url(url, max_length=2048)


@pytest.mark.parametrize(("value", "ok"), [(19, False), (20, True), (120, True), (121, False)])
def test_numbers_are_range_checked(value: int, ok: bool) -> None:
    if ok:
        assert check_range("connect_timeout", value, 20, 120) == value
    else:
        with pytest.raises(RequestRejected, match="20 to 120"):
            check_range("connect_timeout", value, 20, 120)


def test_a_bool_is_not_a_number() -> None:
    with pytest.raises(RequestRejected):
        check_range("sslcfg", True, 0, 9)


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b", "..", "C:x", "x\\y", ""])
def test_modem_file_names_cannot_carry_paths(name: str) -> None:
    with pytest.raises(RequestRejected):
        check_file_name("modem_file", name, max_length=64)


@pytest.mark.parametrize(
    "value",
    ['"v1-abc"', '"0123456789abcdef"', "Wed, 31 Dec 2025 23:59:59 GMT"],
)
def test_an_if_range_is_a_strong_entity_tag_or_a_date(value: str) -> None:
    assert check_if_range(value) == value


@pytest.mark.parametrize(
    "value",
    [
        'W/"v1"',  # weak: never proves the same bytes (RFC 9110 13.1.5)
        '"v1"\r\nAT+CFUN=0',
        '"a"b"',
        '""',
        "yesterday",
        "Wed, 31 Dec 2025 23:59:59",  # no zone: not an HTTP-date
        "Wed, 31 Dec 2025 23:59:59 GMT\r\nAT",
    ],
)
def test_anything_else_in_an_if_range_is_refused(value: str) -> None:
    with pytest.raises(RequestRejected) as refused:
        check_if_range(value)
    assert refused.value.field == "if_range"
