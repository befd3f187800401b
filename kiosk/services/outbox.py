"""The transactional outbox: an event is written in the same transaction as the change
that caused it, so a power cut can neither lose it nor invent it. The MQTT publisher
drains the table; every event has a unique id and a per-terminal sequence number."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
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
        "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "priority": priority,
        "payload": json.dumps(dict(payload), ensure_ascii=False, sort_keys=True),
    })
    return event_id
