"""Download edge cases: contradictory targets, error pages kept off the modem, secrets in events."""

from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.modem_http.const import EVENT_DOWNLOAD_FAILED

from .conftest import FarEnd, ServiceModem, call_service, refused_as_unsupported

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_a_download_goes_to_a_local_path_or_a_modem_file_not_both(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, tmp_path: Path
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await call_service(
            hass,
            "download",
            url=far_end.url("/binary"),
            path=str(tmp_path / "x.bin"),
            modem_file="x.bin",
        )

    assert raised.value.translation_key == "path_or_modem_file"
    assert far_end.requests == []


async def test_an_error_page_fetched_into_the_modem_is_reported_as_such(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    if not service_modem.module_files:
        data = {"url": far_end.url("/missing"), "modem_file": "fw.bin"}
        await refused_as_unsupported(hass, service_modem, "download", **data)
        return
    with pytest.raises(HomeAssistantError) as raised:
        await call_service(hass, "download", url=far_end.url("/missing"), modem_file="fw.bin")

    assert raised.value.translation_key == "download_bad_status"
    assert raised.value.translation_placeholders == {"status": "404"}


async def test_a_password_in_the_url_never_reaches_the_event_bus(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    failed = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)
    url = far_end.closed_url("/x").replace("http://", "http://user:s3cret@")

    with pytest.raises(HomeAssistantError):
        await call_service(hass, "download", url=url, path=str(tmp_path / "x.bin"))

    assert len(failed) == 1
    assert "s3cret" not in failed[0].data["url"]
    assert "user:***@127.0.0.1" in failed[0].data["url"]
