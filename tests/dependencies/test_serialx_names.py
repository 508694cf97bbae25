"""Every serialx name the integration uses exists in the serialx under test.

scripts/test runs this file (with the transport and config-flow tests) once more for each serialx
version the integration promises to support that the main run did not have: manifest.json's floor,
which the oldest Home Assistant in hacs.json pins, and the newest release. A name that only newer
serialx releases have fails here even when no test reaches the line that uses it.
"""

import ast
import importlib
import importlib.metadata
import json
import os
from pathlib import Path

from packaging.requirements import Requirement

INTEGRATION = Path(__file__).parents[2] / "custom_components" / "modem_http"

EXPECTED_VERSION_VARIABLE = "MODEM_HTTP_EXPECT_SERIALX"
"""Set by scripts/test's extra runs to the serialx version the run put first on sys.path."""


def serialx_names(source: str) -> set[str]:
    """Dotted names like `serialx.SerialException` that `source` imports or reads from serialx."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("serialx.")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "serialx":
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Attribute):
            chain = _dotted(node)
            if chain and chain.startswith("serialx."):
                names.add(chain)
    return names


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def missing_from_installed(names: set[str]) -> list[str]:
    """The names the installed serialx cannot resolve (module attributes or submodules)."""
    missing = []
    for name in sorted(names):
        parts = name.split(".")
        target: object = importlib.import_module(parts[0])
        for depth, part in enumerate(parts[1:], start=2):
            if hasattr(target, part):
                target = getattr(target, part)
                continue
            try:
                target = importlib.import_module(".".join(parts[:depth]))
            except ImportError:
                missing.append(name)
                break
    return missing


def test_every_serialx_name_the_integration_uses_exists_in_this_serialx() -> None:
    """The integration's code names only what the serialx under test provides."""
    used: set[str] = set()
    for path in sorted(INTEGRATION.rglob("*.py")):
        used |= serialx_names(path.read_text())

    assert "serialx.create_serial_connection" in used
    assert missing_from_installed(used) == [], (
        f"not in serialx {importlib.metadata.version('serialx')}"
    )


def test_this_serialx_is_the_version_the_run_is_for() -> None:
    """An extra run really imports the serialx it installed, and never one below the floor."""
    installed = importlib.metadata.version("serialx")
    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    (floor,) = [
        Requirement(line) for line in manifest["requirements"] if line.startswith("serialx")
    ]

    assert floor.specifier.contains(installed)
    expected = os.environ.get(EXPECTED_VERSION_VARIABLE)
    if expected is not None:
        assert installed == expected


def test_a_name_missing_from_serialx_is_found_however_it_is_written() -> None:
    """Attribute use, `from` imports and submodules are all checked, not only `serialx.x(...)`."""
    source = (
        "import serialx\n"
        "from serialx import SerialException, no_such_class\n"
        "from serialx.common import no_such_helper\n"
        "serialx.create_serial_connection\n"
        "serialx.no_such_function(serialx.common.SerialException)\n"
    )
    names = serialx_names(source)

    assert names == {
        "serialx.SerialException",
        "serialx.no_such_class",
        "serialx.common.no_such_helper",
        "serialx.create_serial_connection",
        "serialx.no_such_function",
        "serialx.common",
        "serialx.common.SerialException",
    }
    assert missing_from_installed(names) == [
        "serialx.common.no_such_helper",
        "serialx.no_such_class",
        "serialx.no_such_function",
    ]
