"""The bad-rating cases' forms: the list's filters, and one form per step of a case (the
page shows the one the case waits for; center/ratings/cases.py takes the step)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from center.fleet.models import Station
from center.ratings.cases import FeedbackWay, rectify_choices
from center.ratings.models import CaseState, Handling, RatingCase, RevisitResult

OPEN, OVERDUE, EVERY = "open", "overdue", "all"
LONGEST_TEXT = 2000
# A case number's id: ASCII digits only ("²".isdigit() is true but int() refuses it), and
# few enough to fit the database's id.
CASE_ID = re.compile(r"[0-9]{1,18}")


class CaseFilter(forms.Form):
    state = forms.ChoiceField(label=_("Show"), required=False, choices=[
        (OPEN, _("Open cases")), (OVERDUE, _("Overdue cases")), *CaseState.choices,
        (EVERY, _("Every case"))])
    station = forms.ModelChoiceField(label=_("Station"), required=False,
                                     queryset=Station.objects.none(),
                                     empty_label=_("All stations"))
    number = forms.CharField(label=_("Bad-rating case number"), required=False, max_length=30,
                             widget=forms.TextInput(attrs={"placeholder": "差评-2026-000042"}))

    def __init__(self, data: Any, stations: QuerySet[Station]) -> None:
        super().__init__(data)
        station = self.fields["station"]
        assert isinstance(station, forms.ModelChoiceField)
        station.queryset = stations

    def apply(self, cases: QuerySet[RatingCase], today: date) -> QuerySet[RatingCase]:
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or OPEN
        if state == OPEN:
            cases = cases.exclude(state=CaseState.CLOSED)
        elif state == OVERDUE:
            cases = cases.exclude(state=CaseState.CLOSED).filter(due_on__lt=today)
        elif state != EVERY:
            cases = cases.filter(state=state)
        if data.get("station"):
            cases = cases.filter(station=data["station"])
        if data.get("number"):
            # 差评-2026-000042, or just 42: the number ends with the case's id.
            digits = data["number"].strip().rsplit("-", 1)[-1]
            cases = cases.filter(pk=int(digits)) if CASE_ID.fullmatch(digits) else \
                cases.none()
        return cases


def _text(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, max_length=LONGEST_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}))


def _public() -> forms.CharField:
    """What of the answer may be published on the quarterly public page (detail["public"];
    the step's own text never is)."""
    return forms.CharField(
        label=_("What may be published"), required=False, max_length=LONGEST_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This is shown to the public: do not write names, phone numbers, "
                    "addresses or ID numbers."))


class StepForm(forms.Form):
    """A step's form: ``step`` names it in the POST (cases.py's verb), ``title`` and
    ``button`` are its words on the page."""

    step = ""
    title: Any = ""
    button: Any = ""


class VerifyForm(StepForm):
    step, title, button = "verify", _("Verify the bad rating"), _("Save the verification")
    text = _text(_("What you found"), _("Check the window, the staff on duty and the papers "
                                        "of that service. Write what happened."))


class HandleForm(StepForm):
    step, title, button = "handle", _("Handle the bad rating"), _("Save how it is handled")
    handling = forms.ChoiceField(label=_("How"), choices=Handling.choices,
                                 widget=forms.RadioSelect)
    days = forms.TypedChoiceField(
        label=_("Rectified within (only for a rectification by a deadline)"), coerce=int,
        required=False, widget=forms.RadioSelect, empty_value=None,
        help_text=_("Working days from the day the case was verified."))
    text = _text(_("What was done, or will be done"),
                 _("An appeal needs the reason the rating is mistaken or malicious."))
    public = _public()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.TypedChoiceField)
        days.choices = [(n, ngettext("%(days)d working day", "%(days)d working days", n)
                         % {"days": n}) for n in rectify_choices()]
        self.initial.setdefault("days", rectify_choices()[0])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("handling") == Handling.FIX_BY and not cleaned.get("days"):
            self.add_error("days", _("Choose how many working days the rectification may "
                                     "take."))
        return cleaned


class RectifiedForm(StepForm):
    step, title, button = ("rectified", _("Record the rectification"),
                           _("The rectification is done"))
    text = _text(_("What was changed"), _("For example: the window now hands out the list "
                                          "of papers."))
    public = _public()


class AppealForm(StepForm):
    step, title, button = ("decide_appeal", _("Review the appeal"),
                           _("Save the review"))
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("upheld", _("Upheld: the rating was mistaken or malicious. The case closes and the "
                     "rating is not counted in the published rates.")),
        ("rejected", _("Rejected: the case goes back to be handled."))])
    text = _text(_("Why"), _("Kept with the case and in the audit trail."))


class FeedbackForm(StepForm):
    step, title, button = ("feed_back", _("Tell the resident"),
                           _("Save the feedback"))
    how = forms.ChoiceField(label=_("How"), choices=FeedbackWay.choices,
                            widget=forms.RadioSelect)
    text = _text(_("What the resident was told"),
                 _("Ratings are anonymous: if nobody could be reached, choose \"could not "
                   "be reached\" and say what you tried. The case still goes on to the "
                   "return visit."))


class RevisitForm(StepForm):
    step, title, button = ("revisit", _("Record the return visit"),
                           _("Save the return visit"))
    result = forms.ChoiceField(label=_("The resident is now"), choices=RevisitResult.choices,
                               widget=forms.RadioSelect,
                               help_text=_("Still dissatisfied sends the case back to be "
                                           "handled again."))
    text = _text(_("What the resident said"), "")


STEP_FORMS: dict[str, type[StepForm]] = {form.step: form for form in (
    VerifyForm, HandleForm, RectifiedForm, AppealForm, FeedbackForm, RevisitForm)}
# The form of the step a case in each state waits for.
NEXT_STEP: dict[str, type[StepForm]] = {
    CaseState.RECEIVED: VerifyForm, CaseState.VERIFIED: HandleForm,
    CaseState.RECTIFYING: RectifiedForm, CaseState.APPEALED: AppealForm,
    CaseState.RECTIFIED: FeedbackForm, CaseState.EXPLAINED: FeedbackForm,
    CaseState.FED_BACK: RevisitForm}


def stations_of_cases(cases: QuerySet[RatingCase]) -> QuerySet[Station]:
    return Station.objects.filter(pk__in=cases.values("station")).order_by("name")
