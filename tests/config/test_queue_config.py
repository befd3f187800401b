"""[queue]: the window types from the seeds by default, and the rules that span keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from tests.ui.test_queue_ui import ALL_DAY, queue_settings

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_queues_are_the_window_types_the_seeds_name():
    queue = load_config(REPO / "config" / "kiosk.toml").queue

    assert [(c.prefix, c.name) for c in queue.categories] == [
        ("A", "综合受理"), ("B", "即办"), ("C", "帮办代办"), ("D", "跨省通办 / 省内通办"),
        ("E", "办不成事反映")]
    assert [c.id for c in queue.categories if c.assisted] == ["assisted"]
    general = queue.categories[0]
    assert {(s.start, s.end) for s in general.sessions} == {("09:00", "17:00"),
                                                            ("09:00", "16:00")}


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
