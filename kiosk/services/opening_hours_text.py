"""Opening hours in words, the one way every screen and slip says them.

周一至周五 9:00–12:00、13:00–17:00，周六 9:00–16:00 in Chinese, and
Mon–Fri 9:00–12:00, 13:00–17:00; Sat 9:00–16:00 in English: the words come through gettext
(English message ids, kiosk/locale), so the screens word hours in the resident's language
and the slips, always Chinese, in Chinese.
"""

from __future__ import annotations

from kiosk.config.weekly_hours import WEEKDAYS, Stretch, WeeklyHours, clock_text
from kiosk.i18n import Translate, translator


def describe_hours(hours: WeeklyHours, tr: Translate) -> str:
    """Days that share the same stretches are named together, in week order; closed days
    are left out. Empty hours read as an empty string (the caller says "ask the staff")."""
    grouped: dict[tuple[Stretch, ...], list[int]] = {}
    for day in WEEKDAYS:
        if hours.on(day):
            grouped.setdefault(hours.on(day), []).append(day)
    groups = [f"{_days(days, tr)} {_stretches(stretches, tr)}"
              for stretches, days in grouped.items()]
    return _joined(groups, tr("{earlier}; {later}"))


def chinese_hours(hours: WeeklyHours) -> str:
    """The hours as printed on a slip (slips are documents: always Chinese)."""
    return describe_hours(hours, translator("zh_CN"))


def _weekday_names(tr: Translate) -> dict[int, str]:
    return {1: tr("Mon"), 2: tr("Tue"), 3: tr("Wed"), 4: tr("Thu"), 5: tr("Fri"),
            6: tr("Sat"), 7: tr("Sun")}


def _days(days: list[int], tr: Translate) -> str:
    if days == list(WEEKDAYS):
        return tr("Every day")
    names = _weekday_names(tr)
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        # Three days or more in a row read as a range (周一至周五); two as a list (周六、周日).
        if len(run) >= 3:
            parts.append(tr("{first}–{last}").format(first=names[run[0]],
                                                     last=names[run[-1]]))
        else:
            parts.extend(names[day] for day in run)
    return _joined(parts, tr("{earlier}, {later}"))


def _stretches(stretches: tuple[Stretch, ...], tr: Translate) -> str:
    return _joined([f"{clock_text(s.start)}–{clock_text(s.end)}" for s in stretches],
                   tr("{earlier}, {later}"))


def _joined(parts: list[str], template: str) -> str:
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = template.format(earlier=text, later=part)
    return text
