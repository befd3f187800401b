"""Residents' calls for help (呼叫帮助 / 远程帮办): the help button on every screen asks
the staff at the windows, the call display and the district center for a person.

A request is one row in `help_requests` and a `help.requested` event, written in one small
transaction, so the button answers at once. While a request is open a second tap finds it
rather than making another. Staff answer it from their window (`help.answered`); one that
nobody answers within `help.unanswered_after_min` expires (the resident has most likely
given up) and raises the `help.unanswered` alarm, which stands until staff next answer a
request. Only the step the resident was on is kept, never who they are.

Listeners hear every change (requested, answered, expired) after its commit, on the thread
that made it: the UI's own thread for a request, a window API thread for an answer, the
"help-expiry" timer thread for an expiry.
"""

from __future__ import annotations

import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services import audit
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.outbox import append_event
from kiosk.services.worker import ServiceWorker
from kiosk.store import Store
from kiosk.store.rows import insert_row

log = logging.getLogger(__name__)

# A screen's name as the UI's ScreenManager knows it ("pickup", "guide_item").
SCREEN_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Who answered: a window ("window:3") or a staff member by the id the configuration gives
# them (never a name).
ANSWERER = re.compile(r"window:(?:[1-9]|[1-9][0-9])|staff:[a-z0-9][a-z0-9-]{0,62}")
ALARM_KIND = "help.unanswered"
ALARM_SUBJECT = "terminal"
# Expiry is checked a little after a request falls due, so that it is surely past.
SWEEP_MARGIN_S = 0.5


@dataclass(frozen=True)
class HelpCall:
    """What the help button did, for the resident's screen."""

    request_id: int
    screen: str
    already_called: bool    # a request was already open: "someone is already coming"
    staffed_now: bool       # False: nobody is at the windows now, show the hotline


@dataclass(frozen=True)
class HelpRequest:
    id: int
    screen: str
    state: str                  # open, answered, expired
    requested_at: str           # ISO 8601 UTC, as the outbox writes times
    answered_at: str | None
    answered_by: str | None     # "window:3" or "staff:<id>"

    def waiting_s(self, now: datetime) -> int:
        """Seconds since the request, at ``now`` (aware)."""
        return max(0, int((now - datetime.fromisoformat(self.requested_at)).total_seconds()))


HelpListener = Callable[[HelpRequest], None]


class HelpDesk:
    def __init__(self, store: Store, unanswered_after_s: float,
                 staffed_now: Callable[[], bool] = lambda: True,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        """``staffed_now`` says whether anyone is at the windows now; ``clock`` gives the
        aware UTC time (replaceable so tests can let requests expire)."""
        self._store = store
        self._limit = timedelta(seconds=unanswered_after_s)
        self._staffed_now = staffed_now
        self._clock = clock
        self._listeners: list[HelpListener] = []
        self._changed = threading.Condition()
        # The version long polls compare: new for every process, so that a display still
        # holding the previous process's version is answered at once.
        self._boot = secrets.token_hex(4)
        self._changes = 0
        self._timer: threading.Timer | None = None
        self._timer_lock = threading.Lock()
        self._calls = ServiceWorker("help-desk")
        self._schedule_expiry()

    # -- the resident -------------------------------------------------------------------

    def call(self, screen: str) -> Future[HelpCall]:
        """`request` on the help desk's own thread, for the touch screen, which must not
        wait on the disk (kiosk/services/worker.py)."""
        return self._calls.submit(self.request, screen)

    def request(self, screen: str) -> HelpCall:
        """A tap on the help button on ``screen``. Raises ValueError for a name that is not
        a screen's."""
        if not isinstance(screen, str) or not SCREEN_NAME.fullmatch(screen):
            raise ValueError("a screen's name is lower-case letters, digits and _ "
                             "(at most 32), e.g. pickup")
        staffed = self._ask_staffed()
        now = self._clock()
        at = _iso(now)
        made: HelpRequest | None = None
        with self._store.transaction() as db:
            # One that fell due a moment ago is over: this tap is a new call.
            expired = self._expire_in(db, now)
            held = _open_request(db)
            if held is None:
                request_id = insert_row(db, "help_requests", {
                    "requested_at": at, "screen": screen, "state": "open"})
                append_event(db, "help.requested",
                             {"request": request_id, "screen": screen, "at": at})
                audit.record(db, "resident", "help.requested", f"help {request_id}",
                             {"screen": screen, "staffed": staffed})
                made = HelpRequest(request_id, screen, "open", at, None, None)
        self._expired(expired)
        if made is None:
            assert held is not None
            log.info("help: request %d is already open (asked again at %s)", held.id, screen)
            return HelpCall(held.id, held.screen, already_called=True, staffed_now=staffed)
        log.info("help: request %d from the %s screen", made.id, screen)
        self._changed_to(made)
        self._schedule_expiry()
        return HelpCall(made.id, screen, already_called=False, staffed_now=staffed)

    # -- the staff ----------------------------------------------------------------------

    def answer(self, request_id: int, by: str) -> bool:
        """Staff are on their way. ``by`` is "window:<n>" or "staff:<id>". False when the
        request is not open (answered already, expired or unknown)."""
        if not ANSWERER.fullmatch(by):
            raise ValueError('the one answering is "window:<1-99>" or "staff:<id>"')
        now = self._clock()
        at = _iso(now)
        answered: HelpRequest | None = None
        with self._store.transaction() as db:
            # One that fell due a moment ago is expired, not answered: its alarm stands.
            expired = self._expire_in(db, now)
            held = _request(db, request_id)
            if held is not None and held.state == "open":
                after_s = held.waiting_s(now)
                db.execute("UPDATE help_requests SET state = 'answered', answered_at = ?, "
                           "answered_by = ? WHERE id = ?", [at, by, request_id])
                append_event(db, "help.answered", {"request": request_id, "by": by,
                                                   "after_s": after_s})
                audit.record(db, by, "help.answered", f"help {request_id}",
                             {"after_s": after_s})
                # Staff attend to the terminal again: an earlier unanswered call is over.
                clear_alarm(db, ALARM_KIND, ALARM_SUBJECT)
                answered = HelpRequest(request_id, held.screen, "answered",
                                       held.requested_at, at, by)
        self._expired(expired)
        if answered is None:
            return False
        log.info("help: request %d answered by %s after %d s", request_id, by, after_s)
        self._changed_to(answered)
        return True

    def open_requests(self) -> list[HelpRequest]:
        """Requests waiting for staff, oldest first."""
        self.expire_overdue()
        with self._store.reading() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM help_requests WHERE state = 'open' "
                              "ORDER BY requested_at, id").fetchall()
        return [HelpRequest(*row) for row in rows]

    def get(self, request_id: int) -> HelpRequest | None:
        with self._store.reading() as db:
            return _request(db, request_id)

    def now(self) -> datetime:
        return self._clock()

    # -- expiry -------------------------------------------------------------------------

    def expire_overdue(self) -> list[HelpRequest]:
        """Expires the open requests nobody answered in time, raising the alarm; returns
        them. Runs by itself when one falls due, and before every listing."""
        with self._store.transaction() as db:
            expired = self._expire_in(db, self._clock())
        self._expired(expired)
        return expired

    def _expire_in(self, db: sqlite_utils.Database, now: datetime) -> list[HelpRequest]:
        at = _iso(now)
        expired: list[HelpRequest] = []
        rows = db.execute(f"SELECT {_COLUMNS} FROM help_requests WHERE state = 'open' "
                          "AND requested_at <= ? ORDER BY id", [_iso(now - self._limit)]
                          ).fetchall()
        for row in rows:
            request = HelpRequest(*row)
            waited_s = request.waiting_s(now)
            db.execute("UPDATE help_requests SET state = 'expired', expired_at = ? "
                       "WHERE id = ?", [at, request.id])
            audit.record(db, "system", "help.expired", f"help {request.id}",
                         {"screen": request.screen, "waited_s": waited_s})
            raise_alarm(db, ALARM_KIND, ALARM_SUBJECT,
                        {"request": request.id, "screen": request.screen,
                         "waited_s": waited_s})
            expired.append(HelpRequest(request.id, request.screen, "expired",
                                       request.requested_at, None, None))
        return expired

    def _expired(self, expired: list[HelpRequest]) -> None:
        """After the commit: tell the log and the listeners."""
        for request in expired:
            log.warning("help: request %d from the %s screen was not answered in %d min",
                        request.id, request.screen, self._limit.total_seconds() // 60)
            self._changed_to(request)

    def close(self) -> None:
        """Stops the expiry timer and the residents' calls (the terminal is stopping)."""
        self._calls.stop()
        with self._timer_lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    # -- listeners and long polls -------------------------------------------------------

    def subscribe(self, listener: HelpListener) -> None:
        """``listener(request)`` after every change, on the thread that made it."""
        self._listeners.append(listener)

    @property
    def version(self) -> str:
        """Changes whenever the open requests change."""
        with self._changed:
            return f"{self._boot}-{self._changes}"

    def wait_for_change(self, seen: str, timeout_s: float) -> str:
        """Waits up to ``timeout_s`` while the version is still ``seen``; returns the
        version now."""
        with self._changed:
            self._changed.wait_for(lambda: f"{self._boot}-{self._changes}" != seen,
                                   timeout=timeout_s)
            return f"{self._boot}-{self._changes}"

    # -- inside -------------------------------------------------------------------------

    def _changed_to(self, request: HelpRequest) -> None:
        with self._changed:
            self._changes += 1
            self._changed.notify_all()
        for listener in list(self._listeners):
            try:
                listener(request)
            except Exception:
                log.exception("help: a listener failed")

    def _ask_staffed(self) -> bool:
        try:
            return bool(self._staffed_now())
        except Exception:
            # The button must work whatever the hours source does; "someone was called"
            # is still true, the request reaches the windows and the center.
            log.exception("help: cannot tell whether the station is staffed now")
            return True

    def _schedule_expiry(self) -> None:
        """One timer, for the oldest open request's due time."""
        with self._store.reading() as db:
            row = db.execute("SELECT min(requested_at) FROM help_requests "
                             "WHERE state = 'open'").fetchone()
        with self._timer_lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if row[0] is None:
                return
            due = datetime.fromisoformat(row[0]) + self._limit
            delay = max(0.0, (due - self._clock()).total_seconds()) + SWEEP_MARGIN_S
            self._timer = threading.Timer(delay, self._expire_when_due)
            self._timer.name = "help-expiry"
            self._timer.daemon = True
            self._timer.start()

    def _expire_when_due(self) -> None:
        try:
            self.expire_overdue()
            self._schedule_expiry()
        except sqlite3.ProgrammingError:
            pass    # the store was closed: the terminal has stopped
        except Exception:
            log.exception("help: expiring unanswered requests failed")


def staffed_now_during(hours: Callable[[], WeeklyHours],
                       now: Callable[[], datetime] = datetime.now) -> Callable[[], bool]:
    """Whether anyone is at the windows now, from the staffed hours in force (local time,
    as the queue reads them). A station that states no hours is taken as staffed: the resident is
    told someone was called rather than sent to a hotline that may not exist."""
    def staffed_now() -> bool:
        in_force = hours()
        return not in_force or in_force.is_open(now())
    return staffed_now


_COLUMNS = "id, screen, state, requested_at, answered_at, answered_by"


def _open_request(db: sqlite_utils.Database) -> HelpRequest | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM help_requests WHERE state = 'open' "
                     "ORDER BY id LIMIT 1").fetchone()
    return None if row is None else HelpRequest(*row)


def _request(db: sqlite_utils.Database, request_id: int) -> HelpRequest | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM help_requests WHERE id = ?",
                     [request_id]).fetchone()
    return None if row is None else HelpRequest(*row)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")
