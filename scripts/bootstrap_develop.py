"""First start of `scripts/develop`: onboard, add the modem through the config flow, say hello.

It does exactly what a newcomer would do in the web UI, over the same APIs:

1. wait until Home Assistant answers;
2. if it was never onboarded, create the documented developer account (`dev` / `dev-password`)
   and finish onboarding; otherwise log in with that account;
3. if there is no Modem HTTP entry yet, press "Add integration", pick Modem HTTP and submit the
   form with the emulated modem's URL (`socket://127.0.0.1:7777`);
4. on that first start, make a demo `modem_http.post` to the local far end, so the device page
   shows a finished request; then print the modem's entities (enabled ones with their state,
   then those created disabled).

An instance onboarded with another account is left alone (the entry must then be added by hand).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

# ha_api sits beside this script (scripts/ is not a package when run as a script).
from ha_api import (
    DEV_PASSWORD,
    DEV_USERNAME,
    HomeAssistantApi,
    HomeAssistantApiError,
)

DOMAIN = "modem_http"


def say(message: str) -> None:
    """Print with the same prefix as the shell script."""
    print(f"[develop] {message}", flush=True)


async def add_modem(api: HomeAssistantApi, device: str) -> dict[str, object]:
    """Run the config flow's user step with the emulated modem, as the UI form would."""
    form = await api.start_flow(DOMAIN)
    if form.get("type") != "form":
        raise HomeAssistantApiError(f"config flow did not show its form: {form}")
    result = await api.flow_step(
        form["flow_id"], {"device": device, "baudrate": "115200", "dialect": "auto"}
    )
    if result.get("type") != "create_entry":
        raise HomeAssistantApiError(f"config flow did not create an entry: {result}")
    return result


async def wait_for_entities(
    api: HomeAssistantApi, entry_id: str, deadline: float
) -> dict[str, str]:
    """The entry's entities (translation key -> entity id) once one has a state, or at deadline."""
    entities: dict[str, str] = {}
    while time.monotonic() < deadline:
        registry = await api.entity_registry()
        entities = {
            e.get("translation_key") or e["entity_id"]: e["entity_id"]
            for e in registry
            if e.get("config_entry_id") == entry_id
        }
        if entities:
            states = {s["entity_id"]: s["state"] for s in await api.states()}
            if any(states.get(e) not in (None, "unavailable") for e in entities.values()):
                return entities
        await asyncio.sleep(0.5)
    return entities


async def wait_for_entry(api: HomeAssistantApi, deadline: float) -> dict[str, object]:
    """The modem's config entry once its setup has finished (loaded, or failed and retrying)."""
    entry: dict[str, object] = {}
    while time.monotonic() < deadline:
        entry = (await api.config_entries(DOMAIN))[0]
        if entry["state"] not in ("not_loaded", "setup_in_progress"):
            return entry
        await asyncio.sleep(0.25)
    return entry


async def wait_for_state_change(
    api: HomeAssistantApi, entity_id: str | None, old: str | None, deadline: float
) -> None:
    """Poll until `entity_id` leaves its `old` state (the sensors update after the reply)."""
    while entity_id and time.monotonic() < deadline:
        if (await api.state(entity_id))["state"] != old:
            return
        await asyncio.sleep(0.2)


async def report_entities(api: HomeAssistantApi, entry_id: str) -> None:
    """The modem's entities: enabled ones with their state, then those created disabled."""
    registry = [e for e in await api.entity_registry() if e.get("config_entry_id") == entry_id]
    states = {s["entity_id"]: s for s in await api.states()}
    enabled = sorted(e["entity_id"] for e in registry if not e.get("disabled_by"))
    disabled = sorted(e["entity_id"] for e in registry if e.get("disabled_by"))
    category = {e["entity_id"]: e.get("entity_category") for e in registry}
    say(f"enabled entities ({len(enabled)}):")
    for entity_id in enabled:
        state = states.get(entity_id, {})
        attributes = state.get("attributes", {})
        unit = attributes.get("unit_of_measurement") or ""
        extra = f"  [{category[entity_id]}]" if category[entity_id] else ""
        problem = f"  problem={attributes['problem']}" if "problem" in attributes else ""
        say(f"  {entity_id} = {state.get('state')} {unit}".rstrip() + problem + extra)
    say(f"created disabled, enable them on the device page ({len(disabled)}):")
    for entity_id in disabled:
        extra = f"  [{category[entity_id]}]" if category[entity_id] else ""
        say(f"  {entity_id}{extra}")


async def main_async(args: argparse.Namespace) -> int:
    """Bring the instance to "a working modem device" and report what it shows."""
    deadline = time.monotonic() + args.timeout
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(args.url.rstrip("/"), session)
        await api.wait_until_up(deadline)
        try:
            fresh = await api.onboard_or_login(DEV_USERNAME, DEV_PASSWORD)
        except HomeAssistantApiError as err:
            say(f"could not log in as {DEV_USERNAME!r} ({err}); add the modem by hand in the UI")
            return 0
        if fresh:
            say(f"onboarded: log in as user {DEV_USERNAME!r}, password {DEV_PASSWORD!r}")
            await api.remove_onboarding_extras()
        entries = await api.config_entries(DOMAIN)
        created = not entries
        if created:
            result = await add_modem(api, args.device)
            say(f"added modem {result['title']!r} on {args.device} through the config flow")
            entries = await api.config_entries(DOMAIN)
        entry = await wait_for_entry(api, deadline)
        say(f"config entry {entry['title']!r}: {entry['state']}")
        entities = await wait_for_entities(api, str(entry["entry_id"]), deadline)
        if created and args.far_end:
            status_id = entities.get("last_status_code")
            old = (await api.state(status_id))["state"] if status_id else None
            # A first request, so the device page shows a finished one (status, size, bytes).
            reply = await api.call_service(
                DOMAIN,
                "post",
                {"url": f"{args.far_end}/echo/hello", "json": {"hello": "from the modem"}},
            )
            response = reply.get("service_response", {})
            shown = {key: response.get(key) for key in ("status", "bytes", "elapsed")}
            say(f"demo modem_http.post to {args.far_end}/echo/hello -> {json.dumps(shown)}")
            await wait_for_state_change(api, status_id, old, time.monotonic() + 10)
        await report_entities(api, str(entry["entry_id"]))
        say(f"open {args.url} and log in as {DEV_USERNAME!r} / {DEV_PASSWORD!r}")
    return 0


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123", help="Home Assistant base URL")
    parser.add_argument("--device", default="socket://127.0.0.1:7777", help="modem URL or path")
    parser.add_argument("--far-end", default="", help="base URL of the local echo server")
    parser.add_argument("--timeout", type=float, default=240, help="seconds to wait in total")
    args = parser.parse_args()
    try:
        sys.exit(asyncio.run(main_async(args)))
    except (HomeAssistantApiError, TimeoutError, aiohttp.ClientError) as err:
        say(f"setup helper failed: {err}")
        sys.exit(1)


if __name__ == "__main__":
    main()
