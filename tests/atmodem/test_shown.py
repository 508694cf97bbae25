"""shown(): caller text turned into one bounded, printable line for messages and logs."""

from hypothesis import given
from hypothesis import strategies as st

from custom_components.modem_http.atmodem import RequestRejected
from custom_components.modem_http.atmodem.shown import ELLIPSIS, shown


def test_line_breaks_and_escapes_are_written_as_repr_does() -> None:
    forged = "GET\n2001-01-01 00:00:00.000 ERROR (MainThread) [x] forged"

    assert shown(forged) == "GET\\n2001-01-01 00:00:00.000 ERROR (MainThread) [x] forged"
    assert shown("a\r\u2028\x85\x1b[2K\x00") == "a\\r\\u2028\\x85\\x1b[2K\\x00"
    assert shown("\ud800") == "\\ud800"


def test_printable_text_is_left_as_it_is() -> None:
    assert shown("/config/www/café 'x' \"y\" \\n") == "/config/www/café 'x' \"y\" \\n"


def test_long_text_is_cut_with_an_ellipsis() -> None:
    assert shown("a" * 1000, limit=10) == "a" * 10 + ELLIPSIS
    # An escape is never cut in half.
    assert shown("abcdefgh\n", limit=9) == "abcdefgh" + ELLIPSIS


def test_a_refusal_quotes_the_value_safely_whatever_the_check_wrote() -> None:
    err = RequestRejected("headers", "x-a\nforged: 1 " + "b" * 1000)

    assert err.reason.isprintable()
    assert err.reason.startswith("x-a\\nforged: 1 b")
    assert len(str(err)) < 300


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_any_text_becomes_one_bounded_printable_line(text: str, limit: int) -> None:
    result = shown(text, limit=limit)

    assert result.isprintable()
    assert len(result) <= limit + len(ELLIPSIS)
    assert shown(result, limit=limit + len(ELLIPSIS)) == result
