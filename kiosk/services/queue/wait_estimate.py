"""How long a new ticket will wait: the tickets ahead of it, and the recent handling
time spread over the category's windows."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from kiosk.config.schema import QueueCategory

# Fewer finished tickets than this say nothing yet: the configured default stands.
LEAST_HISTORY = 3


def tickets_ahead(db: sqlite_utils.Database, day: str, category: str, rank: int) -> int:
    """Tickets that will be called before a new ticket of ``rank``."""
    return int(db.execute(
        "SELECT count(*) FROM queue_tickets WHERE day = ? AND category = ? AND "
        "state = 'waiting' AND rank <= ?", [day, category, rank]).fetchone()[0])


def estimate_min(db: sqlite_utils.Database, category: QueueCategory, ahead: int,
                 default_handling_min: float, average_over: int, exact: bool = False) -> float:
    handling = average_handling_min(db, category.id, default_handling_min, average_over)
    marks = ",".join("?" * len(category.windows))
    open_windows = db.execute(
        f"SELECT count(*) FROM queue_windows WHERE open = 1 AND number IN ({marks})",
        list(category.windows)).fetchone()[0]
    # Before any window opens, assume all of them will: staff arrive at opening time.
    windows = open_windows or len(category.windows)
    minutes = handling * ahead / windows
    return minutes if exact else round(minutes)


def average_handling_min(db: sqlite_utils.Database, category: str,
                         default_handling_min: float, average_over: int) -> float:
    rows = db.execute(
        "SELECT called_at, finished_at FROM queue_tickets WHERE category = ? AND "
        "state = 'finished' AND called_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        [category, average_over]).fetchall()
    if len(rows) < LEAST_HISTORY:
        return default_handling_min
    seconds = [(datetime.fromisoformat(f) - datetime.fromisoformat(c)).total_seconds()
               for c, f in rows]
    return sum(seconds) / len(seconds) / 60
