"""The case-number page's forms: uploading a case system's export, and looking up one case
number."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from center.pickup.imports import ColumnMapping, ImportRefused, configured_columns, parse_columns

MOST_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CaseUploadForm(forms.Form):
    file = forms.FileField(label=_("Case export (CSV or XLSX, at most 20 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}))
    columns = forms.CharField(
        label=_("Columns (optional)"), required=False, max_length=200,
        help_text=_("Only when the export names its columns otherwise, for example "
                    "case=办件编号,mobile=联系电话"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MOST_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: split it."))
        data: bytes = upload.read()
        if not data:
            raise forms.ValidationError(_("The file is empty."))
        return data

    def clean_columns(self) -> ColumnMapping:
        try:
            return parse_columns(self.cleaned_data.get("columns", ""), configured_columns())
        except ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None


class CaseLookupForm(forms.Form):
    case = forms.CharField(label=_("Case number to look up"), max_length=64)

    def clean_case(self) -> str:
        return str(self.cleaned_data["case"]).strip()
