"""Who may answer a terminal's alarms (and so be assigned one, and be told of them): the
district administrators, and the managers of the terminal's station. The same rule as
center.accounts.roles.may_act_on, read as a set of people instead of asked of one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from center.accounts.roles import DISTRICT_ADMIN, STATION_MANAGER
from center.fleet.models import Terminal


def district_admins(using: str = "default") -> QuerySet[Any]:
    users = get_user_model().objects.using(using)
    return users.filter(Q(is_superuser=True) | Q(groups__name=DISTRICT_ADMIN),
                        is_active=True).distinct().order_by("username")


def station_managers(terminal: Terminal, using: str = "default") -> QuerySet[Any]:
    """The managers of the terminal's station; nobody for a terminal not placed yet."""
    users = get_user_model().objects.using(using)
    if terminal.station_id is None:
        return users.none()
    return users.filter(groups__name=STATION_MANAGER, is_active=True,
                        station_assignments__station=terminal.station_id
                        ).distinct().order_by("username")


def people_who_may_act(terminal: Terminal, using: str = "default") -> QuerySet[Any]:
    users = get_user_model().objects.using(using)
    ids = set(district_admins(using).values_list("pk", flat=True)) | set(
        station_managers(terminal, using).values_list("pk", flat=True))
    return users.filter(pk__in=ids).order_by("username")
