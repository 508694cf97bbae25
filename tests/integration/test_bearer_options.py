"""The data connection in Home Assistant: APN option, repair issue, HTTPS CA, data sensor.

A repair issue stays while data fails and goes with the next request that works; the CA comes
from a folder in allowlist_external_dirs; the data attached sensor follows the PDP context.
"""

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from custom_components.modem_http import diagnostics
from custom_components.modem_http.const import (
    CONF_APN,
    CONF_APN_AUTH,
    CONF_APN_PASSWORD,
    CONF_APN_USERNAME,
    CONF_CA_PATH,
    CONF_TIMEOUT,
    CONF_TLS_VERIFY,
    DOMAIN,
    MODEM_CA_FILE,
)
from custom_components.modem_http.data_connection import issue_id
from modem_emulator.bearer import drop_bearer
from modem_emulator.far_end import TestPki

from ..tls_aborts import handshake_aborts_expected
from .conftest import ModemLink, call_service, entity_id, entry_for

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def _set_up(hass: HomeAssistant, link: ModemLink, **options: Any) -> Any:
    entry = entry_for(link.url, **options)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _unload(hass: HomeAssistant, entry: Any) -> None:
    if entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_a_wrong_apn_raises_a_repair_issue_cleared_by_the_next_success(
    hass: HomeAssistant, link_factory: Any, far_end: Any
) -> None:
    link: ModemLink = await link_factory()
    link.modem.network.working_apns = {"internet"}
    entry = await _set_up(hass, link, **{CONF_APN: "wrong.apn"})
    registry = ir.async_get(hass)

    # The modem is there (entities, restart button) but has no data connection: the user is told.
    assert entry.state is ConfigEntryState.LOADED
    issue = registry.async_get_issue(DOMAIN, issue_id(entry))
    assert issue is not None
    assert issue.translation_key == "no_data_connection"
    assert "wrong.apn" in issue.translation_placeholders["cause"]
    assert hass.states.get(entity_id(hass, "binary_sensor", "data_attached")).state == "off"

    with pytest.raises(HomeAssistantError) as caught:
        await call_service(hass, "get", url=far_end.url("/text"))
    assert caught.value.translation_key == "no_data_connection"
    assert "The modem has no data connection" in str(caught.value)
    assert "refused to activate PDP context 1 with wrong.apn" in str(caught.value)

    # The operator starts accepting the APN (or the user fixed it): the next request works.
    link.modem.network.working_apns = None
    response = await call_service(hass, "get", url=far_end.url("/text"))

    assert response["status"] == 200
    assert registry.async_get_issue(DOMAIN, issue_id(entry)) is None
    await _unload(hass, entry)


async def test_the_options_flow_sets_apn_and_credentials(
    hass: HomeAssistant, link_factory: Any, far_end: Any
) -> None:
    link: ModemLink = await link_factory()
    link.modem.network.working_apns = {"m2m.example"}
    link.modem.network.credentials = {"m2m.example": ("dev", "pw")}
    entry = await _set_up(hass, link)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry)) is not None

    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            CONF_TIMEOUT: 60,
            CONF_APN: "m2m.example",
            CONF_APN_USERNAME: "dev",
            CONF_APN_PASSWORD: "pw",
            CONF_APN_AUTH: "pap",
        },
    )
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert entry.state is ConfigEntryState.LOADED
    context = link.modem.network.contexts[1]
    assert (context.apn, context.username, context.password, context.active) == (
        "m2m.example",
        "dev",
        "pw",
        True,
    )
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry)) is None
    assert (await call_service(hass, "get", url=far_end.url("/text")))["status"] == 200
    await _unload(hass, entry)


async def test_the_options_flow_refuses_what_cannot_work(
    hass: HomeAssistant, loaded_entry: Any, tmp_path: Path
) -> None:
    flow = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    base = {CONF_TIMEOUT: 60}

    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {**base, CONF_APN: 'bad"apn', CONF_TLS_VERIFY: "server"}
    )

    assert result["type"] == "form"
    assert result["errors"] == {CONF_APN: "invalid_bearer_text", CONF_CA_PATH: "tls_file_required"}

    ca_path = tmp_path / "ca.pem"
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {**base, CONF_TLS_VERIFY: "server", CONF_CA_PATH: str(ca_path)}
    )
    assert result["errors"] == {CONF_CA_PATH: "path_not_allowed"}
    assert loaded_entry.options == {}

    # The user allows the folder in configuration.yaml and saves again: the CA goes to the modem.
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    ca_path.write_bytes(TestPki("127.0.0.1").ca_pem)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {**base, CONF_TLS_VERIFY: "server", CONF_CA_PATH: str(ca_path)}
    )
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert loaded_entry.options[CONF_CA_PATH] == str(ca_path)
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_https_verified_with_the_ca_from_the_options(
    hass: HomeAssistant, link_factory: Any, aiohttp_server: Any, tmp_path: Path
) -> None:
    pki, stranger = TestPki("127.0.0.1"), TestPki("127.0.0.1")

    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="verified")

    app = web.Application()
    app.router.add_get("/", hello)
    server = await aiohttp_server(app, host="127.0.0.1", ssl=pki.server_ssl_context())
    url = f"https://127.0.0.1:{server.port}/"
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(stranger.ca_pem)  # the wrong CA first
    link: ModemLink = await link_factory()
    entry = await _set_up(hass, link, **{CONF_TLS_VERIFY: "server", CONF_CA_PATH: str(ca_path)})

    # The CA was copied to the modem and its SSL context verifies against it.
    assert link.modem.fs.read(4, MODEM_CA_FILE) == stranger.ca_pem
    assert link.modem.tls.config(0).auth == 1  # type: ignore[attr-defined]
    with handshake_aborts_expected(), pytest.raises(HomeAssistantError) as caught:
        await call_service(hass, "get", url=url)
    assert caught.value.translation_placeholders["code"] == "715"

    # The CA is rotated with the admin action.
    ca_path.write_bytes(pki.ca_pem)
    result = await hass.services.async_call(
        DOMAIN, "install_ca", {"path": str(ca_path)}, blocking=True, return_response=True
    )
    assert result == {"file": MODEM_CA_FILE, "size": len(pki.ca_pem)}

    response = await call_service(hass, "get", url=url)
    assert response["content"] == "verified"
    await _unload(hass, entry)


async def test_data_attached_follows_the_pdp_context(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    sensor = entity_id(hass, "binary_sensor", "data_attached")
    coordinator = loaded_entry.runtime_data.coordinator
    assert hass.states.get(sensor).state == "on"  # brought up at setup

    drop_bearer(modem_link.modem)  # attached to the network, but no PDP context
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert modem_link.modem.network.attached
    assert hass.states.get(sensor).state == "off"


async def test_apn_credentials_are_redacted_in_diagnostics(
    hass: HomeAssistant, link_factory: Any
) -> None:
    link: ModemLink = await link_factory()
    entry = await _set_up(hass, link, **{CONF_APN_USERNAME: "dev", CONF_APN_PASSWORD: "s3cret"})

    data = await diagnostics.async_get_config_entry_diagnostics(hass, entry)

    assert "s3cret" not in str(data)
    assert "dev" not in str(data["entry"]["options"])
    await _unload(hass, entry)
