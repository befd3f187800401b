"""Recording a notice once: its unique key is inserted in the same transaction as its
deliveries (and whatever the caller claims with it, e.g. an escalation), so whichever
notifier commits first tells people and every other finds the key taken."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from center.alarms.models import Alarm
from center.fleet.models import Terminal
from center.notifications.models import Delivery, MailState, Notice


class _Lost(Exception):
    """Another notifier claimed first: roll back."""


def record_notice(key: str, kind: str, terminal: Terminal, *, at: datetime, now: datetime,
                  people: Iterable[Any], alarm: Alarm | None = None,
                  detail: dict[str, Any] | None = None, silenced: bool = False,
                  claim: Callable[[], bool] | None = None,
                  using: str = "default") -> Notice | None:
    """The notice, or None when it was already recorded (or ``claim`` lost its race).
    A silenced notice (maintenance) is kept with no delivery."""
    try:
        with transaction.atomic(using=using):
            notice = Notice.objects.using(using).create(
                key=key, kind=kind, terminal=terminal, alarm=alarm, at=at,
                detail=detail or {}, created_at=now, silenced=silenced)
            if claim is not None and not claim():
                raise _Lost
            if not silenced:
                Delivery.objects.using(using).bulk_create([
                    Delivery(notice=notice, user=person, address=person.email,
                             mail_state=MailState.PENDING if person.email
                             else MailState.NO_ADDRESS, next_attempt_at=now)
                    for person in _unique(people)])
    except (IntegrityError, _Lost):
        return None
    return notice


def already_recorded(keys: Iterable[str], using: str = "default") -> set[str]:
    return set(Notice.objects.using(using).filter(key__in=list(keys))
               .values_list("key", flat=True))


def _unique(people: Iterable[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for person in people:
        seen.setdefault(person.pk, person)
    return list(seen.values())
