"""Take the README's screenshots in the real web UI (a one-off tool; not part of the tests).

Starts its own throwaway stack on free ports (far end, SIMCom modem emulator, Home Assistant with
the real frontend in a temporary configuration directory), onboards it over the API, then drives
headless Chromium through what a user does: Settings -> Devices & services -> Add integration ->
Modem HTTP, fills in the modem's URL, submits; then a request from the Actions tool, the device
page, and the README's fallback dashboard. Pictures land in docs/images/.

`--url http://127.0.0.1:PORT` instead takes the dashboard picture from a running `scripts/develop`
(logged in with its documented developer account): the README's dashboard YAML is saved as a
dashboard of that instance, exactly as the README tells a user to paste it, and shown; `--name`
names the picture. The README's second one is of a modem started without coverage:
`MODEM_HTTP_EMULATOR_ARGS=--no-coverage scripts/develop`, then `--url http://127.0.0.1:8123
--name fallback_dashboard_not_ready.png`.

Needs (none of it is needed by CI):
- the web UI's packages: run `scripts/develop` once (it installs them), or
  `.venv/bin/python scripts/develop_requirements.py | xargs uv pip install -p .venv/bin/python`;
- Chromium: `apt-get install -y chromium`;
- Playwright's Python package, without its browser downloads: `uv pip install -p .venv/bin/python
  playwright`.

Run: `.venv/bin/python scripts/screenshots.py [--out docs/images] [--keep]`, or against a running
`scripts/develop`: `.venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8123`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Beside this script (scripts/ is not a package when run as a script).
from develop_requirements import missing_requirements
from ha_api import HomeAssistantApi

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1000}
UI_TIMEOUT_MS = 60_000
DASHBOARD_PATH = "cellular-fallback"
DASHBOARD_VIEWPORT = {"width": 1280, "height": 640}
_DASHBOARD_BLOCK = re.compile(
    r"<!-- fallback dashboard: scripts/screenshots.py saves exactly this block -->\n"
    r"```yaml\n(?P<yaml>.*?)```",
    re.DOTALL,
)


def say(message: str) -> None:
    """Progress on stdout."""
    print(f"[screenshots] {message}", flush=True)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    """Poll until something listens on 127.0.0.1:port (or the process died, or time ran out)."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def running(argv: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process in its own group, stopped (SIGTERM, then SIGKILL) on the way out."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def write_config(config_dir: Path, port: int) -> None:
    """A minimal configuration on our port, with this repository's integration linked in."""
    config_dir.mkdir(parents=True)
    (config_dir / "custom_components").symlink_to(ROOT / "custom_components")
    (config_dir / "configuration.yaml").write_text(
        f"history:\nlogbook:\nhttp:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
    )


async def browser_tokens(api: HomeAssistantApi) -> dict[str, Any]:
    """Log in through the login flow and shape the tokens the way the frontend stores them."""
    flow = await api.post(
        "/auth/login_flow",
        {
            "client_id": api.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": api.redirect_uri,
        },
    )
    result = await api.post(
        f"/auth/login_flow/{flow['flow_id']}",
        {"client_id": api.client_id, "username": "dev", "password": "dev-password"},
    )
    async with api.session.post(
        f"{api.base_url}/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": result["result"],
            "client_id": api.client_id,
        },
    ) as response:
        tokens: dict[str, Any] = await response.json()
    tokens.update(
        hassUrl=api.base_url,
        clientId=api.client_id,
        expires=int(time.time() * 1000) + tokens["expires_in"] * 1000,
    )
    return tokens


async def onboarded(api: HomeAssistantApi) -> dict[str, Any]:
    """Onboard a fresh Home Assistant over its API; the browser's tokens for its owner."""
    await api.wait_until_up(time.monotonic() + 120)
    await api.onboard()
    await api.confirm_http_config()
    await api.remove_onboarding_extras()
    return await browser_tokens(api)


@contextlib.asynccontextmanager
async def signed_in_page(tokens: dict[str, Any], viewport: dict[str, int]) -> AsyncIterator[Any]:
    """A page of headless Chromium, signed in to Home Assistant with `tokens`.

    The browser is closed when the block is done.
    """
    from playwright.async_api import async_playwright  # noqa: PLC0415 - optional tool

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = await browser.new_page(viewport=viewport)  # type: ignore[arg-type]
        page.set_default_timeout(UI_TIMEOUT_MS)
        await page.add_init_script(
            f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
        )
        yield page
        await browser.close()


def readme_dashboard() -> dict[str, Any]:
    """The fallback dashboard exactly as the README shows it."""
    match = _DASHBOARD_BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit("README.md has no fallback dashboard block")
    config: dict[str, Any] = yaml.safe_load(match.group("yaml"))
    return config


async def save_dashboard(api: HomeAssistantApi) -> None:
    """Add the README's dashboard (once) and save its configuration, as the raw editor does."""
    dashboards = await api.ws_command({"type": "lovelace/dashboards/list"})
    if not any(d.get("url_path") == DASHBOARD_PATH for d in dashboards):
        await api.ws_command(
            {
                "type": "lovelace/dashboards/create",
                "url_path": DASHBOARD_PATH,
                "title": "Cellular fallback",
                "icon": "mdi:lifebuoy",
                "show_in_sidebar": True,
                "require_admin": False,
                "mode": "storage",
            }
        )
    await api.ws_command(
        {"type": "lovelace/config/save", "url_path": DASHBOARD_PATH, "config": readme_dashboard()}
    )


async def shoot_dashboard(
    page: Any, base_url: str, out: Path, name: str = "fallback_dashboard.png"
) -> None:
    """Open the fallback dashboard and take its picture."""
    await page.goto(f"{base_url}/{DASHBOARD_PATH}/fallback")
    await page.get_by_text("Requests through the modem").first.wait_for()
    await page.wait_for_timeout(2000)
    await page.screenshot(path=out / name)
    say(name)


async def dashboard_from_develop(base_url: str, out: Path, name: str) -> None:
    """The dashboard picture from a running scripts/develop (its developer login)."""
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(base_url, session)
        await api.wait_until_up(time.monotonic() + 60)
        await api.login()
        await save_dashboard(api)
        tokens = await browser_tokens(api)
        async with signed_in_page(tokens, DASHBOARD_VIEWPORT) as page:
            await shoot_dashboard(page, base_url, out, name)


async def drive_ui(base_url: str, modem_url: str, far_end: str, out: Path) -> None:
    """Onboard over the API, then click through the UI and take the pictures."""
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(base_url, session)
        tokens = await onboarded(api)

        async with signed_in_page(tokens, VIEWPORT) as page:
            # Settings -> Devices & services -> Add integration -> Modem HTTP.
            await page.goto(f"{base_url}/config/integrations/dashboard")
            await page.get_by_role("button", name="Add integration").click()
            # Type into the dialog's own search field: keys typed before it has focus would
            # trigger the UI's keyboard shortcuts instead.
            search = page.locator("dialog-add-integration input").first
            await search.wait_for()
            await search.fill("Modem HTTP")
            await page.get_by_text("Modem HTTP", exact=True).last.click()
            device = page.get_by_label("Serial port or URL")
            await device.wait_for()
            # The port picker lists detected serial ports; a URL goes in through "Enter manually".
            await device.click()
            await page.get_by_text("Enter manually").click()
            await page.get_by_role("textbox", name="Serial port or URL").fill(modem_url)
            await page.wait_for_timeout(500)
            await page.screenshot(path=out / "config_flow.png")
            say("config_flow.png")
            await page.get_by_role("button", name="Submit").click()
            finish = page.get_by_role("button", name="Skip and finish")
            await finish.wait_for()
            await page.wait_for_timeout(500)
            await page.screenshot(path=out / "config_flow_done.png")
            say("config_flow_done.png")
            await finish.click()

            # A request through the modem, from the Actions tool, with its response.
            reply = await api.call_service(
                "modem_http",
                "post",
                {"url": f"{far_end}/echo/alarm", "json": {"door": "open"}},
            )
            say(f"modem_http.post -> {reply['service_response']['status']}")
            await api.call_service(
                "modem_http", "get", {"url": f"{far_end}/files/status.bin?size=4096"}
            )

            # The device page: status, last request, byte totals.
            entries = await api.config_entries("modem_http")
            devices = await api.ws_command({"type": "config/device_registry/list"})
            device_id = next(
                d["id"] for d in devices if entries[0]["entry_id"] in d["config_entries"]
            )
            await page.goto(f"{base_url}/config/devices/device/{device_id}")
            await page.get_by_text("Bytes sent").first.wait_for()
            await page.wait_for_timeout(1500)
            await page.screenshot(path=out / "device_page.png")
            say("device_page.png")

            # The README's fallback dashboard, pasted as the README says.
            await save_dashboard(api)
            await page.set_viewport_size(DASHBOARD_VIEWPORT)  # type: ignore[arg-type]
            await shoot_dashboard(page, base_url, out)


def run_stack(
    drive: Callable[[str, str, str, Path], Awaitable[None]],
    out: Path,
    *,
    keep: bool,
    work_prefix: str,
    emulator_args: Sequence[str] = (),
    www: bool = False,
) -> None:
    """Start a far end, an emulated SIMCom modem and Home Assistant, let `drive` work its UI.

    `drive` gets Home Assistant's URL, the modem's `socket://` URL, the far end's URL and `out`;
    `www` gives Home Assistant a config/www folder to serve pictures from. Everything is stopped
    afterwards, and the temporary folder removed unless `keep`.
    """
    if missing := missing_requirements():
        sys.exit(f"the web UI needs {' '.join(missing)}: run scripts/develop once first")
    out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    hass = str(Path(python).with_name("hass"))
    work = Path(tempfile.mkdtemp(prefix=work_prefix))
    far_port, modem_port, ha_port = free_port(), free_port(), free_port()
    write_config(work / "config", ha_port)
    if www:
        (work / "config" / "www").mkdir()
    deadline = time.monotonic() + 120
    modem_at = f"127.0.0.1:{modem_port}"
    emulator_argv = [python, "-m", "modem_emulator", "--dialect", "simcom", "--listen", modem_at]
    with (
        running(
            [python, "-m", "scripts.echo_server", "--listen", f"127.0.0.1:{far_port}"],
            work / "far_end.log",
        ) as far_end,
        running([*emulator_argv, *emulator_args], work / "emulator.log") as emulator,
        running([hass, "-c", str(work / "config"), "--skip-pip"], work / "hass.console") as ha,
    ):
        wait_for_port(far_port, far_end, deadline)
        wait_for_port(modem_port, emulator, deadline)
        wait_for_port(ha_port, ha, deadline)
        asyncio.run(
            drive(
                f"http://127.0.0.1:{ha_port}",
                f"socket://127.0.0.1:{modem_port}",
                f"http://127.0.0.1:{far_port}",
                out,
            )
        )
    say(f"done; logs in {work}" if keep else "done")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Start the stack, take the pictures, stop everything."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--url", help="only the dashboard, from this running scripts/develop (its dev login)"
    )
    parser.add_argument(
        "--name", default="fallback_dashboard.png", help="the dashboard picture's file name"
    )
    args = parser.parse_args()
    if args.url:
        args.out.mkdir(parents=True, exist_ok=True)
        asyncio.run(dashboard_from_develop(args.url.rstrip("/"), args.out, args.name))
        return
    run_stack(drive_ui, args.out, keep=args.keep, work_prefix="modem_http_screenshots_")


if __name__ == "__main__":
    main()
