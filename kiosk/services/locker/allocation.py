"""Which free compartment a new deposit gets.

A compartment fits when it is the size asked for or larger. Staff can mark a deposit for a
lower compartment (放在低处柜格: a wheelchair user, an elderly applicant); the lower
compartments are the doors whose floor lies within a seated person's reach
(``locker.seated_reach_rows``, worked out from the cabinet in ``kiosk/config/cabinet.py``).

- A marked deposit takes a lower compartment if any that fits is free, even a larger one
  than asked for: the need outranks the size. Only when none is free does it go into any
  compartment that fits, and the caller tells the staff so.
- An unmarked deposit takes the smallest size that fits, as before, and within that size a
  compartment that is not a lower one, so the low ones stay free for those who need them.
  It takes a low compartment of the right size before a larger high one: running out of
  large compartments refuses a document, running out of low ones only moves one higher.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from kiosk.config.cabinet import plan_cabinet, within_seated_reach
from kiosk.config.locker_schema import LockerConfig
from kiosk.services.locker.model import SIZES, Size


def lower_compartments(config: LockerConfig) -> frozenset[int]:
    """The compartments within reach from a wheelchair; empty when none are configured."""
    return within_seated_reach(plan_cabinet(config.compartments), config.seated_reach_rows)


def free_compartments(db: sqlite_utils.Database) -> list[tuple[int, Size]]:
    """Configured, in service, shut and holding nothing: (number, size)."""
    return [(int(number), size) for number, size in db.execute(
        "SELECT number, size FROM compartments c WHERE configured = 1 AND in_service = 1 "
        "AND coalesce(door_open, 0) = 0 AND NOT EXISTS (SELECT 1 FROM deposits d WHERE "
        "d.compartment = c.number AND d.state IN ('loading', 'stored'))"
    ).fetchall()]


def needs_lower(db: sqlite_utils.Database, deposit_id: str | None) -> bool:
    """Whether staff marked this deposit for a lower compartment."""
    row = db.execute("SELECT needs_lower FROM deposits WHERE id = ?", [deposit_id]).fetchone()
    return bool(row and row[0])


def choose_compartment(free: Iterable[tuple[int, Size]], size: Size | None, *,
                       lower: bool, lower_ones: frozenset[int]) -> int | None:
    """The compartment to open for a deposit of ``size`` (None: the smallest), or None
    when nothing free fits."""
    wanted = SIZES.index(size) if size else 0
    fitting = [(number, SIZES.index(kind)) for number, kind in free
               if SIZES.index(kind) >= wanted]
    if not fitting:
        return None
    if lower:
        best = min(fitting, key=lambda c: (c[0] not in lower_ones, c[1], c[0]))
    else:
        best = min(fitting, key=lambda c: (c[1], c[0] in lower_ones, c[0]))
    return best[0]
