from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AnnouncementForm(forms.Form):
    text = forms.CharField(label=_("Announcement on the home screen"), max_length=300,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("At most 300 characters. Send it empty to remove the "
                                       "announcement."))


class OpenCompartmentForm(forms.Form):
    compartment = forms.IntegerField(label=_("Compartment"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    confirm = forms.BooleanField(label=_("I am at the station, or someone there is waiting "
                                         "for this door to open"))
