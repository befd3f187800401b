"""Where the locker service's jobs run: requests, bus reports and a timer tick between them,
one at a time and in order, so the locker's state needs no locks.

``JobWorker`` is the service's one thread ("locker-service"). ``InlineWorker`` runs the
same jobs on the caller's thread instead, at once: tests that drive the service step by
step use it, with no thread to wait for."""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol, TypeVar

log = logging.getLogger("kiosk.locker")

T = TypeVar("T")
Tick = Callable[[], None]


class Worker(Protocol):
    stopping: threading.Event

    def start(self, tick: Tick) -> None:
        """Starts running jobs, with ``tick`` after each one (and when idle)."""
        ...

    def stop(self) -> None: ...

    def put(self, job: Callable[[], None]) -> None:
        """Runs ``job`` on the worker, after those queued before it."""
        ...

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Like put, with the result (or the exception) in a future for the caller."""
        ...


def _with_future(job: Callable[[], T], future: Future[T]) -> Callable[[], None]:
    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(job())
        except Exception as error:  # the caller sees it; the service goes on
            log.exception("locker request failed")
            future.set_exception(error)

    return run


def _turn(job: Callable[[], None] | None, tick: Tick) -> None:
    """One turn of the loop: the job, if any, then the timer."""
    try:
        if job is not None:
            job()
        tick()
    except Exception:
        log.exception("locker service: an event could not be handled")


class JobWorker:
    """The service's thread: the timer ticks every ``tick_s`` while no job comes."""

    def __init__(self, tick_s: float, name: str = "locker-service") -> None:
        self._tick_s = tick_s
        self._name = name
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, tick: Tick) -> None:
        self.stopping.clear()
        self._thread = threading.Thread(target=self._run, args=(tick,), name=self._name,
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def put(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)

    def submit(self, job: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put(_with_future(job, future))
        return future

    def _run(self, tick: Tick) -> None:
        while not self.stopping.is_set():
            try:
                job = self._jobs.get(timeout=self._tick_s)
            except queue.Empty:
                job = None
            _turn(job, tick)


class InlineWorker:
    """Runs each job on the caller's thread as it comes, the timer after each, as the
    thread would. A job put while another runs (a bus report during an unlock) waits until
    that one is done, so the order is the thread's. Jobs put before start() or after
    stop() wait; futures from submit() come back done once the worker runs."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._jobs: deque[Callable[[], None]] = deque()
        self._tick: Tick | None = None
        self._running = False

    def start(self, tick: Tick) -> None:
        self._tick = tick
        self.stopping.clear()
        self._run_queued()

    def stop(self) -> None:
        self.stopping.set()

    def put(self, job: Callable[[], None]) -> None:
        self._jobs.append(job)
        self._run_queued()

    def submit(self, job: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self.put(_with_future(job, future))
        return future

    def tick(self) -> None:
        """One idle turn of the timer (a test moved its clock on), then the jobs it led to."""
        if self._tick is None or self._running or self.stopping.is_set():
            return
        self._running = True
        try:
            _turn(None, self._tick)
        finally:
            self._running = False
        self._run_queued()

    def _run_queued(self) -> None:
        if self._tick is None or self._running:
            return
        self._running = True
        try:
            while self._jobs and not self.stopping.is_set():
                _turn(self._jobs.popleft(), self._tick)
        finally:
            self._running = False
