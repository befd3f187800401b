"""The rates the 好差评 rules publish, over any set of terminals and period:

- 好评率: 满意 and 非常满意 among the ratings counted;
- 差评率: 不满意 and 非常不满意 among them;
- 未评价率 (no-rating rate): the service events nobody rated, among all service events.

Counted are the ratings a resident gave: a flood (center/ratings/intake.py) and a bad rating
whose appeal was upheld (a mistaken or malicious rating, GB/T 39734 §9) are left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from center.fleet.models import Terminal
from center.ingest.models import Event
from center.ratings.models import BAD, GOOD, Rating

# The service a rating names (`event.kind`), and the event that says it happened: the one
# list of which event ends which kind (the QR page rates a "window" service by it too).
SERVICE_EVENTS: dict[str, str] = {
    "pickup": "locker.collected",
    "dropoff": "locker.dropoff",
    "notice": "guide.notice",        # only those with `printed` true
    "ticket": "queue.ticket_issued",
    "window": "queue.finished",
}
# A ticket called and not answered: no service at a window, nothing to rate.
NO_SHOW_EVENT = "queue.no_show"


@dataclass(frozen=True)
class RatingFigures:
    rated: int
    good: int
    bad: int
    services: int | None = None      # service events in the period, when counted

    @property
    def good_rate(self) -> float | None:
        return self.good / self.rated if self.rated else None

    @property
    def bad_rate(self) -> float | None:
        return self.bad / self.rated if self.rated else None

    @property
    def unrated_rate(self) -> float | None:
        if not self.services:
            return None
        return max(self.services - self.rated, 0) / self.services


def counted(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    """The ratings the published rates count."""
    return ratings.filter(flooded=False).exclude(case__appeal_upheld=True)


def figures(ratings: QuerySet[Rating], services: int | None = None) -> RatingFigures:
    totals = counted(ratings).aggregate(
        rated=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD)),
        bad=Count("pk", filter=Q(level__in=BAD)))
    return RatingFigures(totals["rated"], totals["good"], totals["bad"], services)


def service_event_rows(terminals: QuerySet[Terminal], start: datetime, end: datetime,
                       using: str = "default") -> QuerySet[Event]:
    """The events of the services the terminals gave in [start, end), by the terminal's
    clock as the ratings are: what a rating could have been given for."""
    return Event.objects.using(using).filter(
        terminal__in=terminals, created_at__gte=start, created_at__lt=end,
        type__in=SERVICE_EVENTS.values()).exclude(type="guide.notice", payload__printed=False)


def service_events(terminals: QuerySet[Terminal], start: datetime, end: datetime,
                   using: str = "default") -> dict[str, int]:
    """How many services of each kind the terminals reported in [start, end)."""
    events = service_event_rows(terminals, start, end, using)
    by_type = dict(events.values_list("type").annotate(n=Count("pk")).values_list("type", "n"))
    return {kind: by_type.get(event_type, 0) for kind, event_type in SERVICE_EVENTS.items()}
