"""Opening hours of a queue: whether it is open now, and how the hours read."""

from __future__ import annotations

from datetime import datetime

from kiosk.config.schema import QueueSession

WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


def is_open(sessions: tuple[QueueSession, ...], now: datetime) -> bool:
    clock = f"{now:%H:%M}"
    return any(now.isoweekday() in s.days and s.start <= clock < s.end for s in sessions)


def describe_hours(sessions: tuple[QueueSession, ...]) -> str:
    """e.g. 周一至周五 09:00-12:00、13:00-17:00；周六 09:00-12:00"""
    by_days: dict[tuple[int, ...], list[str]] = {}
    for session in sessions:
        key = tuple(sorted(set(session.days)))
        by_days.setdefault(key, []).append(f"{session.start}-{session.end}")
    parts = [f"{_days(days)} {'、'.join(sorted(times))}" for days, times in by_days.items()]
    return "；".join(parts)


def _days(days: tuple[int, ...]) -> str:
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAY_NAMES[days[0]]}至{WEEKDAY_NAMES[days[-1]]}"
    return "、".join(WEEKDAY_NAMES[d] for d in days)
