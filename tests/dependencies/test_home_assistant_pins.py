"""The suite runs the library versions a stock Home Assistant runs, or it proves nothing for users.

Home Assistant installs this integration's requirements under its `package_constraints.txt`;
scripts/setup installs the test environment the same way, and these tests hold it to that.
"""

import importlib.metadata

from packaging.requirements import Requirement

from scripts.check_pins import constraints_path, installed_versions, off_pin, parse_pins


def test_every_installed_package_home_assistant_pins_is_at_its_pin() -> None:
    """serialx, aiohttp, bleak, ...: whatever is installed and pinned runs at the pinned version."""
    pins = parse_pins(constraints_path().read_text())

    assert off_pin(pins, installed_versions()) == []
    assert "serialx" in pins, "Home Assistant no longer pins serialx; revisit the floor"


def test_serialx_is_installed_at_home_assistants_pin() -> None:
    """The suite's serialx is the one users of this Home Assistant get (not merely absent)."""
    pinned = parse_pins(constraints_path().read_text())["serialx"]

    assert pinned.specifier.contains(importlib.metadata.version("serialx"))


def test_a_package_off_its_pin_is_reported_with_both_versions() -> None:
    """A test requirement that drags a newer library in is named, with what Home Assistant wants."""
    pins = parse_pins(
        "# comment line\n"
        "serialx==1.11.0\n"
        "Bleak==3.0.2  # trailing comment\n"
        "uuid==1000000000.0.0\n"
        "httplib2>=0.19.0\n"
    )
    installed = {"serialx": "1.15.1", "bleak": "3.0.2", "httplib2": "0.18.0", "pytest": "9.0.3"}

    assert off_pin(pins, installed) == [
        "httplib2 0.18.0 installed, Home Assistant pins >=0.19.0",
        "serialx 1.15.1 installed, Home Assistant pins ==1.11.0",
    ]


def test_constraints_for_another_platform_do_not_apply() -> None:
    """A pin behind an environment marker that is false here is ignored, as pip ignores it."""
    pins = parse_pins('pywin32==311; sys_platform == "win32"\nanyio==4.14.2\n')

    assert set(pins) == {"anyio"}
    assert pins["anyio"] == Requirement("anyio==4.14.2")
