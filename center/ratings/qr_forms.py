"""What a resident sends from the QR rating page: a level, and for 不满意 and 非常不满意 the
reasons ticked (contract/rating_options.py). Each bad level has its own reason boxes
(``options_2``, ``options_1``); only the chosen level's count, since the page shows only
those (a box ticked under another level and hidden again when the level changed does not
travel with the rating)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contract import rating_options

LEVEL_CHOICES = [(level.level, level.words) for level in rating_options.LEVELS]
ASKS_WHY = tuple(level.level for level in rating_options.LEVELS if level.bad)
CHOOSE_ONE = _("Please choose one of the five answers.")
NOT_LISTED = _("A reason was not one of the list.")


def _reasons(level: int) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        choices=[(option.code, option.words) for option in rating_options.options_for(level)],
        coerce=int, required=False,
        error_messages={"invalid_choice": NOT_LISTED, "invalid_list": NOT_LISTED})


class QrRatingForm(forms.Form):
    level = forms.TypedChoiceField(choices=LEVEL_CHOICES, coerce=int,
                                   error_messages={"required": CHOOSE_ONE,
                                                   "invalid_choice": CHOOSE_ONE})
    options_2 = _reasons(2)
    options_1 = _reasons(1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        level = cleaned.get("level")
        chosen = cleaned.get(f"options_{level}") if level in ASKS_WHY else None
        cleaned["options"] = sorted(set(chosen or []))
        return cleaned

    def ticked(self, level: int) -> set[str]:
        """The boxes ticked under ``level``, to show them again with an error."""
        value = self[f"options_{level}"].value() if self.is_bound else None
        return {str(code) for code in value or []}
