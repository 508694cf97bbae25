"""Shared fixtures: every test may load custom integrations from custom_components/."""

import asyncio
from pathlib import Path

import pytest

LIBRARY_ONLY_STORIES = frozenset({"atmodem", "emulator", "soak"})
"""Test folders whose stories run the library and the emulator alone, with no Home Assistant."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant's loader see custom_components/modem_http in every test."""


@pytest.fixture(autouse=True)
async def enable_event_loop_debug(request: pytest.FixtureRequest) -> None:
    """Turn on asyncio's debug mode wherever Home Assistant runs, as its test plugin does.

    Debug mode makes a call into the event loop from the wrong thread fail, which is what it is for
    in Home Assistant's tests. It also records a stack for every callback scheduled, and the
    library's stories schedule one per chunk of bytes: off there, the suite needs about 35 of its
    215 CPU seconds less. They call no Home Assistant API, so they run without it; every story
    that starts Home Assistant (integration, hostile, e2e and the rest) keeps it.
    """
    story_folder = Path(request.node.path).relative_to(Path(__file__).parent).parts[0]
    if story_folder not in LIBRARY_ONLY_STORIES:
        asyncio.get_running_loop().set_debug(True)
