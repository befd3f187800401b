"""locker.seated_reach_rows: which doors are lower compartments, worked out from where the
doors sit, and refused at load with the file, the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.services.locker.allocation import lower_compartments

REPO = Path(__file__).resolve().parents[2]
CENTER_KEY = "A" * 43 + "="

# Column 1: small doors 1-6 from the top (floors in rows 8..3 counted from the bottom);
# column 2: large 7 (rows 1-4 from the top, floor in row 5) over large 8 (floor in row 1).
LOCKER = {
    "enabled": True,
    "buses": {"main": {"protocol": "kerong-cu16", "port": "/dev/ttyUSB0",
                       "boards": [{"address": 0, "locks": 8}]}},
    "compartments": [
        {"first_number": 1, "count": 6, "bus": "main", "board": 0, "size": "S"},
        {"first_number": 7, "count": 2, "bus": "main", "board": 0, "first_lock": 7,
         "size": "L"}],
}


def with_reach(write_config, reach):
    return write_config({"locker": {**LOCKER, "seated_reach_rows": reach},
                         "security": {"center_public_key": CENTER_KEY}})


def test_the_demo_cabinet_has_its_lower_doors_from_its_geometry():
    # 8 rows on a 150 mm plinth, 200 mm each: floors of rows 3-6 lie at 550-1150 mm.
    locker = load_config(REPO / "config" / "kiosk.toml").locker
    assert locker.seated_reach_rows == (3, 6)
    # Small 3-6; medium 10 and 11 (floors in rows 5 and 3); medium 14 (row 5), not large 15
    # (row 1, at the floor); large 16 at the top right, its floor in row 5.
    assert lower_compartments(locker) == {3, 4, 5, 6, 10, 11, 14, 16}


def test_a_door_is_lower_when_its_floor_lies_in_the_rows(write_config):
    locker = load_config(with_reach(write_config, [3, 5])).locker
    assert lower_compartments(locker) == {4, 5, 6, 7}
    locker = load_config(with_reach(write_config, [1, 1])).locker
    assert lower_compartments(locker) == {8}


def test_none_by_default(write_config):
    locker = load_config(write_config({"locker": LOCKER,
                                       "security": {"center_public_key": CENTER_KEY}})).locker
    assert locker.seated_reach_rows == ()
    assert lower_compartments(locker) == frozenset()


@pytest.mark.parametrize(
    ("reach", "pattern"),
    [
        ([5], r"locker\.seated_reach_rows: give two rows, \[lowest, highest\], counted from "
              r"the bottom"),
        ([2, 4, 6], r"locker\.seated_reach_rows: give two rows"),
        ([6, 3], r"locker\.seated_reach_rows: \[6, 3\]: put the lowest row first"),
        ([3, 9], r"locker\.seated_reach_rows: row 9 is above the cabinet, which is 8 "
                 r"small-door heights high"),
        ([2, 2], r"locker\.seated_reach_rows: no door's compartment floor lies in rows 2 to 2 "
                 r"from the bottom; the floors are in rows 1, 3, 4, 5, 6, 7, 8"),
        ([0, 3], r"locker\.seated_reach_rows\[0\]: 0 is out of range; allowed 1 to 80"),
        ("3-6", r"locker\.seated_reach_rows: must be an array"),
    ],
)
def test_a_reach_the_cabinet_cannot_have_is_refused_at_load(write_config, reach, pattern):
    path = with_reach(write_config, reach)
    with pytest.raises(ConfigError, match=pattern) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: locker.seated_reach_rows")
