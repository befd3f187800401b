"""A station's clock: China Standard Time, staffed 09:00-17:00 every day, and the time
formats the terminal writes (docs/mqtt.md). Times are float seconds since the Unix epoch:
the simulator makes hundreds of thousands of them, and floats are the cheap form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

# Stations keep Beijing time; a fixed offset needs no time-zone database.
UTC_OFFSET_S = 8 * 3600
STATION_TZ = timezone(timedelta(seconds=UTC_OFFSET_S))
DAY_S = 86400
OPENS_S = 9 * 3600
CLOSES_S = 17 * 3600
STAFFED_S = CLOSES_S - OPENS_S


def day_start(t: float) -> float:
    """The local midnight that begins ``t``'s day."""
    return t - ((t + UTC_OFFSET_S) % DAY_S)


def next_opening(t: float) -> float:
    """The first 09:00 at or after ``t``."""
    opening = day_start(t) + OPENS_S
    return opening if opening >= t else opening + DAY_S


def next_closing(t: float) -> float:
    """The first 17:00 at or after ``t``."""
    closing = day_start(t) + CLOSES_S
    return closing if closing >= t else closing + DAY_S


def is_staffed(t: float) -> bool:
    return OPENS_S <= (t + UTC_OFFSET_S) % DAY_S < CLOSES_S


def staffed_later(t: float, seconds: float) -> float:
    """The moment ``seconds`` of staffed time after ``t``: nights are skipped, so a
    Poisson process in staffed time happens only while the windows are open."""
    while True:
        start = day_start(t)
        opening, closing = start + OPENS_S, start + CLOSES_S
        if t < opening:
            t = opening
        elif t >= closing:
            t = opening + DAY_S
            continue
        if seconds < closing - t:
            return t + seconds
        seconds -= closing - t
        t = opening + DAY_S


def iso_utc_ms(t: float) -> str:
    """The outbox's and the locker's form: UTC with milliseconds."""
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def iso_local_s(t: float) -> str:
    """The queue's form: local time with its offset, to the second."""
    return datetime.fromtimestamp(t, STATION_TZ).isoformat(timespec="seconds")


def local_day(t: float) -> str:
    return datetime.fromtimestamp(t, STATION_TZ).strftime("%Y-%m-%d")


def ms(t: float) -> int:
    return int(t * 1000)
