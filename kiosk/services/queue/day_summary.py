"""A queue day in figures (the summary printed for the station and sent to the center),
and its JSON form as stored and as the queue.daily_summary event carries it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.config.schema import QueueCategory
from kiosk.services.queue.model import CategorySummary, DaySummary


def summarise_day(db: sqlite_utils.Database, day: str,
                  categories: Sequence[QueueCategory]) -> DaySummary:
    """Each queue's day: issued, served, no-shows, expired, waits and handling times."""
    summaries = []
    for category in categories:
        rows = db.execute(
            "SELECT state, issued_at, called_at, finished_at FROM queue_tickets "
            "WHERE day = ? AND category = ?", [day, category.id]).fetchall()
        waits = [(_at(c) - _at(i)).total_seconds() / 60 for _s, i, c, _f in rows if c]
        handling = [(_at(f) - _at(c)).total_seconds() / 60
                    for s, _i, c, f in rows if s == "finished" and c and f]
        summaries.append(CategorySummary(
            category=category.id, name=category.name, issued=len(rows),
            served=sum(1 for r in rows if r[0] == "finished"),
            no_shows=sum(1 for r in rows if r[0] == "no_show"),
            expired=sum(1 for r in rows if r[0] == "expired"),
            average_wait_min=_mean(waits), longest_wait_min=max(waits, default=None),
            average_handling_min=_mean(handling),
        ))
    return DaySummary(day=day, categories=tuple(summaries))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def summary_to_json(summary: DaySummary) -> dict[str, Any]:
    return {"day": summary.day, "categories": [
        {"category": c.category, "name": c.name, "issued": c.issued, "served": c.served,
         "no_shows": c.no_shows, "expired": c.expired, "average_wait_min": c.average_wait_min,
         "longest_wait_min": None if c.longest_wait_min is None else round(c.longest_wait_min, 1),
         "average_handling_min": c.average_handling_min}
        for c in summary.categories]}


def summary_from_json(data: dict[str, Any]) -> DaySummary:
    return DaySummary(day=data["day"], categories=tuple(
        CategorySummary(**category) for category in data["categories"]))
