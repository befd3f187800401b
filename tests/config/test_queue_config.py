"""[queue]: the window types from the seeds by default, and the rules that span keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.opening_hours_text import chinese_hours
from tests.fixtures.queue_ui import ALL_DAY, queue_settings

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_queues_are_the_window_types_the_seeds_name():
    queue = load_config(REPO / "config" / "kiosk.toml").queue

    assert [(c.prefix, c.name) for c in queue.categories] == [
        ("A", "综合受理"), ("B", "即办"), ("C", "帮办代办"), ("D", "跨省通办 / 省内通办"),
        ("E", "办不成事反映")]
    assert [c.id for c in queue.categories if c.assisted] == ["assisted"]


def test_the_demo_station_has_one_set_of_staffed_hours_the_queues_keep_within():
    config = load_config(REPO / "config" / "kiosk.toml")
    staffed = WeeklyHours.from_sessions(config.station.staffed_hours)

    assert chinese_hours(staffed) == "周一至周五 9:00–17:00，周六 9:00–16:00"
    general, *others = config.queue.categories
    assert general.sessions == ()       # follows the station: lunch and Saturdays too
    for category in others:
        assert WeeklyHours.from_sessions(category.sessions).outside(staffed) is None
        assert chinese_hours(WeeklyHours.from_sessions(category.sessions)) == (
            "周一至周五 9:00–12:00、13:00–17:00")


def settings_with(**changes) -> dict:
    settings = queue_settings(8765, "", hours=ALL_DAY)
    settings["queue"]["categories"][0].update(changes)
    return settings


@pytest.mark.parametrize(("changes", "key", "problem"), [
    ({"sessions": [{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "12:00"}]},
     "queue.categories[0].sessions", "open 3.0 hours on weekday 1; at least 7 hours"),
    ({"sessions": [{"days": [1], "start": "17:00", "end": "09:00"}]},
     "queue.categories[0].sessions[0].end", "09:00 is not after 17:00"),
    ({"sessions": [{"days": [8], "start": "09:00", "end": "17:00"}]},
     "queue.categories[0].sessions[0].days", "weekdays are 1 (Monday) to 7 (Sunday)"),
    ({"prefix": "C"}, "queue.categories[1].prefix", "'C' is used by another category"),
    ({"windows": [9]}, "queue.categories[0].windows", "window 9 is not in station.windows"),
    ({"prefix": "a"}, "queue.categories[0].prefix", "does not match the required form"),
], ids=["short-day", "backwards", "no-such-day", "same-prefix", "unknown-window",
        "lower-case"])
def test_bad_queues_are_refused_naming_the_key(write_config, changes, key, problem):
    with pytest.raises(ConfigError) as error:
        write_config.load(settings_with(**changes))

    assert error.value.key == key
    assert problem in error.value.problem


def test_a_lunch_session_counts_towards_the_seven_hours(write_config):
    split = [{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "12:00"},
             {"days": [1, 2, 3, 4, 5], "start": "12:00", "end": "13:00"},
             {"days": [1, 2, 3, 4, 5], "start": "13:00", "end": "16:00"}]

    config = write_config.load(settings_with(sessions=split))

    assert len(config.queue.categories[0].sessions) == 3


WEEKDAYS_9_TO_5 = [{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"}]


def with_station_hours(hours: list[dict], **first_category_changes) -> dict:
    """The station staffed ``hours``; the second queue follows them."""
    settings = settings_with(**first_category_changes)
    settings["station"]["staffed_hours"] = hours
    del settings["queue"]["categories"][1]["sessions"]
    return settings


@pytest.mark.parametrize(("settings", "key", "problem"), [
    (with_station_hours(WEEKDAYS_9_TO_5, sessions=[
        {"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"},
        {"days": [6], "start": "09:00", "end": "16:00"}]),
     "queue.categories[0].sessions[1]",
     "open 9:00-16:00 on weekday 6, outside the station's staffed hours"),
    (with_station_hours(WEEKDAYS_9_TO_5, sessions=[
        {"days": [1, 2, 3, 4, 5], "start": "08:30", "end": "17:00"}]),
     "queue.categories[0].sessions[0]",
     "open 8:30-17:00 on weekday 1, outside the station's staffed hours"),
    (with_station_hours([]), "station.staffed_hours",
     "queue.enabled = true needs the station's staffed hours"),
    (with_station_hours([{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"},
                         {"days": [6], "start": "09:00", "end": "12:00"}], sessions=[]),
     "queue.categories[0].sessions",
     "the station's staffed hours apply, and they are open 3.0 hours on weekday 6"),
    (with_station_hours([{"days": [1], "start": "17:00", "end": "09:00"}]),
     "station.staffed_hours[0].end", "09:00 is not after 17:00"),
], ids=["saturday-outside", "opens-early", "no-station-hours", "inherits-short-day",
        "station-backwards"])
def test_queue_hours_must_lie_within_the_stations_staffed_hours(write_config, settings, key,
                                                                  problem):
    with pytest.raises(ConfigError) as error:
        write_config.load(settings)

    assert error.value.key == key
    assert problem in error.value.problem


def test_a_queue_without_sessions_follows_the_stations_staffed_hours(write_config):
    config = write_config.load(with_station_hours(WEEKDAYS_9_TO_5, sessions=[]))

    assert [c.sessions for c in config.queue.categories] == [(), ()]


def test_the_old_hours_in_words_are_refused_with_the_way_to_write_them(write_config):
    settings = settings_with()
    settings["station"]["opening_hours"] = "周一至周五 9:00–12:00，14:00–18:00"

    with pytest.raises(ConfigError) as error:
        write_config.load(settings)

    assert error.value.key == "station.opening_hours"
    assert "replaced by station.staffed_hours" in error.value.problem
    assert 'start = "09:00"' in error.value.problem
