"""What a quarter's publication shows, made once from the database as plain JSON: the
totals behind the rates, ratings by level, by channel, the top items, each station, and the
bad-rating cases anonymised (case_rows.py). Publishing keeps it (models.Publication); the
preview shows it unsaved. Counted are the ratings the published rates count
(center/ratings/figures.py `counted`: no flood, no rating whose appeal was upheld)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from center.catalog.versions import district_items
from center.fleet.models import Terminal
from center.publication.case_rows import case_totals, public_case, quarter_cases
from center.publication.quarters import Quarter
from center.ratings.figures import counted, service_events
from center.ratings.models import BAD, GOOD, LEVELS, Rating

# Bumped when the keys change; the page reads every format it was ever published in.
SNAPSHOT_FORMAT = 1
TOP_ITEMS = 10
CHANNELS = ("terminal", "qr")


def build_snapshot(district: str, quarter: Quarter, district_name: str,
                   using: str = "default") -> dict[str, Any]:
    terminals = Terminal.objects.using(using).filter(district=district)
    ratings = Rating.objects.using(using).filter(terminal__in=terminals,
                                                 rated_at__gte=quarter.start,
                                                 rated_at__lt=quarter.end)
    kept = counted(ratings)
    totals = kept.aggregate(rated=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD)),
                            bad=Count("pk", filter=Q(level__in=BAD)))
    cases = quarter_cases(ratings, using)
    return {
        "format": SNAPSHOT_FORMAT,
        "district": district, "district_name": district_name,
        "year": quarter.year, "quarter": quarter.number,
        "first_day": quarter.first_day.isoformat(), "last_day": quarter.last_day.isoformat(),
        "totals": {
            "services": sum(service_events(terminals, quarter.start, quarter.end,
                                           using).values()),
            **totals,
            "flooded": ratings.filter(flooded=True).count(),
            **case_totals(cases),
        },
        "levels": _by_level(kept),
        "channels": _by_channel(kept),
        "items": _top_items(kept, district, using),
        "stations": _by_station(kept),
        "cases": [public_case(case) for case in cases],
    }


def _by_level(kept: QuerySet[Rating]) -> list[dict[str, int]]:
    found = dict(kept.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    return [{"level": level, "count": found.get(level, 0)} for level in sorted(LEVELS,
                                                                               reverse=True)]


def _by_channel(kept: QuerySet[Rating]) -> list[dict[str, Any]]:
    found = dict(kept.values_list("channel").annotate(n=Count("pk"))
                 .values_list("channel", "n"))
    return [{"channel": channel, "count": found.get(channel, 0)} for channel in CHANNELS]


def _top_items(kept: QuerySet[Rating], district: str, using: str) -> list[dict[str, Any]]:
    """The items rated most, with their bad ratings; an id the catalog no longer has is
    shown as the id."""
    rows = (kept.exclude(item="").values("item")
            .annotate(n=Count("pk"), bad=Count("pk", filter=Q(level__in=BAD)))
            .order_by("-n", "item")[:TOP_ITEMS])
    known = district_items(district, using)
    return [{"name": known[row["item"]].name if row["item"] in known else row["item"],
             "count": row["n"], "bad": row["bad"]} for row in rows]


def _by_station(kept: QuerySet[Rating]) -> list[dict[str, Any]]:
    """Each station's ratings; ratings from a terminal no station claims together, last
    (name None)."""
    rows = (kept.values("terminal__station", "terminal__station__name")
            .annotate(n=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD)),
                      bad=Count("pk", filter=Q(level__in=BAD))))
    stations = [{"name": row["terminal__station__name"], "rated": row["n"],
                 "good": row["good"], "bad": row["bad"]} for row in rows]
    return sorted(stations, key=lambda row: (row["name"] is None, -row["rated"],
                                             row["name"] or ""))
