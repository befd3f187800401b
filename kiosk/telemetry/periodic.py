"""One thread for the link's periodic chores (heartbeat, alarm state, outbox caps), each
on its own interval, any of them runnable at once with poke()."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("kiosk.telemetry")


@dataclass
class _Job:
    interval_s: float
    run: Callable[[], None]
    due: float


class PeriodicJobs:
    def __init__(self, thread_name: str) -> None:
        self._thread_name = thread_name
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, name: str, interval_s: float, run: Callable[[], None]) -> None:
        """``run`` every ``interval_s``, the first time right after start()."""
        with self._lock:
            self._jobs[name] = _Job(interval_s, run, 0.0)

    def poke(self, name: str) -> None:
        """Runs ``name`` as soon as the thread can (from any thread)."""
        with self._lock:
            self._jobs[name].due = 0.0
        self._wake.set()

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            now = time.monotonic()
            with self._lock:
                due = [(name, job) for name, job in self._jobs.items() if job.due <= now]
                for _name, job in due:
                    job.due = now + job.interval_s
            for name, job in due:
                try:
                    job.run()
                except Exception:
                    log.exception("periodic job %s failed; it runs again in %.0f s", name,
                                  job.interval_s)
            with self._lock:
                next_due = min((job.due for job in self._jobs.values()), default=now + 1.0)
            self._wake.wait(max(0.0, next_due - time.monotonic()))
            self._wake.clear()
