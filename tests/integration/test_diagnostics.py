"""Diagnostics a user attaches to a bug report: useful, without the modem's or SIM's identity."""

import json
from collections.abc import Callable
from typing import Any

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.modem_http.const import CONF_DEVICE, CONF_TIMEOUT
from custom_components.modem_http.models import RequestRecord

from .conftest import SIMCOM_IMEI, ModemLink, entry_for
from .sms_helpers import add_recipient, add_webhook


async def test_diagnostics_show_the_modem_without_its_identity(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: Any,
    modem_link: ModemLink,
) -> None:
    """Dialect, status, the SIM's home network and the last request; no IMEI, ICCID, IMSI."""
    loaded_entry.runtime_data.coordinator.async_record_request(
        RequestRecord("POST", 500, 12, 34, 0.5)
    )

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)

    assert diagnostics["entry"]["unique_id"] == REDACTED
    assert diagnostics["entry"]["data"][CONF_DEVICE] == modem_link.url
    assert diagnostics["device"]["imei"] == REDACTED
    assert diagnostics["device"]["iccid"] == REDACTED
    assert diagnostics["device"]["manufacturer"] == "SIMCOM INCORPORATED"
    assert diagnostics["device"]["dialect"] == "simcom"
    assert diagnostics["connection"]["connected"] is True
    assert diagnostics["status"]["signal"]["rssi_dbm"] == -73
    assert diagnostics["status"]["registration"] == "home"
    assert diagnostics["status"]["technology"] == "lte"
    assert diagnostics["status"]["sim"]["state"] == "ready"
    assert diagnostics["status"]["address"] == {"cid": 1, "ipv4": REDACTED, "ipv6": None}
    cell = diagnostics["status"]["cell"]
    assert (cell["cell_id"], cell["area_code"], cell["physical_id"]) == (REDACTED,) * 3
    assert cell["band"] is not None  # what explains a problem stays
    assert diagnostics["status"]["imsi"] == REDACTED
    assert diagnostics["sim"] == {
        "home_mcc": "262",
        "home_plmn_2_digit_mnc": "26201",
        "home_plmn_3_digit_mnc": "262011",
    }
    assert diagnostics["fallback_problem"] is None
    assert diagnostics["requests"]["last"]["status"] == 500
    assert diagnostics["requests"]["bytes_received"] == 34
    text = json.dumps(diagnostics)
    assert SIMCOM_IMEI not in text
    assert modem_link.modem.identity.iccid not in text
    assert modem_link.modem.identity.imsi not in text


async def test_diagnostics_hide_credentials_in_the_port_url(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    link_factory: Callable[..., Any],
) -> None:
    """A ser2net URL with user and password keeps its host but loses the secret."""
    link: ModemLink = await link_factory()
    device = link.url.replace("socket://", "socket://admin:hunter2@")
    entry = entry_for(link.url, **{CONF_TIMEOUT: 120})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # The running modem uses the plain URL; diagnostics read what the entry stores.
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_DEVICE: device})

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = json.dumps(diagnostics)
    assert "hunter2" not in text
    assert "admin" not in text
    assert f"127.0.0.1:{link.port}" in diagnostics["entry"]["data"][CONF_DEVICE]
    assert diagnostics["entry"]["options"] == {CONF_TIMEOUT: 120}
    assert diagnostics["requests"]["last"] is None
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_diagnostics_count_recipients_and_webhooks_without_numbers_or_urls(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, loaded_entry: Any
) -> None:
    """A webhook's URL holds its token, a recipient's number is a person's: neither is shown."""
    await add_recipient(hass, loaded_entry, "Alice", "+46701234567")
    await add_webhook(
        hass,
        loaded_entry,
        "Telegram",
        "https://api.telegram.org/bot123456:SECRET-token/sendMessage",
        content_type="application/json",
        body_template='{"chat_id": 42, "text": {{ message | to_json }}}',
    )

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)

    assert diagnostics["notifications"] == {
        "sms_recipients": 1,
        "webhooks": [{"method": "POST", "content_type": "application/json"}],
        "inbox_running": True,
        "delete_received_sms": True,
    }
    text = json.dumps(diagnostics)
    assert "+46701234567" not in text
    assert "SECRET" not in text
