"""Run the development instance's processes and stop every one of them on SIGINT or SIGTERM.

`scripts/develop` hands over to this once the environment is ready. It starts, all on 127.0.0.1,
the modem emulator, the echo server (the emulated modem's "internet") and Home Assistant, then
the first-start bootstrap (scripts/bootstrap_develop.py), and waits until Home Assistant exits
or a signal arrives; then it stops the bootstrap, Home Assistant (so the integration closes its
serial line while the emulator is still there), the echo server and the emulator, in that order.

Why not the shell: a script started in the background by a non-interactive shell (`scripts/develop
&`) begins with SIGINT ignored, and the shell cannot trap a signal ignored on entry, so `kill -INT`
did nothing; it also runs a trap only after its foreground command ends. Python can take SIGINT
back, and checks for signals every fraction of a second.

Each child runs in its own process group, so Ctrl-C in a terminal reaches only this process, which
stops the children in order; each child also gets SIGTERM from the kernel if this process dies
without cleaning up (even by SIGKILL), so nothing is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"
HASS_STOP_TIMEOUT = 120.0
"""Home Assistant's own shutdown stages add up to about this much at most."""
HELPER_STOP_TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1


def say(message: str) -> None:
    """Print with the prefix every part of scripts/develop uses, if anyone still listens.

    The terminal may be gone, or a pipe reader (`scripts/develop | tee log`) stopped by the same
    Ctrl-C: stopping the children must go on regardless.
    """
    with contextlib.suppress(OSError):
        print(f"[develop] {message}", file=sys.stderr, flush=True)


def port_in_use(port: int) -> bool:
    """True when something already accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


SUPERVISOR_PID = os.getpid()


def _die_with_parent() -> None:
    """In the child before exec: ask the kernel for SIGTERM when this supervisor dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != SUPERVISOR_PID:  # it died before the request took effect
        os._exit(1)


class Supervisor:
    """Starts children, remembers them, and stops them in reverse order of importance."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.stop_requested = threading.Event()
        self.signal_name = ""

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        """Remember the first signal; the main loop notices within its next tick."""
        if not self.stop_requested.is_set():
            self.signal_name = signal.Signals(signum).name
            self.stop_requested.set()

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        """Start a child in its own process group, tied to this process's life."""
        # preexec_fn is unsafe only with threads, and this process starts none.
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            process_group=0,
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
        self.children.append((name, child))
        return child

    def stop_all(self, first: list[str]) -> None:
        """SIGTERM the children named in `first` one by one, then the rest; wait for each."""
        order = sorted(
            self.children, key=lambda item: first.index(item[0]) if item[0] in first else 99
        )
        for name, child in order:
            if child.poll() is not None:
                continue
            child.terminate()
            timeout = HASS_STOP_TIMEOUT if name == "Home Assistant" else HELPER_STOP_TIMEOUT
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {timeout:.0f} s; killing it")
                child.kill()
                child.wait()


def parse_args() -> tuple[argparse.Namespace, list[str]]:
    """Ports and dialect; everything else is passed on to `hass`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modem-port", type=int, required=True)
    parser.add_argument("--far-end-port", type=int, required=True)
    parser.add_argument("--ha-port", type=int, required=True)
    parser.add_argument("--dialect", required=True)
    parser.add_argument(
        "--emulator-args", default="", help="radio and SIM options for the emulator, one string"
    )
    parser.add_argument("--config", type=Path, required=True)
    return parser.parse_known_args()


def main() -> int:
    """Start everything, wait, stop everything; exit like the shell would after a signal."""
    args, hass_args = parse_args()
    supervisor = Supervisor()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, supervisor.on_signal)

    busy = [p for p in (args.modem_port, args.far_end_port, args.ha_port) if port_in_use(p)]
    if busy:
        say(f"port {busy[0]} on {HOST} is already in use (another scripts/develop?); stop it first")
        return 1

    ha_url = f"http://{HOST}:{args.ha_port}"
    device = f"socket://{HOST}:{args.modem_port}"
    far_end = f"http://{HOST}:{args.far_end_port}"
    hass = Path(PYTHON).with_name("hass")
    exit_code = 0
    try:
        emulator = ["-m", "modem_emulator", "--dialect", args.dialect]
        emulator += shlex.split(args.emulator_args)
        supervisor.start(
            "modem emulator", [PYTHON, *emulator, "--listen", f"{HOST}:{args.modem_port}"]
        )
        supervisor.start(
            "echo server",
            [PYTHON, "-m", "scripts.echo_server", "--listen", f"{HOST}:{args.far_end_port}"],
        )
        home_assistant = supervisor.start(
            "Home Assistant", [str(hass), "-c", str(args.config), "--skip-pip", *hass_args]
        )
        say(f"modem emulator ({args.dialect}): {device}")
        say(f"far end (the modem's internet here): {far_end}/echo")
        say(f"Home Assistant: {ha_url}  (login: dev / dev-password)  Ctrl-C stops everything")
        say(f"Home Assistant's log: {args.config / 'home-assistant.log'}")
        bootstrap_args = ["--url", ha_url, "--device", device, "--far-end", far_end]
        bootstrap = supervisor.start(
            "bootstrap", [PYTHON, "scripts/bootstrap_develop.py", *bootstrap_args]
        )
        bootstrap_reported = False
        while not supervisor.stop_requested.wait(0.2):
            if not bootstrap_reported and bootstrap.poll() is not None:
                bootstrap_reported = True
                if bootstrap.returncode != 0:
                    say("first-start setup failed; see the lines above")
            if home_assistant.poll() is not None:
                say(f"Home Assistant exited with code {home_assistant.returncode}")
                exit_code = home_assistant.returncode
                break
    finally:
        if supervisor.signal_name:
            say(f"{supervisor.signal_name}: stopping")
        supervisor.stop_all(first=["bootstrap", "Home Assistant", "echo server"])
        say("stopped")
    if supervisor.signal_name:
        return 128 + signal.Signals[supervisor.signal_name].value
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
