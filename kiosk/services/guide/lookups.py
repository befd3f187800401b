"""Which service items residents look up most: counted per day by item id, nothing more."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.store import Store

# Recent interest, not all-time: a seasonal item (say, pension certification) should
# leave the idle screen once its season is over.
WINDOW_DAYS = 30


def record_lookup(store: Store, item_id: str, today: date | None = None) -> None:
    day = (today or date.today()).isoformat()
    with store.transaction() as db:
        db.execute(
            "INSERT INTO guide_lookups (day, item_id, count) VALUES (?, ?, 1) "
            "ON CONFLICT (day, item_id) DO UPDATE SET count = count + 1",
            [day, item_id],
        )


def most_asked(store: Store, limit: int, today: date | None = None) -> list[str]:
    """Item ids, most looked-up first over the last WINDOW_DAYS days."""
    since = ((today or date.today()) - timedelta(days=WINDOW_DAYS - 1)).isoformat()
    with store.reading() as db:
        rows = db.execute(
            "SELECT item_id FROM guide_lookups WHERE day >= ? GROUP BY item_id "
            "ORDER BY sum(count) DESC, item_id LIMIT ?",
            [since, limit],
        ).fetchall()
    return [row[0] for row in rows]
