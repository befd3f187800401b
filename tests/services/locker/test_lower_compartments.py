"""Lower compartments (放在低处柜格): a deposit marked for a wheelchair user or an elderly
applicant gets a door within seated reach; unmarked ones leave those free.

The rig's cabinet: small doors 1-6 down column 1, large 7 over large 8 in column 2. With
``seated_reach_rows = [3, 5]`` the lower compartments are small 4, 5 and 6 and large 7.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.services.locker.allocation import choose_compartment, lower_compartments
from kiosk.services.locker.model import Started

REACH = (3, 5)
REPO = Path(__file__).resolve().parents[3]


def store(rig, case, size=None, *, lower=False):
    """Staff store a document; returns the compartment whose door opened."""
    started = rig.service.deposit("staff-1", case, size, lower=lower).result(5)
    assert isinstance(started, Started), started
    rig.put_in_and_close(started.compartment)
    assert rig.next_update("completed", started.operation_id).outcome == "stored"
    return started.compartment


def deposited(rig):
    return {event["case_number"]: event for event in (
        json.loads(payload) for (payload,) in rig.rows(
            "SELECT payload FROM outbox WHERE type = 'locker.deposited' ORDER BY seq"))}


def test_a_marked_deposit_gets_a_lower_compartment(fake_locker):
    rig = fake_locker(seated_reach_rows=REACH)
    service = rig.start()
    assert service.lower_compartments == {4, 5, 6, 7}

    started = service.deposit("staff-1", "LOW-1", None, lower=True).result(5)

    assert started.compartment == 4           # not 1, the smallest number
    assert rig.door(4).open
    assert not rig.door(1).open
    rig.put_in_and_close(4)
    rig.next_update("completed", started.operation_id)
    assert rig.rows("SELECT compartment, state, needs_lower FROM deposits") == [
        (4, "stored", 1)]
    assert deposited(rig)["LOW-1"]["lower"] is True


def test_unmarked_deposits_keep_the_lower_compartments_free(fake_locker):
    rig = fake_locker(seated_reach_rows=REACH)
    rig.start()
    # The high small doors first, and the high large door rather than large 7 (low).
    assert [store(rig, f"HIGH-{n}") for n in range(3)] == [1, 2, 3]
    assert store(rig, "BIG", "L") == 8
    # A low small door before a larger high one: a refused large document would be worse.
    assert store(rig, "NEXT") == 4
    assert rig.rows("SELECT DISTINCT needs_lower FROM deposits") == [(0,)]
    assert all("lower" not in event for event in deposited(rig).values())


def test_with_no_lower_one_free_it_still_stores_and_says_so(fake_locker):
    rig = fake_locker(seated_reach_rows=REACH)
    service = rig.start()
    assert [store(rig, f"LOW-{n}", lower=True) for n in range(3)] == [4, 5, 6]
    # The need outranks the size: large 7 is low.
    assert store(rig, "LOW-3", lower=True) == 7

    started = service.deposit("staff-1", "LOW-4", None, lower=True).result(5)

    assert isinstance(started, Started)
    assert started.compartment == 1                       # the smallest that fits
    assert started.compartment not in service.lower_compartments   # what staff are told
    rig.put_in_and_close(1)
    rig.next_update("completed", started.operation_id)
    assert rig.rows("SELECT compartment, needs_lower FROM deposits WHERE case_number = ?",
                    "LOW-4") == [(1, 1)]
    assert deposited(rig)["LOW-4"]["lower"] is True


def test_a_jammed_lower_door_moves_the_document_to_another_lower_one(fake_locker):
    rig = fake_locker(seated_reach_rows=REACH, open_timeout_s=2)
    service = rig.start()
    rig.bus.jam(rig.board.address, 4)
    started = service.deposit("staff-1", "LOW-J", "S", lower=True).result(5)
    assert started.compartment == 4
    rig.advance(3)
    assert rig.next_update("jammed", started.operation_id).replacement == 5   # not 1


def test_without_configured_reach_allocation_is_as_before(fake_locker):
    rig = fake_locker()
    service = rig.start()
    assert service.lower_compartments == frozenset()
    assert store(rig, "A", lower=True) == 1
    assert store(rig, "B", "L") == 7


# The rule itself, on the demo cabinet, which has all three sizes: lower are small 3-6,
# medium 10, 11 and 14, large 16.
DEMO_LOWER = lower_compartments(load_config(REPO / "config" / "kiosk.toml").locker)
DEMO_FREE = [(n, "S") for n in range(1, 9)] + [(n, "M") for n in range(9, 15)] + [
    (15, "L"), (16, "L")]


@pytest.mark.parametrize(
    ("free", "size", "lower", "expected"),
    [
        (DEMO_FREE, None, True, 3),
        (DEMO_FREE, "M", True, 10),
        (DEMO_FREE, "L", True, 16),
        (DEMO_FREE, None, False, 1),
        (DEMO_FREE, "M", False, 9),
        (DEMO_FREE, "L", False, 15),
        # No low small door free: a low medium one before a high small one.
        ([(1, "S"), (2, "S"), (11, "M"), (16, "L")], "S", True, 11),
        # Nothing low fits a large document: the high large one.
        ([(3, "S"), (10, "M"), (15, "L")], "L", True, 15),
        # Unmarked, only low ones of the size left: low of the size before high and larger.
        ([(5, "S"), (9, "M")], "S", False, 5),
        ([(9, "M"), (10, "M")], "S", False, 9),
        ([(3, "S"), (10, "M")], "L", True, None),
        ([], None, False, None),
    ],
)
def test_which_compartment(free, size, lower, expected):
    assert choose_compartment(free, size, lower=lower, lower_ones=DEMO_LOWER) == expected
