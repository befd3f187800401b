"""Heartbeats kept as samples for the charts: one every SAMPLE_EVERY per terminal (a
heartbeat comes every minute; a 2,000-terminal district would otherwise add three million
rows a day)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from center.fleet.models import HeartbeatSample, Terminal

SAMPLE_EVERY = timedelta(minutes=5)


def sample_heartbeat(terminal: Terminal, at: datetime, body: dict[str, Any],
                     using: str) -> bool:
    if terminal.sampled_at is not None and at - terminal.sampled_at < SAMPLE_EVERY:
        return False
    locker = _section(body, "locker")
    queues = _section(body, "queues")
    HeartbeatSample.objects.using(using).create(
        terminal=terminal, at=at,
        disk_free_bytes=_int(_section(body, "disk").get("freeBytes")),
        occupied=_int(locker.get("occupied")), compartments=_int(locker.get("compartments")),
        unsent=_int(_section(body, "outbox").get("unsent")),
        waiting=sum(v for v in queues.values() if type(v) is int) if queues else None)
    terminal.sampled_at = at
    return True


def _section(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if type(value) is int and abs(value) < 2**62 else None
