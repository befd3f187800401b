"""The forms behind each command, checked with the terminal's own rules (docs/mqtt.md
"Command types") so a person hears of a mistake at once; the terminal's answer is final.
The opening hours have their own module (hours_form.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MOST_ANNOUNCEMENT_CHARS = 300
OUT, BACK_IN = "out", "in"


class AnnouncementForm(forms.Form):
    text = forms.CharField(label=_("Announcement on the home screen"),
                           max_length=MOST_ANNOUNCEMENT_CHARS,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("At most 300 characters. Send it empty to remove the "
                                       "announcement."))
    until = forms.DateTimeField(
        label=_("Show it until (optional)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave it empty to show the announcement until it is replaced or "
                    "removed."))

    def clean_until(self) -> datetime | None:
        until: datetime | None = self.cleaned_data.get("until")
        if until is not None and until <= timezone.now():
            raise forms.ValidationError(_("That time has passed: choose a later one, or none."))
        return until

    def args(self) -> dict[str, Any]:
        """The command's arguments (valid forms only)."""
        args: dict[str, Any] = {"text": self.cleaned_data["text"].strip()}
        until = self.cleaned_data.get("until")
        if until is not None and args["text"]:
            args["until"] = int(until.timestamp() * 1000)
        return args


class _OneCompartment(forms.Form):
    """A compartment's number, at most the locker's size when the heartbeat says it."""

    def __init__(self, *args: Any, compartments: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compartments = compartments
        if compartments:
            self.fields["compartment"].widget.attrs["max"] = compartments

    def clean_compartment(self) -> int:
        number: int = self.cleaned_data["compartment"]
        if self.compartments and number > self.compartments:
            raise forms.ValidationError(
                _("This locker has compartments 1 to %(count)d.") % {"count": self.compartments})
        return number


class OpenCompartmentForm(_OneCompartment):
    compartment = forms.IntegerField(label=_("Compartment"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    confirm = forms.BooleanField(label=_("I am at the station, or someone there is waiting "
                                         "for this door to open"))


class CompartmentServiceForm(_OneCompartment):
    # Labels unlike the opening form's, so each field is found by its own words.
    compartment = forms.IntegerField(label=_("Which compartment"), min_value=1)
    service = forms.ChoiceField(
        label=_("Out of service or back in"), widget=forms.RadioSelect,
        choices=[(OUT, _("Take it out of service: residents can no longer use it")),
                 (BACK_IN, _("Put it back in service (clears its jammed-door and "
                             "needs-a-check alarms)"))])
    why = forms.CharField(label=_("Why (kept with the command)"), max_length=300)

    def args(self) -> dict[str, Any]:
        return {"compartment": self.cleaned_data["compartment"],
                "inService": self.cleaned_data["service"] == BACK_IN}


def lifetime_choices() -> list[tuple[str, str]]:
    usual = settings.COMMAND_LIFETIME_S
    choices = [(str(usual), str(_("%(minutes)d minutes (as usual)")
                                % {"minutes": max(1, usual // 60)}))]
    for hours in (1, 8, 24):
        if hours * 3600 > usual:
            choices.append((str(hours * 3600), str(_("%(hours)d hours") % {"hours": hours})))
    return choices


class BulkSendingForm(forms.Form):
    """How long a bulk command stays valid, and a note for the audit trail."""

    lifetime = forms.TypedChoiceField(
        label=_("Valid for"), coerce=int,
        help_text=_("A terminal offline now gets the command when it comes back within this "
                    "time; after it, the command expires."))
    note = forms.CharField(label=_("Note for the audit trail (optional)"), max_length=300,
                           required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lifetime = self.fields["lifetime"]
        assert isinstance(lifetime, forms.TypedChoiceField)
        lifetime.choices = lifetime_choices()
        lifetime.initial = str(settings.COMMAND_LIFETIME_S)

    def valid_for(self) -> timedelta:
        return timedelta(seconds=self.cleaned_data["lifetime"])


class BulkConfirmForm(forms.Form):
    """The confirmation page's promise: the set it showed, and the person's check."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(label=_("I have checked the list of terminals above"))
