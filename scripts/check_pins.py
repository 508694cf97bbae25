"""List installed packages whose version differs from Home Assistant's pin; exit 1 if any.

A user's Home Assistant installs this integration's requirements under its own
`homeassistant/package_constraints.txt`, and its own integrations' requirements at those pins too.
The test suite and `scripts/develop` must run the same versions, or they prove things about a
library no user has. `scripts/setup` runs this after installing; `tests/test_dependency_pins.py`
runs it with the suite.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name


def constraints_path() -> Path:
    """The installed Home Assistant's constraints file."""
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("Home Assistant is not installed")
    return Path(spec.submodule_search_locations[0]) / "package_constraints.txt"


def parse_pins(text: str) -> dict[str, Requirement]:
    """Every constraint that applies to this interpreter, by canonical package name."""
    pins: dict[str, Requirement] = {}
    for raw_line in text.splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as err:
            raise ValueError(f"unreadable constraint {line!r}") from err
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def installed_versions() -> dict[str, str]:
    """Installed distributions in this interpreter, by canonical name (first on sys.path wins)."""
    found: dict[str, str] = {}
    for distribution in importlib.metadata.distributions():
        found.setdefault(canonicalize_name(distribution.metadata["Name"]), distribution.version)
    return found


def off_pin(pins: Mapping[str, Requirement], installed: Mapping[str, str]) -> list[str]:
    """One line per installed package whose version the pins do not allow."""
    return [
        f"{name} {installed[name]} installed, Home Assistant pins {pins[name].specifier}"
        for name in sorted(pins.keys() & installed.keys())
        if not pins[name].specifier.contains(installed[name], prereleases=True)
    ]


def main() -> int:
    """Print every package off its pin; the exit status says whether there was one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--as-requirements",
        action="store_true",
        help="print them as requirements that would move them to the pins (name==version)",
    )
    args = parser.parse_args()
    pins = parse_pins(constraints_path().read_text())
    installed = installed_versions()
    problems = off_pin(pins, installed)
    if args.as_requirements:
        problems = [str(pins[line.split(" ", 1)[0]]) for line in problems]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
