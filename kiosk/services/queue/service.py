"""The queue: tickets issued at the terminal, called at the windows.

Every change is one SQLite transaction with its event, so numbering survives a power cut
and the district center sees each ticket's life in order. Listeners hear about calls
after the commit, on the thread that made the call (a window's API request)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.config.schema import QueueCategory, QueueConfig, StationConfig
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.identity import Identity
from kiosk.services.keys import KeyedHash
from kiosk.services.outbox import PRIORITY_REPORT, append_event
from kiosk.services.queue.appointments import (
    Appointment,
    AppointmentInvalid,
    public_key_from_base64,
    read_appointment,
)
from kiosk.services.queue.day_closing import close_open_day, days_to_close, stored_summary
from kiosk.services.queue.day_summary import summarise_day
from kiosk.services.queue.hours import category_hours
from kiosk.services.queue.model import (
    RANK_APPOINTMENT,
    RANK_PRIORITY,
    RANK_WALK_IN,
    Call,
    CategoryNow,
    DaySummary,
    IssuedTicket,
    QueueError,
    Refused,
    Ticket,
    TicketRefusal,
)
from kiosk.services.queue.rating_links import RatingLinks
from kiosk.services.queue.ticket_issue import insert_ticket
from kiosk.services.queue.ticket_rows import (
    calls_later_than,
    calls_since,
    close_current,
    current,
    current_or_none,
    record_call,
    ticket_by_id,
)
from kiosk.services.queue.wait_estimate import estimate_min, tickets_ahead
from kiosk.store import Store

log = logging.getLogger(__name__)

CallListener = Callable[[Call], None]
OPEN_STATES = ("waiting", "called")


class QueueService:
    def __init__(self, store: Store, config: QueueConfig, station: StationConfig,
                 keyed_hash: KeyedHash,
                 staffed_hours: Callable[[], WeeklyHours] | None = None,
                 rating_links: RatingLinks | None = None) -> None:
        """``staffed_hours`` gives the station's staffed hours in force (the district
        center may change the configured ones); queues without sessions follow them.
        ``rating_links`` make each ticket's rating code (none without them)."""
        self.store = store
        self.rating_links = rating_links
        self.config = config
        self.station = station
        self.keyed_hash = keyed_hash
        configured = WeeklyHours.from_sessions(station.staffed_hours)
        self.staffed_hours = staffed_hours or (lambda: configured)
        self.categories = {c.id: c for c in config.categories}
        self.appointment_key = (public_key_from_base64(config.appointment_public_key)
                                if config.appointment_public_key else None)
        # Replaceable so tests and the benchmark can run a whole day in seconds.
        self.now: Callable[[], datetime] = datetime.now
        self._call_listeners: list[CallListener] = []
        self._new_call = threading.Condition()
        self._stop = threading.Event()
        self._roller: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------

    def start(self) -> None:
        self.roll_over()
        self._roller = threading.Thread(target=self._roll_over_daily, name="queue-day",
                                        daemon=True)
        self._roller.start()

    def stop(self) -> None:
        self._stop.set()
        if self._roller is not None:
            self._roller.join(timeout=5)

    def on_call(self, listener: CallListener) -> None:
        self._call_listeners.append(listener)

    # -- residents ----------------------------------------------------------------------

    def categories_now(self) -> list[CategoryNow]:
        now = self.now()
        day = now.date().isoformat()
        staffed = self.staffed_hours()
        hours = {c.id: category_hours(c, staffed) for c in self.config.categories}
        with self.store.reading() as db:
            return [CategoryNow(
                id=c.id, name=c.name, description=c.description, prefix=c.prefix,
                open=hours[c.id].is_open(now),
                waiting=tickets_ahead(db, day, c.id, RANK_WALK_IN),
                estimate_min=self._estimate(db, c, tickets_ahead(db, day, c.id,
                                                                      RANK_WALK_IN)),
                hours=hours[c.id], assisted=c.assisted,
            ) for c in self.config.categories]

    def offers_priority(self, identity: Identity | None) -> bool:
        """Residents aged elderly_age or more are offered a 帮办代办 priority ticket."""
        if identity is None or self.assisted_category() is None:
            return False
        age = identity.age(self.now().date())
        return age is not None and age >= self.config.elderly_age

    def assisted_category(self) -> QueueCategory | None:
        return next((c for c in self.config.categories if c.assisted), None)

    def issue(self, category_id: str, identity: Identity | None = None,
              priority: bool = False) -> IssuedTicket | Refused:
        """A ticket from a touch. With ``priority`` (offered through offers_priority) the
        ticket goes to the 帮办代办 queue ahead of walk-ins."""
        if priority:
            if not self.offers_priority(identity):
                return Refused(TicketRefusal.NO_PRIORITY)
            assisted = self.assisted_category()
            assert assisted is not None
            category_id = assisted.id
        person = identity.keyed_hash(self.keyed_hash) if identity is not None else None
        return self._issue(category_id, RANK_PRIORITY if priority else RANK_WALK_IN,
                           "touch", person, None)

    def check_in_code(self, code: str) -> IssuedTicket | Refused:
        """An appointment QR code as scanned: verified with the booking system's key,
        then checked in."""
        try:
            if self.appointment_key is None:
                raise AppointmentInvalid("no_key", "this terminal takes no appointments "
                                                   "(queue.appointment_public_key is empty)")
            appointment = read_appointment(code, self.appointment_key)
        except AppointmentInvalid as error:
            log.info("appointment code refused: %s", error)
            return Refused(TicketRefusal.INVALID_APPOINTMENT)
        return self.check_in(appointment)

    def check_in(self, appointment: Appointment) -> IssuedTicket | Refused:
        """A verified appointment (see appointments.read_appointment) joins its queue."""
        today = self.now().date().isoformat()
        if appointment.day != today:
            return Refused(TicketRefusal.WRONG_DAY)
        rank = RANK_PRIORITY if appointment.priority else RANK_APPOINTMENT
        return self._issue(appointment.category, rank, "appointment", None, appointment.id)

    def _issue(self, category_id: str, rank: int, source: str, person: str | None,
               appointment_id: str | None) -> IssuedTicket | Refused:
        category = self.categories.get(category_id)
        if category is None:
            return Refused(TicketRefusal.UNKNOWN_CATEGORY)
        self.roll_over()
        now = self.now()
        hours = category_hours(category, self.staffed_hours())
        if not hours.is_open(now):
            return Refused(TicketRefusal.CLOSED, category.name, hours=hours)
        with self.store.transaction() as db:
            issued = insert_ticket(db, self.config, category, rank=rank, source=source,
                                   person=person, appointment_id=appointment_id, now=now)
        if isinstance(issued, Refused):
            return issued
        ticket = issued.ticket
        log.info("ticket %s issued (%s, %d ahead)", ticket.label, category.id, issued.ahead)
        return IssuedTicket(ticket=ticket, category_name=category.name, ahead=issued.ahead,
                            estimate_min=max(0, round(issued.estimate_s / 60)),
                            status_url=self._status_url(ticket.day, ticket.label),
                            windows=category.windows,
                            rating_url=(self.rating_links.for_ticket(ticket.label, ticket.day)
                                        if self.rating_links else ""))

    # -- windows ------------------------------------------------------------------------

    def open_window(self, window: int) -> None:
        self._check_window(window)
        with self.store.transaction() as db:
            db.table("queue_windows").upsert({"number": window, "open": 1,
                                              "since": self.now().isoformat()}, pk="number")
            append_event(db, "queue.window_opened", {"window": window}, PRIORITY_REPORT)

    def close_window(self, window: int) -> None:
        self._check_window(window)
        with self.store.transaction() as db:
            db.table("queue_windows").upsert({"number": window, "open": 0,
                                              "since": self.now().isoformat()}, pk="number")
            append_event(db, "queue.window_closed", {"window": window}, PRIORITY_REPORT)

    def call_next(self, window: int) -> Call | None:
        """Finishes the window's current resident, if any, and calls the next one its
        categories have: priority first, then appointments, then walk-ins, each first
        come first served. None when nobody waits."""
        self._check_window(window)
        self.roll_over()
        now = self.now()
        day = now.date().isoformat()
        served = [c.id for c in self.config.categories if window in c.windows]
        with self.store.transaction() as db:
            close_current(db, window, "finished", now)
            db.table("queue_windows").upsert({"number": window, "open": 1,
                                              "since": now.isoformat()}, pk="number")
            marks = ",".join("?" * len(served))
            row = db.execute(
                f"SELECT id FROM queue_tickets WHERE day = ? AND state = 'waiting' AND "
                f"category IN ({marks}) ORDER BY rank, issued_at, id LIMIT 1",
                [day, *served]).fetchone()
            if row is None:
                return None
            db.execute("UPDATE queue_tickets SET state = 'called', window = ?, called_at = ? "
                       "WHERE id = ?", [window, now.isoformat(), row[0]])
            ticket = ticket_by_id(db, row[0])
            call = record_call(db, ticket, window, recall=False, now=now)
        self._announce(call)
        return call

    def recall(self, window: int) -> Call:
        now = self.now()
        with self.store.transaction() as db:
            ticket = current(db, window)
            db.execute("UPDATE queue_tickets SET recalls = recalls + 1 WHERE id = ?",
                       [ticket.id])
            call = record_call(db, ticket, window, recall=True, now=now)
        self._announce(call)
        return call

    def no_show(self, window: int) -> Ticket:
        with self.store.transaction() as db:
            ticket = close_current(db, window, "no_show", self.now())
            if ticket is None:
                raise QueueError(f"window {window} has nobody called")
            return ticket

    def finish(self, window: int) -> Ticket:
        with self.store.transaction() as db:
            ticket = close_current(db, window, "finished", self.now())
            if ticket is None:
                raise QueueError(f"window {window} has nobody called")
            return ticket

    def transfer(self, window: int, category_id: str) -> Ticket:
        """Sends the window's current resident to another category's queue. They keep
        their number and their place: first come, by the time they first took it."""
        target = self.categories.get(category_id)
        if target is None:
            raise QueueError(f"no category {category_id!r}")
        with self.store.transaction() as db:
            ticket = current(db, window)
            if ticket.category == category_id:
                raise QueueError(f"{ticket.label} is already in {category_id}")
            db.execute("UPDATE queue_tickets SET category = ?, state = 'waiting', window = NULL,"
                       " called_at = NULL, transferred_from = ? WHERE id = ?",
                       [category_id, ticket.category, ticket.id])
            append_event(db, "queue.transferred", {
                "ticket": ticket.label, "day": ticket.day, "from": ticket.category,
                "to": category_id, "window": window,
            })
            return ticket_by_id(db, ticket.id)

    def window_status(self, window: int) -> dict[str, Any]:
        self._check_window(window)
        day = self.now().date().isoformat()
        served = [c.id for c in self.config.categories if window in c.windows]
        with self.store.reading() as db:
            current = current_or_none(db, window)
            marks = ",".join("?" * len(served))
            waiting = db.execute(
                f"SELECT count(*) FROM queue_tickets WHERE day = ? AND state = 'waiting' AND "
                f"category IN ({marks})", [day, *served]).fetchone()[0]
            row = db.execute("SELECT open FROM queue_windows WHERE number = ?",
                             [window]).fetchone()
        return {"window": window, "open": bool(row and row[0]),
                "current": current.label if current else None,
                "categories": served, "waiting": waiting}

    def recent_calls(self, limit: int = 8) -> list[Call]:
        """Today's latest calls, newest first."""
        day = self.now().date().isoformat()
        with self.store.reading() as db:
            return calls_since(db, day, limit)

    def calls_after(self, call_id: int, wait_s: float = 0.0) -> list[Call]:
        """Calls after ``call_id``, oldest first, waiting up to ``wait_s`` for one to
        come (a call display's long poll)."""
        def newer() -> list[Call]:
            with self.store.reading() as db:
                return calls_later_than(db, call_id)

        # Checked under the condition: a call committed after the check cannot notify
        # before this thread waits, so no call is slept through.
        with self._new_call:
            found = newer()
            if found or wait_s <= 0:
                return found
            self._new_call.wait(timeout=wait_s)
        return newer()

    def waiting_counts(self) -> dict[str, int]:
        """Queue lengths by category, for the heartbeat and the displays."""
        day = self.now().date().isoformat()
        with self.store.reading() as db:
            rows = db.execute("SELECT category, count(*) FROM queue_tickets WHERE day = ? AND "
                              "state = 'waiting' GROUP BY category", [day]).fetchall()
        counts = {c.id: 0 for c in self.config.categories}
        counts.update({r[0]: r[1] for r in rows})
        return counts

    # -- the day ------------------------------------------------------------------------

    def roll_over(self) -> list[DaySummary]:
        """Closes every past day not closed yet: its open tickets expire and its summary
        is recorded. Numbering restarts by itself, being per day."""
        today = self.now().date().isoformat()
        with self.store.reading() as db:
            days = days_to_close(db, today)
        return [self.close_day(day) for day in days]

    def close_day(self, day: str) -> DaySummary:
        now = self.now()
        with self.store.transaction() as db:
            stored = stored_summary(db, day)
            if stored is not None:
                return stored
            summary = close_open_day(db, day, self.config.categories, now)
        log.info("queue day %s closed: %d tickets", day, summary.issued)
        return summary

    def summary(self, day: str | None = None) -> DaySummary:
        """The day so far (today by default) without closing it."""
        with self.store.reading() as db:
            return summarise_day(db, day or self.now().date().isoformat(),
                                 self.config.categories)

    # -- inside -------------------------------------------------------------------------

    def _roll_over_daily(self) -> None:
        while not self._stop.wait(60):
            try:
                self.roll_over()
            except Exception:
                log.exception("closing the queue day failed; will retry")

    def _check_window(self, window: int) -> None:
        if not any(window in c.windows for c in self.config.categories):
            raise QueueError(f"window {window} serves no queue category")

    def _estimate(self, db: sqlite_utils.Database, category: QueueCategory,
                  ahead: int) -> int:
        """Whole minutes, as the take-a-number screen shows them (estimate_min rounded)."""
        return round(estimate_min(db, category, ahead, self.config.default_handling_min,
                                  self.config.average_over, exact=True))

    def _announce(self, call: Call) -> None:
        with self._new_call:
            self._new_call.notify_all()
        for listener in self._call_listeners:
            try:
                listener(call)
            except Exception:
                log.exception("a call listener failed for %s", call.label)

    def _status_url(self, day: str, label: str) -> str:
        template = self.config.status_url
        if not template:
            return ""
        return template.format(district=self.station.district_id,
                               terminal=self.station.terminal_id, day=day, ticket=label)
