"""Take the README's picture of the transfer progress sensor on a dashboard, in the real web UI.

A one-off tool like scripts/screenshots.py (whose stack and helpers it uses; the same needs):
starts a far end, a SIMCom modem emulator whose output is paced at 115,200 baud, and Home
Assistant with the real frontend on free ports; onboards it and adds the modem over the API;
saves a dashboard with the cards the README recommends (a gauge and a tile showing the rate and
bytes); then starts a 2 MiB `modem_http.download` and, while it runs, opens the dashboard in
headless Chromium and takes `docs/images/transfer_progress.png`.

Run: `.venv/bin/python scripts/screenshot_progress.py [--out docs/images] [--keep]`.
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ha_api import HomeAssistantApi
from screenshots import (
    ROOT,
    onboarded,
    run_stack,
    say,
    signed_in_page,
)

BAUD = 115_200
SIZE = 2 * 1024 * 1024
SHOW_AFTER = 40.0
"""Seconds into the download the picture is taken (a 2 MiB body takes about 190 s)."""
VIEWPORT = {"width": 900, "height": 560}
DASHBOARD = "modem-transfers"


def dashboard(sensor: str) -> dict[str, Any]:
    """The cards the README recommends for a transfer in flight."""
    return {
        "title": "Modem",
        "views": [
            {
                "title": "Transfers",
                "path": "transfers",
                "cards": [
                    {
                        "type": "gauge",
                        "entity": sensor,
                        "name": "Firmware download",
                        "min": 0,
                        "max": 100,
                        "needle": False,
                    },
                    {
                        "type": "tile",
                        "entity": sensor,
                        "name": "Transfer",
                        "state_content": ["state", "activity", "rate", "bytes_done"],
                    },
                ],
            }
        ],
    }


async def add_modem(api: HomeAssistantApi, modem_url: str) -> None:
    """The config flow over the API, as the UI would run it (its pictures are screenshots.py's)."""
    flow = await api.start_flow("modem_http")
    while flow.get("type") == "form":
        step = flow["step_id"]
        answer: dict[str, Any] = {"device": modem_url} if step == "user" else {}
        flow = await api.flow_step(flow["flow_id"], answer)
    if flow.get("type") != "create_entry":
        raise RuntimeError(f"config flow ended with {flow.get('type')}: {flow.get('errors')}")


async def progress_sensor(api: HomeAssistantApi) -> str:
    """The entity id of the modem's transfer progress sensor."""
    entries = await api.entity_registry()
    return next(
        entry["entity_id"]
        for entry in entries
        if entry["platform"] == "modem_http" and entry["unique_id"].endswith("transfer_progress")
    )


async def drive_ui(base_url: str, modem_url: str, far_end: str, out: Path) -> None:
    """Onboard, add the modem, save the dashboard, start a download and picture it running."""
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(base_url, session)
        tokens = await onboarded(api)
        await add_modem(api, modem_url)
        sensor = await progress_sensor(api)
        await api.ws_command(
            {
                "type": "lovelace/dashboards/create",
                "url_path": DASHBOARD,
                "title": "Modem",
                "mode": "storage",
                "show_in_sidebar": True,
                "require_admin": False,
            }
        )
        await api.ws_command(
            {"type": "lovelace/config/save", "url_path": DASHBOARD, "config": dashboard(sensor)}
        )

        download = asyncio.create_task(
            api.call_service(
                "modem_http",
                "download",
                {
                    "url": f"{far_end}/files/firmware.bin?size={SIZE}",
                    "path": "www/firmware.bin",
                    "overwrite": True,
                    "timeout": 600,
                },
            )
        )
        async with signed_in_page(tokens, VIEWPORT) as page:
            started = time.monotonic()
            await page.goto(f"{base_url}/{DASHBOARD}/transfers")
            await page.locator("hui-gauge-card").first.wait_for()
            await page.wait_for_timeout(max(0.0, SHOW_AFTER - (time.monotonic() - started)) * 1000)
            state = await api.state(sensor)
            say(f"{sensor}: {state['state']} % {state['attributes']}")
            await page.screenshot(path=out / "transfer_progress.png")
            say("transfer_progress.png")
        download.cancel()


def main() -> None:
    """Start the stack, take the picture, stop everything."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    run_stack(
        drive_ui,
        args.out,
        keep=args.keep,
        work_prefix="modem_http_progress_",
        emulator_args=["--baud", str(BAUD)],
        www=True,
    )


if __name__ == "__main__":
    main()
