"""The audit trail: who did what, when. Actors are roles or hashed ids, never names."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlite_utils


def record(
    db: sqlite_utils.Database,
    actor: str,
    action: str,
    subject: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Appends one entry; call inside the transaction that made the change it records."""
    db.table("audit_log").insert({
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True),
    })
