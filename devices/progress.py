"""Proof that a worker thread is still getting round its loop.

Every device adapter's worker beats its ProgressBeat once per loop iteration, also while the
device is missing (a loop waiting for a port to come back is working as meant). The
terminal's systemd watchdog (kiosk/app/watchdog.py) stops telling systemd it is alive as soon as
one beat is older than its ``allowed_stall_s``, so a thread stuck in a read without a timeout,
a deadlock or a listener that never returns gets the whole terminal restarted.

Living in devices/ so adapters can own one without importing the kiosk.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# The longest a device worker may legitimately go between two loop iterations: its longest
# wait (a 5 s reconnect backoff, a 10 s capture-program restart delay, a 2 s card read) with
# ample room for listeners that write to the database.
DEFAULT_ALLOWED_STALL_S = 30.0


class ProgressBeat:
    """The monotonic time a named worker last made progress.

    beat() is called from the worker thread and read from the watchdog's: a single attribute
    assignment of a float, which the interpreter makes atomic, so no lock is needed.
    """

    def __init__(self, name: str, allowed_stall_s: float = DEFAULT_ALLOWED_STALL_S, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if allowed_stall_s <= 0:
            raise ValueError("allowed_stall_s must be positive")
        self.name = name
        self.allowed_stall_s = allowed_stall_s
        self._clock = clock
        self._last_beat_at: float | None = None

    def beat(self) -> None:
        self._last_beat_at = self._clock()

    @property
    def last_beat_at(self) -> float | None:
        """When beat() was last called (on the beat's clock); None before the first beat."""
        return self._last_beat_at

    def __repr__(self) -> str:
        return f"ProgressBeat({self.name!r}, last_beat_at={self._last_beat_at!r})"
