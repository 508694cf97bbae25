"""Sending SMS: what reaches the module byte for byte, and what its refusals become.

The expected PDUs are published ones (tests/emulator/sms_fixtures.py names each source): the
library must type exactly those bytes after `AT+CMGS=<length>` and the `> ` prompt.
"""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from custom_components.modem_http.atmodem import (
    AtCommandError,
    ModemTimeoutError,
    SmsRejected,
)
from custom_components.modem_http.atmodem.sms import (
    CmsErrorKind,
    EmptyText,
    ForbiddenCharacter,
    InvalidNumber,
    MessageTooLong,
)

from ..emulator.sms_fixtures import HELLO_WORLD_PDU, LOREM, LOREM_PDUS, UCS2_PDU, UCS2_TEXT
from .sms_rig import SETUP, SmsRig, cmgs, start_sms_rig

FAMILIES = ("simcom", "quectel", "httpcfg", "sim800", "sim7080")


@pytest.fixture(params=FAMILIES)
async def rig(request: pytest.FixtureRequest, socket_enabled: None) -> AsyncIterator[SmsRig]:
    """A module of each family in turn."""
    started = await start_sms_rig(request.param)
    yield started
    await started.close()


async def test_a_gsm7_message_goes_out_as_the_published_pdu(rig: SmsRig) -> None:
    modem = await rig.open()
    mark = rig.mark()

    sent = await modem.send_sms("+27820001111", "Hello World!")

    assert sent.references == (0,)
    assert rig.since(mark) == SETUP + cmgs([HELLO_WORLD_PDU])
    (message,) = rig.emulator.sms.sent_messages()
    assert (message.destination, message.text) == ("+27820001111", "Hello World!")


async def test_a_cyrillic_message_goes_out_in_ucs2_as_the_published_pdu(rig: SmsRig) -> None:
    modem = await rig.open()
    mark = rig.mark()

    await modem.send_sms("+15555551234", UCS2_TEXT, validity=timedelta(minutes=5))

    assert rig.since(mark) == SETUP + cmgs([UCS2_PDU])
    (message,) = rig.emulator.sms.sent_messages()
    assert (message.text, message.parts[0].encoding) == (UCS2_TEXT, "ucs2")


async def test_a_long_message_goes_out_as_the_three_published_parts(rig: SmsRig) -> None:
    modem = await rig.open()
    mark = rig.mark()

    sent = await modem.send_sms("+15125551234", LOREM)

    assert sent.references == (0, 1, 2)
    # Published with TP-RD (reject duplicates) set, first octet 45; ours leave it clear (41).
    assert rig.since(mark) == SETUP + cmgs(pdu[:2] + "41" + pdu[4:] for pdu in LOREM_PDUS)
    (message,) = rig.emulator.sms.sent_messages()
    assert message.text == LOREM


async def test_two_long_messages_do_not_share_a_concatenation_reference(rig: SmsRig) -> None:
    modem = await rig.open()
    await modem.send_sms("+15125551234", LOREM)
    await modem.send_sms("+15125551234", LOREM)

    first, second = rig.emulator.sms.sent_messages()
    assert {part.concatenation[0] for part in first.parts if part.concatenation} == {0}
    assert {part.concatenation[0] for part in second.parts if part.concatenation} == {1}


async def test_the_settings_are_sent_once_until_the_modem_restarts(rig: SmsRig) -> None:
    modem = await rig.open()
    await modem.send_sms("+27820001111", "Hello World!")
    mark = rig.mark()

    await modem.send_sms("+27820001111", "Hello World!")

    assert rig.since(mark) == cmgs([HELLO_WORLD_PDU])


async def test_an_emoji_makes_the_message_ucs2_and_it_arrives_whole(rig: SmsRig) -> None:
    modem = await rig.open()
    text = "Power is out at home \N{HIGH VOLTAGE SIGN}\N{HOUSE BUILDING}"

    await modem.send_sms("+46708251358", text)

    (message,) = rig.emulator.sms.sent_messages()
    assert (message.text, message.parts[0].encoding) == (text, "ucs2")


@pytest.mark.parametrize(
    ("number", "text", "refusal"),
    [
        ("0708251358", "hi", InvalidNumber),
        ("+46 70 825 13 58", "hi", InvalidNumber),
        ('+4670825"1358', "hi", InvalidNumber),
        ("+46708251358", "", EmptyText),
        ("+46708251358", "stop\x1asend", ForbiddenCharacter),
        ("+46708251358", "cancel\x1bnow", ForbiddenCharacter),
        ("+46708251358", "x" * (153 * 10 + 1), MessageTooLong),
    ],
)
@pytest.mark.parametrize("rig", ["simcom"], indirect=True)  # refused before any family acts
async def test_bad_input_is_refused_before_anything_is_sent(
    rig: SmsRig, number: str, text: str, refusal: type[Exception]
) -> None:
    modem = await rig.open()
    mark = rig.mark()

    with pytest.raises(refusal):
        await modem.send_sms(number, text)

    assert rig.since(mark) == b""
    assert rig.emulator.sms.sent == []


async def test_a_caller_may_allow_fewer_parts(rig: SmsRig) -> None:
    modem = await rig.open()
    with pytest.raises(MessageTooLong) as refused:
        await modem.send_sms("+46708251358", LOREM, max_parts=2)
    assert (refused.value.parts_needed, refused.value.max_parts) == (3, 2)


async def test_no_network_is_a_typed_refusal_with_the_modems_number(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.emulator.radio.set(coverage=False)

    with pytest.raises(SmsRejected) as refused:
        await modem.send_sms("+27820001111", "Hello World!")

    assert (refused.value.cause.code, refused.value.cause.kind) == (331, CmsErrorKind.NO_NETWORK)
    assert refused.value.references == ()
    assert rig.emulator.sms.sent == []


async def test_a_sim_without_service_centre_is_named_as_the_cause(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.emulator.sms.service_centre = ""

    with pytest.raises(SmsRejected) as refused:
        await modem.send_sms("+27820001111", "Hello World!")

    assert refused.value.cause.kind is CmsErrorKind.SMSC_UNKNOWN


@pytest.mark.parametrize(
    ("dialect", "code", "kind"),
    [
        ("simcom", 528, CmsErrorKind.INVALID_PDU),
        ("quectel", 531, CmsErrorKind.MEMORY_FULL),
        ("httpcfg", 513, CmsErrorKind.MESSAGE_TOO_LONG),
    ],
)
async def test_vendor_numbers_are_read_in_the_familys_own_table(
    socket_enabled: None, dialect: str, code: int, kind: CmsErrorKind
) -> None:
    rig = await start_sms_rig(dialect)
    try:
        modem = await rig.open()
        rig.emulator.sms.send_error = code
        with pytest.raises(SmsRejected) as refused:
            await modem.send_sms("+27820001111", "Hello World!")
        assert (refused.value.cause.code, refused.value.cause.kind) == (code, kind)
    finally:
        await rig.close()


async def test_a_long_message_refused_half_way_tells_what_went_out(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.emulator.sms.send_error = 42  # RP cause 42: congestion
    rig.emulator.sms.send_error_after = 2

    with pytest.raises(SmsRejected) as refused:
        await modem.send_sms("+15125551234", LOREM)

    assert refused.value.references == (0, 1)
    assert (refused.value.parts_sent, refused.value.parts_total) == (2, 3)
    assert refused.value.cause.kind is CmsErrorKind.NETWORK_FAILURE


async def test_an_error_instead_of_the_prompt_sends_no_payload(rig: SmsRig) -> None:
    modem = await rig.open()
    await modem.send_sms("+27820001111", "Hello World!")
    rig.emulator.network.sim_inserted = False
    mark = rig.mark()

    with pytest.raises(SmsRejected) as refused:
        await modem.send_sms("+27820001111", "Hello World!")

    assert refused.value.cause.kind is CmsErrorKind.SIM_MISSING
    assert rig.since(mark) == b"AT+CMGS=24\r"


async def test_a_timeout_at_the_prompt_cancels_the_message_with_esc(
    socket_enabled: None,
) -> None:
    rig = await start_sms_rig("simcom")
    try:
        # A slow line: the PDU goes out 8 bytes at a time, 50 ms apart (about 0.3 s in all).
        modem = await rig.open(write_chunk_size=8, write_chunk_delay=0.05)
        await modem.send_sms("+27820001111", "Hello World!")
        mark = rig.mark()

        with pytest.raises(ModemTimeoutError):
            await modem.send_sms("+27820001111", "Goodbye World!", timeout=0.15)

        # The module left the prompt without sending, and answers the next command.
        await modem.send_sms("+27820001111", "Hello again")

        given_up, after = rig.since(mark).split(b"\x1b")
        assert given_up.startswith(b"AT+CMGS=26\r0001000B91")
        assert b"\x1a" not in given_up
        assert after.startswith(b"AT\r")  # the engine's resynchronisation
        assert after.endswith(b"\x1a")
        assert [m.text for m in rig.emulator.sms.sent_messages()] == [
            "Hello World!",
            "Hello again",
        ]
    finally:
        await rig.close()


async def test_a_refusal_in_words_is_read_as_well_as_a_number(rig: SmsRig) -> None:
    """Under AT+CMEE=2 the module prints 27.005's wording instead of the number."""
    modem = await rig.open()
    await modem.send_sms("+27820001111", "Hello World!")
    rig.emulator.cmee = 2
    rig.emulator.radio.set(coverage=False)

    with pytest.raises(SmsRejected) as refused:
        await modem.send_sms("+27820001111", "Hello World!")

    assert (refused.value.cause.code, refused.value.cause.kind) == (331, CmsErrorKind.NO_NETWORK)


async def test_a_bare_error_stays_a_command_error(rig: SmsRig) -> None:
    """Under AT+CMEE=0 there is no cause to read: the failure is not dressed up as one."""
    modem = await rig.open()
    await modem.send_sms("+27820001111", "Hello World!")
    rig.emulator.cmee = 0
    rig.emulator.radio.set(coverage=False)

    with pytest.raises(AtCommandError) as failed:
        await modem.send_sms("+27820001111", "Hello World!")

    assert failed.value.final == "ERROR"
