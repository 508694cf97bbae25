"""What the recorder keeps of the transfer progress sensor: the percentage and the activity.

The byte counts, the rate and the target change with every update and are worth nothing in a
week's history, so they stay out of the database.
"""

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.modem_http.atmodem.progress import Direction

from .conftest import ServiceModem, entity_id

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder is set up before Home Assistant starts (it must come first)."""


async def test_the_recorder_keeps_the_percentage_not_the_byte_counts(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    service_modem: ServiceModem,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Byte counts and the rate change at every update and are worth nothing in the history."""
    imei = service_modem.entry.unique_id
    assert imei is not None
    sensor = entity_id(hass, "sensor", "transfer_progress", imei)
    started = dt_util.utcnow()
    transfers = service_modem.entry.runtime_data.transfers
    with transfers.track(Direction.DOWNLOAD, "download", "/media/fw.bin") as progress:
        progress.total = 1_000
        progress.received(500)
        freezer.tick(timedelta(seconds=2))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    history = await recorder_mock.async_add_executor_job(
        get_significant_states, hass, started, None, [sensor]
    )

    recorded = {state.state: dict(state.attributes) for state in history[sensor]}
    assert recorded["50.0"]["activity"] == "download"
    assert recorded["0"]["activity"] == "idle"
    for attributes in recorded.values():
        assert not {"bytes_done", "bytes_total", "rate", "target", "resumes"} & set(attributes)
