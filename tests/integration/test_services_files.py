"""modem_http.post_file and modem_http.download: files on Home Assistant's disk and on the modem.

The stories: a user posts a camera snapshot from an allow-listed folder, or a log the modem keeps;
downloads a firmware image into an allow-listed folder (it appears only when complete) or into the
modem's own storage. Paths outside the allow-list, `..` tricks and symlinks leading out are refused
before the modem hears anything.
"""

import base64
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.modem_http.const import (
    EVENT_DOWNLOAD_COMPLETED,
    EVENT_DOWNLOAD_FAILED,
)
from modem_emulator.commands import AtRequest

from .conftest import FarEnd, ServiceModem, call_service, refused_as_unsupported

pytestmark = pytest.mark.usefixtures("socket_enabled")

SNAPSHOT = bytes(range(256)) * 8 + b"\r\nOK\r\n\x00tail"
"""Binary, with what looks like a modem final result inside: it must travel untouched."""


call = call_service


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary files a download may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# ------------------------------------------------------------------ post_file


async def test_post_file_sends_an_allowed_local_file(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """The file's bytes are the body; the echo comes back as base64 since it is binary."""
    snapshot = allowed / "snapshot.jpg"
    snapshot.write_bytes(SNAPSHOT)

    response = await call(
        hass,
        "post_file",
        url=far_end.url("/echo"),
        path=str(snapshot),
        content_type="image/jpeg",
        headers={"X-Camera": "front"},
    )

    seen = far_end.requests[-1]
    assert seen.body == SNAPSHOT
    assert seen.headers["Content-Type"] == "image/jpeg"
    assert seen.headers["X-Camera"] == "front"
    assert response["status"] == 200
    assert response["content_encoding"] == "base64"
    assert base64.b64decode(response["content"]) == SNAPSHOT


async def test_post_file_defaults_to_octet_stream(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """Without a content type the file is labelled application/octet-stream."""
    (allowed / "data.bin").write_bytes(b"\x01\x02\x03")

    await call(hass, "post_file", url=far_end.url("/echo"), path=str(allowed / "data.bin"))

    assert far_end.requests[-1].headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda allowed: allowed.parent / "secret.txt", id="outside"),
        pytest.param(lambda allowed: Path(f"{allowed}/../secret.txt"), id="dot-dot"),
        pytest.param(lambda allowed: allowed / "innocent.txt", id="symlink-out"),
    ],
)
async def test_post_file_outside_the_allow_list_is_refused(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    far_end: FarEnd,
    allowed: Path,
    make_path: Callable[[Path], Path],
) -> None:
    """Outside, `..` out, or a symlink inside pointing out: refused, nothing sent."""
    secret = allowed.parent / "secret.txt"
    secret.write_text("the neighbour's wifi password")
    (allowed / "innocent.txt").symlink_to(secret)
    service_modem.sent.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "post_file", url=far_end.url("/echo"), path=str(make_path(allowed)))

    assert raised.value.translation_key == "path_not_allowed"
    assert far_end.requests == []
    assert b"HTTP" not in bytes(service_modem.sent)


async def test_post_file_missing_or_too_large(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """A missing file and one larger than the modem takes are refused with what is wrong."""
    modem = service_modem.entry.runtime_data.modem
    huge = allowed / "huge.bin"
    with huge.open("wb") as file:
        file.truncate(modem.max_body + 1)

    with pytest.raises(ServiceValidationError) as missing:
        await call(hass, "post_file", url=far_end.url("/echo"), path=str(allowed / "nope.bin"))
    with pytest.raises(ServiceValidationError) as too_large:
        await call(hass, "post_file", url=far_end.url("/echo"), path=str(huge))
    with pytest.raises(ServiceValidationError) as a_folder:
        await call(hass, "post_file", url=far_end.url("/echo"), path=str(allowed))

    assert missing.value.translation_key == "file_not_found"
    assert too_large.value.translation_key == "body_too_large"
    assert too_large.value.translation_placeholders["max"] == str(modem.max_body)
    assert a_folder.value.translation_key == "not_a_file"
    assert far_end.requests == []


@pytest.mark.parametrize(
    "choice", [{}, {"path": "/tmp/x", "modem_file": "x.txt"}], ids=["neither", "both"]
)
async def test_post_file_needs_exactly_one_source(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, choice: dict[str, str]
) -> None:
    """Exactly one of a local path and a modem file is required."""
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "post_file", url=far_end.url("/echo"), **choice)

    assert raised.value.translation_key == "path_or_modem_file"


async def test_post_file_from_the_modem_storage(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A file the modem already holds is posted by name; the server gets its bytes."""
    if not service_modem.module_files:
        await refused_as_unsupported(
            hass, service_modem, "post_file", url=far_end.url("/echo"), modem_file="log.txt"
        )
        assert far_end.requests == []
        return
    service_modem.put_modem_file("log.txt", b"boot ok\nsignal -71 dBm\n")

    response = await call(hass, "post_file", url=far_end.url("/echo"), modem_file="log.txt")

    assert response["status"] == 200
    assert far_end.requests[-1].method == "POST"
    assert far_end.requests[-1].body == b"boot ok\nsignal -71 dBm\n"


async def test_post_file_modem_file_name_cannot_inject(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """A modem file name with a quote or line break never reaches the modem."""
    service_modem.sent.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "post_file", url=far_end.url("/echo"), modem_file='a"\r\nAT+CFUN=0')

    if service_modem.module_files:
        assert raised.value.translation_key == "request_rejected"
        assert raised.value.translation_placeholders["field"] == "modem_file"
    else:
        # No module files at all: refused for that, before the name is even looked at.
        assert raised.value.translation_key == "operation_unsupported"
    assert b"HTTP" not in bytes(service_modem.sent)
    assert b"CFUN" not in bytes(service_modem.sent)


# ------------------------------------------------------------------ download to a local file


async def test_download_writes_the_file_and_fires_completed(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """A 100 kB binary lands byte for byte under its name; automations hear about it."""
    completed = async_capture_events(hass, EVENT_DOWNLOAD_COMPLETED)
    target = allowed / "firmware.bin"

    response = await call(hass, "download", url=far_end.url("/big"), path=str(target))

    assert target.read_bytes() == FarEnd.big_body()
    assert response == {
        "status": 200,
        "path": str(target),
        "size": FarEnd.BIG_SIZE,
        "resumes": 0,
        "elapsed": response["elapsed"],
        "queued": response["queued"],
    }
    # A status poll or the SIM inbox's start-up scan may hold the modem for a moment, so only
    # the field itself is certain.
    assert response["queued"] >= 0
    assert leftovers(allowed) == []
    assert [event.data for event in completed] == [
        {
            "url": far_end.url("/big"),
            "filename": str(target),
            "config_entry_id": service_modem.entry.entry_id,
            "size": FarEnd.BIG_SIZE,
            "status": 200,
            "resumes": 0,
        }
    ]


async def test_download_refuses_to_overwrite_unless_asked(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """An existing file is kept (and nothing fetched); overwrite=true replaces it."""
    failed = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)
    target = allowed / "page.txt"
    target.write_text("keep me")

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "download", url=far_end.url("/text"), path=str(target))

    assert raised.value.translation_key == "file_exists"
    assert target.read_text() == "keep me"
    assert far_end.requests == []
    assert [event.data["error"] for event in failed] == ["file_exists"]

    await call(hass, "download", url=far_end.url("/text"), path=str(target), overwrite=True)

    assert target.read_text() == "hello from the far end"
    assert leftovers(allowed) == []


async def test_interrupted_download_without_resume_leaves_nothing_under_the_target_name(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """The modem drops off the line while the body is read, resume off: no file, no temp file."""
    failed = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)
    modem = service_modem.link.modem
    read = modem.handler_for(service_modem.read_command)
    assert read is not None
    # Cut on the third read (the whole body is one read of the AT+HTTPCFG family's), once part of
    # the body sits in the temp file: SIMCom and SIM800 read 32 KiB at a time, SIM7080 16 KiB.
    cut_at = 1 if service_modem.dialect == "httpcfg" else 3
    reads: list[int] = []
    partial_files: list[list[str]] = []

    async def read_then_hang_up(emulated: Any, request: AtRequest) -> Any:
        if request.kind == "set":
            reads.append(1)
            if len(reads) == cut_at:
                partial_files.append(leftovers(allowed))
                emulated.faults.drop_connection()
        return await read(emulated, request)

    modem.register(service_modem.read_command, read_then_hang_up)
    target = allowed / "firmware.bin"

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=far_end.url("/big"), path=str(target), resume=False)

    assert raised.value.translation_key == "modem_disconnected"
    assert len(partial_files) == 1
    assert len(partial_files[0]) == 1  # the transfer was under way in a temp file
    assert not target.exists()
    assert leftovers(allowed) == []
    assert [event.data["filename"] for event in failed] == [str(target)]


async def test_download_to_a_folder_that_vanishes_reports_the_disk(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """The USB stick is pulled while the body is read: a clear disk error, no stray file."""
    stick = allowed / "usb"
    stick.mkdir()
    modem = service_modem.link.modem
    read = modem.handler_for(service_modem.read_command)
    assert read is not None

    async def read_while_stick_is_pulled(emulated: Any, request: AtRequest) -> Any:
        if stick.exists():
            shutil.rmtree(stick)
        return await read(emulated, request)

    modem.register(service_modem.read_command, read_while_stick_is_pulled)

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=far_end.url("/text"), path=str(stick / "page.txt"))

    assert raised.value.translation_key == "file_write_failed"
    assert not stick.exists()
    assert leftovers(allowed) == []
    # The modem itself is fine: the next request works.
    assert (await call(hass, "get", url=far_end.url("/text")))["status"] == 200


async def test_download_of_an_error_page_saves_nothing(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """A 404 body is not the file the user asked for."""
    target = allowed / "report.pdf"

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=far_end.url("/missing"), path=str(target))

    assert raised.value.translation_key == "download_bad_status"
    assert raised.value.translation_placeholders == {"status": "404"}
    assert not target.exists()
    assert leftovers(allowed) == []


async def test_download_from_an_unreachable_host(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """The modem's connect error is reported, with its code, and the failed event fired."""
    failed = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)
    target = allowed / "x.bin"

    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "download", url=far_end.closed_url("/x"), path=str(target))

    assert raised.value.translation_key == "modem_http_error"
    assert raised.value.translation_placeholders["code"] == service_modem.codes["connect"]
    assert not target.exists()
    assert leftovers(allowed) == []
    assert failed[0].data["error"] == "modem_http_error"
    assert failed[0].data["modem_code"] == int(service_modem.codes["connect"])


@pytest.mark.parametrize(
    ("make_path", "key"),
    [
        pytest.param(lambda allowed: allowed.parent / "x.bin", "path_not_allowed", id="outside"),
        pytest.param(lambda allowed: Path(f"{allowed}/../x.bin"), "path_not_allowed", id="dot-dot"),
        pytest.param(lambda allowed: allowed / "link" / "x.bin", "path_not_allowed", id="symlink"),
        pytest.param(lambda allowed: allowed / "no" / "x.bin", "directory_not_found", id="no-dir"),
        pytest.param(lambda allowed: allowed / "sub", "path_is_directory", id="a-dir"),
    ],
)
async def test_download_target_must_be_a_file_in_an_allowed_folder(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    far_end: FarEnd,
    allowed: Path,
    make_path: Callable[[Path], Path],
    key: str,
) -> None:
    """Where the file would go is checked before anything is fetched."""
    (allowed / "sub").mkdir()
    (allowed / "link").symlink_to(allowed.parent)
    failed: list[Event] = async_capture_events(hass, EVENT_DOWNLOAD_FAILED)

    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "download", url=far_end.url("/text"), path=str(make_path(allowed)))

    assert raised.value.translation_key == key
    assert far_end.requests == []
    assert not (allowed.parent / "x.bin").exists()
    assert len(failed) == 1


# ------------------------------------------------------------------ download into the modem


async def test_download_into_the_modem_storage(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The modem stores the body itself; Home Assistant's disk is not involved."""
    completed = async_capture_events(hass, EVENT_DOWNLOAD_COMPLETED)
    if not service_modem.module_files:
        await refused_as_unsupported(
            hass, service_modem, "download", url=far_end.url("/binary"), modem_file="fw.bin"
        )
        assert far_end.requests == []
        assert completed == []
        return

    response = await call(hass, "download", url=far_end.url("/binary"), modem_file="fw.bin")

    assert service_modem.modem_file("fw.bin") == FarEnd.BINARY
    assert response["status"] == 200
    assert response["modem_file"] == "fw.bin"
    assert response["size"] == len(FarEnd.BINARY)
    assert completed[0].data["filename"] == "fw.bin"


async def test_download_into_the_modem_refuses_headers(
    hass: HomeAssistant, service_modem: ServiceModem, far_end: FarEnd
) -> None:
    """The modem's own file download cannot carry extra headers: say so instead of dropping them."""
    with pytest.raises(ServiceValidationError) as raised:
        await call(
            hass,
            "download",
            url=far_end.url("/binary"),
            modem_file="fw.bin",
            headers={"Authorization": "Bearer t"},
        )

    assert raised.value.translation_key == "request_rejected"
    assert far_end.requests == []
