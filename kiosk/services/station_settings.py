"""What the district center may change on screen without a configuration file: an
announcement on the home screen, and the station's staffed hours.

Both are stored in the database, so they survive restarts, and every change is audited.
The staffed hours are the one source of when anyone is at the windows: the configured
`station.staffed_hours`, or the sessions the center set in their place until it sets them
back. Every screen and slip words them from here (kiosk/services/opening_hours_text.py),
and queues without sessions of their own follow them. Listeners (the UI) hear of every
change, on the thread that made it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.config.schema import KioskConfig, OpeningSession
from kiosk.config.weekly_hours import MIN_OPEN_HOURS_A_DAY, WeeklyHours, session_problem
from kiosk.services import audit
from kiosk.services.opening_hours_text import chinese_hours
from kiosk.store import Store

log = logging.getLogger(__name__)

ANNOUNCEMENT_KEY = "display.announcement"
STAFFED_HOURS_KEY = "station.staffed_hours"
# Before issue 12 the center's hours were free text under this key. Such text may contradict
# the queues, so it is no longer shown; it is only reported once at start.
RETIRED_TEXT_HOURS_KEY = "station.opening_hours"
MAX_ANNOUNCEMENT_CHARS = 300
# Four stretches a day for each day of the week is more than any station keeps.
MAX_SESSIONS = 28


@dataclass(frozen=True)
class StationNotices:
    announcement: str              # empty: none
    staffed_hours: WeeklyHours     # in force: the center's, or the configured ones


NoticesListener = Callable[[StationNotices], None]


@dataclass(frozen=True)
class HoursRules:
    """What any staffed hours must allow: the queues with sessions of their own open only
    within them, and queues that follow them keep the service commitment."""

    queues_within: tuple[tuple[str, WeeklyHours], ...] = ()   # (queue's name, its hours)
    min_hours_a_day: int = 0                                   # 0: no queue follows them

    @classmethod
    def for_config(cls, config: KioskConfig) -> HoursRules:
        if not config.queue.enabled:
            return cls()
        return cls(
            tuple((f"{c.name} ({c.id})", WeeklyHours.from_sessions(c.sessions))
                  for c in config.queue.categories if c.sessions),
            MIN_OPEN_HOURS_A_DAY if any(not c.sessions for c in config.queue.categories)
            else 0)

    def problem(self, hours: WeeklyHours) -> str | None:
        for name, queue_hours in self.queues_within:
            outside = queue_hours.outside(hours)
            if outside is not None:
                day, stretch = outside
                return (f"the queue {name} is open {stretch} on weekday {day}, outside these "
                        "hours; change the terminal's configuration first")
        if self.min_hours_a_day:
            short = hours.short_day(self.min_hours_a_day)
            if short is not None:
                day, minutes = short
                return (f"open {minutes / 60:.1f} hours on weekday {day}; queues follow these "
                        f"hours and open at least {self.min_hours_a_day} hours a day")
        return None


class StationSettings:
    def __init__(self, store: Store, configured_hours: WeeklyHours,
                 rules: HoursRules | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._configured_hours = configured_hours
        self._rules = rules or HoursRules()
        self._clock = clock
        self._listeners: list[NoticesListener] = []
        self._lock = threading.Lock()
        # Read once and kept: this class is their only writer, and the touch screen asks
        # for the hours on every screen, which must never wait on the disk.
        self._values: dict[str, str] = {}
        retired = self._read(RETIRED_TEXT_HOURS_KEY)
        if retired:
            log.warning("the district center's hours in words (%r) are no longer shown: the "
                        "configured staffed hours are in force until the center sends "
                        "sessions (station.set_opening_hours)", retired)
        centers = self._centers_hours()
        problem = self._rules.problem(centers) if centers is not None else None
        if problem:
            log.warning("the staffed hours the district center set no longer suit this "
                        "configuration (%s); the configured station.staffed_hours are in force",
                        problem)

    @classmethod
    def for_config(cls, store: Store, config: KioskConfig) -> StationSettings:
        return cls(store, WeeklyHours.from_sessions(config.station.staffed_hours),
                   HoursRules.for_config(config))

    def current(self) -> StationNotices:
        return StationNotices(self.announcement(), self.staffed_hours())

    def announcement(self) -> str:
        stored = self._read(ANNOUNCEMENT_KEY)
        if not stored:
            return ""
        value = json.loads(stored)
        until = value.get("until")
        if until is not None and self._clock() * 1000 >= until:
            return ""
        return str(value.get("text", ""))

    def staffed_hours(self) -> WeeklyHours:
        centers = self._centers_hours()
        # The center's may have been set under an older configuration whose queues they
        # suited, and not this one's (reported at start).
        if centers is None or self._rules.problem(centers):
            return self._configured_hours
        return centers

    def opening_hours(self) -> str:
        """The staffed hours in force in Chinese words, as slips print them."""
        return chinese_hours(self.staffed_hours())

    def set_announcement(self, text: str, until_ms: int | None, actor: str) -> None:
        """An empty ``text`` removes the announcement; ``until_ms`` (ms since the epoch)
        ends it on its own."""
        text = text.strip()
        if len(text) > MAX_ANNOUNCEMENT_CHARS:
            raise ValueError(f"an announcement has at most {MAX_ANNOUNCEMENT_CHARS} characters")
        value = json.dumps({"text": text, "until": until_ms}, ensure_ascii=False) if text else ""
        self._write(ANNOUNCEMENT_KEY, value, actor, "display.announcement_set",
                    {"length": len(text), "until": until_ms})

    def set_staffed_hours(self, sessions: Sequence[OpeningSession], actor: str) -> WeeklyHours:
        """No ``sessions`` goes back to the configured `station.staffed_hours`. Sessions
        the queues could not live with raise ValueError and change nothing."""
        for index, session in enumerate(sessions):
            problem = session_problem(session)
            if problem is not None:
                raise ValueError(f"sessions[{index}].{problem[0]}: {problem[1]}")
        hours = WeeklyHours.from_sessions(sessions)
        if hours:
            rules_problem = self._rules.problem(hours)
            if rules_problem is not None:
                raise ValueError(rules_problem)
        value = json.dumps(hours.as_sessions()) if hours else ""
        in_force = hours or self._configured_hours
        self._write(STAFFED_HOURS_KEY, value, actor, "station.staffed_hours_set",
                    {"sessions": in_force.as_sessions(), "text": chinese_hours(in_force),
                     "configured": not hours})
        return in_force

    def subscribe(self, listener: NoticesListener) -> None:
        """Calls ``listener`` now and after every change."""
        with self._lock:
            self._listeners.append(listener)
        listener(self.current())

    def _centers_hours(self) -> WeeklyHours | None:
        stored = self._read(STAFFED_HOURS_KEY)
        if not stored:
            return None
        return WeeklyHours.from_sessions(sessions_from_wire(json.loads(stored)))

    def _read(self, key: str) -> str:
        with self._lock:
            if key in self._values:
                return self._values[key]
        with self._store.reading() as db:
            row = db.execute("SELECT value FROM terminal_state WHERE key = ?", [key]).fetchone()
        value = "" if row is None else str(row[0])
        with self._lock:
            return self._values.setdefault(key, value)

    def _write(self, key: str, value: str, actor: str, action: str,
               detail: dict[str, object]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO terminal_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at", [key, value, now])
            audit.record(db, actor, action, key, detail)
        with self._lock:
            self._values[key] = value
        notices = self.current()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(notices)
            except Exception:
                log.exception("station settings: a listener failed")


def sessions_from_wire(value: object) -> tuple[OpeningSession, ...]:
    """Sessions as JSON carries them ([{"days": [1, 2], "start": "09:00", "end": "17:00"}]),
    checked for shape; raises ValueError naming the first bad one. session_problem checks
    their values."""
    if not isinstance(value, list):
        raise ValueError("sessions must be a list")
    if len(value) > MAX_SESSIONS:
        raise ValueError(f"at most {MAX_SESSIONS} sessions")
    sessions: list[OpeningSession] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"days", "start", "end"}:
            raise ValueError(f"sessions[{index}] must have exactly days, start and end")
        days, start, end = item["days"], item["start"], item["end"]
        if not isinstance(days, list) or not all(type(d) is int for d in days):
            raise ValueError(f"sessions[{index}].days must be a list of weekdays 1 to 7")
        if not isinstance(start, str) or not isinstance(end, str):
            raise ValueError(f"sessions[{index}]: start and end must be \"HH:MM\" strings")
        sessions.append(OpeningSession(days=tuple(days), start=start, end=end))
    return tuple(sessions)
