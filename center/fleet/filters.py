"""The fleet page's filters: offline for more than N hours, software version, station,
standing alarm kind. Read from the query string, so a filtered view can be bookmarked and
the live refresh keeps it."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from center.alarms.kinds import kind_name
from center.fleet.models import SILENT_INTERVALS, Station, Terminal


class FleetFilter(forms.Form):
    offline_hours = forms.IntegerField(label=_("Offline for more than (hours)"), min_value=0,
                                       required=False)
    version = forms.ChoiceField(label=_("Version"), required=False)
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none(),
                                     required=False, empty_label=_("All stations"))
    alarm = forms.ChoiceField(label=_("Standing alarm"), required=False)

    def __init__(self, data: object, terminals: QuerySet[Terminal]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        versions = sorted(set(terminals.exclude(version="").values_list("version", flat=True)))
        version, station, alarm = (self.fields[n] for n in ("version", "station", "alarm"))
        assert isinstance(version, forms.ChoiceField)
        assert isinstance(station, forms.ModelChoiceField)
        assert isinstance(alarm, forms.ChoiceField)
        version.choices = [("", _("All versions")), *((v, v) for v in versions)]
        station.queryset = Station.objects.filter(terminals__in=terminals).distinct()
        kinds = sorted(set(terminals.filter(alarms__active=True)
                           .values_list("alarms__kind", flat=True)))
        alarm.choices = [("", _("Any or none")), *((k, kind_name(k)) for k in kinds)]

    def apply(self, terminals: QuerySet[Terminal], heartbeat_interval_s: int
              ) -> QuerySet[Terminal]:
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
        if data.get("station"):
            terminals = terminals.filter(station=data["station"])
        if data.get("alarm"):
            terminals = terminals.filter(alarms__active=True,
                                         alarms__kind=data["alarm"]).distinct()
        return terminals
