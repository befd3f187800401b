"""Escalation: an alarm still standing and unacknowledged CENTER_ALARM_ESCALATE_AFTER_MIN
after it was raised is escalated once to the district administrators. Not while its terminal
is in maintenance, and never for an alarm raised during a maintenance window."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from center.alarms.maintenance import raised_in_maintenance, terminals_in_maintenance
from center.alarms.models import Alarm, AlarmNote, NoteKind


def due_for_escalation(now: datetime, after: timedelta,
                       using: str = "default") -> QuerySet[Alarm]:
    return Alarm.objects.using(using).filter(
        ~raised_in_maintenance(), active=True, acknowledged_at__isnull=True,
        escalated_at__isnull=True, raised_at__lte=now - after,
    ).exclude(terminal_id__in=terminals_in_maintenance(now, using)).select_related(
        "terminal", "terminal__station")


def mark_escalated(alarm: Alarm, now: datetime, using: str = "default") -> bool:
    """Claims the escalation with a conditional update, so two notifiers never both
    escalate; the caller's transaction holds it together with the notice."""
    claimed = Alarm.objects.using(using).filter(pk=alarm.pk, escalated_at__isnull=True).update(
        escalated_at=now)
    if claimed:
        AlarmNote.objects.using(using).create(alarm=alarm, kind=NoteKind.ESCALATED, at=now)
        alarm.escalated_at = now
    return bool(claimed)
