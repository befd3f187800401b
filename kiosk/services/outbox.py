"""The transactional outbox: an event is written in the same transaction as the change
that caused it, so a power cut can neither lose it nor invent it. The MQTT publisher
drains the table; every event has a unique id and a per-terminal sequence number."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
    db["outbox"].insert({
        "id": event_id,
        "seq": int(row[0]),
        "type": event_type,
        "created_at": now_iso(),
        "priority": priority,
        "payload": json.dumps(dict(payload), ensure_ascii=False, sort_keys=True),
    })
    return event_id


@dataclass(frozen=True)
class OutboxEvent:
    """One stored event as the publisher sends it; ``payload`` is the stored JSON text."""

    id: str
    seq: int
    type: str
    priority: int
    created_at: str
    payload: str


def unsent_events(db: sqlite_utils.Database, after: Mapping[int, int],
                  limit: int) -> list[OutboxEvent]:
    """The next unsent events in drain order (priority, then seq): at most ``limit`` of
    those whose seq is above ``after[priority]``, the reader's position in each class."""
    if limit <= 0:
        return []
    arguments: list[Any] = []
    if after:
        cases = " ".join("WHEN ? THEN ?" for _ in after)
        for priority, seq in after.items():
            arguments += [priority, seq]
        floor = f"CASE priority {cases} ELSE 0 END"
    else:
        floor = "0"
    rows = db.execute(
        "SELECT id, seq, type, priority, created_at, payload FROM outbox "
        f"WHERE sent_at IS NULL AND seq > {floor} ORDER BY priority, seq LIMIT ?",
        [*arguments, limit],
    ).fetchall()
    return [OutboxEvent(*row) for row in rows]


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


def now_iso() -> str:
    """The outbox's timestamp form: UTC, milliseconds; such strings sort as times."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")
