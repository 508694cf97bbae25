"""The end-to-end stack: a far end, the modem emulator and a real Home Assistant, as processes.

One stack per test module (Home Assistant takes seconds to start; the restart test restarts it
once more). Setting it up is the user's first day: onboarding over HTTP, then the config flow over
the REST API the "Add integration" dialog uses; the steps are kept so a test can check them.

Every process runs in its own process group and is stopped by the fixture's finalizer, whatever
happened; nothing here starts a thread in the test process (the plugin's `verify_cleanup` checks).
"""

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from scripts.ha_api import HomeAssistantApi

from .home_assistant import REPO_ROOT, HomeAssistantProcess, deadline_in
from .processes import ManagedProcess, free_port, sockets_allowed

DOMAIN = "modem_http"
START_TIMEOUT = 90.0
"""Seconds any one process may take to come up (generous: a loaded 2-core CI machine)."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker so `-m "not e2e"` deselects these tests."""
    config.addinivalue_line("markers", "e2e: end-to-end tests with a real Home Assistant process")


def run_async[T](coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a private loop, leaving the test's own loop and thread set untouched."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


@dataclass
class E2EStack:
    """Everything a test needs to talk to the running stack."""

    ha: HomeAssistantProcess
    emulator: ManagedProcess
    far_end: ManagedProcess
    far_end_url: str
    modem_url: str
    token: str = ""
    flow_form: dict[str, Any] = field(default_factory=dict)
    flow_result: dict[str, Any] = field(default_factory=dict)
    entry_id: str = ""
    entities: dict[str, str] = field(default_factory=dict)
    """translation_key -> entity_id of the modem's entities."""

    async def login(self, session: aiohttp.ClientSession) -> HomeAssistantApi:
        """An API client logged in as the onboarded owner (fresh token after a restart)."""
        api = HomeAssistantApi(self.ha.base_url, session)
        await api.login()
        self.token = api.token or ""
        return api

    async def wait_until_loaded(self, api: HomeAssistantApi, deadline: float) -> dict[str, Any]:
        """Poll until the modem's config entry is loaded; return the entry."""
        entry: dict[str, Any] = {}
        while time.monotonic() < deadline:
            entries = await api.config_entries(DOMAIN)
            if entries and (entry := entries[0])["state"] == "loaded":
                return entry
            await asyncio.sleep(0.25)
        raise TimeoutError(f"config entry not loaded in time: {entry}")

    async def wait_for_states(
        self, api: HomeAssistantApi, deadline: float, *keys: str
    ) -> dict[str, dict[str, Any]]:
        """Poll until the given entities have a state other than unavailable/unknown."""
        states: dict[str, dict[str, Any]] = {}
        while time.monotonic() < deadline:
            states = {s["entity_id"]: s for s in await api.states()}
            wanted = [states.get(self.entities[key], {}).get("state") for key in keys]
            if all(value not in (None, "unavailable", "unknown") for value in wanted):
                return states
            await asyncio.sleep(0.25)
        raise TimeoutError(
            "states not ready: "
            + str({key: states.get(self.entities[key], {}).get("state") for key in keys})
        )

    async def wait_for_state(
        self, api: HomeAssistantApi, key: str, check: Callable[[str], bool], deadline: float
    ) -> str:
        """Poll one entity until `check(state)` holds; return the state (last seen on timeout).

        Service calls return before every listener has written its state, so tests wait for
        the state they expect instead of reading once; the caller's assert reports a miss.
        """
        state = ""
        while time.monotonic() < deadline:
            state = (await api.state(self.entities[key]))["state"]
            with contextlib.suppress(ValueError):
                if check(state):
                    return state
            await asyncio.sleep(0.2)
        return state


async def _first_day(stack: E2EStack, deadline: float) -> None:
    """Onboard, add the modem through the config flow, wait for its entities."""
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(stack.ha.base_url, session)
        await api.wait_until_up(deadline)
        await api.onboard()
        stack.token = api.token or ""
        # Our `http:` port is migrated into storage as a pending configuration; confirm it as
        # the UI's dialog would, or Home Assistant reverts to port 8123 a few minutes later.
        await api.confirm_http_config()
        stack.flow_form = await api.start_flow(DOMAIN)
        stack.flow_result = await api.flow_step(
            stack.flow_form["flow_id"],
            {"device": stack.modem_url, "baudrate": "115200", "dialect": "auto"},
        )
        if stack.flow_result.get("type") != "create_entry":
            return  # the config-flow test reports what the form said instead
        entry = await stack.wait_until_loaded(api, deadline)
        stack.entry_id = entry["entry_id"]
        while time.monotonic() < deadline:
            registry = await api.entity_registry()
            stack.entities = {
                item["translation_key"]: item["entity_id"]
                for item in registry
                if item.get("config_entry_id") == stack.entry_id and item.get("translation_key")
            }
            if stack.entities:
                break
            await asyncio.sleep(0.25)


@pytest.fixture(scope="module")
def e2e_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EStack]:
    """Far end, emulator and Home Assistant running, onboarded, with the modem added."""
    base = tmp_path_factory.mktemp("e2e")
    started: list[ManagedProcess | HomeAssistantProcess] = []
    try:
        with sockets_allowed():
            far_port, modem_port, ha_port = free_port(), free_port(), free_port()
            while len({far_port, modem_port, ha_port}) < 3:
                modem_port, ha_port = free_port(), free_port()
            python = sys.executable
            far_end = ManagedProcess(
                "far end",
                [python, "-m", "scripts.echo_server", "--listen", f"127.0.0.1:{far_port}"],
                base / "far_end.log",
                cwd=REPO_ROOT,
            )
            started.append(far_end)
            modem_at = f"127.0.0.1:{modem_port}"
            emulator = ManagedProcess(
                "modem emulator",
                [python, "-m", "modem_emulator", "--dialect", "simcom", "--listen", modem_at],
                base / "emulator.log",
                cwd=REPO_ROOT,
            )
            started.append(emulator)
            ha = HomeAssistantProcess(base, ha_port)
            started.append(ha)
            deadline = deadline_in(START_TIMEOUT)
            far_end.wait_for_port(far_port, deadline)
            emulator.wait_for_port(modem_port, deadline)
            ha.start(deadline_in(START_TIMEOUT))
            stack = E2EStack(
                ha=ha,
                emulator=emulator,
                far_end=far_end,
                far_end_url=f"http://127.0.0.1:{far_port}",
                modem_url=f"socket://127.0.0.1:{modem_port}",
            )
            run_async(_first_day(stack, deadline_in(START_TIMEOUT)))
        yield stack
    finally:
        # Home Assistant first, so it does not log the modem vanishing under it.
        for process in reversed(started):
            process.stop()


@pytest.fixture
async def api(e2e_stack: E2EStack, socket_enabled: None) -> AsyncIterator[HomeAssistantApi]:
    """A logged-in client for one test, on the test's own loop."""
    async with aiohttp.ClientSession() as session:
        client = HomeAssistantApi(e2e_stack.ha.base_url, session, token=e2e_stack.token)
        yield client
