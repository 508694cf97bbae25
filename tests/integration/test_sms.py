"""SMS and webhook notifications through the modem, and received SMS, as a user meets them.

Each story runs against a module of each command family (SIMCom AT+HTTPINIT, the AT+HTTPCFG
family on a Quectel module) emulated on a TCP port: what the module's network sends and
receives is the emulator's log, what the far end receives is a real HTTP server's.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockUser

from custom_components.modem_http.const import CONF_DELETE_RECEIVED_SMS, DOMAIN
from modem_emulator import deliver_sms

from .conftest import FarEnd, ServiceModem, call_service
from .sms_helpers import ReceivedEvents, add_recipient, add_subentry, add_webhook, notify

MORNING = datetime(2026, 1, 15, 7, 30, 5, tzinfo=timezone(timedelta(hours=1)))
ONE_MODULE = pytest.mark.parametrize("service_modem", ["simcom"], indirect=True)
"""For forms and refusals made before anything reaches the modem: no family plays a part."""
EACH_VENDOR = pytest.mark.parametrize("service_modem", ["simcom", "httpcfg"], indirect=True)
"""For SMS stories through the modem: a SIMCom and a Quectel-firmware module, each with its own
`+CMS ERROR` numbers. The 27.005 exchange itself runs against every family in tests/atmodem;
what differs by family beyond it (HTTP beside SMS) runs here against every family."""


def sent_texts(served: ServiceModem) -> list[tuple[str, str]]:
    """(number, text) of every message the module's network took, parts joined."""
    return [(m.destination, m.text) for m in served.link.modem.sms.sent_messages()]


def sim(served: ServiceModem) -> dict[int, str]:
    """The messages on the module's SIM, by slot."""
    return {i: s.text for i, s in served.link.modem.sms.storages["SM"].slots.items()}


# ---------------------------------------------------------------- SMS recipients


async def test_notify_send_message_texts_the_recipient(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    assert hass.states.get("notify.alice") is not None  # no reload needed

    await notify(hass, "notify.alice", "The power is out at home.", title="Home")

    assert sent_texts(service_modem) == [("+46701234567", "Home\nThe power is out at home.")]
    # The notify entity records when it last sent.
    state = hass.states.get("notify.alice")
    assert state is not None
    assert state.state != "unknown"


@ONE_MODULE
async def test_a_recipient_is_a_device_reached_through_the_modem(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    subentry_id = await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")

    entity = er.async_get(hass).async_get("notify.alice")
    assert entity is not None
    assert entity.config_subentry_id == subentry_id
    devices = dr.async_get(hass)
    recipient = devices.async_get(entity.device_id or "")
    assert recipient is not None
    assert recipient.name == "Alice"
    modem = devices.async_get(recipient.via_device_id or "")
    assert modem is not None
    assert modem.name == service_modem.entry.title

    # Removing the recipient removes its entity and device; the modem stays.
    assert hass.config_entries.async_remove_subentry(service_modem.entry, subentry_id)
    await hass.async_block_till_done()
    assert hass.states.get("notify.alice") is None
    assert devices.async_get(recipient.id) is None
    assert devices.async_get(modem.id) is not None


@EACH_VENDOR
async def test_an_emoji_and_a_long_text_reach_the_phone_whole(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    text = "Frost in the cellar \N{SNOWFLAKE} " + "the pipes may freeze tonight. " * 6

    await notify(hass, "notify.alice", text)

    (message,) = service_modem.link.modem.sms.sent_messages()
    assert message.text == text
    assert len(message.parts) == 4  # 67 UCS-2 characters a part
    assert {part.encoding for part in message.parts} == {"ucs2"}


@ONE_MODULE
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": "Alice", "number": "0701234567"}, {"number": "invalid_number"}),
        ({"name": "Alice", "number": "+46 70 123 45 67"}, {"number": "invalid_number"}),
        ({"name": " ", "number": "+46701234567"}, {"name": "invalid_name"}),
    ],
)
async def test_add_recipient_refuses_what_cannot_be_texted(
    hass: HomeAssistant, service_modem: ServiceModem, fields: dict[str, str], errors: dict[str, str]
) -> None:
    result = await add_subentry(hass, service_modem.entry, "sms_recipient", **fields)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    # Corrected, the same form saves.
    done = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Alice", "number": "+46701234567"}
    )
    assert done["type"] is FlowResultType.CREATE_ENTRY


@ONE_MODULE
async def test_the_same_number_cannot_be_added_twice(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    again = await add_subentry(
        hass, service_modem.entry, "sms_recipient", name="Mum", number="+46701234567"
    )
    assert (again["type"], again["reason"]) == (FlowResultType.ABORT, "already_configured")


@EACH_VENDOR
async def test_a_modem_without_network_fails_the_notification_in_words(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    service_modem.link.modem.radio.set(coverage=False)

    with pytest.raises(HomeAssistantError) as failed:
        await notify(hass, "notify.alice", "The power is out at home.")

    assert failed.value.translation_key == "sms_no_network"
    assert "+CMS ERROR 331" in str(failed.value)
    assert sent_texts(service_modem) == []


@EACH_VENDOR
async def test_a_sim_waiting_for_its_pin_is_named_as_the_cause_not_a_data_connection(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    service_modem.link.modem.radio.lock_sim("4321")  # e.g. swapped for a SIM with its PIN on
    await service_modem.entry.runtime_data.coordinator.async_refresh()  # the poll sees it

    with pytest.raises(HomeAssistantError) as failed:
        await notify(hass, "notify.alice", "The power is out at home.")

    assert failed.value.translation_key == "sms_sim_not_ready"
    assert "asks for its PIN" in str(failed.value)
    assert b"CMGS" not in bytes(service_modem.sent)
    assert sent_texts(service_modem) == []


@EACH_VENDOR
async def test_a_sim_without_service_centre_says_how_to_fix_it(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    service_modem.link.modem.sms.service_centre = ""

    with pytest.raises(HomeAssistantError) as failed:
        await notify(hass, "notify.alice", "hello")

    assert failed.value.translation_key == "sms_no_service_centre"
    assert "AT+CSCA" in str(failed.value)


@EACH_VENDOR
async def test_a_message_cut_off_half_way_says_how_much_went_out(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    await add_recipient(hass, service_modem.entry, "Alice", "+46701234567")
    service_modem.link.modem.sms.send_error = 42  # RP cause: congestion
    service_modem.link.modem.sms.send_error_after = 1

    with pytest.raises(HomeAssistantError) as failed:
        await notify(hass, "notify.alice", "x" * 200)

    assert failed.value.translation_key == "sms_partly_sent"
    assert "Only 1 of the 2 parts" in str(failed.value)


# ---------------------------------------------------------------- the send_sms action


@EACH_VENDOR
async def test_send_sms_texts_each_number_and_returns_the_references(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    response = await call_service(
        hass, "send_sms", number=["+46701234567", "+4915112345678"], message="Door open"
    )

    assert response == {
        "messages": [
            {"number": "+46701234567", "references": [0]},
            {"number": "+4915112345678", "references": [1]},
        ]
    }
    assert sent_texts(service_modem) == [
        ("+46701234567", "Door open"),
        ("+4915112345678", "Door open"),
    ]


@ONE_MODULE
@pytest.mark.parametrize(
    ("number", "message", "key"),
    [
        (["+46701234567", "070-123 45 67"], "Door open", "sms_invalid_number"),
        ("+46701234567", "", "sms_empty"),
        ("+46701234567", "stop\x1aright here\x1b", "sms_forbidden_character"),
        ("+46701234567", "x" * 1531, "sms_too_long"),
    ],
)
async def test_send_sms_refuses_bad_input_before_anything_is_sent(
    hass: HomeAssistant, service_modem: ServiceModem, number: Any, message: str, key: str
) -> None:
    mark = len(service_modem.sent)

    with pytest.raises(ServiceValidationError) as refused:
        await call_service(hass, "send_sms", number=number, message=message)

    assert refused.value.translation_key == key
    assert b"CMGS" not in bytes(service_modem.sent[mark:])
    assert sent_texts(service_modem) == []


@ONE_MODULE
async def test_too_long_says_how_many_parts_it_would_take(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    with pytest.raises(ServiceValidationError) as refused:
        await call_service(hass, "send_sms", number="+46701234567", message="x" * 1531)
    assert "11 SMS parts; at most 10" in str(refused.value)


@ONE_MODULE
async def test_send_sms_is_for_administrators(
    hass: HomeAssistant, service_modem: ServiceModem, hass_read_only_user: MockUser
) -> None:
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"number": "+46701234567", "message": "hi"},
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_read_only_user.id),
        )
    assert sent_texts(service_modem) == []


async def test_an_sms_queued_behind_a_long_download_is_sent_after_it(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """The download holds the modem until its far end answers; the SMS waits for it."""
    download = hass.async_create_task(
        call_service(
            hass, "download", url=far_end.url("/held"), path=str(allowed / "big.bin"), timeout=60
        )
    )
    await far_end.received(lambda seen: any(r.path == "/held" for r in seen))
    sms = hass.async_create_task(
        call_service(hass, "send_sms", number="+46701234567", message="After the download")
    )
    far_end.release.set()

    downloaded = await download
    sent = await sms

    assert downloaded["size"] == FarEnd.BIG_SIZE
    assert sent == {"messages": [{"number": "+46701234567", "references": [0]}]}
    # On the wire: the whole transaction, then the message; nothing of it in between.
    typed = bytes(service_modem.sent)
    assert typed.count(b"AT+CMGS=") == 1
    assert typed.index(b"AT+CMGS=") > typed.rindex(b"READ")


# ---------------------------------------------------------------- webhooks


async def test_notify_send_message_reaches_a_webhook_through_the_modem(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    await add_webhook(
        hass,
        service_modem.entry,
        "Phone push",
        far_end.url("/echo"),
        content_type="application/json",
        body_template='{"topic": "home", "title": {{ title | to_json }}, '
        '"message": {{ message | to_json }}}',
    )

    await notify(hass, "notify.phone_push", 'Power "out"\nsince 07:30', title="Home")

    (seen,) = far_end.requests
    assert (seen.method, seen.path, seen.headers["Content-Type"]) == (
        "POST",
        "/echo",
        "application/json",
    )
    assert json.loads(seen.body) == {
        "topic": "home",
        "title": "Home",
        "message": 'Power "out"\nsince 07:30',
    }


async def test_a_webhook_that_refuses_says_its_status(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    await add_webhook(hass, service_modem.entry, "Gone", far_end.url("/missing"))

    with pytest.raises(HomeAssistantError) as failed:
        await notify(hass, "notify.gone", "hello")

    assert failed.value.translation_key == "webhook_refused"
    assert "404" in str(failed.value)


@ONE_MODULE
async def test_a_message_the_template_cannot_make_json_of_is_refused_before_sending(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The template strips quotes but not backslashes: a Windows path breaks its JSON."""
    await add_webhook(
        hass,
        service_modem.entry,
        "Naive",
        far_end.url("/echo"),
        content_type="application/json",
        body_template=("{\"text\": \"{{ message | replace('\"', '') | replace('\\n', ' ') }}\"}"),
    )

    with pytest.raises(ServiceValidationError) as refused:
        await notify(hass, "notify.naive", "Backup failed in C:\\Users")

    assert refused.value.translation_key == "webhook_body_not_json"
    assert far_end.requests == []


@ONE_MODULE
@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("x" * 1000, "body_too_large"),  # the template repeats it past AT+HTTPDATA's 153600
        ("half a pair \ud83d", "webhook_invalid_text"),  # a lone surrogate is no UTF-8
    ],
)
async def test_a_body_the_modem_cannot_take_is_refused_before_sending(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, message: str, key: str
) -> None:
    await add_webhook(
        hass, service_modem.entry, "Loud", far_end.url("/echo"), body_template="{{ message * 200 }}"
    )

    with pytest.raises(ServiceValidationError) as refused:
        await notify(hass, "notify.loud", message)

    assert refused.value.translation_key == key
    assert far_end.requests == []


async def test_a_notification_larger_than_the_modem_can_send_is_refused(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    await add_webhook(hass, service_modem.entry, "Log", far_end.url("/echo"))

    with pytest.raises(ServiceValidationError) as refused:
        await notify(hass, "notify.log", "x" * 1_100_000)

    assert refused.value.translation_key == "body_too_large"
    assert far_end.requests == []


@ONE_MODULE
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"url": "ftp://example.org/"}, {"url": "invalid_url"}),
        ({"url": 'https://example.org/"x'}, {"url": "invalid_url"}),
        ({"body_template": "{{ message }} {{ 1 / 0 }}"}, {"body_template": "invalid_template"}),
        ({"body_template": '{"text": "{{ message }}"}'}, {"body_template": "body_not_json"}),
        ({"content_type": 'text/plain"'}, {"content_type": "invalid_content_type"}),
        ({"name": "  "}, {"name": "invalid_name"}),
        ({"body_template": "x" * 4097}, {"body_template": "template_too_long"}),
    ],
)
async def test_add_webhook_refuses_what_could_not_be_sent(
    hass: HomeAssistant, service_modem: ServiceModem, fields: dict[str, str], errors: dict[str, str]
) -> None:
    good = {
        "name": "ntfy",
        "url": "https://ntfy.sh/",
        "method": "POST",
        "content_type": "application/json",
        "body_template": '{"topic": "t", "message": {{ message | to_json }}}',
    }
    result = await add_subentry(hass, service_modem.entry, "webhook", **{**good, **fields})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    done = await hass.config_entries.subentries.async_configure(result["flow_id"], good)
    assert done["type"] is FlowResultType.CREATE_ENTRY


# ---------------------------------------------------------------- received SMS


@EACH_VENDOR
async def test_a_received_sms_is_one_event_and_leaves_the_sim(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    received = ReceivedEvents(hass)
    modem = service_modem.link.modem

    deliver_sms(modem, "+4915112345678", "Gate open", moment=MORNING)
    (event,) = await received.wait_for(1)
    await service_modem.entry.runtime_data.modem.inbox.drained()

    assert event == {
        "config_entry_id": service_modem.entry.entry_id,
        "device_id": event["device_id"],
        "sender": "+4915112345678",
        "text": "Gate open",
        "time": "2026-01-15T07:30:05+01:00",
        "parts": 1,
        "parts_total": 1,
        "complete": True,
    }
    assert event["device_id"] is not None
    assert sim(service_modem) == {}
    # The event entity shows it.
    state = hass.states.get("event.simcom_incorporated_simcom_sim7600e_h_received_sms")
    assert state is not None
    assert (state.attributes["event_type"], state.attributes["text"]) == ("received", "Gate open")
    # Exactly one: the next message is the second event, not a third.
    deliver_sms(modem, "+4915112345678", "Gate closed", moment=MORNING)
    await received.wait_for(2)
    await service_modem.entry.runtime_data.modem.inbox.drained()
    assert [e.data["text"] for e in received.events] == ["Gate open", "Gate closed"]


@EACH_VENDOR
async def test_a_long_received_sms_is_one_event_with_its_parts_joined(
    hass: HomeAssistant, service_modem: ServiceModem
) -> None:
    received = ReceivedEvents(hass)
    text = "Температура в подвале упала ниже нуля, трубы могут замёрзнуть! " * 3

    deliver_sms(service_modem.link.modem, "+4915112345678", text, order=[2, 3, 1])
    (event,) = await received.wait_for(1)
    await service_modem.entry.runtime_data.modem.inbox.drained()

    assert (event["text"], event["parts"], event["complete"]) == (text, 3, True)
    assert sim(service_modem) == {}
    assert len(received.events) == 1


async def test_messages_waiting_on_the_sim_at_start_are_delivered_once(
    hass: HomeAssistant, service_modem_factory: Any, socket_enabled: None
) -> None:
    received = ReceivedEvents(hass)
    served: ServiceModem = await service_modem_factory("simcom")
    await hass.config_entries.async_unload(served.entry.entry_id)
    deliver_sms(served.link.modem, "+4915112345678", "While you were away", moment=MORNING)

    assert await hass.config_entries.async_setup(served.entry.entry_id)
    (event,) = await received.wait_for(1)
    await served.entry.runtime_data.modem.inbox.drained()
    assert event["text"] == "While you were away"
    assert sim(served) == {}

    # Home Assistant restarts again: nothing is left to deliver twice.
    assert await hass.config_entries.async_reload(served.entry.entry_id)
    await served.entry.runtime_data.modem.inbox.drained()
    assert len(received.events) == 1


async def test_with_deletion_off_messages_stay_on_the_sim_and_are_not_repeated(
    hass: HomeAssistant, service_modem_factory: Any, socket_enabled: None
) -> None:
    received = ReceivedEvents(hass)
    served: ServiceModem = await service_modem_factory("httpcfg")
    hass.config_entries.async_update_entry(
        served.entry, options={**served.entry.options, CONF_DELETE_RECEIVED_SMS: False}
    )
    assert await hass.config_entries.async_reload(served.entry.entry_id)
    await hass.async_block_till_done()

    deliver_sms(served.link.modem, "+4915112345678", "Keep me", moment=MORNING)
    await received.wait_for(1)
    await served.entry.runtime_data.modem.inbox.drained()
    assert list(sim(served).values()) == ["Keep me"]

    assert await hass.config_entries.async_reload(served.entry.entry_id)
    await served.entry.runtime_data.modem.inbox.drained()
    assert len(received.events) == 1


async def test_an_sms_arriving_during_a_request_does_not_disturb_it(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    received = ReceivedEvents(hass)
    request = hass.async_create_task(call_service(hass, "get", url=far_end.url("/held")))
    await far_end.received(lambda seen: any(r.path == "/held" for r in seen))

    deliver_sms(service_modem.link.modem, "+4915112345678", "Mid-request", moment=MORNING)
    far_end.release.set()
    response = await request
    (event,) = await received.wait_for(1)

    assert response["status"] == 200
    assert len(response["content"]) > 0
    assert event["text"] == "Mid-request"


async def test_a_method_the_modems_family_cannot_send_is_refused_at_the_form(
    hass: HomeAssistant, service_modem_factory: Any, socket_enabled: None
) -> None:
    """AT+HTTPACTION knows GET, POST, HEAD and DELETE: no PUT webhook on a SIMCom module."""
    served: ServiceModem = await service_modem_factory("simcom")
    result = await add_subentry(
        hass,
        served.entry,
        "webhook",
        name="ntfy",
        url="https://ntfy.sh/home",
        method="PUT",
        content_type="text/plain",
        body_template="{{ message }}",
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"method": "method_not_supported"}
