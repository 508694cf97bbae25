"""Received SMS on a SIM800/SIM900 and a SIM7070/SIM7080: their own boot lines, the same inbox.

These modules end their boot with `SMS Ready` (a SIM900 with nothing at all) rather than the
SIM7600's `SMS DONE`; the inbox must still find what arrived while the module restarted (that
story runs for every family in test_sms_inbox.py; the SIM900's silent boot is told here).
Sending on them is covered with every family in test_sms_send.py.
"""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest

from custom_components.modem_http.atmodem import ReceivedSms
from modem_emulator import deliver_sms
from modem_emulator.basic import profile

from .sms_rig import SmsRig, start_sms_rig

MORNING = datetime(2026, 1, 15, 7, 30, 5, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture(params=("sim800", "sim7080"))
async def rig(request: pytest.FixtureRequest, socket_enabled: None) -> AsyncIterator[SmsRig]:
    """A SIM800 and a SIM7080 in turn."""
    started = await start_sms_rig(request.param)
    yield started
    await started.close()


@pytest.fixture
async def sim900(socket_enabled: None) -> AsyncIterator[SmsRig]:
    """A SIM900: the SIM800's firmware family, whose boot prints no `SMS Ready`."""
    started = await start_sms_rig("sim800", identity=profile("sim900"))
    yield started
    await started.close()


async def test_a_message_waiting_at_start_and_a_new_one_are_each_delivered_once(
    rig: SmsRig,
) -> None:
    deliver_sms(rig.emulator, "+4915112345678", "While you were away", moment=MORNING)
    modem = await rig.open()
    rig.listen(modem)
    waiting = await rig.next_message()
    await modem.inbox.drained()

    deliver_sms(rig.emulator, "+4915112345678", "Door open", moment=MORNING)
    new = await rig.next_message()
    await modem.inbox.drained()

    assert waiting == ReceivedSms("+4915112345678", "While you were away", MORNING, 1, 1)
    assert new == ReceivedSms("+4915112345678", "Door open", MORNING, 1, 1)
    assert len(rig.inbox) == 2
    assert rig.stored() == {}


async def test_a_long_message_in_parts_is_one_message(rig: SmsRig) -> None:
    modem = await rig.open()
    rig.listen(modem)
    await modem.inbox.drained()
    text = "Сработала сигнализация в гараже, проверьте камеры. " * 3  # UCS-2, three parts

    deliver_sms(rig.emulator, "+79161234567", text, moment=MORNING, order=[3, 1, 2])

    message = await rig.next_message()
    assert (message.text, message.parts, message.complete) == (text, 3, True)
    await modem.inbox.drained()
    assert rig.stored() == {}


async def test_a_sim900_that_never_says_sms_ready_is_read_a_while_after_its_restart(
    sim900: SmsRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("custom_components.modem_http.atmodem.inbox.READY_WAIT", 0.2)
    modem = await sim900.open()
    sim900.listen(modem)
    await modem.inbox.drained()

    sim900.emulator.reset()
    sim900.emulator.sms.cnmi = (2, 0, 0, 0, 0)
    deliver_sms(sim900.emulator, "+4915112345678", "Quiet boot", moment=MORNING)

    message = await sim900.next_message()
    await modem.inbox.drained()
    assert message.text == "Quiet boot"
    assert sim900.stored() == {}
