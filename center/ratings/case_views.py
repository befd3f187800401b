"""The bad-rating cases' pages: the list (/ratings/cases/, overdue first) and one case
(/ratings/cases/<id>/) with its rating, its deadline, every step and the form of the step it
waits for, posted to /ratings/cases/<id>/step/.

Who: a district administrator acts on every case; a station manager on the cases of their
own stations (another station's case is 404); a viewer reads and is refused any step (403).
A case whose terminal had no station when it was opened is the district administrators'.
Appeals are reviewed by district administrators only. The pages show nothing of the
resident: a rating has no identity to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from center.accounts.roles import (
    DISTRICT_ADMIN,
    STATION_MANAGER,
    VIEWER,
    manages_station,
    role_of,
    visible_stations,
)
from center.catalog.versions import district_items
from center.ratings import cases as workflow
from center.ratings.escalation import working_days_late
from center.ratings.forms import NEXT_STEP, STEP_FORMS, CaseFilter, StepForm, stations_of_cases
from center.ratings.models import LEVELS, CaseState, CaseStep, Handling, RatingCase, RevisitResult
from center.ratings.views import CHANNEL_NAMES, KIND_NAMES
from contract import rating_options

PAGE_SIZE = 50

STEP_NAMES = {
    "received": gettext_lazy("Opened by the bad rating"),
    "verified": gettext_lazy("Verified"),
    "handled": gettext_lazy("Handled"),
    "rectified": gettext_lazy("Rectified"),
    "appeal_upheld": gettext_lazy("Appeal upheld: the rating is not counted"),
    "appeal_rejected": gettext_lazy("Appeal rejected: to be handled"),
    "fed_back": gettext_lazy("Resident told"),
    "revisited": gettext_lazy("Return visit"),
    "reopened": gettext_lazy("Reopened: the resident is still dissatisfied"),
    "escalated": gettext_lazy("Overdue: told to the district administrators"),
}


@dataclass(frozen=True)
class CaseRow:
    case: RatingCase
    level: str
    reasons: list[str]
    late: int | None             # working days past the deadline; None: not late
    late_unknown: bool           # late, but the calendar cannot count by how much


@dataclass(frozen=True)
class StepLine:
    step: CaseStep
    title: str
    how: str                     # the handling, the way of feedback or the visit's result
    who: str


# -- who sees and acts ------------------------------------------------------------------------

def visible_cases(user: Any) -> QuerySet[RatingCase]:
    role = role_of(user)
    cases = RatingCase.objects.select_related("rating__terminal", "station")
    if role in (DISTRICT_ADMIN, VIEWER):
        return cases.all()
    if role == STATION_MANAGER:
        return cases.filter(station__in=visible_stations(user))
    return cases.none()


def may_act_on_case(user: Any, case: RatingCase) -> bool:
    return role_of(user) == DISTRICT_ADMIN or manages_station(user, case.station_id)


# -- pages ---------------------------------------------------------------------------------------

@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    today = workflow.local_day(timezone.now())
    visible = visible_cases(request.user)
    filters = CaseFilter(request.GET or None, stations_of_cases(visible))
    late = Q(due_on__lt=today) & ~Q(state=CaseState.CLOSED)
    chosen = filters.apply(visible, today).annotate(
        overdue=Case(When(late, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-overdue", F("due_on").asc(nulls_last=True), "-opened_at", "-pk")
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = visible.aggregate(open=Count("pk", filter=~Q(state=CaseState.CLOSED)),
                               overdue=Count("pk", filter=late))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ratings/case_list.html", {
        "page": page, "rows": [_row(case, today) for case in page], "filters": filters,
        "filtered": bool(request.GET), "query": query.urlencode(), "counts": counts,
        "shown": (filters.cleaned_data.get("state") if filters.is_valid() else "") or "open"})


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _visible_case(request, pk))


@require_POST
def case_step(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    if not may_act_on_case(request.user, case):
        raise PermissionDenied(_("Your role may read this case but not answer it."))
    form_class = STEP_FORMS.get(request.POST.get("step", ""))
    if form_class is None:
        messages.error(request, _("Nothing was changed: use the form on the case's page."))
        return redirect("ratings:case", case.pk)
    if form_class.step == "decide_appeal" and role_of(request.user) != DISTRICT_ADMIN:
        raise PermissionDenied(_("Only district administrators review appeals."))
    if case.state not in workflow.WAITS_IN[form_class.step]:
        # Someone else took the step meanwhile, or the page was an old one.
        messages.error(request, workflow.refusal(form_class.step, case))
        return redirect("ratings:case", case.pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _case_page(request, case, form)
    try:
        _take(form, case, request.user)
    except workflow.CaseRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Saved. The case is now: %(state)s.")
                         % {"state": CaseState(case.state).label})
    return redirect("ratings:case", case.pk)


def _take(form: StepForm, case: RatingCase, user: Any) -> None:
    data = form.cleaned_data
    text = data["text"].strip()
    if form.step == "verify":
        workflow.verify(case, user, text)
    elif form.step == "handle":
        workflow.handle(case, user, data["handling"], text, days=data.get("days"),
                        public=data.get("public", ""))
    elif form.step == "rectified":
        workflow.rectified(case, user, text, public=data.get("public", ""))
    elif form.step == "decide_appeal":
        workflow.decide_appeal(case, user, data["decision"] == "upheld", text)
    elif form.step == "feed_back":
        workflow.feed_back(case, user, data["how"], text)
    elif form.step == "revisit":
        workflow.revisit(case, user, data["result"], text)


def _visible_case(request: HttpRequest, pk: int) -> RatingCase:
    return get_object_or_404(visible_cases(request.user), pk=pk)


def _case_page(request: HttpRequest, case: RatingCase,
               form: StepForm | None = None) -> HttpResponse:
    today = workflow.local_day(timezone.now())
    rating = case.rating
    may_act = may_act_on_case(request.user, case)
    next_form = NEXT_STEP.get(CaseState(case.state))
    if next_form is not None and next_form.step == "decide_appeal" and \
            role_of(request.user) != DISTRICT_ADMIN:
        next_form = None            # the district reviews appeals; the page says so
    if form is None and next_form is not None and may_act:
        form = next_form()
    row = _row(case, today)
    known = district_items(case.district).get(rating.item) if rating.item else None
    return render(request, "ratings/case.html", {
        "case": case, "rating": rating, "row": row, "may_act": may_act, "form": form,
        "channel": CHANNEL_NAMES.get(rating.channel, rating.channel),
        "kind": KIND_NAMES.get(rating.event_kind, rating.event_kind),
        "item": known.name if known is not None else rating.item,
        "steps": [_line(step) for step in case.steps.all()],
        "no_deadline": case.state != CaseState.CLOSED and case.due_on is None,
    })


# -- words ---------------------------------------------------------------------------------------

def _row(case: RatingCase, today: date) -> CaseRow:
    rating = case.rating
    late: int | None = None
    unknown = False
    if case.state != CaseState.CLOSED and case.due_on is not None and case.due_on < today:
        late = working_days_late(case.due_on, today)
        unknown = late is None
    return CaseRow(case, str(LEVELS.get(rating.level, rating.level)),
                   reason_words(rating.options), late, unknown)


def overdue_since(due_on: date) -> str:
    return _("overdue since %(day)s") % {"day": due_on.isoformat()}


def reason_words(codes: list[int]) -> list[str]:
    """The reasons ticked, in the standard's Chinese words (English on an English page)."""
    chinese = (translation.get_language() or "zh-hans").startswith("zh")
    words = []
    for code in codes:
        option = rating_options.option(code)
        words.append(str(code) if option is None else
                     option.words if chinese else option.english)
    return words


def _line(step: CaseStep) -> StepLine:
    detail = step.detail or {}
    how = ""
    if step.action == "handled" and detail.get("handling") in Handling.values:
        how = str(Handling(detail["handling"]).label)
        if detail.get("days"):
            how += _(", within %(days)s working days") % {"days": detail["days"]}
    elif step.action == "fed_back" and detail.get("how") in workflow.FeedbackWay.values:
        how = str(workflow.FeedbackWay(detail["how"]).label)
    elif step.action == "revisited" and detail.get("result") in RevisitResult.values:
        how = str(RevisitResult(detail["result"]).label)
    elif step.action == "escalated" and detail.get("late"):
        how = _("%(days)s working days late") % {"days": detail["late"]}
    elif step.action == "escalated" and step.due_on is not None:
        # Past the deadline, but no working day yet (a weekend, a holiday): not "0 late".
        how = overdue_since(step.due_on)
    who = _("the center") if step.username == workflow.SYSTEM else step.username
    return StepLine(step, str(STEP_NAMES.get(step.action, step.action)), how, who)
