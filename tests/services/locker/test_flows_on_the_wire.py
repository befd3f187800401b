"""The locker's flows through the real service, bus adapter and board simulator, where
the point is the wire: every board protocol, faults only the wire has (a board that
stops answering its polls, a USB adapter pulled out, corrupted replies and noise).
The flows themselves are tested in memory (test_flows.py)."""

from __future__ import annotations

import json

import pytest

from kiosk.services.keys import KeyedHash
from kiosk.services.locker.codes import code_hash
from kiosk.services.locker.model import Started
from tests.fixtures.locker import TERMINAL_KEY


def events(rig, kind):
    return [json.loads(p) for (p,) in rig.rows(
        "SELECT payload FROM outbox WHERE type = ? ORDER BY seq", kind)]


def active(rig):
    return {(k, s) for k, s in rig.rows(
        "SELECT kind, subject FROM alarms WHERE cleared_at IS NULL")}


@pytest.mark.parametrize("protocol", ["kerong-cu16", "kerong-cu48", "generic-8a"])
def test_deposit_then_pickup_on_every_protocol(locker_rig, protocol):
    rig = locker_rig(protocol, item_sensor=protocol == "kerong-cu16")
    service = rig.start()

    number = rig.deposit("CASE-2026-0001")

    assert rig.rows("SELECT state, case_number FROM deposits") == [("stored", "CASE-2026-0001")]
    [event] = events(rig, "locker.deposited")
    assert event["compartment"] == number
    assert event["case_number"] == "CASE-2026-0001"
    code = rig.codes()[number]
    assert rig.rows("SELECT code_hash FROM deposits") == [(code_hash(KeyedHash(TERMINAL_KEY),
                                                                     code),)]
    started = service.pickup(code).result(5)
    assert isinstance(started, Started)
    assert started.compartment == number
    rig.take_out_and_close(number)
    done = rig.wait_update("completed", started.operation_id)
    assert done.outcome == "collected"
    assert rig.rows("SELECT state, code_hash FROM deposits") == [("collected", None)]
    assert events(rig, "locker.collected")[0]["by"] == "applicant"
    assert rig.door(number).pulses == 2


@pytest.mark.parametrize("protocol", ["kerong-cu16", "kerong-cu48", "generic-8a"])
def test_faults_on_every_protocol(locker_rig, protocol):
    """A forced door, a jammed lock and a silent board, as alarms, on each board family."""
    rig = locker_rig(protocol, item_sensor=protocol == "kerong-cu16", open_timeout_s=2)
    service = rig.start()
    rig.simulator.force_open(rig.board.address, 2)
    rig.wait_for(lambda: ("forced_open", "compartment 2") in active(rig), what="forced")
    rig.close(2)
    rig.simulator.jam(rig.board.address, 1)
    started = service.open_for_maintenance("admin-1", 1).result(5)
    rig.clock.advance(3)
    rig.wait_update("jammed", started.operation_id)
    assert ("door_jammed", "compartment 1") in active(rig)
    rig.simulator.silence(rig.board.address)
    subject = f"main/{rig.board.address}"
    rig.wait_for(lambda: ("board_offline", subject) in active(rig), timeout_s=10,
                 what="board offline")
    rig.simulator.silence(rig.board.address, False)
    rig.wait_for(lambda: ("board_offline", subject) not in active(rig), timeout_s=10,
                 what="board back")


def test_the_bus_unplugged_raises_an_alarm_and_the_locker_comes_back(locker_rig):
    rig = locker_rig()
    service = rig.start()
    rig.simulator.unplug()
    rig.wait_for(lambda: ("bus_offline", "locker-main") in active(rig), timeout_s=10,
                 what="bus offline")
    refused = service.open_for_maintenance("admin-1", 1).result(5)
    assert refused.reason == "device"
    assert rig.rows("SELECT state FROM door_operations") == [("failed",)]
    rig.simulator.plug()
    rig.wait_for(lambda: ("bus_offline", "locker-main") not in active(rig), timeout_s=15,
                 what="bus back")
    assert isinstance(service.open_for_maintenance("admin-1", 1).result(5), Started)


def test_corrupted_replies_and_noise_do_not_disturb_the_flows(locker_rig):
    rig = locker_rig()
    service = rig.start()
    rig.simulator.corrupt_replies(2)
    rig.simulator.send_noise()
    number = rig.deposit()
    started = service.pickup(rig.codes()[number]).result(5)
    rig.take_out_and_close(number)
    assert rig.wait_update("completed", started.operation_id).outcome == "collected"
    assert ("board_offline", "main/0") not in active(rig)
