from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

from center.publication.quarters import Quarter


class PublishForm(forms.Form):
    district = forms.CharField(max_length=40)
    quarter = forms.CharField(max_length=6)
    confirm = forms.BooleanField(label=pgettext_lazy(
        "publication", "I have read the preview below: publish it for everyone to read"))

    def __init__(self, *args: Any, districts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = districts

    def clean_district(self) -> str:
        district = str(self.cleaned_data["district"])
        if district not in self.districts:
            raise forms.ValidationError(pgettext_lazy("publication", "No such district."))
        return district

    def clean_quarter(self) -> Quarter:
        found = Quarter.parse(str(self.cleaned_data["quarter"]))
        if found is None:
            raise forms.ValidationError(pgettext_lazy(
                "publication", "Choose a quarter from the list."))
        return found
