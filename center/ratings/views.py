"""The ratings overview (/ratings/): for a period (this quarter unless asked) and the
stations a person may see, the three published rates and the ratings by station, service
item, window, channel and kind of service, with the flooded ratings counted apart.

A station manager sees their own stations only; administrators and viewers every station.
Nothing here can identify a resident: a rating carries nobody's identity."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from center.accounts.roles import visible_terminals
from center.catalog.versions import district_items
from center.charts.svg import bar_chart
from center.fleet.models import Station
from center.ratings.models import BAD, LEVELS
from center.ratings.overview import Period, overview, quarter_of

KIND_NAMES = {"pickup": gettext_lazy("result collected"),
              "dropoff": gettext_lazy("papers dropped off"),
              "notice": gettext_lazy("notice printed"),
              "ticket": gettext_lazy("ticket issued"),
              "window": gettext_lazy("served at a window")}
CHANNEL_NAMES = {"terminal": gettext_lazy("at the terminal"),
                 "qr": gettext_lazy("by QR code on a phone")}
GOOD_COLOUR, MIDDLE_COLOUR, BAD_COLOUR = "#2a8a5c", "#8a97a8", "#c0392b"
LONGEST_PERIOD_DAYS = 400
# Ratings began after this day; a period may reach at most a year past today (a plan).
EARLIEST_DAY = date(2020, 1, 1)
LATEST_AHEAD = timedelta(days=366)


class PeriodForm(forms.Form):
    first = forms.DateField(label=pgettext_lazy("period", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=pgettext_lazy("period", "To"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    station = forms.ModelChoiceField(label=gettext_lazy("Station"), required=False,
                                     queryset=Station.objects.none(),
                                     empty_label=gettext_lazy("Every station"))

    def clean(self) -> dict:
        """The period asked for, a date left out being this quarter's: in order, at most
        LONGEST_PERIOD_DAYS long and between EARLIEST_DAY and a year from today, so no
        address can make the overview count everything there is."""
        cleaned = super().clean() or {}
        if "first" in self.errors or "last" in self.errors:
            return cleaned
        today = timezone.localdate()
        quarter = quarter_of(today)
        first = cleaned["first"] = cleaned.get("first") or quarter.first
        last = cleaned["last"] = cleaned.get("last") or quarter.last
        latest = today + LATEST_AHEAD
        for field, day in (("first", first), ("last", last)):
            if not EARLIEST_DAY <= day <= latest:
                self.add_error(field, _("Pick a day between %(earliest)s and %(latest)s.") % {
                    "earliest": EARLIEST_DAY.isoformat(), "latest": latest.isoformat()})
        if last < first:
            raise forms.ValidationError(_("The period ends before it begins: pick the "
                                          "dates again."))
        if (last - first).days > LONGEST_PERIOD_DAYS:
            raise forms.ValidationError(_("Pick at most a year at a time."))
        return cleaned


@require_GET
def ratings_overview(request: HttpRequest) -> HttpResponse:
    terminals = visible_terminals(request.user)
    form = PeriodForm(request.GET or None)
    stations = Station.objects.filter(terminals__in=terminals).distinct()
    form.fields["station"].queryset = stations      # type: ignore[attr-defined]
    period = quarter_of(timezone.localdate())
    if form.is_valid():
        period = Period(form.cleaned_data["first"], form.cleaned_data["last"])
        if form.cleaned_data["station"] is not None:
            terminals = terminals.filter(station=form.cleaned_data["station"])
    figures = overview(terminals, period)
    names: dict[str, str] = {}
    for district in terminals.values_list("district", flat=True).distinct():
        names |= {key: item.name for key, item in district_items(district).items()}
    return render(request, "ratings/overview.html", {
        "form": form, "period": period, "figures": figures,
        "level_chart": bar_chart(
            [(str(LEVELS[level]), count) for level, count in figures.by_level],
            title=_("Ratings by level"),
            colours=[BAD_COLOUR if level in BAD else GOOD_COLOUR if level > 3 else
                     MIDDLE_COLOUR for level, _count in figures.by_level]),
        "items": [(names.get(str(line.key), str(line.key)), line) for line in figures.by_item],
        "channels": [(CHANNEL_NAMES.get(str(line.key), line.key), line)
                     for line in figures.by_channel],
        "kinds": [(KIND_NAMES.get(str(line.key), line.key), line) for line in figures.by_kind],
    })
