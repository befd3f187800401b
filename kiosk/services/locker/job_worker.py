"""The locker service's one thread: it runs queued jobs in order (requests, bus reports)
and a timer tick between them, so the locker's state needs no locks."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

log = logging.getLogger("kiosk.locker")

T = TypeVar("T")


class JobWorker:
    def __init__(self, tick: Callable[[], None], tick_s: float,
                 name: str = "locker-service") -> None:
        self._tick = tick
        self._tick_s = tick_s
        self._name = name
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def put(self, job: Callable[[], None]) -> None:
        """Runs ``job`` on the worker thread, after those queued before it."""
        self._jobs.put(job)

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Like put, with the result (or the exception) in a future for the caller."""
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(job())
            except Exception as error:  # the caller sees it; the service goes on
                log.exception("locker request failed")
                future.set_exception(error)

        self._jobs.put(run)
        return future

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                job = self._jobs.get(timeout=self._tick_s)
            except queue.Empty:
                job = None
            try:
                if job is not None:
                    job()
                self._tick()
            except Exception:
                log.exception("locker service: an event could not be handled")
