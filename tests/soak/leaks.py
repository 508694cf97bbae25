"""Counting what a run could leave behind: asyncio tasks, threads and open file descriptors."""

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Resources:
    """A snapshot of the process's tasks, threads and file descriptors."""

    tasks: frozenset[asyncio.Task[object]]
    threads: frozenset[threading.Thread]
    fds: frozenset[str]

    @classmethod
    def now(cls) -> Resources:
        """Take the snapshot (from inside the event loop; the calling task is left out)."""
        current = asyncio.current_task()
        tasks = frozenset(task for task in asyncio.all_tasks() if task is not current)
        return cls(tasks, frozenset(threading.enumerate()), frozenset(_fds()))

    def leaks_since(self, before: Resources) -> dict[str, str]:
        """What exists now and did not before (empty: nothing leaked)."""
        found: dict[str, str] = {}
        tasks = [task for task in self.tasks - before.tasks if not task.done()]
        if tasks:
            found["tasks"] = ", ".join(sorted(repr(task.get_coro()) for task in tasks))
        threads = self.threads - before.threads
        if threads:
            found["threads"] = ", ".join(sorted(thread.name for thread in threads))
        fds = self.fds - before.fds
        if fds:
            found["fds"] = ", ".join(sorted(_describe(fd) for fd in fds))
        return found

    def summary(self) -> str:
        """Counts, for the report."""
        return f"{len(self.tasks)} tasks, {len(self.threads)} threads, {len(self.fds)} fds"


def _fds() -> list[str]:
    return [entry.name for entry in Path("/proc/self/fd").iterdir()]


def _describe(fd: str) -> str:
    try:
        return f"{fd} -> {Path('/proc/self/fd', fd).readlink()}"
    except OSError:
        return fd
