"""The one worker thread of a device adapter or a simulator: its start, stop and name.

Every adapter owns one named daemon thread that loops until asked to stop (`qr-scanner`,
`smartcard`, `idcard`, `printer`, `voice`, `locker-<bus>`; each simulator on a
pseudo-terminal `sim-<name>`): the names are what a thread dump or py-spy shows, so they
stay what they are. ``Worker`` holds the parts they all share: the thread, the
``stopping`` event its loop watches, an optional wake-up for a loop that sleeps on
something else than that event (a queue, a condition), and a bounded join.

What a loop does, and when it beats its ProgressBeat (devices/progress.py), stays with each
adapter: they beat in different places (the serial link on every read and reconnect
attempt, the printer also while resting between two status checks, the camera on every
frame poll), and the announcer has no beat at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Worker:
    """Runs ``loop`` on a daemon thread named ``name`` from start() until stop().

    ``loop`` must return soon after ``stopping`` is set: it waits on ``stopping`` (or passes
    it to whatever it blocks in), or ``wake`` makes whatever it blocks in return. stop()
    waits at most ``join_timeout_s`` for it, so a loop stuck in a device never holds up the
    terminal's shutdown; the thread is a daemon and dies with the process.
    """

    def __init__(self, name: str, loop: Callable[[], None], *, join_timeout_s: float,
                 wake: Callable[[], None] | None = None) -> None:
        self.name = name
        self.join_timeout_s = join_timeout_s
        self.stopping = threading.Event()
        self._loop = loop
        self._wake = wake
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """The thread has started and has not ended yet."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        """Starts the thread; does nothing while it still runs. After stop() it starts a
        new one."""
        if self.running:
            return
        self.stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Asks the loop to end and waits for it (at most join_timeout_s). Safe to call
        twice, before start(), or from the worker thread itself (which is not waited for)."""
        self.stopping.set()
        thread = self._thread
        if thread is None or not thread.is_alive():
            return
        if self._wake is not None:
            self._wake()
        if thread is not threading.current_thread():
            thread.join(timeout=self.join_timeout_s)

    def wait(self, seconds: float) -> bool:
        """Rests up to ``seconds``; True as soon as stop() has been asked for."""
        return self.stopping.wait(seconds)
