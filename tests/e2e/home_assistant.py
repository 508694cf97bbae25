"""A real Home Assistant process (`hass -c <config> --skip-pip`) with this integration installed.

The configuration is as small as Home Assistant allows. Home Assistant always sets up its
`frontend` integration and falls back to recovery mode (which skips custom integrations) when it
cannot; the frontend normally needs the ~270 MB `home-assistant-frontend` package. Pointing
`frontend: development_repo:` at an empty folder tree makes it serve (nothing) from there instead,
so the tests need no extra install and CI stays small. The API, WebSocket API, onboarding and
config-entry views the web UI uses are all there; only the UI's static files are not.
"""

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .processes import ManagedProcess

REPO_ROOT = Path(__file__).resolve().parents[2]
HASS = Path(sys.executable).with_name("hass")

CONFIGURATION = """\
homeassistant:
  name: Modem HTTP e2e
  allowlist_external_dirs:
    - {downloads}
frontend:
  development_repo: {frontend_stub}
http:
  server_host: 127.0.0.1
  server_port: {port}
logger:
  default: warning
  logs:
    custom_components.modem_http: debug
"""


class HomeAssistantProcess:
    """Start, stop and restart one Home Assistant on one configuration directory."""

    def __init__(self, base_dir: Path, port: int) -> None:
        """Write the configuration; nothing runs until `start()`."""
        self.base_dir = base_dir
        self.port = port
        self.config_dir = base_dir / "config"
        self.downloads = base_dir / "downloads"
        self.logs_dir = base_dir / "logs"
        self.runs = 0
        self.process: ManagedProcess | None = None
        frontend_stub = base_dir / "frontend_stub"
        for folder in ("static", "frontend_latest", "frontend_es5"):
            (frontend_stub / "hass_frontend" / folder).mkdir(parents=True, exist_ok=True)
        for folder in (self.config_dir, self.downloads, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "custom_components").symlink_to(REPO_ROOT / "custom_components")
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(downloads=self.downloads, frontend_stub=frontend_stub, port=port)
        )

    @property
    def base_url(self) -> str:
        """Where its HTTP API listens."""
        return f"http://127.0.0.1:{self.port}"

    def log_files(self) -> list[Path]:
        """Every run's log file and console output so far, oldest first."""
        return sorted(self.logs_dir.iterdir())

    def log_text(self) -> str:
        """All runs' logs and console output concatenated."""
        return "\n".join(path.read_text(errors="replace") for path in self.log_files())

    def start(self, deadline: float) -> None:
        """Start the process and wait until its HTTP server listens."""
        self._spawn().wait_for_port(self.port, deadline)

    def _spawn(self) -> ManagedProcess:
        self.runs += 1
        run = self.runs
        self.process = ManagedProcess(
            f"Home Assistant (run {run})",
            [
                str(HASS),
                "-c",
                str(self.config_dir),
                "--skip-pip",
                "--log-file",
                str(self.logs_dir / f"run-{run}.log"),
            ],
            self.logs_dir / f"run-{run}.console",
            cwd=self.base_dir,
        )
        return self.process

    def stop(self) -> int | None:
        """SIGTERM and wait, as a supervisor stopping it would; returns the exit code."""
        if self.process is None:
            return None
        code = self.process.stop()
        self.process = None
        return code

    async def async_restart(self, deadline: float) -> int | None:
        """Stop gracefully (it saves restorable states on the way down), then start again.

        Polls with the test's event loop rather than blocking it; returns the old run's exit code.
        """
        code = None
        if self.process is not None:
            code = await self.process.async_terminate()
            self.process = None
        await self._spawn().async_wait_for_port(self.port, deadline)
        return code


_RECORD_START = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) (?P<level>[A-Z]+) \((?P<thread>[^)]*)\) "
    r"\[(?P<logger>[^\]]+)\] ",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One record of Home Assistant's log file, with its traceback lines if it has any."""

    level: str
    logger: str
    text: str


def log_records(log: str) -> list[LogRecord]:
    """Split a Home Assistant log into records (a header line plus continuation lines)."""
    starts = list(_RECORD_START.finditer(log))
    return [
        LogRecord(
            match.group("level"),
            match.group("logger"),
            log[match.start() : starts[i + 1].start() if i + 1 < len(starts) else len(log)],
        )
        for i, match in enumerate(starts)
    ]


def deadline_in(seconds: float) -> float:
    """A `time.monotonic()` deadline."""
    return time.monotonic() + seconds
