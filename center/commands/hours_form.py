"""The staffed hours as a person edits them: up to 28 rows, each some days of the week (large
checkboxes) with a start and an end, or "back to the configured hours". Empty rows are
ignored; the rest must follow the contract (opening_hours.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from center.commands.opening_hours import (
    DAY_NAMES,
    MAX_SESSIONS,
    HoursInvalid,
    checked_sessions,
    clock_from_typed,
    minutes_of,
)

# Empty rows shown below the filled ones; the rest wait behind "more rows".
EMPTY_ROWS_SHOWN = 2
# What the browser lets through before the server reads it: 9:00, 09:00, 9：00.
TYPED_CLOCK_PATTERN = r"\s*[0-9]{1,2}\s*[:：.]\s*[0-9]{2}\s*"


@dataclass(frozen=True)
class Row:
    number: int                 # from 1, as the page and the errors count
    days: BoundField
    start: BoundField
    end: BoundField
    shown: bool                 # on the page at once, or behind "more rows"

    @property
    def errors(self) -> list[str]:
        return [*self.days.errors, *self.start.errors, *self.end.errors]


class OpeningHoursForm(forms.Form):
    configured = forms.BooleanField(
        label=_("Go back to the hours in each terminal's own configuration"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = [(str(day), name) for day, name in DAY_NAMES.items()]
        for index in range(MAX_SESSIONS):
            self.fields[f"days_{index}"] = forms.MultipleChoiceField(
                label=_("Days of the week"), choices=days, required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "day"}))
            for name, label, example in (("start", _("Starts at"), "09:00"),
                                         ("end", _("Ends at"), "17:00")):
                self.fields[f"{name}_{index}"] = forms.CharField(
                    label=label, required=False, max_length=8,
                    widget=forms.TextInput(attrs={
                        "placeholder": example, "inputmode": "numeric", "size": 6,
                        "pattern": TYPED_CLOCK_PATTERN, "autocomplete": "off"}))

    @classmethod
    def initial_for(cls, sessions: list[dict[str, Any]]) -> dict[str, Any]:
        """The form's initial rows from sessions as the contract carries them."""
        initial: dict[str, Any] = {}
        for index, session in enumerate(sessions[:MAX_SESSIONS]):
            if not isinstance(session, dict):
                continue
            initial[f"days_{index}"] = [str(d) for d in session.get("days", [])]
            initial[f"start_{index}"] = session.get("start", "")
            initial[f"end_{index}"] = session.get("end", "")
        return initial

    def rows(self) -> list[Row]:
        """Every row, each marked whether it shows at once: the filled ones, those with an
        error, and a few empty ones after them."""
        rows = [Row(index + 1, self[f"days_{index}"], self[f"start_{index}"],
                    self[f"end_{index}"], False) for index in range(MAX_SESSIONS)]
        last_used = max((row.number for row in rows if self._row_used(row)), default=0)
        shown_up_to = max(last_used + EMPTY_ROWS_SHOWN, EMPTY_ROWS_SHOWN + 1)
        return [Row(r.number, r.days, r.start, r.end, r.number <= shown_up_to) for r in rows]

    def _row_used(self, row: Row) -> bool:
        return bool(row.days.value() or row.start.value() or row.end.value() or row.errors)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sessions: list[dict[str, Any]] = []
        for index in range(MAX_SESSIONS):
            session = self._session(index, cleaned)
            if session is not None:
                sessions.append(session)
        if self.errors:
            return cleaned
        if cleaned.get("configured"):
            cleaned["sessions"] = []
            return cleaned
        if not sessions:
            raise forms.ValidationError(_("Fill in at least one row of hours, or choose to go "
                                          "back to the configured hours."))
        try:
            cleaned["sessions"] = checked_sessions(sessions)
        except HoursInvalid as problem:
            raise forms.ValidationError(str(problem)) from None
        return cleaned

    def _session(self, index: int, cleaned: dict[str, Any]) -> dict[str, Any] | None:
        """Row ``index`` as a session, None when it is empty or wrong (the error is added)."""
        days = cleaned.get(f"days_{index}") or []
        typed_start = (cleaned.get(f"start_{index}") or "").strip()
        typed_end = (cleaned.get(f"end_{index}") or "").strip()
        if not days and not typed_start and not typed_end:
            return None
        if cleaned.get("configured"):
            return None          # the rows are ignored when going back to the configured ones
        start, end = clock_from_typed(typed_start), clock_from_typed(typed_end)
        if not days:
            self.add_error(f"days_{index}", _("Choose at least one day for this row."))
        if start is None or start == "24:00":
            self.add_error(f"start_{index}", _("Write the start as a time, like 09:00."))
        if end is None:
            self.add_error(f"end_{index}", _("Write the end as a time, like 17:00 (24:00 for "
                                             "midnight)."))
        elif start is not None and minutes_of(end) <= minutes_of(start):
            self.add_error(f"end_{index}", _("The end must be after the start."))
        if not days or start is None or end is None or f"end_{index}" in self.errors \
                or f"start_{index}" in self.errors:
            return None
        return {"days": sorted(int(d) for d in days), "start": start, "end": end}

    def args(self) -> dict[str, Any]:
        return {"sessions": self.cleaned_data["sessions"]}
