"""Drive a running Home Assistant the way its web UI does: onboarding, login, flows, services.

Used by `scripts/develop` (through `scripts/bootstrap_develop.py`), by the end-to-end tests in
`tests/e2e/` and by `scripts/screenshots.py`. Everything goes over the public HTTP and WebSocket
APIs the frontend itself calls, so what works here works for a user clicking through the UI.
Only aiohttp (already a Home Assistant dependency) is needed.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

DEV_NAME = "Developer"
DEV_USERNAME = "dev"
DEV_PASSWORD = "dev-password"  # noqa: S105 - a documented throwaway login for a local dev instance
ONBOARDING_EXTRAS = frozenset({"google_translate", "met", "radio_browser", "shopping_list"})
"""Integrations onboarding adds on its own: internet services that only fail without internet."""


class HomeAssistantApiError(Exception):
    """Home Assistant answered, but not with what the UI would have accepted."""


@dataclass(slots=True)
class HomeAssistantApi:
    """A logged-in (or about to be) session against one Home Assistant instance."""

    base_url: str
    session: aiohttp.ClientSession
    token: str | None = None
    _ws_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend uses: the instance's own URL."""
        return f"{self.base_url}/"

    @property
    def redirect_uri(self) -> str:
        """Where the frontend says it wants the auth code sent."""
        return f"{self.base_url}/?auth_callback=1"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def _json(self, response: aiohttp.ClientResponse) -> Any:
        if response.status >= 400:
            text = await response.text()
            raise HomeAssistantApiError(
                f"{response.method} {response.url.path} -> {response.status}: {text[:500]}"
            )
        return await response.json()

    async def get(self, path: str) -> Any:
        """GET an API path with the current token."""
        async with self.session.get(self.base_url + path, headers=self._headers()) as response:
            return await self._json(response)

    async def post(self, path: str, payload: Any = None) -> Any:
        """POST JSON to an API path with the current token."""
        async with self.session.post(
            self.base_url + path,
            json=payload if payload is not None else {},
            headers=self._headers(),
        ) as response:
            return await self._json(response)

    # --- readiness -------------------------------------------------------------------------

    async def wait_until_up(self, deadline: float) -> None:
        """Poll until the HTTP API answers (onboarding view needs no login), or time runs out.

        `deadline` is a `time.monotonic()` value; polling (not a fixed sleep) keeps this fast on
        an idle machine and patient on a loaded one.
        """
        last_error: BaseException | None = None
        while time.monotonic() < deadline:
            try:
                async with self.session.get(
                    f"{self.base_url}/api/onboarding", timeout=aiohttp.ClientTimeout(total=5)
                ) as response:
                    if response.status in (200, 401, 404):  # 404/401: already onboarded
                        return
                    last_error = HomeAssistantApiError(f"/api/onboarding -> {response.status}")
            except (aiohttp.ClientError, TimeoutError) as err:
                last_error = err
            await asyncio.sleep(0.25)
        raise TimeoutError(f"Home Assistant at {self.base_url} did not come up: {last_error!r}")

    # --- onboarding and login --------------------------------------------------------------

    async def onboarding_done(self) -> bool:
        """True once the owner account exists (the first onboarding step)."""
        async with self.session.get(f"{self.base_url}/api/onboarding") as response:
            if response.status in (401, 404):  # onboarding finished: its views are gone
                return True
            steps = await self._json(response)
        return all(step["done"] for step in steps)

    async def onboard(
        self, username: str = DEV_USERNAME, password: str = DEV_PASSWORD, name: str = DEV_NAME
    ) -> None:
        """Create the owner account and finish every onboarding step, as the onboarding UI does."""
        async with self.session.get(f"{self.base_url}/api/onboarding") as response:
            steps = {step["step"]: step["done"] for step in await self._json(response)}
        if not steps.get("user"):
            created = await self.post(
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
            )
            await self._exchange_code(created["auth_code"])
        else:
            await self.login(username, password)
        if not steps.get("core_config"):
            await self.post("/api/onboarding/core_config")
        if not steps.get("analytics"):
            await self.post("/api/onboarding/analytics")
        if not steps.get("integration"):
            await self.post(
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": self.redirect_uri},
            )

    async def login(self, username: str = DEV_USERNAME, password: str = DEV_PASSWORD) -> None:
        """Log in through the login flow the login page uses and keep the access token."""
        flow = await self.post(
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.redirect_uri,
            },
        )
        result = await self.post(
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
        )
        if result.get("type") != "create_entry":
            raise HomeAssistantApiError(f"login as {username!r} refused: {result.get('errors')}")
        await self._exchange_code(result["result"])

    async def onboard_or_login(
        self, username: str = DEV_USERNAME, password: str = DEV_PASSWORD
    ) -> bool:
        """Onboard a fresh instance, or log in to an onboarded one; True when it was fresh."""
        if await self.onboarding_done():
            await self.login(username, password)
            return False
        await self.onboard(username, password)
        return True

    async def _exchange_code(self, code: str) -> None:
        async with self.session.post(
            f"{self.base_url}/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        ) as response:
            self.token = (await self._json(response))["access_token"]

    async def confirm_http_config(self) -> bool:
        """Press "Confirm" on "new HTTP server configuration"; False when nothing was pending.

        Since 2026.x Home Assistant moves an `http:` YAML block into storage on first start as a
        *pending* configuration, and reverts (restarting itself) unless it is confirmed within
        minutes. Instances started with a port of our choosing confirm it at once.
        """
        config = await self.ws_command({"type": "http/config"})
        if not config.get("pending"):
            return False
        await self.ws_command({"type": "http/config/promote"})
        return True

    # --- config entries and flows ----------------------------------------------------------

    async def remove_onboarding_extras(self, settle: float = 2.0, limit: float = 30.0) -> int:
        """Delete the entries onboarding adds in the background (weather, radio, TTS).

        A development instance often has no internet, where they only show up as failed cards.
        They appear a moment after onboarding, so keep looking until none has shown up for
        `settle` seconds (at most `limit`). Returns how many were removed.
        """
        removed = 0
        deadline = time.monotonic() + limit
        quiet_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - quiet_since < settle:
            entries = await self.get("/api/config/config_entries/entry")
            for entry in entries:
                if entry["domain"] in ONBOARDING_EXTRAS:
                    async with self.session.delete(
                        f"{self.base_url}/api/config/config_entries/entry/{entry['entry_id']}",
                        headers=self._headers(),
                    ):
                        removed += 1
                    quiet_since = time.monotonic()
            await asyncio.sleep(0.25)
        return removed

    async def config_entries(self, domain: str) -> list[dict[str, Any]]:
        """The integration's config entries, as the integrations page lists them."""
        entries: list[dict[str, Any]] = await self.get(
            f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    async def start_flow(self, handler: str) -> dict[str, Any]:
        """Press "Add integration" and pick `handler`: returns the first step (usually a form)."""
        step: dict[str, Any] = await self.post(
            "/api/config/config_entries/flow", {"handler": handler, "show_advanced_options": False}
        )
        return step

    async def flow_step(self, flow_id: str, user_input: dict[str, Any]) -> dict[str, Any]:
        """Submit one form of a running config flow."""
        step: dict[str, Any] = await self.post(
            f"/api/config/config_entries/flow/{flow_id}", user_input
        )
        return step

    # --- states and services ---------------------------------------------------------------

    async def states(self) -> list[dict[str, Any]]:
        """Every entity state, over REST."""
        states: list[dict[str, Any]] = await self.get("/api/states")
        return states

    async def state(self, entity_id: str) -> dict[str, Any]:
        """One entity's state, over REST."""
        state: dict[str, Any] = await self.get(f"/api/states/{entity_id}")
        return state

    async def call_service(
        self, domain: str, service: str, data: dict[str, Any], *, return_response: bool = True
    ) -> dict[str, Any]:
        """Call a service over REST; with `return_response` the reply has `service_response`."""
        suffix = "?return_response" if return_response else ""
        result: Any = await self.post(f"/api/services/{domain}/{service}{suffix}", data)
        return result if isinstance(result, dict) else {"changed_states": result}

    async def entity_registry(self) -> list[dict[str, Any]]:
        """The entity registry as the frontend reads it (entity id, platform, config entry)."""
        result: list[dict[str, Any]] = await self.ws_command(
            {"type": "config/entity_registry/list"}
        )
        return result

    async def ws_command(self, message: dict[str, Any]) -> Any:
        """Send one WebSocket command on a fresh authenticated connection; return its result."""
        ws_url = self.base_url.replace("http", "ws", 1) + "/api/websocket"
        async with self.session.ws_connect(ws_url) as ws:
            hello = await ws.receive_json()
            if hello.get("type") != "auth_required":
                raise HomeAssistantApiError(f"unexpected WebSocket greeting: {hello}")
            await ws.send_json({"type": "auth", "access_token": self.token})
            auth = await ws.receive_json()
            if auth.get("type") != "auth_ok":
                raise HomeAssistantApiError(f"WebSocket auth refused: {auth}")
            message_id = next(self._ws_ids)
            await ws.send_json({"id": message_id, **message})
            while True:
                reply = await ws.receive_json()
                if reply.get("id") == message_id and reply.get("type") == "result":
                    break
            if not reply.get("success"):
                raise HomeAssistantApiError(f"{message['type']} failed: {reply.get('error')}")
            return reply.get("result")
