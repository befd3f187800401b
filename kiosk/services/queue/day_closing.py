"""Closing a queue day: its tickets still open expire, and its summary is stored once and
sent to the district center (queue.daily_summary). A closed day keeps the summary stored
then, so a day is summed up and sent once however often the roll-over runs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from kiosk.config.schema import QueueCategory
from kiosk.services.outbox import PRIORITY_BUSINESS, append_event
from kiosk.services.queue.day_summary import summarise_day, summary_from_json, summary_to_json
from kiosk.services.queue.model import DaySummary


def days_to_close(db: sqlite_utils.Database, today: str) -> list[str]:
    """Past days that have tickets and have not been closed, oldest first."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT day FROM queue_tickets WHERE day < ? AND day NOT IN "
        "(SELECT day FROM queue_days_closed) ORDER BY day", [today]).fetchall()]


def stored_summary(db: sqlite_utils.Database, day: str) -> DaySummary | None:
    """The summary recorded when the day was closed; None while it is open."""
    closed = db.execute("SELECT summary FROM queue_days_closed WHERE day = ?",
                        [day]).fetchone()
    return summary_from_json(json.loads(closed[0])) if closed else None


def close_open_day(db: sqlite_utils.Database, day: str, categories: Sequence[QueueCategory],
                   now: datetime) -> DaySummary:
    """Closes a day not closed yet, inside the caller's transaction (see stored_summary)."""
    db.execute("UPDATE queue_tickets SET state = 'expired', finished_at = ? "
               "WHERE day = ? AND state IN ('waiting', 'called')",
               [now.isoformat(), day])
    summary = summarise_day(db, day, categories)
    payload = summary_to_json(summary)
    db.table("queue_days_closed").insert({"day": day, "closed_at": now.isoformat(),
                                          "summary": json.dumps(payload, ensure_ascii=False)})
    append_event(db, "queue.daily_summary", payload, PRIORITY_BUSINESS)
    return summary
