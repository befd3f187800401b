"""The reports list's two forms: which kept reports to list, and which report to open (a
period kind and any day in it, for the district or one station)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Station
from center.reports.models import PeriodKind


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
