"""Alarms: facts that need a person, raised and cleared as the facts change.

At most one alarm of a kind is active per subject; raising it again is a no-op, and
clearing an alarm that is not active is a no-op, so callers can state facts every time
they observe them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from kiosk.services.outbox import PRIORITY_ALARM, append_event


@dataclass(frozen=True)
class Alarm:
    id: int
    kind: str
    subject: str
    raised_at: str
    detail: dict[str, Any]


def raise_alarm(db: sqlite_utils.Database, kind: str, subject: str,
                detail: Mapping[str, Any] | None = None) -> bool:
    """Returns True if the alarm is new."""
    active = db.execute(
        "SELECT id FROM alarms WHERE kind = ? AND subject = ? AND cleared_at IS NULL",
        [kind, subject],
    ).fetchone()
    if active:
        return False
    now = _now()
    text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True)
    db.table("alarms").insert({"kind": kind, "subject": subject, "raised_at": now, "detail": text})
    append_event(db, "alarm.raised", {"kind": kind, "subject": subject, "at": now,
                                      "detail": dict(detail or {})}, PRIORITY_ALARM)
    return True


def clear_alarm(db: sqlite_utils.Database, kind: str, subject: str) -> bool:
    """Returns True if an active alarm was cleared."""
    now = _now()
    cursor = db.execute(
        "UPDATE alarms SET cleared_at = ? WHERE kind = ? AND subject = ? AND cleared_at IS NULL",
        [now, kind, subject],
    )
    if cursor.rowcount == 0:
        return False
    append_event(db, "alarm.cleared", {"kind": kind, "subject": subject, "at": now},
                 PRIORITY_ALARM)
    return True


def active_alarms(db: sqlite_utils.Database) -> list[Alarm]:
    rows = db.execute(
        "SELECT id, kind, subject, raised_at, detail FROM alarms WHERE cleared_at IS NULL "
        "ORDER BY raised_at"
    ).fetchall()
    return [Alarm(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
