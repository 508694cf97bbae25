"""The admin actions when things go wrong, and the CA the modem fetches itself."""

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.modem_http.const import MODEM_CA_FILE

from .conftest import FarEnd, ModemLink, call_service

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_send_command_to_a_modem_that_stopped_answering_is_a_timeout(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    """The modem hangs: the command ends at its timeout, and the modem answers once it is back."""
    modem_link.modem.faults.stop_answering()

    with pytest.raises(HomeAssistantError) as caught:
        await call_service(hass, "send_command", command="AT+CSQ", timeout=1)

    assert caught.value.translation_key == "modem_timeout"
    modem_link.modem.faults.resume()
    answer = await call_service(hass, "send_command", command="AT+CSQ", timeout=5)
    assert answer["final"] == "OK"


async def test_install_ca_needs_a_file_or_a_url(hass: HomeAssistant, loaded_entry: Any) -> None:
    """Neither a path nor a URL: nothing to install, and the call says what it needs."""
    with pytest.raises(ServiceValidationError) as caught:
        await call_service(hass, "install_ca")
    assert caught.value.translation_key == "ca_source_required"


async def test_a_page_that_is_not_a_ca_is_never_stored(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink, far_end: FarEnd
) -> None:
    """The URL answers a text page: checked before the modem stores it, and refused."""
    with pytest.raises(ServiceValidationError) as caught:
        await call_service(hass, "install_ca", url=far_end.url("/text"))

    assert caught.value.translation_key == "invalid_certificate"
    assert not modem_link.modem.fs.exists(4, MODEM_CA_FILE)
    assert [r.path for r in far_end.requests] == ["/text"]


async def test_a_ca_url_the_modem_cannot_reach_is_the_modems_error(
    hass: HomeAssistant, loaded_entry: Any, far_end: FarEnd
) -> None:
    """Nothing listens at the URL: the modem's own connect error, with its number."""
    with pytest.raises(HomeAssistantError) as caught:
        await call_service(hass, "install_ca", url=far_end.closed_url("/ca.pem"))

    assert caught.value.translation_key == "modem_http_error"
    assert caught.value.translation_placeholders["code"] == "714"
