"""Who reads and who makes which reports (docs/center.md "Reports"):

- a district administrator reads and makes every report;
- a viewer reads every report and makes none (403 on any post);
- a station manager reads and makes their own stations' reports, and reads the district
  report of a district where they look after a station: its totals, and the rows of their
  own stations only (the other stations' rows, and their terminals in the list of the
  incomplete, are left out and counted). Any other station's or district's report is 404
  to them, as their terminals are.

Which districts a person sees is the center's one rule, center/catalog/access.py
`visible_districts` (the catalog's and the publication's too): the same roles, and every
district the center knows of, by a station, a terminal or a catalog. Reports had their own
copy (stations and terminals only); two copies would drift apart."""

from __future__ import annotations

from typing import Any

from center.accounts.roles import DISTRICT_ADMIN, STATION_MANAGER, VIEWER, role_of, visible_stations
from center.catalog.access import visible_districts
from center.fleet.models import Station


def may_read(user: Any, district: str, station: Station | None) -> bool:
    if station is not None:
        return station.district == district and \
            visible_stations(user).filter(pk=station.pk).exists()
    return district in visible_districts(user)


def may_make(user: Any, station: Station | None) -> bool:
    """Whether ``user`` may have a report made (``may_read`` first)."""
    role = role_of(user)
    if role == DISTRICT_ADMIN:
        return True
    return role == STATION_MANAGER and station is not None


def own_stations(user: Any) -> set[int] | None:
    """The stations whose rows a person sees in a district report; None for all."""
    if role_of(user) in (DISTRICT_ADMIN, VIEWER):
        return None
    return set(visible_stations(user).values_list("pk", flat=True))
