"""A report's period, scope and warnings in words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from center.reports.models import PeriodKind
from center.reports.periods import Period, local_zone


def period_words(period: Period) -> str:
    first = period.first_day
    if period.kind == PeriodKind.DAY:
        return _("%(year)d-%(month)02d-%(day)02d") % {
            "year": first.year, "month": first.month, "day": first.day}
    if period.kind == PeriodKind.WEEK:
        return _("week %(week)d of %(year)d (%(first)s to %(last)s)") % {
            "week": first.isocalendar()[1], "year": first.isocalendar()[0],
            "first": _short(first), "last": _short(period.last_day)}
    if period.kind == PeriodKind.MONTH:
        return _("%(year)d-%(month)02d") % {"year": first.year, "month": first.month}
    return _("quarter %(quarter)d of %(year)d") % {
        "quarter": (first.month - 1) // 3 + 1, "year": first.year}


def _short(day: date) -> str:
    return f"{day.month}-{day.day:02d}"


def local_time(text: str | None) -> str:
    at = parse_datetime(text) if text else None
    return at.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M") if at else "—"


def when(at: datetime | None) -> str:
    return at.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M") if at else "—"


def reason_words(reason: dict[str, Any]) -> str:
    """Why a terminal's events for the period may be incomplete."""
    why = reason.get("why")
    if why == "gap":
        if reason["first"] == reason["last"]:
            return _("event %(first)d missing") % reason
        return _("events %(first)d to %(last)d missing") % reason
    if why == "more_gaps":
        return _("%(count)d more stretches missing") % reason
    if why == "offline":
        return _("offline since %(since)s: what it did since may still be on it") % {
            "since": local_time(reason.get("since"))}
    if why == "backlog":
        return _("%(unsent)d events still waiting on the terminal to be sent") % reason
    return str(why)


def incomplete_words(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(terminal, "terminal: why") for each incomplete terminal."""
    return [(entry["terminal"], _("%(terminal)s: %(why)s") % {
        "terminal": entry["terminal"],
        "why": _("; ").join(reason_words(r) for r in entry["reasons"])})
        for entry in entries]


def incomplete_title(entries: list[tuple[str, str]]) -> str:
    """"Incomplete: xc-hsz-02, xc-lyj-01", as the report names them."""
    return _("Incomplete: %(terminals)s") % {
        "terminals": _(", ").join(terminal for terminal, _line in entries)}
