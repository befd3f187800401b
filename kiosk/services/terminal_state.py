"""Small durable facts about the terminal: counters that must survive restarts."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.store import Store


class TerminalState:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> str | None:
        with self._store.reading() as db:
            row = db.execute("SELECT value FROM terminal_state WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def next_sequence(self, key: str) -> int:
        """Increments and returns the counter ``key`` (starting at 0), durably."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._store.transaction() as db:
            row = db.execute("SELECT value FROM terminal_state WHERE key = ?", [key]).fetchone()
            value = 0 if row is None else int(row[0]) + 1
            db.execute(
                "INSERT INTO terminal_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                [key, str(value), now],
            )
        return value
