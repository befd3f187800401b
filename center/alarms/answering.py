"""What people do about an alarm: acknowledge it, comment on it, assign it to someone who
may act on its terminal. Each step is a note in the alarm's history and an audit entry,
written in one transaction with the alarm's own change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from center.alarms.models import Alarm, AlarmNote, NoteKind
from center.alarms.people import people_who_may_act
from center.audit.log import record


class NotAssignable(ValueError):
    """The person chosen may not act on the alarm's terminal."""


def acknowledge(user: Any, alarm: Alarm, comment: str = "",
                now: datetime | None = None) -> AlarmNote | None:
    """Acknowledges the alarm (the first acknowledgement stays); a comment given with a
    later one is kept as a comment. Returns the note written, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if locked.acknowledged_at is None:
            locked.acknowledged_by_id = user.pk
            locked.acknowledged_at = now
            kind = NoteKind.ACKNOWLEDGED
        elif comment:
            kind = NoteKind.COMMENT
        else:
            return None
        if comment:
            locked.comment = comment
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "comment"])
        note = _note(locked, kind, user, now, text=comment)
        record(user, "alarm.acknowledged" if kind == NoteKind.ACKNOWLEDGED else
               "alarm.commented", locked.terminal, alarm=locked.pk, kind=locked.kind,
               subject=locked.subject, comment=comment)
    _refresh(alarm, locked)
    return note


def add_comment(user: Any, alarm: Alarm, text: str, now: datetime | None = None) -> AlarmNote:
    now = now or timezone.now()
    with transaction.atomic():
        Alarm.objects.filter(pk=alarm.pk).update(comment=text)
        note = _note(alarm, NoteKind.COMMENT, user, now, text=text)
        record(user, "alarm.commented", alarm.terminal, alarm=alarm.pk, kind=alarm.kind,
               subject=alarm.subject, comment=text)
    alarm.comment = text
    return note


def assign(user: Any, alarm: Alarm, assignee: Any | None,
           now: datetime | None = None) -> AlarmNote | None:
    """Assigns the alarm to ``assignee`` (None: to nobody). Returns None when nothing
    changed."""
    now = now or timezone.now()
    if assignee is not None and not people_who_may_act(alarm.terminal).filter(
            pk=assignee.pk).exists():
        raise NotAssignable(assignee.get_username())
    with transaction.atomic():
        locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if locked.assigned_to_id == (assignee.pk if assignee else None):
            return None
        locked.assigned_to = assignee
        locked.assigned_at = now if assignee else None
        locked.save(update_fields=["assigned_to", "assigned_at"])
        note = _note(locked, NoteKind.ASSIGNED if assignee else NoteKind.UNASSIGNED, user, now,
                     assignee=assignee)
        record(user, "alarm.assigned", locked.terminal, alarm=locked.pk, kind=locked.kind,
               subject=locked.subject,
               assignee=assignee.get_username() if assignee else None)
    _refresh(alarm, locked)
    return note


def _note(alarm: Alarm, kind: str, user: Any, at: datetime, *, text: str = "",
          assignee: Any | None = None) -> AlarmNote:
    return AlarmNote.objects.create(
        alarm=alarm, kind=kind, at=at, author=user, author_name=user.get_username(),
        text=text, assignee=assignee,
        assignee_name=assignee.get_username() if assignee else "")


def _refresh(alarm: Alarm, stored: Alarm) -> None:
    for field in ("acknowledged_by_id", "acknowledged_at", "comment", "assigned_to_id",
                  "assigned_at"):
        setattr(alarm, field, getattr(stored, field))
