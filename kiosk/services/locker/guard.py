"""The keypad's defence against guessing: wrong codes in a row lock it, with delays that
double with every further wrong code. State lives in the database, so a restart does not
reset it, and wall-clock time, so a lockout survives a reboot."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

STREAK = "locker.wrong_code_streak"
LOCKED_UNTIL = "locker.keypad_locked_until"
MAX_LOCKOUT_S = 3600


class GuessGuard:
    def __init__(self, limit: int, first_lockout_s: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.first_lockout_s = first_lockout_s
        self.clock = clock

    def locked_for(self, db: sqlite_utils.Database) -> float:
        """Seconds the keypad stays locked; 0 when codes may be tried."""
        return max(0.0, _get_float(db, LOCKED_UNTIL) - self.clock())

    def failure(self, db: sqlite_utils.Database) -> tuple[int, float]:
        """Records a wrong code. Returns (tries left before a lockout, lockout seconds)."""
        streak = int(_get_float(db, STREAK)) + 1
        _set(db, STREAK, streak)
        if streak < self.limit:
            return self.limit - streak, 0.0
        lockout = min(MAX_LOCKOUT_S, self.first_lockout_s * 2 ** (streak - self.limit))
        _set(db, LOCKED_UNTIL, self.clock() + lockout)
        return 0, float(lockout)

    def success(self, db: sqlite_utils.Database) -> None:
        if _get_float(db, STREAK):  # no write (and no page to sync) when already clear
            _set(db, STREAK, 0)


def _get_float(db: sqlite_utils.Database, key: str) -> float:
    row = db.execute("SELECT value FROM terminal_state WHERE key = ?", [key]).fetchone()
    return float(row[0]) if row else 0.0


def _set(db: sqlite_utils.Database, key: str, value: float) -> None:
    db.execute(
        "INSERT INTO terminal_state (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, str(value), datetime.now(UTC).isoformat(timespec="seconds")],
    )
