"""A quarter's bad-rating cases as the public may read them, and the two rates made from
them (差评整改率, 回访率).

A published case says only: its number, the day of the rating, the station, the kind of
service, the reasons' words, how it was handled and what staff wrote for the public when
they answered it (the "handled" and "rectified" steps' detail["public"], from the forms'
"What may be published" field, names and numbers masked). A step's own text is for staff
and never published: it may name the resident, an address or a plate. Without public words
the case shows how it was handled only. Never the time of day, the window, who handled it,
what the return visit found or anything the resident may have said."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from center.publication.masking import mask_numbers
from center.ratings.models import (
    CaseState,
    CaseStep,
    Handling,
    Rating,
    RatingCase,
    RevisitResult,
)
from contract import rating_options

# The steps whose public words answer the rating (center/ratings/cases.py writes them): how
# it was handled (rectified on the spot, the plan for a deadline, the explanation) and what
# was rectified by the deadline.
ANSWER_STEPS = ("handled", "rectified")
# Where a case stands once its rectification is done.
DONE_STATES = (CaseState.RECTIFIED, CaseState.FED_BACK, CaseState.CLOSED)
RECTIFYING = (Handling.FIX_NOW, Handling.FIX_BY)
REACHED = (RevisitResult.SATISFIED, RevisitResult.BASICALLY, RevisitResult.DISSATISFIED)


def case_totals(cases: list[RatingCase]) -> dict[str, int]:
    """The counts behind the two rates:

    - 差评整改率 = rectified ÷ needing: a case needs rectifying unless it was explained (no
      fault) or its appeal was upheld (a mistaken or malicious rating); it is rectified
      when handled on the spot or by a deadline and that rectification is done;
    - 回访率 = revisited ÷ revisit_base: cases whose resident was reached on the return
      visit, among all but those whose appeal was upheld."""
    upheld = [case for case in cases if case.appeal_upheld is True]
    needing = [case for case in cases
               if case.handling != Handling.EXPLAIN and case.appeal_upheld is not True]
    return {
        "cases": len(cases),
        "appeals_upheld": len(upheld),
        "explained": sum(case.handling == Handling.EXPLAIN for case in cases),
        "needing": len(needing),
        "rectified": sum(_rectified(case) for case in needing),
        "revisit_base": len(cases) - len(upheld),
        "revisited": sum(case.revisit in REACHED for case in cases
                         if case.appeal_upheld is not True),
    }


def _rectified(case: RatingCase) -> bool:
    return case.handling in RECTIFYING and case.state in DONE_STATES


def quarter_cases(ratings: QuerySet[Rating], using: str) -> list[RatingCase]:
    """The cases of the quarter's ratings, with what their rows need, oldest first."""
    return list(RatingCase.objects.using(using).filter(rating__in=ratings)
                .select_related("rating__terminal__station", "station")
                .prefetch_related("steps").order_by("rating__rated_at", "pk"))


def public_case(case: RatingCase) -> dict[str, Any]:
    rating = case.rating
    station = case.station or rating.terminal.station
    reasons = [found.words for code in rating.options
               if (found := rating_options.option(code)) is not None]
    return {
        "number": case.number,
        "day": timezone.localdate(rating.rated_at).isoformat(),
        "station": station.name if station is not None else None,
        "kind": rating.event_kind,
        "reasons": reasons,
        "handling": case.handling,
        "rectified": _rectified(case),
        "appeal_upheld": case.appeal_upheld,
        "answers": [mask_numbers(public) for step in case.steps.all()
                    if step.action in ANSWER_STEPS and (public := _public_words(step))
                    # An appeal's grounds speak of the resident: only its outcome is shown.
                    and step.detail.get("handling") != Handling.APPEAL],
    }


def _public_words(step: CaseStep) -> str:
    """What staff wrote for the public on the step; never the step's own text."""
    public = (step.detail or {}).get("public")
    return public.strip() if isinstance(public, str) else ""
