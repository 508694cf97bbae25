"""The file services under attack and under failure, through Home Assistant's service calls.

Stories: a template builds a path out of the allow-list (`..`, absolute, symlinks to outside, a
NUL byte, an overlong name) for `modem_http.post_file` or `modem_http.download`: refused, the far
end never asked, nothing outside touched. A download is cut at every step of its conversation (the
cable pulled, the modem rebooting mid-reply): never a partial file under the target name, never a
temporary file left, the request counters never go backwards, and the modem works afterwards.
"""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.modem_http.coordinator import RequestStats
from modem_emulator.commands import AtRequest
from modem_emulator.core import EmulatedModem
from tests.integration.conftest import FarEnd, ServiceModem, call_service

pytestmark = pytest.mark.usefixtures("socket_enabled")

SECRET = "the neighbour's wifi password"


@pytest.fixture
def allowed(hass: HomeAssistant, tmp_path: Path) -> Path:
    """An allow-listed folder; its parent (tmp_path) holds the secret and is not allowed."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    (folder / "sub").mkdir()
    (tmp_path / "secret.txt").write_text(SECRET)
    (folder / "link_dir").symlink_to(tmp_path)
    (folder / "link_file").symlink_to(tmp_path / "secret.txt")
    (folder / "dangling").symlink_to(tmp_path / "not-yet.txt")
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


KNOWN_UNTRANSLATED: dict[str, str] = {}
"""Paths refused safely but with a raw error instead of a translated ServiceValidationError (none
left: the NUL byte and the overlong name are now refused as invalid_file_name)."""


HOSTILE_PATHS: dict[str, Callable[[Path], str]] = {
    "relative-escape": lambda allowed: "../../../../../../etc/passwd",
    "absolute": lambda allowed: "/etc/passwd",
    "dot-dot": lambda allowed: f"{allowed}/../secret.txt",
    "dot-dot-deep": lambda allowed: f"{allowed}/sub/../../secret.txt",
    "symlinked-folder": lambda allowed: f"{allowed}/link_dir/secret.txt",
    "symlinked-file": lambda allowed: f"{allowed}/link_file",
    "dangling-link": lambda allowed: f"{allowed}/dangling",
    "nul-byte": lambda allowed: f"{allowed}/x\x00/../../secret.txt",
    "overlong": lambda allowed: f"{allowed}/{'a' * 300}",
    "encoded-dot-dot": lambda allowed: f"{allowed}/%2e%2e/secret.txt",
}


def outside_snapshot(allowed: Path) -> dict[str, bytes]:
    """Every file next to the allowed folder (not in it), with its content."""
    return {
        p.name: p.read_bytes()
        for p in allowed.parent.iterdir()
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
async def simcom_modem(service_modem_factory: Callable[..., Any]) -> ServiceModem:
    """Paths are Home Assistant's business: one command family is enough for them."""
    modem: ServiceModem = await service_modem_factory("simcom")
    return modem


async def refused(hass: HomeAssistant, where: str, service: str, **data: Any) -> str:
    """Call the service; how it was refused (a known raw error is allowed, and named)."""
    try:
        await call_service(hass, service, **data)
    except ServiceValidationError as err:
        return str(err.translation_key)
    except (ValueError, OSError) as err:
        if where not in KNOWN_UNTRANSLATED:
            pytest.fail(f"{where}: untranslated {err!r}")
        return f"untranslated {type(err).__name__}"
    return "accepted"


async def test_hostile_paths_for_post_file_are_refused_before_the_modem_hears(
    hass: HomeAssistant, simcom_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """No file outside the allow-list is ever read and sent."""
    outcomes: dict[str, str] = {}
    for where, make in HOSTILE_PATHS.items():
        simcom_modem.sent.clear()
        outcomes[where] = await refused(
            hass, where, "post_file", url=far_end.url("/echo"), path=make(allowed)
        )
        assert far_end.requests == [], where
        assert b"HTTP" not in bytes(simcom_modem.sent), where

    print(outcomes)
    assert "accepted" not in outcomes.values(), outcomes


async def test_hostile_paths_for_download_write_nothing_outside(
    hass: HomeAssistant, simcom_modem: ServiceModem, far_end: FarEnd, allowed: Path
) -> None:
    """Even with overwrite, nothing outside changes: refused, or written inside the folder only.

    A symlink inside the folder that points out (`link_file`, `dangling`) is a name the folder
    holds; with overwrite the download must replace the link itself, never write through it.
    """
    before = outside_snapshot(allowed)
    outcomes: dict[str, str] = {}
    for where, make in HOSTILE_PATHS.items():
        far_end.requests.clear()
        path = make(allowed)
        outcomes[where] = await refused(
            hass, where, "download", url=far_end.url("/text"), path=path, overwrite=True
        )
        if outcomes[where] == "accepted":
            written = allowed / path.rpartition("/")[2]
            assert not written.is_symlink()
            assert written.read_text() == "hello from the far end"
        else:
            assert far_end.requests == [], where
        assert outside_snapshot(allowed) == before, where
        assert not (allowed.parent / "not-yet.txt").exists(), where
        assert [p.name for p in allowed.rglob("*.part")] == [], where

    # A link to a file outside resolves outside and is refused like any other escape; a dangling
    # link inside the folder is a name the folder holds, replaced by the download itself.
    accepted = {where for where, outcome in outcomes.items() if outcome == "accepted"}
    assert accepted == {"dangling-link"}, outcomes


# Where each dialect's download can be cut: (command, which call of it).
CUT_POINTS = {
    "simcom": [
        ("+HTTPINIT", 1),
        ("+HTTPPARA", 1),
        ("+HTTPACTION", 1),
        ("+HTTPHEAD", 1),
        ("+HTTPREAD", 1),
        ("+HTTPREAD", 3),
    ],
    "httpcfg": [("+HTTPCFG", 1), ("+HTTPURL", 1), ("+HTTPGET", 1), ("+HTTPREAD", 1)],
    "sim800": [
        ("+HTTPINIT", 1),
        ("+HTTPPARA", 1),
        ("+HTTPACTION", 1),
        ("+HTTPREAD", 1),
        ("+HTTPREAD", 3),
    ],
    "sim7080": [
        ("+SHCONF", 1),
        ("+SHCONN", 1),
        ("+SHREQ", 1),
        ("+SHREAD", 1),
        ("+SHREAD", 3),
    ],
}


def cut_once(emulator: EmulatedModem, command: str, call: int, action: str) -> list[int]:
    """At the `call`-th `command`: drop the line before it runs, or reboot right after its output.

    A reboot from inside the handler leaves its output (a data block, a result) on the line but
    never its final OK: the host sees the reply cut and RDY after it.
    """
    original = emulator.handler_for(command)
    assert original is not None
    calls: list[int] = []

    async def cutting(modem: EmulatedModem, request: AtRequest) -> Any:
        if request.kind not in ("set", "exec"):
            return await original(modem, request)
        calls.append(1)
        if len(calls) != call:
            return await original(modem, request)
        if action == "drop":
            modem.faults.drop_connection()
            return await original(modem, request)
        outcome = await original(modem, request)
        modem.reset()
        return outcome

    emulator.register(command, cutting)
    return calls


def never_backwards(before: RequestStats, after: RequestStats) -> None:
    """Totals only grow; exactly one request more was counted."""
    assert after.bytes_sent >= before.bytes_sent
    assert after.bytes_received >= before.bytes_received
    assert after.failures >= before.failures
    assert after.requests == before.requests + 1


@pytest.mark.parametrize("action", ["drop", "reset"])
async def test_a_download_cut_anywhere_leaves_no_partial_file(
    hass: HomeAssistant,
    service_modem: ServiceModem,
    far_end: FarEnd,
    allowed: Path,
    action: str,
) -> None:
    """The line goes, or the modem reboots, at each step in turn; then a clean download works.

    Resuming is off here: every cut must end the download with nothing left behind (a resumed
    download after such cuts is test_services_download_resume.py's story).
    """
    emulator = service_modem.link.modem
    coordinator = service_modem.entry.runtime_data.coordinator
    outcomes: list[str] = []
    for number, (command, call) in enumerate(CUT_POINTS[service_modem.dialect]):
        original = emulator.handler_for(command)
        calls = cut_once(emulator, command, call, action)
        target = allowed / f"firmware-{number}.bin"
        before = coordinator.stats
        started = asyncio.get_running_loop().time()
        try:
            await call_service(
                hass,
                "download",
                url=far_end.url("/big"),
                path=str(target),
                timeout=8,
                resume=False,
            )
        except HomeAssistantError as err:
            took = asyncio.get_running_loop().time() - started
            outcomes.append(f"{command}#{call}: {err.translation_key} ({took:.1f} s)")
            assert not target.exists(), f"partial file after a cut at {command}#{call}"
        else:
            outcomes.append(f"{command}#{call}: completed")
            assert target.read_bytes() == FarEnd.big_body()
        finally:
            assert original is not None
            emulator.register(command, original)
        assert len(calls) >= call, f"{command} was not called {call} times"
        assert [p.name for p in allowed.iterdir() if p.name.endswith(".part")] == []
        never_backwards(before, coordinator.stats)
        await wait_ready(service_modem)

    before = coordinator.stats
    clean = allowed / "clean.bin"
    await call_service(hass, "download", url=far_end.url("/big"), path=str(clean))
    assert clean.read_bytes() == FarEnd.big_body()
    never_backwards(before, coordinator.stats)
    print(outcomes)
    # Most cuts must have failed the download: a cut that cannot fail it proves nothing.
    assert sum(1 for o in outcomes if not o.endswith("completed")) >= len(outcomes) - 1, outcomes


async def wait_ready(service_modem: ServiceModem) -> None:
    """Let the modem finish its boot lines and the line come back before the next cut."""
    emulator = service_modem.link.modem
    modem = service_modem.entry.runtime_data.modem
    await emulator.wait_booted()
    await modem.engine.wait_for_link(10)


@pytest.mark.parametrize("service", ["download", "post_file", "install_ca"])
async def test_a_path_outside_the_allow_list_tells_nothing_about_what_exists(
    hass: HomeAssistant,
    simcom_modem: ServiceModem,
    far_end: FarEnd,
    allowed: Path,
    service: str,
) -> None:
    """A folder that exists (a `.ssh` in a home) and one that does not get the same answer.

    The allow-list is asked before the disk, so no answer (`the folder does not exist`, `not
    a file`, `cannot be read`) lets a caller map what is there outside it.
    """
    home = allowed.parent / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    answers: dict[str, tuple[str | None, str]] = {}
    for probe in (".ssh/id_ed25519", ".ssh/nothing", ".nothing/id_ed25519", ".ssh"):
        path = str(home / probe)
        source = {} if service == "install_ca" else {"url": far_end.url("/binary")}
        with pytest.raises(ServiceValidationError) as raised:
            await call_service(hass, service, path=path, **source)
        answers[probe] = (
            raised.value.translation_key,
            str(raised.value).replace(path, "<path>"),
        )

    assert set(answers.values()) == {
        (
            "path_not_allowed",
            "The path <path> is not in a folder listed in allowlist_external_dirs",
        )
    }, answers
    assert far_end.requests == []
