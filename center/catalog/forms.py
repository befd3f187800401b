"""The editor's forms: one item's elements, a whole file, and sending a version. Only the
shape of what a person types is checked here; the catalog they produce is then checked with
the terminal's own rules (versions.checked_catalog), whose words are final."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from center.catalog.elements import ELEMENT_LABELS, ITEM_GROUPS, LEVEL_LABELS
from contract.catalog import HANDLINGS, LEVELS, CatalogDocument, ServiceItem

# Elements that are lists in the file: one entry a line in the form.
LIST_ELEMENTS = ("materials", "channels", "keywords")
LONG_TEXT = ("conditions", "legal_basis", "note")
ITEM_FORM_ORDER = tuple(element for _title, elements in ITEM_GROUPS for element in elements)
MOST_FILE_BYTES = 8 * 1024 * 1024


class NewVersionFields(forms.Form):
    """What every new version needs: its version string and a word on why."""

    version = forms.CharField(label=_("New version"), max_length=60,
                              help_text=_("Terminals report it; it must differ from every "
                                          "version kept before."))
    published = forms.CharField(label=_("Publication date"), max_length=10,
                                widget=forms.DateInput(attrs={"type": "date"}))
    why = forms.CharField(label=_("What changed and why (kept with the version)"),
                          max_length=300, required=False)


class ItemForm(NewVersionFields):
    """One item's elements, laid out as docs/catalog.md names them."""

    def __init__(self, *args: Any, document: CatalogDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version_fields = {name: self.fields.pop(name) for name in ("version", "published", "why")}
        for element in ITEM_FORM_ORDER:
            self.fields[element] = _element_field(element, document)
        self.fields.update(version_fields)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for element in LIST_ELEMENTS:
            text = cleaned.get(element) or ""
            cleaned[element] = [line.strip() for line in text.splitlines() if line.strip()]
        for element in LONG_TEXT:
            if isinstance(cleaned.get(element), str):
                cleaned[element] = cleaned[element].replace("\r\n", "\n")
        return cleaned

    def item_table(self, item: ServiceItem) -> dict[str, Any]:
        """The item as a [[items]] table (valid forms only), its id unchanged."""
        table: dict[str, Any] = {}
        for element in ServiceItem.__dataclass_fields__:
            if element == "id":
                table[element] = item.id
            else:
                table[element] = list(self.cleaned_data[element]) \
                    if element in ("materials", "channels", "keywords", "themes") \
                    else self.cleaned_data[element]
        return table


def item_initial(item: ServiceItem) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for element in ITEM_FORM_ORDER:
        value = getattr(item, element)
        initial[element] = "\n".join(value) if element in LIST_ELEMENTS else \
            list(value) if element == "themes" else value
    return initial


def _element_field(element: str, document: CatalogDocument) -> forms.Field:
    label = ELEMENT_LABELS[element]
    if element == "level":
        return forms.ChoiceField(label=label, choices=[(level, f"{LEVEL_LABELS[level]}")
                                                       for level in LEVELS])
    if element == "handling":
        return forms.ChoiceField(label=label, required=False, choices=[
            (handling, handling or _("(not given)")) for handling in HANDLINGS])
    if element == "source":
        return forms.ChoiceField(label=label, choices=[
            (source.id, source.title) for source in document.sources])
    if element == "themes":
        return forms.MultipleChoiceField(label=label, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         choices=[(theme.id, theme.name)
                                                  for theme in document.themes])
    if element in LIST_ELEMENTS:
        return forms.CharField(label=label, required=False, strip=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("One a line."))
    if element in LONG_TEXT:
        return forms.CharField(label=label, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    return forms.CharField(label=label, required=element == "name")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Catalog file (TOML)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".toml"}))
    why = forms.CharField(label=_("What changed and why (kept with the version)"),
                          max_length=300, required=False)

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MOST_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than any catalog (8 MB)."))
        data: bytes = upload.read()
        return data


class KeepForm(forms.Form):
    """Keeps the draft the person reviewed, named by its SHA-256."""

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    why = forms.CharField(label=_("What changed and why (kept with the version)"),
                          max_length=300, required=False)


class PushForm(forms.Form):
    """Which version goes to which terminals: picked one by one, or every terminal of a
    station. ``confirmed`` is set by the confirmation page, which lists them first."""

    version = forms.TypedChoiceField(label=_("Version to send"), coerce=int)
    terminal = forms.TypedMultipleChoiceField(label=_("Terminals"), coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    station = forms.TypedMultipleChoiceField(label=_("Every terminal of these stations"),
                                             coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reason (optional, kept with each command)"),
                             max_length=200, required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, versions: list[tuple[int, str]],
                 terminals: list[tuple[int, str]], stations: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = versions  # type: ignore[attr-defined]
        self.fields["terminal"].choices = terminals  # type: ignore[attr-defined]
        self.fields["station"].choices = stations  # type: ignore[attr-defined]
