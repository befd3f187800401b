"""The locker: results stored in the period (center/pickup Deposit rows, by when they were
stored), how soon they were collected, how many went past their deadline, and the median
time to collect; a few grouped queries whatever the number of terminals."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from center.pickup.models import OPEN_STATES, Deposit, DepositState
from center.reports.scope import Scope
from center.reports.sql import Seconds, day_text, medians
from center.reports.tally import ALL, STATION, Raw, Tally, share

FIELDS = ("deposits", "collected", "within_1d", "within_3d", "within_7d", "overdue",
          "retrieved", "waiting", "collect_s")
DAY_S = 86400.0


def locker_tally(scope: Scope) -> Tally:
    tally = Tally(FIELDS)
    deposits = Deposit.objects.using(scope.using).filter(
        scope.terminals(), stored_at__gte=scope.start, stored_at__lt=scope.end)
    waited = Seconds(F("stored_at"), F("closed_at"))
    collected = Q(state=DepositState.COLLECTED)
    # Past the deadline: the terminal said so, or it left the locker after its deadline,
    # or it is still there with the deadline gone.
    overdue = (Q(state=DepositState.OVERDUE) | Q(closed_at__gt=F("expires_at"))
               | Q(state__in=OPEN_STATES, expires_at__lt=scope.now))
    grouped = deposits.annotate(waited=waited).values("terminal_id").annotate(
        n=Count("pk"), collected=Count("pk", filter=collected),
        within_1d=Count("pk", filter=collected & Q(waited__lte=DAY_S)),
        within_3d=Count("pk", filter=collected & Q(waited__lte=3 * DAY_S)),
        within_7d=Count("pk", filter=collected & Q(waited__lte=7 * DAY_S)),
        overdue=Count("pk", filter=overdue),
        retrieved=Count("pk", filter=Q(state=DepositState.RETRIEVED)),
        waiting=Count("pk", filter=Q(state__in=OPEN_STATES)),
        collect_s=Sum("waited", filter=collected))
    for row in grouped:
        tally.add(row["terminal_id"], deposits=row["n"], collected=row["collected"],
                  within_1d=row["within_1d"], within_3d=row["within_3d"],
                  within_7d=row["within_7d"], overdue=row["overdue"],
                  retrieved=row["retrieved"], waiting=row["waiting"],
                  collect_s=float(row["collect_s"] or 0))
    for station, day, count in deposits.annotate(day=scope.day_of("stored_at")).values(
            "terminal__station_id", "day").annotate(n=Count("pk")).values_list(
            "terminal__station_id", "day", "n"):
        tally.count_day(station, day_text(day), count)
    collected_rows = deposits.filter(collected)
    tally.medians = {
        STATION: medians(collected_rows, waited, "terminal__station_id"),
        ALL: medians(collected_rows, waited, None)}
    return tally


def finish_locker(raw: Raw, median_s: float | None) -> dict[str, float | None]:
    return {**raw, "median_collect_s": median_s,
            "average_collect_s": raw["collect_s"] / raw["collected"] if raw["collected"]
            else None,
            "within_1d_share": share(raw["within_1d"], raw["deposits"]),
            "within_3d_share": share(raw["within_3d"], raw["deposits"]),
            "within_7d_share": share(raw["within_7d"], raw["deposits"]),
            "overdue_share": share(raw["overdue"], raw["deposits"])}
