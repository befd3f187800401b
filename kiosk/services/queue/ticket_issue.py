"""Writing a new ticket inside the caller's transaction: the refusals only the database can
tell (an appointment already used, a ticket already held in that queue), the day's next
number in the category, the row with its wait estimate, and the queue.ticket_issued event.

Kept apart from QueueService so the service reads as the queue's rules (opening hours,
priority, appointments) and this module as the one place a ticket row is created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.config.schema import QueueCategory, QueueConfig
from kiosk.services.outbox import append_event
from kiosk.services.queue.model import Refused, Ticket, TicketRefusal
from kiosk.services.queue.ticket_rows import ticket_by_id
from kiosk.services.queue.wait_estimate import estimate_min, tickets_ahead
from kiosk.store.rows import insert_row


@dataclass(frozen=True)
class NewTicket:
    """A ticket just written, with what the resident is told about the wait."""

    ticket: Ticket
    ahead: int        # tickets that will be called before it
    estimate_s: int   # the wait estimated when it was issued


def insert_ticket(db: sqlite_utils.Database, config: QueueConfig, category: QueueCategory,
                  *, rank: int, source: str, person: str | None,
                  appointment_id: str | None, now: datetime) -> NewTicket | Refused:
    """Writes the ticket and its event, or refuses without writing anything."""
    day = now.date().isoformat()
    if appointment_id is not None and db.execute(
            "SELECT 1 FROM queue_tickets WHERE appointment_id = ?",
            [appointment_id]).fetchone():
        return Refused(TicketRefusal.USED_APPOINTMENT, category.name)
    if person is not None:
        held = db.execute(
            "SELECT label FROM queue_tickets WHERE day = ? AND category = ? AND "
            "person_hash = ? AND state IN ('waiting', 'called')",
            [day, category.id, person]).fetchone()
        if held:
            return Refused(TicketRefusal.HAS_TICKET, category.name, held[0])
    number = _next_number(db, day, category.id)
    label = f"{category.prefix}{number:03d}"
    ahead = tickets_ahead(db, day, category.id, rank)
    estimate_s = round(estimate_min(db, category, ahead, config.default_handling_min,
                                    config.average_over, exact=True) * 60)
    ticket_id = insert_row(db, "queue_tickets", {
        "day": day, "category": category.id, "label": label, "rank": rank,
        "state": "waiting", "source": source, "person_hash": person,
        "appointment_id": appointment_id, "issued_at": now.isoformat(),
        "ahead_at_issue": ahead, "estimate_s": estimate_s,
    })
    append_event(db, "queue.ticket_issued", {
        "ticket": label, "day": day, "category": category.id, "rank": rank,
        "source": source, "real_name": person is not None, "ahead": ahead,
        "estimate_s": estimate_s, "at": now.isoformat(timespec="seconds"),
    })
    return NewTicket(ticket_by_id(db, ticket_id), ahead, estimate_s)


def _next_number(db: sqlite_utils.Database, day: str, category: str) -> int:
    """The category's next number today; the counter row is per day, so each day starts
    again at 1 without anything resetting it."""
    db.execute("INSERT INTO queue_numbers (day, category, last) VALUES (?, ?, 1) "
               "ON CONFLICT (day, category) DO UPDATE SET last = last + 1",
               [day, category])
    return int(db.execute("SELECT last FROM queue_numbers WHERE day = ? AND category = ?",
                          [day, category]).fetchone()[0])
