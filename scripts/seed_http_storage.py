"""Pin the development instance's web server to one address and port before Home Assistant starts.

Since 2026.x Home Assistant keeps its `http:` settings in `<config>/.storage/http` (a "stable"
config, plus a "pending" one under trial after a change); a YAML `http:` block is migrated into
it once and ignored afterwards. So `scripts/develop` writes that file itself, before every start:
the stable config gets the host and port asked for (the rest of a stored config is kept), nothing
stays pending, and the YAML migration is marked done. The format comes from the installed Home
Assistant (`homeassistant.components.http.config`), so it matches the version that will read it.

Run: `python scripts/seed_http_storage.py <config dir> <host> <port>`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from homeassistant.components.http.config import (
    HTTP_CONFIG_CREATED_AT,
    HTTP_CONFIG_ERROR,
    HTTP_CONFIG_ERROR_MESSAGE,
    HTTP_STORAGE_SCHEMA,
    KEY_PENDING,
    KEY_STABLE,
    KEY_YAML_MIGRATION_DONE,
    STORAGE_KEY,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
)
from homeassistant.util import dt as dt_util

SERVER_HOST = "server_host"
SERVER_PORT = "server_port"
META_KEYS = (HTTP_CONFIG_CREATED_AT, HTTP_CONFIG_ERROR, HTTP_CONFIG_ERROR_MESSAGE)


def stored_stable(path: Path) -> dict[str, Any]:
    """The settings of an existing file of the same format, without its metadata; else none."""
    try:
        stored = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    if stored.get("version") != STORAGE_VERSION:
        return {}
    stable = stored.get("data", {}).get(KEY_STABLE) or {}
    return {key: value for key, value in stable.items() if key not in META_KEYS}


def http_storage(previous: dict[str, Any], host: str, port: int) -> dict[str, Any]:
    """The file's content: the previous settings with this host and port, validated as HA does."""
    settings = HTTP_STORAGE_SCHEMA({**previous, SERVER_HOST: [host], SERVER_PORT: port})
    stable = {
        **settings,
        HTTP_CONFIG_CREATED_AT: dt_util.utcnow().isoformat(),
        HTTP_CONFIG_ERROR: None,
        HTTP_CONFIG_ERROR_MESSAGE: None,
    }
    return {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": STORAGE_KEY,
        "data": {KEY_STABLE: stable, KEY_PENDING: None, KEY_YAML_MIGRATION_DONE: True},
    }


def main() -> None:
    """Write `<config>/.storage/http` for the given host and port."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="Home Assistant configuration folder")
    parser.add_argument("host", help="address to listen on, e.g. 127.0.0.1")
    parser.add_argument("port", type=int, help="port to listen on")
    args = parser.parse_args()
    path = args.config / ".storage" / STORAGE_KEY
    path.parent.mkdir(parents=True, exist_ok=True)
    content = http_storage(stored_stable(path), args.host, args.port)
    path.write_text(json.dumps(content, indent=2) + "\n")


if __name__ == "__main__":
    main()
