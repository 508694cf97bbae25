"""Print the packages a full development Home Assistant needs and `.venv` lacks, one per line.

`scripts/develop` runs `hass --skip-pip` (no surprise installs at start-up), so it installs these
itself, at exactly the versions the installed Home Assistant pins in its integrations' manifests
(and under its package_constraints.txt, for their dependencies), as Home Assistant would:

- `home-assistant-frontend`: without it Home Assistant starts in recovery mode, which skips
  custom integrations;
- the requirements of every integration Home Assistant always sets up (and their dependencies),
  plus history and logbook from config/configuration.yaml. Without them those integrations fail
  to load, and worse, the web UI cannot list services (Home Assistant imports `conversation`,
  `camera`, ... to describe them), so it never finishes loading.

A requirement counts as missing when its package is absent or at a version the manifest does not
allow. The test suite needs none of this: tests/e2e runs Home Assistant without the web UI.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import homeassistant.components
from homeassistant import bootstrap
from packaging.requirements import Requirement

EXTRA_DOMAINS = {"history", "logbook"}
"""Set up by config/configuration.yaml on top of Home Assistant's own defaults."""

COMPONENTS = Path(homeassistant.components.__path__[0])


def requirements_of(domain: str, seen: set[str]) -> list[str]:
    """A built-in integration's pinned requirements, its dependencies' included."""
    manifest_path = COMPONENTS / domain / "manifest.json"
    if domain in seen or not manifest_path.exists():
        return []
    seen.add(domain)
    manifest = json.loads(manifest_path.read_text())
    found: list[str] = list(manifest.get("requirements", []))
    for dependency in manifest.get("dependencies", []):
        found += requirements_of(dependency, seen)
    return found


def missing_requirements() -> list[str]:
    """Pinned requirements whose package is absent or at another version."""
    domains = (
        set(bootstrap.DEFAULT_INTEGRATIONS)
        | set(bootstrap.CORE_INTEGRATIONS)
        | set(bootstrap.LOGGING_AND_HTTP_DEPS_INTEGRATIONS)
        | EXTRA_DOMAINS
    )
    seen: set[str] = set()
    wanted: set[str] = set()
    for domain in sorted(domains):
        wanted.update(requirements_of(domain, seen))
    missing = []
    for line in sorted(wanted):
        requirement = Requirement(line)
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            missing.append(line)
    return missing


if __name__ == "__main__":
    for line in missing_requirements():
        print(line)
