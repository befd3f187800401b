"""The three roles and what each may see: a district administrator everything, a viewer
everything read-only, a station manager only the terminals of their own stations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from center.fleet.models import Station, Terminal

DISTRICT_ADMIN = "district_admin"
STATION_MANAGER = "station_manager"
VIEWER = "viewer"
ROLES = (DISTRICT_ADMIN, STATION_MANAGER, VIEWER)


def role_of(user: Any) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return DISTRICT_ADMIN
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in ROLES if role in names), None)


def visible_terminals(user: Any) -> QuerySet[Terminal]:
    role = role_of(user)
    terminals = Terminal.objects.select_related("station")
    if role in (DISTRICT_ADMIN, VIEWER):
        return terminals.all()
    if role == STATION_MANAGER:
        return terminals.filter(station__managers__user=user)
    return terminals.none()


def visible_stations(user: Any) -> QuerySet[Station]:
    """The stations whose pages (reports, cases) ``user`` may read."""
    role = role_of(user)
    if role in (DISTRICT_ADMIN, VIEWER):
        return Station.objects.all()
    if role == STATION_MANAGER:
        return Station.objects.filter(managers__user=user)
    return Station.objects.none()


def manages_station(user: Any, station_id: int | None) -> bool:
    """Whether ``user`` is a station manager assigned to that station."""
    return station_id is not None and role_of(user) == STATION_MANAGER and \
        Station.objects.filter(pk=station_id, managers__user=user).exists()


def may_act_on(user: Any, terminal: Terminal) -> bool:
    """Whether ``user`` may command the terminal and answer its alarms: a district
    administrator anywhere, a station manager at their own stations, a viewer never."""
    return role_of(user) == DISTRICT_ADMIN or manages_station(user, terminal.station_id)
