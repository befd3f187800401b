"""Overdue bad-rating cases, escalated once per deadline: a case still open the day after its
``due_on`` gets ``escalated_on``, an "escalated" step and a notice to every district
administrator. The notifier's loop calls this on each pass (center/notifications/
notifier.py).

The notice's key names the case and the deadline it missed
(``rating_case.overdue:<case>:<due date>``), and claiming the escalation happens in the
notice's transaction (center/notifications/record.py): two notifiers tell once. A case that
moves on gets a new deadline with ``escalated_on`` cleared (cases.py), so missing that one
is told again.

A deadline in a year the calendar did not know when the step was taken was left unset
(cases.py deadline): each pass first fills in those it now can (fill_waiting_deadlines),
counted from the day and by the working days the step kept."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from center.alarms.people import district_admins
from center.audit.log import record
from center.notifications.models import NoticeKind
from center.notifications.record import record_notice
from center.ratings.cases import SYSTEM
from center.ratings.models import CaseState, CaseStep, RatingCase
from center.ratings.working_days import (
    CalendarUnknown,
    add_working_days,
    working_days_between,
)


def overdue_cases(today: date, using: str = "default") -> QuerySet[RatingCase]:
    """Open cases past their deadline and not escalated for it yet."""
    return RatingCase.objects.using(using).filter(
        due_on__lt=today, escalated_on__isnull=True).exclude(
        state=CaseState.CLOSED).select_related("rating__terminal__station").order_by(
        "due_on", "pk")


def working_days_late(due_on: date, today: date) -> int | None:
    """How many working days past ``due_on`` it is; None when the calendar cannot say."""
    try:
        return working_days_between(due_on, today)
    except CalendarUnknown:
        return None


def escalate_overdue(today: date, using: str = "default",
                     now: datetime | None = None) -> int:
    """Escalates every overdue case not escalated for its deadline; returns how many this
    call escalated (another notifier may have taken some)."""
    now = now or timezone.now()
    fill_waiting_deadlines(using)
    admins = list(district_admins(using))
    escalated = 0
    for case in overdue_cases(today, using):
        assert case.due_on is not None
        late = working_days_late(case.due_on, today)
        notice = record_notice(
            f"rating_case.overdue:{case.pk}:{case.due_on.isoformat()}",
            NoticeKind.RATING_CASE_OVERDUE, case.rating.terminal, at=now, now=now,
            people=admins, using=using,
            detail={"case": case.pk, "number": case.number, "state": case.state,
                    "due_on": case.due_on.isoformat(), "late": late},
            claim=partial(_claim, case, today, now, late, using))
        escalated += notice is not None
    return escalated


def _claim(case: RatingCase, today: date, now: datetime, late: int | None,
           using: str) -> bool:
    """Marks the case escalated for its deadline, with its step and audit entry, if no
    other notifier did and the case has not moved on meanwhile."""
    claimed = RatingCase.objects.using(using).filter(
        pk=case.pk, state=case.state, due_on=case.due_on, escalated_on__isnull=True,
    ).update(escalated_on=today)
    if not claimed:
        return False
    CaseStep.objects.using(using).create(
        case=case, action="escalated", username=SYSTEM, at=now, due_on=case.due_on,
        detail={"late": late, "state": case.state})
    record(None, "rating_case.escalated", case.rating.terminal, using=using,
           case=case.number, state=case.state, due_on=case.due_on.isoformat()
           if case.due_on else None, late=late)
    case.escalated_on = today
    return True


def fill_waiting_deadlines(using: str = "default") -> int:
    """Sets the deadline of each open case left without one because its year was not in the
    calendar, now that the calendar knows it; returns how many were set. The step that
    should have set it gets it too (its page line shows it), and the audit trail says so.
    A case that moved on meanwhile is left to its new step."""
    filled = 0
    waiting = RatingCase.objects.using(using).filter(due_on__isnull=True).exclude(
        state=CaseState.CLOSED).select_related("rating__terminal")
    for case in waiting:
        step = CaseStep.objects.using(using).filter(case=case).exclude(
            action="escalated").order_by("-at", "-pk").first()
        due = _waiting_deadline(step.detail if step is not None else {})
        if step is None or due is None:
            continue
        if not RatingCase.objects.using(using).filter(
                pk=case.pk, state=case.state, due_on__isnull=True).update(due_on=due):
            continue
        # A step taken as two (revisited, reopened) set one deadline: both show it.
        CaseStep.objects.using(using).filter(case=case, at=step.at, due_on__isnull=True) \
            .update(due_on=due)
        record(None, "rating_case.deadline_set", case.rating.terminal, using=using,
               case=case.number, state=case.state, due_on=due.isoformat(),
               due_from=step.detail["due_from"], due_days=step.detail["due_days"])
        filled += 1
    return filled


def _waiting_deadline(detail: dict[str, Any]) -> date | None:
    """The deadline a step could not set, if the calendar knows its year now."""
    try:
        start = date.fromisoformat(str(detail["due_from"]))
        days = int(detail["due_days"])
    except (KeyError, TypeError, ValueError):
        return None                 # set before steps kept what to count from
    try:
        return add_working_days(start, days)
    except CalendarUnknown:
        return None
