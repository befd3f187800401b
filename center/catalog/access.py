"""Who may do what with a district's catalog: district administrators edit, upload, roll
back and send; station managers and viewers read. A station manager sees only the
districts of their own stations (others are 404, as their terminals are)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from center.accounts.roles import DISTRICT_ADMIN, STATION_MANAGER, VIEWER, role_of
from center.catalog.models import CatalogVersion
from center.fleet.models import Station, Terminal


def visible_districts(user: Any) -> list[str]:
    role = role_of(user)
    if role in (DISTRICT_ADMIN, VIEWER):
        found = set(Station.objects.values_list("district", flat=True))
        found |= set(Terminal.objects.values_list("district", flat=True))
        found |= set(CatalogVersion.objects.values_list("district", flat=True))
        return sorted(found)
    if role == STATION_MANAGER:
        return sorted(set(Station.objects.filter(managers__user=user)
                          .values_list("district", flat=True)))
    return []


def district_for_reading(request: HttpRequest, district: str) -> str:
    if district not in visible_districts(request.user):
        raise Http404(_("No such district."))
    return district


def district_for_editing(request: HttpRequest, district: str) -> str:
    district_for_reading(request, district)
    if not may_edit(request.user):
        raise PermissionDenied(_("Your role may read the catalog but not change or send it."))
    return district


def may_edit(user: Any) -> bool:
    return role_of(user) == DISTRICT_ADMIN
