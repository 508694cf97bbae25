"""The GSM 7-bit alphabet: which characters fit, what they cost, and how septets are packed."""

import pytest

from custom_components.modem_http.atmodem.sms import (
    decode_gsm7,
    encode_gsm7,
    gsm7_length,
    is_gsm7,
    pack_septets,
    unpack_septets,
)
from custom_components.modem_http.atmodem.sms.errors import InvalidPdu
from custom_components.modem_http.atmodem.sms.packing import fill_bits_after, header_septets

# faucamp/python-gsmmodem test/test_pdu.py, TestGsm7: text, septets, packed octets.
GSMMODEM_GSM7 = [
    ("123", [49, 50, 51], bytes([49, 217, 12])),
    ("Hello World!", list(b"Hello World!"), bytes([200, 50, 155, 253, 6, 93, 223, 114, 54, 57, 4])),
    (
        "[{abc}]~",
        [0x1B, 0x3C, 0x1B, 0x28, 0x61, 0x62, 0x63, 0x1B, 0x29, 0x1B, 0x3E, 0x1B, 0x3D],
        bytes([27, 222, 6, 21, 22, 143, 55, 169, 141, 111, 211, 3]),
    ),
    (
        "{åΦΓΛΩΠΨΣΘ€}",
        [27, 40, 15, 18, 19, 20, 21, 22, 23, 24, 25, 27, 101, 27, 41],
        bytes([27, 212, 67, 50, 161, 84, 44, 23, 76, 102, 83, 222, 164, 0]),
    ),
    (
        "a[]{}€",
        [97, 27, 60, 27, 62, 27, 40, 27, 41, 27, 101],
        bytes([225, 13, 111, 227, 219, 160, 54, 169, 77, 25]),
    ),
]


@pytest.mark.parametrize(("text", "septets", "packed"), GSMMODEM_GSM7)
def test_known_texts_encode_and_pack_to_the_published_octets(
    text: str, septets: list[int], packed: bytes
) -> None:
    assert encode_gsm7(text) == septets
    assert pack_septets(septets) == packed
    assert unpack_septets(packed, len(septets)) == septets
    assert decode_gsm7(septets) == text


@pytest.mark.parametrize(
    ("text", "septets"),
    [("€", 2), ("[", 2), ("a[b]", 6), ("hello", 5), ("@£$¥", 4), ("^{}\\[~]|€", 18), ("\f", 2)],
)
def test_extension_characters_cost_two_septets(text: str, septets: int) -> None:
    assert gsm7_length(text) == septets


@pytest.mark.parametrize("text", ["ç", "привет", "😀", "\x1a", "\x1b", "`", "\t"])
def test_characters_outside_both_tables_are_not_gsm7(text: str) -> None:
    assert not is_gsm7(text)
    with pytest.raises(ValueError, match="GSM 7-bit"):
        gsm7_length(text)


def test_capital_c_cedilla_is_in_the_table_but_the_small_one_is_not() -> None:
    assert encode_gsm7("Ç") == [0x09]
    assert not is_gsm7("ç")


def test_an_unknown_escape_shows_the_basic_character_and_a_dangling_one_a_space() -> None:
    # 23.038 6.2.1.1: receivers that do not know an extension show the basic character.
    assert decode_gsm7([0x1B, 0x41, 0x42]) == "AB"
    assert decode_gsm7([0x41, 0x1B]) == "A "
    assert decode_gsm7([0x1B, 0x1B, 0x41]) == " A"


def test_a_header_of_six_octets_leaves_one_fill_bit_and_takes_seven_septets() -> None:
    assert fill_bits_after(6) == 1
    assert header_septets(6) == 7
    assert fill_bits_after(7) == 0
    assert header_septets(7) == 8
    assert fill_bits_after(0) == 0


def test_fill_bits_shift_the_text_past_the_header() -> None:
    packed = pack_septets([0x7F], fill_bits=1)
    assert packed == bytes([0xFE])
    assert unpack_septets(packed, 1, fill_bits=1) == [0x7F]


def test_unpacking_more_septets_than_the_data_holds_is_an_invalid_pdu() -> None:
    with pytest.raises(InvalidPdu, match="shorter"):
        unpack_septets(bytes([0x31, 0xD9]), 3)
