"""The keypad's defence against guessing: wrong codes in a row lock it, with delays that
double with every further wrong code. State lives in the database, so a restart does not
reset it, and wall-clock time, so a lockout survives a reboot.

Only a pickup that opens a door ends a streak. A code that is right but expired, already
used, or refused for any other reason counts as wrong: otherwise one expired code, known
to its owner, would reset the count between guesses (issue 11, finding 1).

The lockout is one for the whole keypad, because a guesser has no identity to count
against. Residents are never shut out by it: pickup with an ID card does not use the
keypad, and the screen says so. A lockout of ``alarm_after_s`` or more raises
``pickup.guessing`` for the station's staff and the district center."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

STREAK = "locker.wrong_code_streak"
LOCKED_UNTIL = "locker.keypad_locked_until"
MAX_LOCKOUT_S = 3600
GUESSING_ALARM = "pickup.guessing"
GUESSING_SUBJECT = "keypad"


@dataclass(frozen=True)
class WrongCode:
    """What one more wrong code did: the streak so far, the tries left before the keypad
    locks, and the lockout it started (0 when none)."""

    streak: int
    tries_left: int
    lockout_s: float


class GuessGuard:
    def __init__(self, limit: int, first_lockout_s: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.first_lockout_s = first_lockout_s
        self.clock = clock

    def locked_for(self, db: sqlite_utils.Database) -> float:
        """Seconds the keypad stays locked; 0 when codes may be tried."""
        return max(0.0, _get_float(db, LOCKED_UNTIL) - self.clock())

    def failure(self, db: sqlite_utils.Database) -> WrongCode:
        """Records a wrong (or unusable) code."""
        streak = int(_get_float(db, STREAK)) + 1
        _set(db, STREAK, streak)
        if streak < self.limit:
            return WrongCode(streak, self.limit - streak, 0.0)
        lockout = self.lockout_after(streak)
        _set(db, LOCKED_UNTIL, self.clock() + lockout)
        return WrongCode(streak, 0, lockout)

    def lockout_after(self, streak: int) -> float:
        """The lockout that the ``streak``-th wrong code in a row starts."""
        if streak < self.limit:
            return 0.0
        # The exponent is capped before it is used: a streak of thousands stays cheap.
        doublings = min(streak - self.limit, MAX_LOCKOUT_S.bit_length())
        return float(min(MAX_LOCKOUT_S, self.first_lockout_s * 2 ** doublings))

    def success(self, db: sqlite_utils.Database) -> bool:
        """Ends the streak after a door was opened; True if there was one to end."""
        if not _get_float(db, STREAK):   # no write (and no page to sync) when already clear
            return False
        _set(db, STREAK, 0)
        return True


def _get_float(db: sqlite_utils.Database, key: str) -> float:
    row = db.execute("SELECT value FROM terminal_state WHERE key = ?", [key]).fetchone()
    return float(row[0]) if row else 0.0


def _set(db: sqlite_utils.Database, key: str, value: float) -> None:
    db.execute(
        "INSERT INTO terminal_state (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, str(value), datetime.now(UTC).isoformat(timespec="seconds")],
    )
