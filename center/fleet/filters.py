"""The fleet page's filters and order: offline for more than N hours, software version,
station, standing alarm kind; which terminals to show (offline, asking for help, with
alarms, with gaps, never seen); worst first, by terminal or by station. Read from the query
string, so a filtered view can be bookmarked and the live refresh keeps it.

``FleetFilter.apply`` is the filtered set as a queryset (the bulk commands act on it);
the fleet page applies the column filters in SQL, then ``show`` and the order to the
terminals' standings (center/fleet/rows.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from center.alarms.kinds import kind_name
from center.fleet.models import SILENT_INTERVALS, Presence, Station, Terminal
from center.fleet.rows import Standing, read_standings

# Which terminals to show, by their standing.
SHOWN: dict[str, Callable[[Standing], bool]] = {
    "offline": lambda s: s.offline,
    "help": lambda s: s.help_waiting > 0,
    "alarms": lambda s: s.alarms > 0,
    "gaps": lambda s: s.gaps > 0,
    "never": lambda s: s.presence == Presence.NEVER,
}
SHOW_CHOICES = [("", _("Every terminal")), ("offline", _("Offline")),
                ("help", _("Asking for help")), ("alarms", _("With standing alarms")),
                ("gaps", _("With gaps")), ("never", _("Never seen"))]
# Stations sort by name, terminals without a station last.
ORDERS: dict[str, Callable[[Standing], tuple[object, ...]]] = {
    "worst": lambda s: (s.concern, s.district, s.terminal_id),
    "terminal": lambda s: (s.district, s.terminal_id),
    "station": lambda s: (s.station is None, s.station or "", s.district, s.terminal_id),
}
ORDER_CHOICES = [("worst", _("Worst first")), ("terminal", _("By terminal")),
                 ("station", _("By station"))]


class QuickSelect(forms.Select):
    """A select drawn in one pass. Django draws each option through a template of its
    own: a district's 500 stations took a fifth of every page load."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        chosen = "" if value is None else str(value)
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (key, mark_safe(" selected") if key == chosen else "", label)
            for key, label in ((str(v), str(text)) for v, text in self.choices)))
        return format_html('<select name="{}"{}>{}</select>', name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


Choices = list[tuple[str, object]]


def once(read: Callable[[], Choices]) -> Callable[[], Choices]:
    """``read`` called the first time its answer is wanted, then remembered."""
    kept: list[Choices] = []

    def answer() -> Choices:
        if not kept:
            kept.append(read())
        return kept[0]
    return answer


class FleetFilter(forms.Form):
    offline_hours = forms.IntegerField(label=_("Offline for more than (hours)"), min_value=0,
                                       required=False)
    version = forms.ChoiceField(label=_("Version"), required=False)
    street = forms.ChoiceField(label=_("Street or township"), required=False)
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none(),
                                     required=False, empty_label=_("All stations"),
                                     widget=QuickSelect)
    alarm = forms.ChoiceField(label=_("Standing alarm"), required=False)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(self, data: object, terminals: QuerySet[Terminal]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        version, station, alarm, street = (
            self.fields[n] for n in ("version", "station", "alarm", "street"))
        assert isinstance(version, forms.ChoiceField)
        assert isinstance(street, forms.ChoiceField)
        assert isinstance(station, forms.ModelChoiceField)
        assert isinstance(alarm, forms.ChoiceField)
        # Choices are read once, when the form is drawn or a value checked, not for every
        # refresh of the table.
        version.choices = once(lambda: [("", _("All versions")), *(
            (v, v) for v in terminals.exclude(version="").order_by("version")
            .values_list("version", flat=True).distinct())])
        street.choices = once(lambda: [("", _("All streets and townships")), *(
            (s, s) for s in Station.objects.filter(terminals__in=terminals).exclude(street="")
            .order_by("street").values_list("street", flat=True).distinct())])
        station.queryset = Station.objects.filter(terminals__in=terminals).distinct() \
            .only("pk", "name")
        alarm.choices = once(lambda: [("", _("Any or none")), *(
            (k, kind_name(k)) for k in sorted(
                terminals.filter(alarms__active=True).order_by()
                .values_list("alarms__kind", flat=True).distinct()))])

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the order) leaves terminals out."""
        return self.is_bound and self.is_valid() and any(
            self.cleaned_data.get(name) not in (None, "")
            for name in ("offline_hours", "version", "street", "station", "alarm", "show"))

    def apply(self, terminals: QuerySet[Terminal], heartbeat_interval_s: int
              ) -> QuerySet[Terminal]:
        """Every filter, ``show`` included. Filters that do not read leave every terminal."""
        matching = self.apply_columns(terminals, heartbeat_interval_s)
        if not self._value("show"):
            return matching
        chosen = [s.pk for s in self.shown(read_standings(matching, timezone.now()))]
        return matching.filter(pk__in=chosen)

    def apply_columns(self, terminals: QuerySet[Terminal], heartbeat_interval_s: int
                      ) -> QuerySet[Terminal]:
        """The filters SQL answers: offline hours, version, street, station, standing alarm
        kind."""
        if not self.is_valid():
            return terminals
        data = self.cleaned_data
        if data.get("offline_hours") is not None:
            since = timezone.now() - timedelta(hours=data["offline_hours"])
            silent_since = since - timedelta(seconds=SILENT_INTERVALS * heartbeat_interval_s)
            # Offline by a death before then, or online by births but silent since then.
            terminals = terminals.filter(
                Q(online=False, bd_seq__isnull=False)
                & (Q(presence_since__lt=since) | Q(presence_since__isnull=True))
                | Q(online=True) & (Q(heartbeat_at__lt=silent_since) | Q(
                    heartbeat_at__isnull=True, born_at__lt=silent_since)))
        if data.get("version"):
            terminals = terminals.filter(version=data["version"])
        if data.get("street"):
            terminals = terminals.filter(station__street=data["street"])
        if data.get("station"):
            terminals = terminals.filter(station=data["station"])
        if data.get("alarm"):
            terminals = terminals.filter(alarms__active=True,
                                         alarms__kind=data["alarm"]).distinct()
        return terminals

    def shown(self, standings: list[Standing]) -> list[Standing]:
        """The standings ``show`` keeps, in the chosen order (worst first unless told)."""
        show = SHOWN.get(self._value("show"))
        kept = [s for s in standings if show(s)] if show else standings
        return sorted(kept, key=ORDERS.get(self._value("order"), ORDERS["worst"]))

    def _value(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "") if self.is_valid() else ""
