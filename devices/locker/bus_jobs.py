"""The work callers hand a lock-board bus's one thread: unlocks, reads and sweeps, most
urgent first, each with the Future its caller waits on.

The bus's worker takes them between its polls (``next``) and between the transactions of
a sweep (``run_urgent``), so an unlock waits behind one poll at most; when the line goes
away, everything still queued fails (``fail_all``) rather than going out, minutes later,
on the new line.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from devices.errors import DeviceError, DeviceNotFound, UnlockNotSent

# Priorities, lower first: unlocks, then reads, then sweeps callers asked for (which run
# between polls, never inside a sweep), then the wake-up that stop() sends.
UNLOCK, READ, SWEEP, WAKE = 0, 1, 2, 3


@dataclass(order=True)
class Job:
    priority: int
    sequence: int
    run: Callable[[], Any] = field(compare=False)
    future: Future[Any] = field(compare=False)


class JobQueue:
    def __init__(self) -> None:
        self._jobs: queue.PriorityQueue[Job] = queue.PriorityQueue()
        self._sequence = itertools.count()   # first come, first served within a priority

    def submit(self, priority: int, run: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put(Job(priority, next(self._sequence), run, future))
        return future

    def next(self, timeout_s: float) -> Job | None:
        """The most urgent job, waiting up to ``timeout_s`` for one; None if none came."""
        try:
            return self._jobs.get(timeout=max(0.0, timeout_s))
        except queue.Empty:
            return None

    def run(self, job: Job) -> None:
        """Runs ``job`` unless its caller cancelled it, and settles its Future. A device
        error is the caller's to handle, except a lost line (DeviceNotFound), which is the
        worker's too: it is raised again, as is anything unexpected."""
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            result = job.run()
        except DeviceNotFound as error:
            job.future.set_exception(error)
            raise
        except DeviceError as error:
            job.future.set_exception(error)
        except Exception as error:
            job.future.set_exception(error)
            raise
        else:
            job.future.set_result(result)

    def run_urgent(self, stopping: threading.Event) -> None:
        """Runs the unlocks and reads callers queued, unlocks first, leaving sweeps (and
        the wake-up) for between polls."""
        while not stopping.is_set():
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job.priority >= SWEEP:
                self._jobs.put(job)     # the most urgent left: everything else waits too
                return
            self.run(job)

    def fail_all(self, error: DeviceError) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job.future.set_running_or_notify_cancel():
                # A queued unlock never reached the line: say so, the caller may retry it.
                failure = (UnlockNotSent(f"{error}; the unlock was not sent")
                           if job.priority == UNLOCK else error)
                job.future.set_exception(failure)
