"""A station's staffed hours as the contract carries them (docs/mqtt.md,
station.set_opening_hours): at most 28 sessions of ISO weekdays, a start and an end, the end
after the start, 24:00 allowed as an end. The terminal checks them the same way
(kiosk/config/weekly_hours.py), and also against its queues, which only it knows: its
answer is final. The center may not import kiosk, so the rules are written again here."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)          # ISO: 1 = Monday ... 7 = Sunday
MAX_SESSIONS = 28
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d|24:00")
# What a person may type: 9:00, 09:00, 9：00 (a Chinese keyboard's colon), 24:00.
_TYPED_CLOCK = re.compile(r"\s*(\d{1,2})\s*[:：.]\s*(\d{2})\s*")

# With a context: a weekday here is short (周一), unlike Django's own (星期一).
DAY_NAMES = {1: pgettext_lazy("weekday", "Monday"), 2: pgettext_lazy("weekday", "Tuesday"),
             3: pgettext_lazy("weekday", "Wednesday"),
             4: pgettext_lazy("weekday", "Thursday"), 5: pgettext_lazy("weekday", "Friday"),
             6: pgettext_lazy("weekday", "Saturday"), 7: pgettext_lazy("weekday", "Sunday")}


class HoursInvalid(ValueError):
    """The sessions break a rule of the contract; the message says which, for a person."""


def clock_from_typed(text: str) -> str | None:
    """'9:00' -> '09:00'; None when it is no time of day (00:00 to 24:00)."""
    match = _TYPED_CLOCK.fullmatch(text)
    if match is None:
        return None
    clock = f"{int(match[1]):02d}:{match[2]}"
    return clock if CLOCK.fullmatch(clock) else None


def minutes_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def checked_sessions(value: Any) -> list[dict[str, Any]]:
    """The sessions to send, each {"days": sorted weekdays, "start", "end"}; raises
    HoursInvalid naming the first session (counted from 1) that breaks a rule."""
    if not isinstance(value, list):
        raise HoursInvalid(_("The opening hours must be a list of sessions."))
    if len(value) > MAX_SESSIONS:
        raise HoursInvalid(_("At most %(most)d sessions.") % {"most": MAX_SESSIONS})
    sessions = []
    for number, session in enumerate(value, start=1):
        if not isinstance(session, dict) or set(session) != {"days", "start", "end"}:
            raise HoursInvalid(_("Session %(number)d needs days, a start and an end.")
                               % {"number": number})
        days, start, end = session["days"], session["start"], session["end"]
        if not isinstance(days, list) or not days or any(
                type(day) is not int or day not in WEEKDAYS for day in days):
            raise HoursInvalid(_("Session %(number)d: choose at least one day of the week.")
                               % {"number": number})
        for clock in (start, end):
            if not isinstance(clock, str) or not CLOCK.fullmatch(clock):
                raise HoursInvalid(_("Session %(number)d: %(clock)s is not a time of day "
                                     "(00:00 to 24:00).") % {"number": number,
                                                             "clock": clock})
        if minutes_of(end) <= minutes_of(start):
            raise HoursInvalid(_("Session %(number)d: the end (%(end)s) must be after the "
                                 "start (%(start)s).") % {"number": number, "end": end,
                                                          "start": start})
        sessions.append({"days": sorted(set(days)), "start": start, "end": end})
    return sessions


def sessions_in_words(sessions: list[dict[str, Any]]) -> str:
    """'Monday to Friday 09:00–17:00; Saturday 09:00–12:00', in the page's language. The
    terminal words the hours it puts in force itself; this is for what the center asked."""
    session_separator = pgettext("between opening hours", "; ")
    parts = []
    for session in sessions:
        if isinstance(session, dict) and isinstance(session.get("days"), list):
            days = sorted({d for d in session["days"] if d in DAY_NAMES})
            parts.append(f"{_days_in_words(days)} {session.get('start')}–{session.get('end')}")
    return session_separator.join(parts)


def _days_in_words(days: list[int]) -> str:
    """Runs of three or more days as 'Monday to Friday', the others one by one."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words = []
    for run in runs:
        if len(run) >= 3:
            words.append(pgettext("weekdays", "%(first)s to %(last)s")
                         % {"first": DAY_NAMES[run[0]], "last": DAY_NAMES[run[-1]]})
        else:
            words += [str(DAY_NAMES[day]) for day in run]
    return pgettext("between weekdays", ", ").join(words)
