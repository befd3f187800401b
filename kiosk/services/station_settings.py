"""What the district center may change on screen without a configuration file: an
announcement on the home screen, and the staffed hours shown to residents.

Both are stored in the database, so they survive restarts, and every change is audited.
The opening hours set by the center override `station.opening_hours` until the center
sets them back to empty. Listeners (the UI) hear of every change, on the thread that
made it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.services import audit
from kiosk.store import Store

log = logging.getLogger(__name__)

ANNOUNCEMENT_KEY = "display.announcement"
OPENING_HOURS_KEY = "station.opening_hours"
MAX_ANNOUNCEMENT_CHARS = 300
MAX_OPENING_HOURS_CHARS = 120


@dataclass(frozen=True)
class StationNotices:
    announcement: str       # empty: none
    opening_hours: str      # the hours to show: the center's, or the configured ones


NoticesListener = Callable[[StationNotices], None]


class StationSettings:
    def __init__(self, store: Store, configured_opening_hours: str,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._configured_hours = configured_opening_hours
        self._clock = clock
        self._listeners: list[NoticesListener] = []
        self._lock = threading.Lock()

    def current(self) -> StationNotices:
        return StationNotices(self.announcement(), self.opening_hours())

    def announcement(self) -> str:
        stored = self._read(ANNOUNCEMENT_KEY)
        if not stored:
            return ""
        value = json.loads(stored)
        until = value.get("until")
        if until is not None and self._clock() * 1000 >= until:
            return ""
        return str(value.get("text", ""))

    def opening_hours(self) -> str:
        return self._read(OPENING_HOURS_KEY) or self._configured_hours

    def set_announcement(self, text: str, until_ms: int | None, actor: str) -> None:
        """An empty ``text`` removes the announcement; ``until_ms`` (ms since the epoch)
        ends it on its own."""
        text = text.strip()
        if len(text) > MAX_ANNOUNCEMENT_CHARS:
            raise ValueError(f"an announcement has at most {MAX_ANNOUNCEMENT_CHARS} characters")
        value = json.dumps({"text": text, "until": until_ms}, ensure_ascii=False) if text else ""
        self._write(ANNOUNCEMENT_KEY, value, actor, "display.announcement_set",
                    {"length": len(text), "until": until_ms})

    def set_opening_hours(self, text: str, actor: str) -> None:
        """An empty ``text`` goes back to the configured `station.opening_hours`."""
        text = text.strip()
        if len(text) > MAX_OPENING_HOURS_CHARS:
            raise ValueError(f"opening hours have at most {MAX_OPENING_HOURS_CHARS} characters")
        self._write(OPENING_HOURS_KEY, text, actor, "station.opening_hours_set",
                    {"hours": text, "configured": not text})

    def subscribe(self, listener: NoticesListener) -> None:
        """Calls ``listener`` now and after every change."""
        with self._lock:
            self._listeners.append(listener)
        listener(self.current())

    def _read(self, key: str) -> str:
        with self._store.reading() as db:
            row = db.execute("SELECT value FROM terminal_state WHERE key = ?", [key]).fetchone()
        return "" if row is None else str(row[0])

    def _write(self, key: str, value: str, actor: str, action: str,
               detail: dict[str, object]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO terminal_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at", [key, value, now])
            audit.record(db, actor, action, key, detail)
        notices = self.current()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(notices)
            except Exception:
                log.exception("station settings: a listener failed")
