"""Receiving SMS: the network delivers, the module announces, the inbox hands each over once.

The emulated network (`deliver_sms`) stores messages on the emulated SIM and the module prints
`+CMTI`, exactly as a real module does; the stories check what the listener gets and what is left
on the SIM afterwards.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from custom_components.modem_http.atmodem import ReceivedSms
from modem_emulator import deliver_pdu, deliver_sms

from .sms_rig import SmsRig, start_sms_rig

MORNING = datetime(2026, 1, 15, 7, 30, 5, tzinfo=timezone(timedelta(hours=1)))
FAMILIES = ("simcom", "quectel")


@pytest.fixture(params=FAMILIES)
async def rig(request: pytest.FixtureRequest, socket_enabled: None) -> AsyncIterator[SmsRig]:
    """A module of each family in turn."""
    started = await start_sms_rig(request.param)
    yield started
    await started.close()


async def test_a_new_message_is_delivered_once_and_deleted_from_the_sim(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()  # the start-up scan found an empty SIM

    deliver_sms(rig.emulator, "+4915112345678", "Door open", moment=MORNING)
    message = await rig.next_message()
    await modem.inbox.drained()

    assert message == ReceivedSms("+4915112345678", "Door open", MORNING, 1, 1)
    assert rig.stored() == {}
    # A later message is the next (and only other) one the listener sees.
    deliver_sms(rig.emulator, "+4915112345678", "Door closed", moment=MORNING)
    await rig.next_message()
    assert [m.text for m in rig.inbox] == ["Door open", "Door closed"]


async def test_parts_arriving_out_of_order_are_delivered_as_one_message(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.listen(modem)
    text = "Frost warning: " + "the pipes in the cellar may freeze tonight. " * 8

    slots = deliver_sms(rig.emulator, "+4915112345678", text, moment=MORNING, order=[3, 1, 2])
    message = await rig.next_message()
    await modem.inbox.drained()

    assert len(slots) == 3
    assert (message.text, message.parts, message.parts_total) == (text, 3, 3)
    assert rig.stored() == {}
    assert len(rig.inbox) == 1


async def test_a_ucs2_message_from_a_named_sender_keeps_its_text(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.listen(modem)

    deliver_sms(rig.emulator, "Vodafone", "Ваш баланс: 5 € 🙂", moment=MORNING)

    message = await rig.next_message()
    assert (message.sender, message.text) == ("Vodafone", "Ваш баланс: 5 € 🙂")


async def test_messages_stored_before_the_start_are_delivered_once(rig: SmsRig) -> None:
    deliver_sms(rig.emulator, "+4915112345678", "While you were away", moment=MORNING)
    deliver_sms(rig.emulator, "+4915112345678", "And this too", moment=MORNING)
    modem = await rig.open()
    rig.listen(modem)

    await rig.next_message()
    await rig.next_message()
    await modem.inbox.drained()
    assert sorted(m.text for m in rig.inbox) == ["And this too", "While you were away"]
    assert rig.stored() == {}

    # Home Assistant restarts: a new Modem on the same module finds nothing to deliver again.
    await modem.close()
    again = await rig.open()
    rig.listen(again)
    await again.inbox.drained()
    assert len(rig.inbox) == 2


async def test_without_deleting_a_message_stays_and_is_not_delivered_again(rig: SmsRig) -> None:
    deliver_sms(rig.emulator, "+4915112345678", "Keep me", moment=MORNING)
    modem = await rig.open()
    rig.listen(modem, delete_after_reading=False)
    await rig.next_message()
    deliver_sms(rig.emulator, "+4915112345678", "Me too", moment=MORNING)
    await rig.next_message()
    await modem.inbox.drained()
    assert sorted(rig.stored().values()) == ["Keep me", "Me too"]

    await modem.close()
    again = await rig.open()
    rig.listen(again, delete_after_reading=False)
    await again.inbox.drained()

    assert [m.text for m in rig.inbox] == ["Keep me", "Me too"]


async def test_a_message_pushed_with_cmt_is_delivered(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()
    # Someone told the module to push messages instead of storing them.
    await modem.admin.send_command("AT+CNMI=2,2,0,0,0")

    deliver_sms(rig.emulator, "+4915112345678", "Pushed", moment=MORNING)

    message = await rig.next_message()
    assert message.text == "Pushed"
    assert rig.stored() == {}


@pytest.mark.parametrize("rig", [*FAMILIES, "sim800", "sim7080"], indirect=True)
async def test_a_message_stored_during_a_restart_is_read_once_sms_is_ready(rig: SmsRig) -> None:
    """SMS is ready at `SMS DONE` (SIM7600), `+QIND: SMS DONE` (Quectel), `SMS Ready` (SIM800)."""
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()

    # The module reboots on its own; a message lands before the inbox could set anything up,
    # and the module announces nothing (its indications are off until set up again).
    rig.emulator.reset()
    rig.emulator.sms.cnmi = (2, 0, 0, 0, 0)
    deliver_sms(rig.emulator, "+4915112345678", "Back online?", moment=MORNING)

    message = await rig.next_message()
    await modem.inbox.drained()
    assert message.text == "Back online?"
    assert rig.stored() == {}


async def test_a_message_arriving_during_an_http_request_is_read_after_it(
    rig: SmsRig, aiohttp_server: object
) -> None:
    held_request = asyncio.Event()
    release = asyncio.Event()

    async def held(_request: web.Request) -> web.Response:
        held_request.set()
        await release.wait()
        return web.Response(text="done")

    app = web.Application()
    app.router.add_get("/held", held)
    server: TestServer = await aiohttp_server(app, host="127.0.0.1")  # type: ignore[operator]
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()

    request = asyncio.create_task(
        modem.http_request("GET", f"http://127.0.0.1:{server.port}/held", timeout=20)
    )
    await held_request.wait()
    mark = rig.mark()
    deliver_sms(rig.emulator, "+4915112345678", "Mid-transaction", moment=MORNING)
    release.set()
    response = await request
    message = await rig.next_message()

    assert (response.status, response.body) == (200, b"done")
    assert message.text == "Mid-transaction"
    # The read came after the request's last command, not in the middle of it.
    after_request = rig.since(mark)
    assert after_request.index(b"AT+CMGR=0\r") > after_request.rindex(b"READ")


async def test_an_announcement_repeated_for_a_message_already_read_delivers_nothing(
    rig: SmsRig,
) -> None:
    modem = await rig.open()
    rig.listen(modem, delete_after_reading=False)
    (slot,) = deliver_sms(rig.emulator, "+4915112345678", "Once", moment=MORNING)
    await rig.next_message()

    rig.emulator.push_urc(f'+CMTI: "SM",{slot}')
    deliver_sms(rig.emulator, "+4915112345678", "Twice?", moment=MORNING)
    await rig.next_message()
    await modem.inbox.drained()

    assert [m.text for m in rig.inbox] == ["Once", "Twice?"]


async def test_the_same_text_sent_twice_in_one_second_is_two_messages(rig: SmsRig) -> None:
    """The second lands in the slot the first one freed, with the same time stamp and text."""
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()

    (first,) = deliver_sms(rig.emulator, "+4915112345678", "ALARM zone 1", moment=MORNING)
    await rig.next_message()
    await modem.inbox.drained()
    (second,) = deliver_sms(rig.emulator, "+4915112345678", "ALARM zone 1", moment=MORNING)
    await rig.next_message()
    await modem.inbox.drained()

    assert first == second
    assert [m.text for m in rig.inbox] == ["ALARM zone 1", "ALARM zone 1"]
    assert rig.stored() == {}


async def test_a_message_whose_other_parts_never_come_is_delivered_as_it_is(
    rig: SmsRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("custom_components.modem_http.atmodem.inbox.INCOMPLETE_AFTER", timedelta(0))
    modem = await rig.open()
    rig.listen(modem)
    text = "Part one of three arrives; " * 12

    deliver_sms(rig.emulator, "+4915112345678", text, moment=MORNING, order=[1])
    message = await rig.next_message()
    await modem.inbox.drained()

    assert (message.parts, message.parts_total, message.complete) == (1, 3, False)
    assert text.startswith(message.text)
    assert rig.stored() == {}


# A delivery report (python-gsmmodem test vector): stored on the SIM, but not a received message.
STATUS_REPORT_TPDU = bytes.fromhex("06D60B911326880736F4111011719551401110117195714000")


async def test_a_scan_that_fails_is_tried_again_until_the_sim_answers(
    rig: SmsRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("custom_components.modem_http.atmodem.inbox.RETRY_DELAYS", (0.05,))
    deliver_sms(rig.emulator, "+4915112345678", "Waiting on the SIM", moment=MORNING)
    modem = await rig.open()
    rig.emulator.network.sim_inserted = False  # every SMS command answers +CMS ERROR: 310

    rig.listen(modem)
    await modem.inbox.drained()
    assert rig.inbox == []
    rig.emulator.network.sim_inserted = True

    message = await rig.next_message()
    assert message.text == "Waiting on the SIM"


async def test_what_is_not_a_received_message_is_left_on_the_sim(
    rig: SmsRig, caplog: pytest.LogCaptureFixture
) -> None:
    report = deliver_pdu(rig.emulator, STATUS_REPORT_TPDU)
    broken = deliver_pdu(rig.emulator, bytes.fromhex("0411"))  # a DELIVER cut short
    deliver_sms(rig.emulator, "+4915112345678", "Readable", moment=MORNING)
    modem = await rig.open()

    rig.listen(modem)
    await rig.next_message()
    await modem.inbox.drained()

    assert [m.text for m in rig.inbox] == ["Readable"]
    assert set(rig.stored()) == {report, broken}
    assert f"Message {broken} on the SIM cannot be read" in caplog.text


async def test_an_unreadable_new_message_is_left_where_it_is(
    rig: SmsRig, caplog: pytest.LogCaptureFixture
) -> None:
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()

    broken = deliver_pdu(rig.emulator, bytes.fromhex("0411"))
    deliver_sms(rig.emulator, "+4915112345678", "Next one", moment=MORNING)
    await rig.next_message()
    await modem.inbox.drained()

    assert set(rig.stored()) == {broken}
    assert "cannot be read" in caplog.text


async def test_a_listener_that_fails_does_not_keep_the_message_from_the_others(
    rig: SmsRig,
) -> None:
    modem = await rig.open()

    def broken_listener(_message: ReceivedSms) -> None:
        raise RuntimeError("a bug in someone's listener")

    modem.inbox.add_listener(broken_listener)
    rig.listen(modem)
    deliver_sms(rig.emulator, "+4915112345678", "Still here", moment=MORNING)

    message = await rig.next_message()
    await modem.inbox.drained()
    assert message.text == "Still here"
    assert rig.stored() == {}


async def test_announcements_the_inbox_cannot_follow_are_said_in_the_log(
    rig: SmsRig, caplog: pytest.LogCaptureFixture
) -> None:
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()

    rig.emulator.push_urc('+CMTI: "ME",3')  # a storage the inbox does not read
    rig.emulator.push_urc("+CMTI: garbled")  # not 27.005: the SIM is scanned instead
    deliver_sms(rig.emulator, "+4915112345678", "After the noise", moment=MORNING)
    message = await rig.next_message()
    await modem.inbox.drained()

    assert message.text == "After the noise"
    assert "modem's ME storage, which is not read" in caplog.text
    assert "form not understood; scanning" in caplog.text


async def test_parts_still_missing_after_a_while_are_delivered_by_the_inbox_itself(
    rig: SmsRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No job comes after the first part: the inbox looks again on its own."""
    monkeypatch.setattr(
        "custom_components.modem_http.atmodem.inbox.INCOMPLETE_AFTER", timedelta(milliseconds=50)
    )
    monkeypatch.setattr("custom_components.modem_http.atmodem.inbox.EXPIRY_CHECK", 0.05)
    modem = await rig.open()
    rig.listen(modem)
    text = "Only the second half arrives. " * 8

    deliver_sms(rig.emulator, "+4915112345678", text, moment=MORNING, order=[2])
    message = await rig.next_message()
    await modem.inbox.drained()

    assert (message.parts, message.parts_total) == (1, 2)
    assert text.endswith(message.text)
    assert rig.stored() == {}


async def test_the_inbox_stops_with_the_modem_and_starts_once(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.listen(modem)
    modem.inbox.start()  # a second start changes nothing
    assert modem.inbox.running

    await modem.close()

    assert not modem.inbox.running
