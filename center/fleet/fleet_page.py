"""What the fleet page shows: the counts of the filtered terminals at the top (each a link
that shows only those), the terminals in the chosen order a page at a time, and links that
keep the filters, the order and the page in the URL (the live refresh asks for that URL
again, so it keeps the page the person is on).

Whatever the fleet's size, a request costs the same statements: the terminals' standings
(rows.read_standings: five) and the page's rows (one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from center.accounts.roles import visible_terminals
from center.fleet.filters import SHOW_CHOICES, SHOWN, FleetFilter
from center.fleet.models import Presence
from center.fleet.rows import Standing, page_rows, read_standings

# Rows per page: a screen or two an administrator scans, not the whole district.
PER_PAGE = 100
# How often the fleet table refreshes itself in the browser.
REFRESH_SECONDS = 5


@dataclass(frozen=True)
class Tab:
    """One count at the top of the page, as a link that shows only those terminals."""

    show: str
    label: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class Pager:
    page: Page[Standing]
    first: str | None
    previous: str | None
    next: str | None
    last: str | None


def fleet_context(request: HttpRequest, now: datetime | None = None,
                  per_page: int = PER_PAGE) -> dict[str, Any]:
    now = now or timezone.now()
    visible = visible_terminals(request.user)
    filters = FleetFilter(request.GET or None, visible)
    standings = read_standings(filters.apply_columns(visible, settings.HEARTBEAT_INTERVAL_S),
                               now)
    shown = filters.shown(standings)
    page = Paginator(shown, per_page).get_page(request.GET.get("page"))
    return {
        "rows": page_rows(list(page.object_list), now), "now": now,
        "refresh_seconds": REFRESH_SECONDS,
        "total": len(shown), "online": sum(1 for s in shown if s.presence == Presence.ONLINE),
        "tabs": tabs(request.GET, standings, filters), "pager": pager(request.GET, page),
        "filters": filters, "filtered": filters.narrowed,
    }


def tabs(query: QueryDict, standings: list[Standing], filters: FleetFilter) -> list[Tab]:
    """Every terminal the column filters leave, then each kind of trouble among them; the
    empty kinds are left out unless shown now."""
    current = filters.cleaned_data.get("show", "") if filters.is_bound and \
        filters.is_valid() else ""
    found = []
    for show, label in SHOW_CHOICES:
        chosen = SHOWN.get(show)
        count = sum(1 for s in standings if chosen(s)) if chosen else len(standings)
        if count or not show or show == current:
            found.append(Tab(show, str(label), count, link(query, show=show, page=""),
                             show == current))
    return found


def pager(query: QueryDict, page: Page[Standing]) -> Pager:
    last = page.paginator.num_pages
    return Pager(
        page=page,
        first=link(query, page="") if page.number > 2 else None,
        previous=link(query, page=_page(page.number - 1)) if page.has_previous() else None,
        next=link(query, page=str(page.number + 1)) if page.has_next() else None,
        last=link(query, page=str(last)) if page.number < last - 1 else None)


def _page(number: int) -> str:
    return "" if number <= 1 else str(number)


def link(query: QueryDict, **changed: str) -> str:
    """The current query string with ``changed`` set (an empty value removes it)."""
    kept = query.copy()
    for name, value in changed.items():
        if value:
            kept[name] = value
        else:
            kept.pop(name, None)
    return f"?{kept.urlencode()}" if kept else "?"
