"""The transfer progress sensor: written on a slow clock, quick requests never shown, idle after.

The library moves a transfer's counter for every block that crosses the serial line; these
stories move it the same way (as a long download would) while the clock is stepped by hand, to
show what the sensor writes and when (test_progress_recorder.py: what the recorder keeps).
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.modem_http.atmodem.progress import Direction

from .conftest import ServiceModem, entity_id

pytestmark = pytest.mark.usefixtures("socket_enabled")

TICK = timedelta(seconds=2)


@pytest.fixture
def shown(hass: HomeAssistant, service_modem: ServiceModem) -> Iterator[list[State]]:
    """Every state the modem's progress sensor writes from now on."""
    seen: list[State] = []

    @callback
    def note(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen.append(state)

    remove = async_track_state_change_event(hass, [sensor_of(hass, service_modem)], note)
    yield seen
    remove()


def sensor_of(hass: HomeAssistant, modem: ServiceModem) -> str:
    """The modem's transfer progress sensor."""
    imei = modem.entry.unique_id
    assert imei is not None
    return entity_id(hass, "sensor", "transfer_progress", imei)


async def step(hass: HomeAssistant, freezer: FrozenDateTimeFactory, by: timedelta) -> None:
    """Let `by` pass on the clock; whatever was due runs."""
    freezer.tick(by)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_a_long_download_is_written_once_per_tick_however_many_blocks_arrive(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    freezer: FrozenDateTimeFactory,
    shown: list[State],
) -> None:
    transfers = service_modem.entry.runtime_data.transfers
    with transfers.track(Direction.DOWNLOAD, "download", "/media/fw.bin") as progress:
        progress.total = 100_000
        for done in range(0, 40_001, 1_000):  # forty blocks in the first two seconds
            progress.received(done)
        await hass.async_block_till_done()
        assert shown == []  # nothing yet: a quick request never shows

        await step(hass, freezer, TICK)
        assert len(shown) == 1
        assert shown[-1].state == "40.0"
        assert shown[-1].attributes["bytes_done"] == 40_000
        assert shown[-1].attributes["rate"] is None  # no earlier sample to measure against

        for done in range(40_000, 60_001, 1_000):
            progress.received(done)
        await step(hass, freezer, TICK / 2)
        assert len(shown) == 1  # not before the next tick

        await step(hass, freezer, TICK / 2)
        assert [state.state for state in shown] == ["40.0", "60.0"]
        assert shown[-1].attributes["rate"] == 10_000  # 20,000 bytes in two seconds
    await hass.async_block_till_done()

    assert [state.state for state in shown] == ["40.0", "60.0", "0"]
    assert shown[-1].attributes["activity"] == "idle"


async def test_a_quick_request_never_shows(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    freezer: FrozenDateTimeFactory,
    shown: list[State],
) -> None:
    transfers = service_modem.entry.runtime_data.transfers
    with transfers.track(Direction.DOWNLOAD, "get", "http://example.org/") as progress:
        progress.total = 200
        progress.received(200)
        await step(hass, freezer, TICK / 4)
    await step(hass, freezer, TICK)

    assert shown == []


async def test_an_upload_shows_the_bytes_sent(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    freezer: FrozenDateTimeFactory,
    shown: list[State],
) -> None:
    transfers = service_modem.entry.runtime_data.transfers
    with transfers.track(Direction.UPLOAD, "post_file", "/media/snapshot.jpg") as progress:
        progress.total = 50_000
        progress.sent(12_500)
        progress.received(999)  # the answer's body does not count for an upload
        await step(hass, freezer, TICK)

    assert shown[0].state == "25.0"
    assert shown[0].attributes["activity"] == "post_file"
    assert shown[0].attributes["bytes_done"] == 12_500
