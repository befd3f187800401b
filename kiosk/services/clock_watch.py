"""Notices when the wall clock jumps.

Checks that depend on the date (a command's validity, how long its id is kept) trust the
wall clock. A clock that steps by minutes or more (a dead RTC battery, a wrong manual
setting, a bad time server) would make them wrong in either direction, so the wall clock is
compared with the monotonic clock, which never steps: while their difference has moved
by more than ``tolerance_s`` since it was last trusted, the clock is known to have jumped.

A step that stays (the clock was wrong before and is right now) is accepted as the new
normal after ``settle_s`` of monotonic time; a step that is undone (the clock was set
right again) ends the jump at once. No state is kept across restarts: the monotonic clock
starts again at boot, and the command ids that replay protection needs are kept by count
as well as by date (kiosk/services/commands.py), so a restart during a jump opens no
door."""

from __future__ import annotations

import time
from collections.abc import Callable

TOLERANCE_S = 300.0
SETTLE_S = 600.0


class ClockWatch:
    def __init__(self, wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 tolerance_s: float = TOLERANCE_S, settle_s: float = SETTLE_S) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._tolerance_s = tolerance_s
        self._settle_s = settle_s
        self._offset = wall() - monotonic()       # wall minus monotonic, last trusted
        self._jumped_at: float | None = None      # monotonic time the jump was first seen

    def jump_s(self) -> float:
        """How far the wall clock has jumped (seconds, + forward), or 0 when trusted."""
        offset = self._wall() - self._monotonic()
        drift = offset - self._offset
        if abs(drift) <= self._tolerance_s:
            # Trusted: follow small steps so that they never add up to a jump.
            self._offset, self._jumped_at = offset, None
            return 0.0
        now = self._monotonic()
        if self._jumped_at is None:
            self._jumped_at = now
        if now - self._jumped_at >= self._settle_s:
            self._offset, self._jumped_at = offset, None
            return 0.0
        return drift
