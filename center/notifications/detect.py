"""Finding what needs telling about alarms and residents: alarms not yet noticed, alarms
due for escalation, assignments, calls for help still waiting. Each is recorded once by its
key (record.py); what a maintenance window covers is recorded silenced."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db.models import Exists, OuterRef, Q

from center.alarms.escalation import due_for_escalation, mark_escalated
from center.alarms.maintenance import raised_in_maintenance, terminals_in_maintenance
from center.alarms.models import Alarm, AlarmNote, NoteKind
from center.fleet.help_calls import waiting_calls
from center.fleet.models import Terminal
from center.ingest.models import Event
from center.notifications.models import Notice, NoticeKind
from center.notifications.recipients import recipients
from center.notifications.record import already_recorded, record_notice

# Alarms cleared before the notifier saw them, and assignments, are told within this long;
# older ones (a notifier stopped for days, a first start) are left alone. Standing alarms
# are told however old they are.
LOOK_BACK = timedelta(hours=24)


def notice_new_alarms(now: datetime, using: str = "default") -> int:
    unnoticed = Alarm.objects.using(using).filter(
        Q(active=True) | Q(raised_at__gte=now - LOOK_BACK),
        ~Exists(Notice.objects.filter(kind=NoticeKind.ALARM_RAISED, alarm=OuterRef("pk"))))
    in_maintenance = terminals_in_maintenance(now, using)
    raised_in_a_window = set(unnoticed.filter(raised_in_maintenance())
                             .values_list("pk", flat=True))
    told = 0
    for alarm in unnoticed.select_related("terminal__station"):
        silenced = alarm.pk in raised_in_a_window or alarm.terminal_id in in_maintenance
        notice = record_notice(
            f"alarm.raised:{alarm.pk}", NoticeKind.ALARM_RAISED, alarm.terminal, alarm=alarm,
            at=alarm.raised_at, now=now, silenced=silenced, using=using,
            people=[] if silenced else recipients(NoticeKind.ALARM_RAISED, alarm.terminal,
                                                  using=using))
        told += notice is not None and not silenced
    return told


def notice_escalations(now: datetime, after: timedelta, using: str = "default") -> int:
    told = 0
    for alarm in due_for_escalation(now, after, using):
        notice = record_notice(
            f"alarm.escalated:{alarm.pk}", NoticeKind.ALARM_ESCALATED, alarm.terminal,
            alarm=alarm, at=alarm.raised_at, now=now, using=using,
            detail={"minutes": int(after.total_seconds() // 60)},
            people=recipients(NoticeKind.ALARM_ESCALATED, alarm.terminal, using=using),
            claim=partial(mark_escalated, alarm, now, using))
        told += notice is not None
    return told


def notice_assignments(now: datetime, using: str = "default") -> int:
    """Tells the person an alarm was assigned to, unless they assigned it to themselves.
    An assignment is a person's request, so a maintenance window does not silence it."""
    notes = {f"alarm.assigned:{note.pk}": note for note in AlarmNote.objects.using(using).filter(
        kind=NoteKind.ASSIGNED, at__gte=now - LOOK_BACK, assignee__isnull=False,
    ).select_related("alarm__terminal__station", "assignee")}
    told = 0
    for key in notes.keys() - already_recorded(notes, using):
        note = notes[key]
        assert note.assignee is not None
        people = [] if note.assignee_id == note.author_id else recipients(
            NoticeKind.ALARM_ASSIGNED, note.alarm.terminal, assignee=note.assignee)
        notice = record_notice(key, NoticeKind.ALARM_ASSIGNED, note.alarm.terminal,
                               alarm=note.alarm, at=note.at, now=now, people=people,
                               detail={"by": note.author_name}, using=using)
        told += notice is not None and bool(people)
    return told


def notice_help_calls(now: datetime) -> int:
    """Residents' calls for help still waiting, told to the station's staff once each.
    center.fleet.help_calls reads the default database, the notifier's own."""
    asked = Event.objects.filter(type="help.requested", created_at__gte=now - LOOK_BACK)
    calls = waiting_calls(set(asked.values_list("terminal_id", flat=True)), now)
    keys = {f"help.waiting:{terminal_id}:{call.request}:{call.at.isoformat()}": (terminal_id,
                                                                                 call)
            for terminal_id, waiting in calls.items() for call in waiting}
    new = keys.keys() - already_recorded(keys)
    if not new:
        return 0
    terminals = Terminal.objects.select_related("station").in_bulk(
        {keys[key][0] for key in new})
    in_maintenance = terminals_in_maintenance(now)
    told = 0
    for key in sorted(new):
        terminal_id, call = keys[key]
        terminal = terminals[terminal_id]
        silenced = terminal_id in in_maintenance
        notice = record_notice(
            key, NoticeKind.HELP_WAITING, terminal, at=call.at, now=now, silenced=silenced,
            detail={"request": call.request, "screen": call.screen},
            people=[] if silenced else recipients(NoticeKind.HELP_WAITING, terminal))
        told += notice is not None and not silenced
    return told
