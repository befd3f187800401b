"""The transactional outbox: an event is written in the same transaction as the change
that caused it, so a power cut can neither lose it nor invent it. The MQTT publisher
drains the table; every event has a unique id and a per-terminal sequence number."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlite_utils

# Lower drains first: business facts before alarms before routine reports.
PRIORITY_BUSINESS = 10
PRIORITY_ALARM = 20
PRIORITY_REPORT = 50


def append_event(
    db: sqlite_utils.Database, event_type: str, payload: Mapping[str, Any],
    priority: int = PRIORITY_BUSINESS,
) -> str:
    """Adds one event; call inside the transaction that made the change. Returns its id."""
    row = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM outbox").fetchone()
    event_id = str(uuid.uuid4())
    db.table("outbox").insert({
        "id": event_id,
        "seq": int(row[0]),
        "type": event_type,
        "created_at": now_iso(),
        "priority": priority,
        "payload": json.dumps(dict(payload), ensure_ascii=False, sort_keys=True),
    })
    return event_id


class OutboxEvent(NamedTuple):
    """One stored event as the publisher sends it; ``payload`` is the stored JSON text.
    (A named tuple: the drain makes thousands a second.)"""

    id: str
    seq: int
    type: str
    priority: int
    created_at: str
    payload: str


def unsent_events(db: sqlite_utils.Database, after: Mapping[int, int],
                  limit: int) -> list[OutboxEvent]:
    """The next unsent events in drain order (priority, then seq): at most ``limit`` of
    those whose seq is above ``after[priority]``, the reader's position in each class.

    One index seek per priority class: a single query filtering on each class's position
    would walk the index from its start past every event handed out and not yet marked
    sent, thousands of them while a backlog drains."""
    events: list[OutboxEvent] = []
    priority = -1
    while len(events) < limit:
        row = db.execute("SELECT min(priority) FROM outbox WHERE sent_at IS NULL AND "
                         "priority > ?", [priority]).fetchone()
        if row[0] is None:
            break
        priority = int(row[0])
        rows = db.execute(
            "SELECT id, seq, type, priority, created_at, payload FROM outbox "
            "WHERE sent_at IS NULL AND priority = ? AND seq > ? ORDER BY seq LIMIT ?",
            [priority, after.get(priority, 0), limit - len(events)]).fetchall()
        events += [OutboxEvent._make(row) for row in rows]
    return events


def mark_sent(db: sqlite_utils.Database, seqs: Sequence[int], at: str) -> None:
    """Records the broker's acknowledgement of the events numbered ``seqs`` (by seq, not
    id: an integer key is the cheaper lookup, and the publisher marks thousands a second)."""
    for start in range(0, len(seqs), 500):
        chunk = list(seqs[start:start + 500])
        marks = ",".join("?" for _ in chunk)
        db.execute(f"UPDATE outbox SET sent_at = ? WHERE seq IN ({marks}) AND sent_at IS NULL",
                   [at, *chunk])


@dataclass(frozen=True)
class Backlog:
    unsent: int
    oldest_created_at: str | None


def backlog(db: sqlite_utils.Database) -> Backlog:
    row = db.execute("SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL"
                     ).fetchone()
    return Backlog(int(row[0]), row[1])


# An event that lists seq ranges (outbox.dropped, an outbox.resend result) lists this many.
MAX_RANGES_REPORTED = 1000


def seq_ranges(seqs: Sequence[int]) -> list[list[int]]:
    """Sorted seqs as ranges: [1, 2, 3, 7, 9, 10] -> [[1, 3], [7, 7], [9, 10]]"""
    ranges: list[list[int]] = []
    for seq in seqs:
        if ranges and seq == ranges[-1][1] + 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def now_iso() -> str:
    """The outbox's timestamp form: UTC, milliseconds; such strings sort as times."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")
