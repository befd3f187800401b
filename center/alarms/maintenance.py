"""Maintenance windows: when a terminal is being worked on, what it reports is stored and
shown as always, marked maintenance, and nobody is told of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from center.alarms.models import Alarm, MaintenanceWindow
from center.audit.log import record
from center.fleet.models import Terminal


def open_windows(at: datetime, using: str = "default") -> QuerySet[MaintenanceWindow]:
    return MaintenanceWindow.objects.using(using).filter(starts_at__lte=at, ends_at__gt=at)


def terminals_in_maintenance(at: datetime, using: str = "default") -> set[int]:
    """The ids of the terminals a window covers at ``at``."""
    return set(open_windows(at, using).values_list("terminal_id", flat=True))


def raised_in_maintenance() -> Exists:
    """An alarm query's condition: raised inside one of its terminal's windows."""
    return Exists(MaintenanceWindow.objects.filter(
        terminal=OuterRef("terminal"), starts_at__lte=OuterRef("raised_at"),
        ends_at__gt=OuterRef("raised_at")))


def with_maintenance_mark(alarms: QuerySet[Alarm]) -> QuerySet[Alarm]:
    """Each alarm with ``during_maintenance``, for the pages."""
    return alarms.annotate(during_maintenance=raised_in_maintenance())


def current_and_planned(terminal: Terminal, now: datetime) -> QuerySet[MaintenanceWindow]:
    """The terminal's windows not over yet, the soonest first."""
    return terminal.maintenance_windows.filter(ends_at__gt=now).order_by("starts_at")


def start_window(user: Any, terminal: Terminal, starts_at: datetime, ends_at: datetime,
                 reason: str) -> MaintenanceWindow:
    with transaction.atomic():
        window = MaintenanceWindow.objects.create(
            terminal=terminal, starts_at=starts_at, ends_at=ends_at, reason=reason,
            created_by=user, created_by_name=user.get_username())
        record(user, "maintenance.started", terminal, window=window.pk,
               starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat(), reason=reason)
    return window


def end_window(user: Any, window: MaintenanceWindow, now: datetime) -> bool:
    """Ends a window now (a planned one that has not begun is cancelled: it ends where it
    starts). Returns False when it was already over."""
    with transaction.atomic():
        ends_at = max(window.starts_at, now)
        ended = MaintenanceWindow.objects.filter(pk=window.pk, ends_at__gt=now).update(
            ends_at=ends_at, ended_by=user, ended_by_name=user.get_username())
        if ended:
            record(user, "maintenance.ended", window.terminal, window=window.pk,
                   ends_at=ends_at.isoformat(), planned_end=window.ends_at.isoformat())
    return bool(ended)
