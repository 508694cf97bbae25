"""Child processes for the end-to-end tests: started in their own process group, always reaped.

pytest-homeassistant-custom-component blocks sockets in the test process outside tests that ask
for `socket_enabled`; the module-scoped fixtures that start and poll the processes open sockets
only inside `sockets_allowed()`, which restores the plugin's own settings afterwards.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest_socket

STOP_GRACE = 30.0
"""Seconds a process gets after SIGTERM before its whole group is killed."""


@contextlib.contextmanager
def sockets_allowed() -> Iterator[None]:
    """Open sockets for a moment, then block them again exactly as the plugin does per test."""
    pytest_socket.enable_socket()
    try:
        yield
    finally:
        pytest_socket.socket_allow_hosts(["127.0.0.1"])
        pytest_socket.disable_socket(allow_unix_socket=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class ManagedProcess:
    """One child process with its output in a file; `stop()` ends its whole process group."""

    def __init__(self, name: str, argv: Sequence[str], log_path: Path, cwd: Path) -> None:
        """Start `argv` at once in a new session (so its children die with it)."""
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self._log = log_path.open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )

    @property
    def pid(self) -> int:
        """The child's process id (also its process group id)."""
        return self.popen.pid

    def alive(self) -> bool:
        """True while the process has not exited."""
        return self.popen.poll() is None

    def output(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        """Fail with the process's own output when it died early."""
        if not self.alive():
            tail = self.output()[-4000:]
            raise RuntimeError(
                f"{self.name} exited with {self.popen.returncode} while starting:\n{tail}"
            )

    def wait_for_port(self, port: int, deadline: float) -> None:
        """Poll (no fixed sleeps) until the process accepts TCP connections on `port`."""
        while time.monotonic() < deadline:
            self.check_alive()
            if port_open(port):
                return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} did not listen on 127.0.0.1:{port} in time")

    async def async_wait_for_port(self, port: int, deadline: float) -> None:
        """`wait_for_port` for code running on an event loop: polls without blocking it."""
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            await writer.wait_closed()
            return
        raise TimeoutError(f"{self.name} did not listen on 127.0.0.1:{port} in time")

    async def async_terminate(self, grace: float = STOP_GRACE) -> int | None:
        """SIGTERM and wait for the exit without blocking the loop; `stop()` does the rest."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while self.alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        return self.stop()

    def stop(self, grace: float = STOP_GRACE) -> int | None:
        """SIGTERM the group, wait up to `grace` seconds, then SIGKILL it; return the exit code."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        # Stragglers left in the group (none expected) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        self._log.close()
        return self.popen.returncode
