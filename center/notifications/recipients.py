"""Who is told of what: a terminal's news goes to the managers of its station (the district
administrators when it has none); an escalation to the managers and every district
administrator; an assignment to the person assigned."""

from __future__ import annotations

from typing import Any

from center.alarms.people import district_admins, station_managers
from center.fleet.models import Terminal
from center.notifications.models import NoticeKind


def recipients(kind: str, terminal: Terminal, *, assignee: Any | None = None,
               using: str = "default") -> list[Any]:
    if kind == NoticeKind.ALARM_ASSIGNED:
        return [assignee] if assignee is not None and assignee.is_active else []
    managers = list(station_managers(terminal, using))
    if kind == NoticeKind.ALARM_ESCALATED:
        admins = [a for a in district_admins(using) if a.pk not in {m.pk for m in managers}]
        return managers + admins
    return managers or list(district_admins(using))
