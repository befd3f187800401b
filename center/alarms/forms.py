"""The alarms page's filters, and the forms that answer an alarm or open a maintenance
window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from center.alarms.kinds import kind_name
from center.alarms.models import Alarm
from center.fleet.models import Station, Terminal

STANDING, PAST, EVERY = "standing", "past", "all"


class AlarmFilter(forms.Form):
    state = forms.ChoiceField(label=_("Which"), required=False, choices=[
        (STANDING, _("Standing now")), (PAST, _("Past (cleared)")),
        (EVERY, _("Standing and past"))])
    kind = forms.ChoiceField(label=_("Kind of alarm"), required=False)
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none(),
                                     required=False, empty_label=_("All stations"))
    terminal = forms.CharField(label=_("Terminal"), required=False, max_length=64)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, data: object, terminals: QuerySet[Terminal]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        kind, station = self.fields["kind"], self.fields["station"]
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(station, forms.ModelChoiceField)
        kinds = sorted(Alarm.objects.filter(terminal__in=terminals).order_by()
                       .values_list("kind", flat=True).distinct(), key=kind_name)
        kind.choices = [("", _("Every kind")), *((k, kind_name(k)) for k in kinds)]
        station.queryset = Station.objects.filter(terminals__in=terminals).distinct()

    def apply(self, alarms: QuerySet[Alarm], user: Any) -> QuerySet[Alarm]:
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or STANDING
        if state == STANDING:
            alarms = alarms.filter(active=True)
        elif state == PAST:
            alarms = alarms.filter(active=False)
        if data.get("kind"):
            alarms = alarms.filter(kind=data["kind"])
        if data.get("station"):
            alarms = alarms.filter(terminal__station=data["station"])
        if data.get("terminal"):
            alarms = alarms.filter(terminal__terminal_id=data["terminal"].strip())
        if data.get("mine"):
            alarms = alarms.filter(assigned_to=user)
        return alarms


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment to add"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PersonField(forms.ModelChoiceField):
    """People by their full name and user name, as colleagues know them."""

    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else str(obj.get_username())


class AssignForm(forms.Form):
    assignee = PersonField(label=_("Who sees to it"), queryset=None, required=False,
                           empty_label=_("Nobody"))

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, PersonField)
        assignee.queryset = people


# How long a window lasts, in hours; a clerk picks one instead of typing an end time.
DURATIONS = [(1, _("1 hour")), (2, _("2 hours")), (4, _("4 hours")), (8, _("8 hours")),
             (24, _("1 day")), (72, _("3 days")), (168, _("1 week"))]


class MaintenanceForm(forms.Form):
    reason = forms.CharField(label=_("Work being done"), max_length=300,
                             help_text=_("For example: replacing the printer, moving the "
                                         "terminal."))
    starts_at = forms.DateTimeField(
        label=_("Starting"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to start now."))
    hours = forms.TypedChoiceField(label=_("For how long"), choices=DURATIONS, coerce=int,
                                   initial=2)

    def clean_starts_at(self) -> datetime | None:
        starts_at: datetime | None = self.cleaned_data.get("starts_at")
        # A window silences what comes; it cannot silence what already happened.
        if starts_at is not None and starts_at < timezone.now() - timedelta(minutes=5):
            raise forms.ValidationError(_("A maintenance window cannot start in the past."))
        return starts_at

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        starts_at = self.cleaned_data.get("starts_at") or now
        return starts_at, starts_at + timedelta(hours=self.cleaned_data["hours"])
