"""The reports list's two forms: which kept reports to list, and which report to open (a
period kind and any day in it, for the district or one station)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Station
from center.reports.models import PeriodKind
from center.reports.periods import FIRST_REPORT_DAY, FIRST_YEAR, LAST_YEAR, Period, period_of


def scope_choices(districts: list[str], stations: list[Station],
                  every: bool) -> list[tuple[str, str]]:
    """"xc" for a district's own report, "xc/hsz" for a station's."""
    choices = [("", str(_("Every district and station")))] if every else []
    for district in districts:
        choices.append((district, str(_("District %(district)s, all stations")
                                      % {"district": district})))
        choices += [(f"{s.district}/{s.code}", f"{s.name} ({s.district})")
                    for s in stations if s.district == district]
    return choices


class ListFilter(forms.Form):
    scope = forms.ChoiceField(label=_("Whose"), required=False)
    kind = forms.ChoiceField(label=_("Period"), required=False,
                             choices=[("", _("Any period")), *PeriodKind.choices])

    def __init__(self, data: Any, choices: list[tuple[str, str]]) -> None:
        super().__init__(data, label_suffix="")
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]


class OpenReport(forms.Form):
    open_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices,
                                  initial=PeriodKind.DAY)
    open_day = forms.DateField(label=_("Any day in it"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    open_scope = forms.ChoiceField(label=_("Whose"))

    def __init__(self, data: Any, choices: list[tuple[str, str]], today: date) -> None:
        # Yesterday's report is the one made most recently.
        super().__init__(data, initial={"open_day": today - timedelta(days=1)},
                         label_suffix="")
        self.fields["open_scope"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """The period asked for, made here so that a day no period can hold (the year 9999)
        is a form error, not a server error."""
        cleaned = super().clean() or {}
        day, kind = cleaned.get("open_day"), cleaned.get("open_kind")
        if day is None or kind is None:
            return cleaned
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.add_error("open_day", _("Choose a day between %(first)d and %(last)d.")
                           % {"first": FIRST_YEAR, "last": LAST_YEAR})
            return cleaned
        try:
            period = period_of(kind, day)
        except (ValueError, OverflowError):
            self.add_error("open_day", _("No report can be made for that day."))
            return cleaned
        if too_early(period):
            self.add_error("open_day", _("Reports begin on %(day)s: choose a later day.")
                           % {"day": FIRST_REPORT_DAY.isoformat()})
            return cleaned
        cleaned["period"] = period
        return cleaned


def too_early(period: Period) -> bool:
    """A period that ended before any terminal reported: no report is made of it."""
    return period.last_day < FIRST_REPORT_DAY
