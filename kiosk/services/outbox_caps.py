"""Keeps the outbox bounded while the district center is out of reach.

A terminal may be cut off for weeks. Its outbox then grows; left alone it would fill the
disk and stop the locker, which needs the same database. So the unsent backlog has two
caps, a number of events and an age. Staff and the center hear about it long before
anything is lost: the `outbox.backlog` alarm is raised when the backlog passes a share of
either cap (80 % by default). Only past a cap are events dropped, in this order: the
oldest routine reports, then alarm events, and business events last. Every drop is
audited, raises `outbox.dropped`, and leaves an `outbox.dropped` event naming the
sequence numbers that will never arrive, so the center can tell a gap that will never
fill from one that is still on its way.

Delivered events are kept for a while for diagnosis, then pruned. The newest event is
never deleted: its seq is where the next event's seq continues.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from kiosk.services import audit
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.outbox import (
    MAX_RANGES_REPORTED,
    PRIORITY_BUSINESS,
    append_event,
    backlog,
    seq_ranges,
)
from kiosk.store import Store

log = logging.getLogger(__name__)

SUBJECT = "outbox"
BACKLOG_ALARM = "outbox.backlog"
DROPPED_ALARM = "outbox.dropped"
PRUNE_BATCH = 2000


@dataclass(frozen=True)
class OutboxLimits:
    max_unsent: int
    max_age: timedelta
    warn_fraction: float          # of either cap, e.g. 0.8
    keep_sent: timedelta


@dataclass(frozen=True)
class CapReport:
    unsent: int
    oldest_age: timedelta | None
    warning: bool
    dropped: int
    pruned: int


def enforce_caps(store: Store, limits: OutboxLimits, now: datetime | None = None) -> CapReport:
    """Prunes delivered events, raises or clears the backlog alarm and drops what is past
    a cap. Cheap when there is nothing to do; call it every minute or so."""
    now = now or datetime.now(UTC)
    pruned = _prune_sent(store, now - limits.keep_sent)
    with store.transaction() as db:
        current = backlog(db)
        age = None if current.oldest_created_at is None else (
            now - datetime.fromisoformat(current.oldest_created_at))
        dropped = _drop_past_caps(db, limits, now, current.unsent)
        if dropped:
            current = backlog(db)
            age = None if current.oldest_created_at is None else (
                now - datetime.fromisoformat(current.oldest_created_at))
        warning = (current.unsent >= limits.warn_fraction * limits.max_unsent
                   or (age is not None and age >= limits.warn_fraction * limits.max_age))
        if warning:
            raise_alarm(db, BACKLOG_ALARM, SUBJECT, {
                "unsent": current.unsent, "max_unsent": limits.max_unsent,
                "oldest_age_h": round(age.total_seconds() / 3600, 1) if age else 0,
                "max_age_h": round(limits.max_age.total_seconds() / 3600, 1)})
        else:
            clear_alarm(db, BACKLOG_ALARM, SUBJECT)
            if not dropped:
                # Over once the backlog is back to normal; what was lost stays recorded
                # in the audit trail and in the outbox.dropped event.
                clear_alarm(db, DROPPED_ALARM, SUBJECT)
    return CapReport(current.unsent, age, warning, dropped, pruned)


def _prune_sent(store: Store, before: datetime) -> int:
    cutoff = before.isoformat(timespec="milliseconds")
    total = 0
    while True:
        # In batches, so the locker never waits long behind the pruning.
        with store.transaction() as db:
            cursor = db.execute(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT "
                "NULL AND sent_at < ? AND seq < (SELECT max(seq) FROM outbox) LIMIT ?)",
                [cutoff, PRUNE_BATCH])
        total += cursor.rowcount
        if cursor.rowcount < PRUNE_BATCH:
            return total


def _drop_past_caps(db: sqlite_utils.Database, limits: OutboxLimits, now: datetime,
                    unsent: int) -> int:
    too_old = (now - limits.max_age).isoformat(timespec="milliseconds")
    # Past the age cap: every such event, whatever its class.
    victims = db.execute(
        "SELECT id, seq, type, priority FROM outbox WHERE sent_at IS NULL AND created_at < ? "
        "AND seq < (SELECT max(seq) FROM outbox)", [too_old]).fetchall()
    over = unsent - len(victims) - limits.max_unsent
    if over > 0:
        # Past the size cap: routine reports first (highest priority number), oldest first.
        chosen = {row[0] for row in victims}
        rows = db.execute(
            "SELECT id, seq, type, priority FROM outbox WHERE sent_at IS NULL AND "
            "seq < (SELECT max(seq) FROM outbox) ORDER BY priority DESC, seq LIMIT ?",
            [over + len(chosen)]).fetchall()
        victims += [row for row in rows if row[0] not in chosen][:over]
    if not victims:
        return 0
    ids = [row[0] for row in victims]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.execute(f"DELETE FROM outbox WHERE id IN ({','.join('?' for _ in chunk)})", chunk)
    by_type = Counter(row[2] for row in victims)
    by_priority = Counter(row[3] for row in victims)
    seqs = sorted(row[1] for row in victims)
    detail = {"count": len(victims), "by_type": dict(by_type),
              "by_priority": {str(p): n for p, n in sorted(by_priority.items())},
              "seq_ranges": seq_ranges(seqs)[:MAX_RANGES_REPORTED]}
    log.error("outbox past its cap: dropped %d undelivered events (%s)", len(victims),
              ", ".join(f"{t} x{n}" for t, n in by_type.most_common()))
    audit.record(db, "system", "outbox.dropped", SUBJECT, detail)
    raise_alarm(db, DROPPED_ALARM, SUBJECT, {"count": len(victims)})
    # Sent with the business events: the center's accounting of seq gaps depends on it,
    # so it is among the last things a later cap would drop.
    append_event(db, "outbox.dropped", detail, PRIORITY_BUSINESS)
    return len(victims)
