"""The retained alarm topics applied to the alarm rows: a message raises, an empty one
clears. Reading the same retained message again changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from center.alarms.models import Alarm
from center.fleet.models import Terminal


def raise_alarm(terminal: Terminal, kind: str, subject: str, raised_at: datetime,
                detail: dict[str, Any], *, received_at: datetime, using: str) -> bool:
    alarms = Alarm.objects.using(using)
    standing = alarms.filter(terminal=terminal, kind=kind, subject=subject, active=True).first()
    if standing is not None:
        if standing.raised_at >= raised_at:
            return False
        # Raised again since: the earlier raising ended unseen (its clear was missed).
        standing.active = False
        standing.cleared_at = received_at
        standing.save(using=using, update_fields=["active", "cleared_at"])
    if alarms.filter(terminal=terminal, kind=kind, subject=subject,
                     raised_at=raised_at).exists():
        return False            # this raising was already cleared: a stale copy
    alarms.create(terminal=terminal, kind=kind, subject=subject, raised_at=raised_at,
                  detail=detail)
    return True


def clear_alarm(terminal: Terminal, kind: str, subject: str, *, received_at: datetime,
                using: str) -> bool:
    return bool(Alarm.objects.using(using).filter(
        terminal=terminal, kind=kind, subject=subject, active=True,
    ).update(active=False, cleared_at=received_at))
