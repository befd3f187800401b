"""Tickets and calls as rows: reading a ticket, the one a window has called, closing it,
recording a call with its event, and reading calls back for the displays."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from kiosk.services.outbox import append_event
from kiosk.services.queue.model import Call, QueueError, Ticket
from kiosk.store.rows import insert_row


def current_or_none(db: sqlite_utils.Database, window: int) -> Ticket | None:
    row = db.execute("SELECT id FROM queue_tickets WHERE window = ? AND state = 'called' "
                     "ORDER BY called_at DESC LIMIT 1", [window]).fetchone()
    return ticket_by_id(db, row[0]) if row else None


def current(db: sqlite_utils.Database, window: int) -> Ticket:
    ticket = current_or_none(db, window)
    if ticket is None:
        raise QueueError(f"window {window} has nobody called")
    return ticket


def close_current(db: sqlite_utils.Database, window: int, state: str,
                   now: datetime) -> Ticket | None:
    ticket = current_or_none(db, window)
    if ticket is None:
        return None
    db.execute("UPDATE queue_tickets SET state = ?, finished_at = ? WHERE id = ?",
               [state, now.isoformat(), ticket.id])
    kind = "queue.finished" if state == "finished" else "queue.no_show"
    append_event(db, kind, {"ticket": ticket.label, "day": ticket.day, "window": window,
                            "category": ticket.category,
                            "at": now.isoformat(timespec="seconds")})
    return ticket_by_id(db, ticket.id)


def record_call(db: sqlite_utils.Database, ticket: Ticket, window: int,
                 recall: bool, now: datetime) -> Call:
    call_id = insert_row(db, "queue_calls", {"ticket_id": ticket.id, "label": ticket.label,
                                             "window": window, "at": now.isoformat(),
                                             "recall": int(recall)})
    append_event(db, "queue.called", {"ticket": ticket.label, "day": ticket.day,
                                      "window": window, "recall": recall,
                                      "category": ticket.category,
                                      "at": now.isoformat(timespec="seconds")})
    return Call(id=call_id, label=ticket.label, window=window, recall=recall,
                at=now.isoformat())


def ticket_by_id(db: sqlite_utils.Database, ticket_id: int) -> Ticket:
    row = db.execute(
        "SELECT id, day, category, label, rank, state, source, issued_at, window, recalls,"
        " transferred_from FROM queue_tickets WHERE id = ?", [ticket_id]).fetchone()
    return Ticket(*row)


def calls_since(db: sqlite_utils.Database, day: str, limit: int) -> list[Call]:
    """The latest calls made on ``day`` or later, newest first."""
    rows = db.execute("SELECT id, label, window, recall, at FROM queue_calls WHERE at >= ? "
                      "ORDER BY id DESC LIMIT ?", [day, limit]).fetchall()
    return [_call(row) for row in rows]


def calls_later_than(db: sqlite_utils.Database, call_id: int, limit: int = 50) -> list[Call]:
    """The calls made after ``call_id``, oldest first."""
    rows = db.execute("SELECT id, label, window, recall, at FROM queue_calls WHERE id > ? "
                      "ORDER BY id LIMIT ?", [call_id, limit]).fetchall()
    return [_call(row) for row in rows]


def _call(row: tuple[int, str, int, int, str]) -> Call:
    call_id, label, window, recall, at = row
    return Call(id=call_id, label=label, window=window, recall=bool(recall), at=at)
