"""The rates the 好差评 rules publish, over any set of ratings: 好评率 (满意 and 非常满意
among those rated) and 差评率 (不满意 and 非常不满意 among them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from center.ratings.models import BAD, GOOD, Rating


@dataclass(frozen=True)
class RatingFigures:
    rated: int
    good: int
    bad: int

    @property
    def good_rate(self) -> float | None:
        return self.good / self.rated if self.rated else None

    @property
    def bad_rate(self) -> float | None:
        return self.bad / self.rated if self.rated else None


def figures(ratings: QuerySet[Rating]) -> RatingFigures:
    counted = ratings.aggregate(rated=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD)),
                                bad=Count("pk", filter=Q(level__in=BAD)))
    return RatingFigures(counted["rated"], counted["good"], counted["bad"])
