"""Sending delivered events again when the district center asks (`outbox.resend`).

An event counts as delivered once the broker acknowledged it, but the center can still
miss it: a broker restarted without persistence, a center session that expired while the
center was down. The center sees such a loss as a gap in a terminal's seqs that outlives
the backlog, and asks for the range again. Delivered events are kept for
`mqtt.outbox_keep_sent_days`, so within that time the terminal marks them unsent and its
ordinary drain sends them again (at least once, in order within each priority class,
surviving a restart like any waiting event). Seqs it no longer keeps are answered as
`gone`, so the center can close those gaps instead of asking forever.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlite_utils

from kiosk.services import audit
from kiosk.services.outbox import MAX_RANGES_REPORTED, seq_ranges
from kiosk.store import Store

# One request re-sends at most this many seqs: an answer the terminal can give in one short
# transaction, and a burst the broker and the center take in a few seconds.
MAX_SPAN = 10_000


class ResendRefused(ValueError):
    """The range cannot be re-sent; the message says why, for the center's log."""


@dataclass(frozen=True)
class Requeued:
    requeued: int                         # delivered events that will go again
    waiting: int                          # events of the range not yet delivered anyway
    gone: list[list[int]]                 # seq ranges this terminal no longer keeps
    lowest_by_priority: dict[int, int]    # per drain class, the lowest seq requeued

    def as_detail(self) -> dict[str, object]:
        return {"requeued": self.requeued, "waiting": self.waiting,
                "gone": self.gone[:MAX_RANGES_REPORTED]}


def requeue_delivered(db: sqlite_utils.Database, first: int, last: int) -> Requeued:
    """Marks the delivered events first..last unsent again; call inside a transaction."""
    newest = db.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]
    if first < 1 or last < first:
        raise ResendRefused(f"fromSeq {first} to toSeq {last} is not a range of seqs")
    if last - first + 1 > MAX_SPAN:
        raise ResendRefused(f"at most {MAX_SPAN} seqs at a time; split the range")
    if last > newest:
        raise ResendRefused(f"toSeq {last} is past the last event written ({newest})")
    rows = db.execute("SELECT seq, priority, sent_at IS NULL FROM outbox "
                      "WHERE seq BETWEEN ? AND ? ORDER BY seq", [first, last]).fetchall()
    lowest: dict[int, int] = {}
    for seq, priority, waiting in rows:
        if not waiting:
            lowest.setdefault(priority, seq)
    db.execute("UPDATE outbox SET sent_at = NULL WHERE seq BETWEEN ? AND ? "
               "AND sent_at IS NOT NULL", [first, last])
    kept = {row[0] for row in rows}
    gone = seq_ranges([seq for seq in range(first, last + 1) if seq not in kept])
    waiting_count = sum(1 for row in rows if row[2])
    return Requeued(requeued=len(rows) - waiting_count, waiting=waiting_count, gone=gone,
                    lowest_by_priority=lowest)


class OutboxResend:
    """The service behind the command: requeues in one transaction, audits it under the
    command's actor, then tells the drain (``on_requeued``) to read those classes again."""

    def __init__(self, store: Store,
                 on_requeued: Callable[[Mapping[int, int]], None] | None = None) -> None:
        self._store = store
        self._on_requeued = on_requeued

    def resend(self, actor: str, first: int, last: int) -> Requeued:
        with self._store.transaction() as db:
            outcome = requeue_delivered(db, first, last)
            audit.record(db, actor, "outbox.resend", "outbox",
                         {"fromSeq": first, "toSeq": last, **outcome.as_detail()})
        if outcome.lowest_by_priority and self._on_requeued is not None:
            self._on_requeued(outcome.lowest_by_priority)
        return outcome
