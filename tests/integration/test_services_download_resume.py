"""modem_http.download over a flaky line: cut, resumed, and shown on the progress sensor.

The stories: a user downloads a firmware image while the cable is pulled for a moment, the
network drops the data connection, the module restarts; the file lands whole, the answer and
the completed event say how many resumes it took. The file replaced on the server in between
arrives as its new version, whole. A line that keeps cutting the download ends in a translated
error, with no file and no temporary file left. Meanwhile the dashboard's transfer progress
sensor shows how far it got.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path

import pytest
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.modem_http.const import EVENT_DOWNLOAD_COMPLETED, EVENT_DOWNLOAD_FAILED
from modem_emulator.faults import ReadCut
from modem_emulator.resources import Answer, Resource, ResourceServer

from .conftest import ServiceModem, call_service, entity_id, refused_as_unsupported

pytestmark = pytest.mark.usefixtures("socket_enabled")

SIZE = 120_000
FIRMWARE = bytes((i * 13 + i // 509) % 256 for i in range(SIZE))
NEW_FIRMWARE = bytes((i * 7) % 253 for i in range(SIZE - 20_000))
STALL = 0.3
"""Seconds a resumable read may go without a byte here (5 s on real lines)."""

call = call_service


@pytest.fixture(autouse=True)
def quick_stall(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that stops is noticed at once, so the stories stay short."""
    monkeypatch.setattr("custom_components.modem_http.atmodem.download.READ_STALL", STALL)


@pytest.fixture
async def files() -> AsyncIterator[ResourceServer]:
    """A web server with ranges, ETags and Last-Modified, where files change on command."""
    async with ResourceServer() as server:
        await server.start()
        yield server


def cut_each_request(modem: ServiceModem, resource: Resource, *cuts: tuple[int, ReadCut]) -> None:
    """Cut the body read of the next requests for `resource`, one cut each, in order."""
    pending = list(cuts)
    answer = resource.answer

    def answer_and_arm(method: str, headers: Mapping[str, str]) -> Answer:
        if pending:
            at, kind = pending.pop(0)
            quiet = STALL if kind is ReadCut.QUIET else None
            modem.link.modem.faults.cut_read(at, kind, quiet_seconds=quiet)
        return answer(method, headers)

    resource.answer = answer_and_arm  # type: ignore[method-assign]


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary files a download may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def only_where_resumable(service_modem: ServiceModem) -> None:
    """A story of resuming, for a family that resumes (SIM7080's refusal has its own story)."""
    if not service_modem.resumable:
        pytest.skip("this family refuses to resume; see test_a_module_that_cannot_resume_...")


async def test_a_download_cut_three_ways_lands_whole_and_says_how_often_it_resumed(
    hass: HomeAssistant, service_modem: ServiceModem, files: ResourceServer, allowed: Path
) -> None:
    """The cable pulled, the data connection dropped, the module restarted: one whole file.

    Where a lost data connection cuts no read (the module holds the whole response), the
    module going quiet is the second cut instead.
    """
    only_where_resumable(service_modem)
    resource = files.add("/fw.bin", FIRMWARE)
    cut_each_request(
        service_modem,
        resource,
        (30_000, ReadCut.LINK),
        (20_000, ReadCut.BEARER if service_modem.bearer_cuts_reads else ReadCut.QUIET),
        (10_000, ReadCut.RESTART),
    )
    completed = async_capture_events(hass, EVENT_DOWNLOAD_COMPLETED)
    target = allowed / "fw.bin"

    response = await call(hass, "download", url=files.url("/fw.bin"), path=str(target), timeout=60)

    assert target.read_bytes() == FIRMWARE
    assert (response["status"], response["size"], response["resumes"]) == (200, SIZE, 3)
    assert [event.data["resumes"] for event in completed] == [3]
    assert leftovers(allowed) == []
    assert [request.status for request in resource.requests] == [200, 206, 206, 206]


async def test_a_file_replaced_between_cuts_arrives_as_its_new_version_whole(
    hass: HomeAssistant, service_modem: ServiceModem, files: ResourceServer, allowed: Path
) -> None:
    """Never the first half of one version and the rest of another."""
    only_where_resumable(service_modem)
    resource = files.add("/fw.bin", FIRMWARE)
    resource.replace_on_request(2, NEW_FIRMWARE)
    cut_each_request(service_modem, resource, (60_000, ReadCut.LINK))
    target = allowed / "fw.bin"

    response = await call(hass, "download", url=files.url("/fw.bin"), path=str(target))

    assert target.read_bytes() == NEW_FIRMWARE
    assert response["size"] == len(NEW_FIRMWARE)


async def test_a_line_that_keeps_cutting_gives_up_with_nothing_left(
    hass: HomeAssistant, service_modem: ServiceModem, files: ResourceServer, allowed: Path
) -> None:
    """Six cuts, five resumes allowed: a translated error, no file, no temporary file."""
    only_where_resumable(service_modem)
    resource = files.add("/fw.bin", FIRMWARE)
    cut_each_request(service_modem, resource, *[(15_000, ReadCut.LINK)] * 6)
    failed = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)
    target = allowed / "fw.bin"

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=files.url("/fw.bin"), path=str(target), timeout=60)

    assert raised.value.translation_key == "download_gave_up"
    assert raised.value.translation_placeholders == {"resumes": "5"}
    assert not target.exists()
    assert leftovers(allowed) == []
    assert [(event.data["error"], event.data["resumes"]) for event in failed] == [
        ("download_gave_up", 5)
    ]
    # The Last error sensor's record (the sensor itself may still be unavailable: the line
    # was just cut again).
    last = service_modem.entry.runtime_data.coordinator.stats.last
    assert last is not None
    assert last.error == "transfer_cut"


async def test_resume_off_fails_at_the_first_cut(
    hass: HomeAssistant, service_modem: ServiceModem, files: ResourceServer, allowed: Path
) -> None:
    resource = files.add("/fw.bin", FIRMWARE)
    cut_each_request(service_modem, resource, (15_000, ReadCut.LINK))
    target = allowed / "fw.bin"

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=files.url("/fw.bin"), path=str(target), resume=False)

    assert raised.value.translation_key == "modem_disconnected"
    assert len(resource.requests) == 1
    assert not target.exists()
    assert leftovers(allowed) == []


async def test_a_modem_file_download_cut_by_the_line_is_fetched_again_whole(
    hass: HomeAssistant, service_modem: ServiceModem, files: ResourceServer
) -> None:
    """The module stores the body itself; after a hang-up it fetches the file whole again."""
    files.add("/fw.bin", FIRMWARE)
    if not service_modem.module_files:
        await refused_as_unsupported(
            hass, service_modem, "download", url=files.url("/fw.bin"), modem_file="fw.bin"
        )
        return
    emulated = service_modem.link.modem
    command = "+HTTPACTION" if service_modem.dialect == "simcom" else "+HTTPGET"
    start_request = emulated.handler_for(command)
    assert start_request is not None
    hang_ups = [True]

    async def hang_up_once(modem: object, request: object) -> object:
        if hang_ups:
            hang_ups.pop()
            emulated.faults.drop_connection()
            return None
        return await start_request(modem, request)  # type: ignore[arg-type]

    emulated.register(command, hang_up_once)  # type: ignore[arg-type]

    response = await call(hass, "download", url=files.url("/fw.bin"), modem_file="fw.bin")

    assert (response["size"], response["resumes"]) == (SIZE, 1)
    assert service_modem.modem_file("fw.bin") == FIRMWARE


async def test_a_module_that_cannot_resume_says_so_and_a_cut_download_leaves_nothing(
    hass: HomeAssistant, service_modem: ServiceModem, files: ResourceServer, allowed: Path
) -> None:
    """SIM7080: `resume: true` is refused with the module's reason; without it a cut fails whole."""
    if service_modem.resumable:
        pytest.skip("this family resumes; the stories above cover it")
    resource = files.add("/fw.bin", FIRMWARE)
    target = allowed / "fw.bin"
    await refused_as_unsupported(
        hass, service_modem, "download", url=files.url("/fw.bin"), path=str(target), resume=True
    )
    cut_each_request(service_modem, resource, (30_000, ReadCut.LINK))

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=files.url("/fw.bin"), path=str(target))

    assert raised.value.translation_key == "modem_disconnected"
    assert [request.status for request in resource.requests] == [200]
    assert not target.exists()
    assert leftovers(allowed) == []


# ------------------------------------------------------------------ the progress sensor


async def progress_states(
    hass: HomeAssistant, entity: str, run: Callable[[], Awaitable[object]]
) -> list[State]:
    """Every state the progress sensor showed while `run` ran (and its last one)."""
    seen: list[State] = []

    @callback
    def note(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen.append(state)

    remove = async_track_state_change_event(hass, [entity], note)
    try:
        await run()
        await hass.async_block_till_done()
    finally:
        remove()
    return seen


async def test_a_long_download_shows_its_progress_then_idle(
    hass: HomeAssistant,
    service_modem_factory: Callable[..., Awaitable[ServiceModem]],
    files: ResourceServer,
    allowed: Path,
) -> None:
    """Through a line of 460,800 baud the download takes about three seconds."""
    modem = await service_modem_factory("simcom", baud=460_800)
    files.add("/fw.bin", FIRMWARE)
    target = allowed / "fw.bin"
    imei = modem.entry.unique_id
    assert imei is not None
    sensor = entity_id(hass, "sensor", "transfer_progress", imei)
    idle = hass.states.get(sensor)
    assert idle is not None
    assert (idle.state, idle.attributes["activity"]) == ("0", "idle")

    shown = await progress_states(
        hass,
        sensor,
        lambda: call(hass, "download", url=files.url("/fw.bin"), path=str(target), timeout=60),
    )

    *running, last = shown
    assert running, "a three-second download shows at least once"
    for state in running:
        assert state.attributes["activity"] == "download"
        assert state.attributes["target"] == str(target)
        assert state.attributes["bytes_total"] == SIZE
        assert 0 <= state.attributes["bytes_done"] <= SIZE
        assert float(state.state) == pytest.approx(
            100 * state.attributes["bytes_done"] / SIZE, abs=0.1
        )
    assert (last.state, last.attributes["activity"]) == ("0", "idle")
    assert "bytes_done" not in last.attributes
