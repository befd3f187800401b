"""政务服务"好差评" at the terminal: after a service that ended here, the resident may rate
it, once (一事一评), voluntarily, and without saying who they are.

A service ends at the terminal when a result is collected from the locker, papers are
dropped off, a one-time notice is printed or a ticket is issued. The flow that ended says
so with what it knows (`Collected`, `DroppedOff`, `NoticePrinted`, `TicketIssued`); `offer`
turns that into the event's reference, checked against the terminal's own records:

- `pickup`: the deposit's id (as in `locker.deposited` and `locker.collected`), from the
  door operation that collected it;
- `dropoff`: the receipt number (as in `locker.dropoff`), from the receipt screen;
- `notice`: `<item id>/<seq>`, the item and the `seq` of its printed `guide.notice` event,
  from the item page;
- `ticket`: `<ticket>/<day>`, e.g. `A012/2026-12-05` (as in the `queue.*` events), from the
  ticket screen.

`submit` writes, in one transaction, the rating row (one per reference: a second is a
typed refusal, never an error), an audit line and the `rating.submitted` event, which
carries the reference, the channel (`terminal`), the level (5 非常满意 ... 1 非常不满意),
the ticked option codes of that level (contract/rating_options.py), the service item
and the window where the terminal knows them, and the time. Nothing about the resident.

`RatingDesk` is the same for the touch screen: every call on its own thread, answered with
a future (kiosk/services/worker.py).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import sqlite_utils

from contract import rating_options
from kiosk.services import audit
from kiosk.services.outbox import PRIORITY_BUSINESS, append_event
from kiosk.services.worker import ServiceWorker
from kiosk.store import Store
from kiosk.store.rows import insert_row

log = logging.getLogger(__name__)

EVENT_TYPE = "rating.submitted"
CHANNEL = "terminal"


class EventKind(StrEnum):
    PICKUP = "pickup"
    DROPOFF = "dropoff"
    NOTICE = "notice"
    TICKET = "ticket"


@dataclass(frozen=True)
class EventRef:
    """A service event that ended at this terminal, as the district center knows it."""

    kind: EventKind
    ref: str

    @classmethod
    def pickup(cls, deposit_id: str) -> EventRef:
        return cls(EventKind.PICKUP, deposit_id)

    @classmethod
    def dropoff(cls, receipt: str) -> EventRef:
        return cls(EventKind.DROPOFF, receipt)

    @classmethod
    def notice(cls, item_id: str, print_seq: int) -> EventRef:
        return cls(EventKind.NOTICE, f"{item_id}/{print_seq}")

    @classmethod
    def ticket(cls, label: str, day: str) -> EventRef:
        return cls(EventKind.TICKET, f"{label}/{day}")

    def payload(self) -> dict[str, str]:
        return {"kind": str(self.kind), "ref": self.ref}


# -- what a flow knows when its service ends ------------------------------------------------


@dataclass(frozen=True)
class Collected:
    """A resident's door operation ended with the result taken out (outcome collected)."""

    operation_id: int


@dataclass(frozen=True)
class DroppedOff:
    receipt: str


@dataclass(frozen=True)
class NoticePrinted:
    """The item's one-time notice was printed (its newest printed notice is the event)."""

    item_id: str


@dataclass(frozen=True)
class TicketIssued:
    label: str
    day: str        # YYYY-MM-DD, the ticket's day


Completed = Collected | DroppedOff | NoticePrinted | TicketIssued


@dataclass(frozen=True)
class RatingOffer:
    """An event the resident may rate now; ``item`` and ``window`` go with the rating."""

    event: EventRef
    item: str | None = None
    window: int | None = None


class RatingRefusal(StrEnum):
    """Why a rating is not taken; the screen words each (kiosk/ui/screens/rating.py)."""

    ALREADY_RATED = "already_rated"     # one rating per event (一事一评)
    UNKNOWN_EVENT = "unknown_event"     # no such finished service at this terminal


@dataclass(frozen=True)
class RatingRefused:
    reason: RatingRefusal
    event: EventRef | None = None


@dataclass(frozen=True)
class Rated:
    rating_id: int
    event: EventRef
    level: int
    options: tuple[int, ...]
    item: str | None
    window: int | None
    at: str                 # ISO 8601 UTC, as the outbox writes times


class RatingService:
    def __init__(self, store: Store,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._store = store
        self._clock = clock

    # -- offering ----------------------------------------------------------------------

    def offer(self, completed: Completed | EventRef) -> RatingOffer | RatingRefused:
        """The rating offer for a service that just ended here, or why there is none."""
        with self._store.reading() as db:
            event = completed if isinstance(completed, EventRef) else _event_of(db, completed)
            if event is None:
                return RatingRefused(RatingRefusal.UNKNOWN_EVENT)
            found = _find(db, event)
            if found is None:
                return RatingRefused(RatingRefusal.UNKNOWN_EVENT, event)
            if _rated(db, event):
                return RatingRefused(RatingRefusal.ALREADY_RATED, event)
        item, window = found
        return RatingOffer(event, item, window)

    # -- rating ------------------------------------------------------------------------

    def submit(self, event: EventRef, level: int, options: Sequence[int] = ()
               ) -> Rated | RatingRefused:
        """Records the resident's rating of ``event``. ValueError for a level other than
        1-5 or an option code that is not one of that level's (or given twice)."""
        codes = check_rating(level, options)
        at = _iso(self._clock())
        try:
            with self._store.transaction() as db:
                found = _find(db, event)
                if found is None:
                    return RatingRefused(RatingRefusal.UNKNOWN_EVENT, event)
                if _rated(db, event):
                    return RatingRefused(RatingRefusal.ALREADY_RATED, event)
                item, window = found
                rating_id = insert_row(db, "ratings", {
                    "kind": str(event.kind), "ref": event.ref, "level": level,
                    "options": json.dumps(list(codes)), "item": item, "window": window,
                    "rated_at": at})
                audit.record(db, "resident", EVENT_TYPE, f"rating {rating_id}",
                             {**event.payload(), "level": level, "options": list(codes)})
                append_event(db, EVENT_TYPE, {
                    "event": event.payload(), "channel": CHANNEL, "level": level,
                    "options": list(codes), "item": item, "window": window, "at": at,
                }, PRIORITY_BUSINESS)
        except sqlite3.IntegrityError:
            # Only the one-per-event rule can be broken here: another rating of the same
            # event committed in between (the check above runs in the same transaction,
            # so this is a second line of defence).
            return RatingRefused(RatingRefusal.ALREADY_RATED, event)
        log.info("rating: %s %s rated %d (%d options)", event.kind, event.ref, level,
                 len(codes))
        return Rated(rating_id, event, level, codes, item, window, at)


def check_rating(level: int, options: Sequence[int]) -> tuple[int, ...]:
    """The option codes, sorted, once each checked against the level's list."""
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise ValueError(f"a rating's level is 1 (非常不满意) to 5 (非常满意), not {level!r}")
    problem = rating_options.options_problem(level, list(options))
    if problem is not None:
        raise ValueError(problem)
    return tuple(sorted(options))


class RatingDesk:
    """The ratings as the touch screen calls them: each call on the "rating-desk" thread."""

    def __init__(self, service: RatingService, worker: ServiceWorker | None = None) -> None:
        self._service = service
        self._worker = worker or ServiceWorker("rating-desk")

    def offer(self, completed: Completed | EventRef) -> Future[RatingOffer | RatingRefused]:
        return self._worker.submit(self._service.offer, completed)

    def submit(self, event: EventRef, level: int, options: Sequence[int] = ()
               ) -> Future[Rated | RatingRefused]:
        return self._worker.submit(self._service.submit, event, level, tuple(options))

    def stop(self) -> None:
        self._worker.stop()


# -- the terminal's records ------------------------------------------------------------------


def _event_of(db: sqlite_utils.Database, completed: Completed) -> EventRef | None:
    """The reference of the event a flow's completion names, or None if the records do
    not show it."""
    if isinstance(completed, Collected):
        row = db.execute("SELECT deposit_id FROM door_operations WHERE id = ? AND "
                         "purpose = 'pickup' AND state = 'completed' AND outcome = 'collected'",
                         [completed.operation_id]).fetchone()
        return EventRef.pickup(row[0]) if row is not None and row[0] else None
    if isinstance(completed, DroppedOff):
        return EventRef.dropoff(completed.receipt)
    if isinstance(completed, TicketIssued):
        return EventRef.ticket(completed.label, completed.day)
    # The newest printed notice of the item: found from the newest event backwards, so
    # only the few events since it are read.
    row = db.execute("SELECT seq FROM outbox WHERE type = 'guide.notice' AND "
                     "json_extract(payload, '$.item_id') = ? AND "
                     "json_extract(payload, '$.printed') = 1 ORDER BY seq DESC LIMIT 1",
                     [completed.item_id]).fetchone()
    return EventRef.notice(completed.item_id, int(row[0])) if row is not None else None


def _find(db: sqlite_utils.Database, event: EventRef) -> tuple[str | None, int | None] | None:
    """(item, window) of a finished service this terminal recorded; None if there is none."""
    if event.kind == EventKind.PICKUP:
        row = db.execute("SELECT 1 FROM deposits WHERE id = ? AND kind = 'result' AND "
                         "state = 'collected'", [event.ref]).fetchone()
        return (None, None) if row is not None else None
    if event.kind == EventKind.DROPOFF:
        row = db.execute("SELECT 1 FROM deposits WHERE receipt = ? AND kind = 'dropoff' AND "
                         "state IN ('stored', 'retrieved')", [event.ref]).fetchone()
        return (None, None) if row is not None else None
    if event.kind == EventKind.TICKET:
        label, _, day = event.ref.partition("/")
        row = db.execute("SELECT window FROM queue_tickets WHERE label = ? AND day = ?",
                         [label, day]).fetchone()
        return (None, row[0]) if row is not None else None
    item_id, _, seq = event.ref.partition("/")
    if not seq.isdigit():
        return None
    row = db.execute("SELECT 1 FROM outbox WHERE seq = ? AND type = 'guide.notice' AND "
                     "json_extract(payload, '$.item_id') = ? AND "
                     "json_extract(payload, '$.printed') = 1", [int(seq), item_id]).fetchone()
    return (item_id, None) if row is not None else None


def _rated(db: sqlite_utils.Database, event: EventRef) -> bool:
    row = db.execute("SELECT 1 FROM ratings WHERE kind = ? AND ref = ?",
                     [str(event.kind), event.ref]).fetchone()
    return row is not None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")
