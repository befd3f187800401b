"""Start-up reconciliation: what a restart finds, it finishes or abandons, and it never
sends an unlock pulse on its own. The terminal restarts in the same process here, on the
in-memory lock bus; a kill -9 in the middle of the wire's work is test_kill_loop.py."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.services.locker.model import Started


def active(rig):
    return {(k, s) for k, s in rig.rows(
        "SELECT kind, subject FROM alarms WHERE cleared_at IS NULL")}


def test_a_deposit_finished_while_the_terminal_was_down_is_stored(fake_locker):
    rig = fake_locker()
    service = rig.start()
    started = service.deposit("staff-1", "CASE-R", None).result(5)
    rig.opened(started.compartment)
    rig.stop()                                    # the terminal goes down, door open
    rig.bus.put_item(rig.board.address, rig.lock_of(started.compartment))
    rig.close(started.compartment)                # staff finish anyway
    rig.start()
    assert rig.rows("SELECT state FROM deposits") == [("stored",)]
    assert started.compartment in rig.codes()
    assert rig.door(started.compartment).pulses == 1


def test_a_door_used_while_the_terminal_was_down_is_settled_by_its_item_sensor(fake_locker):
    rig = fake_locker()
    rig.bus.slow_spring = True              # the pulse went out; the door is still shut...
    service = rig.start()
    started = service.deposit("staff-1", "CASE-S", None).result(5)
    number, lock = started.compartment, rig.lock_of(started.compartment)
    rig.stop()                              # ...when the terminal goes down
    rig.bus.spring_open(rig.board.address, lock)
    rig.bus.put_item(rig.board.address, lock)
    rig.close(number)                       # staff load it anyway
    rig.bus.slow_spring = False
    rig.start()
    assert rig.rows("SELECT state, outcome FROM door_operations") == [("completed", "stored")]
    assert rig.rows("SELECT state FROM deposits") == [("stored",)]
    assert number in rig.codes()
    assert rig.door(number).pulses == 1


def test_an_unlock_that_may_not_have_been_sent_is_never_repeated(fake_locker):
    rig = fake_locker()
    rig.start()
    rig.stop()
    now = datetime.now(UTC).isoformat()
    with rig.store.transaction() as db:  # as if killed between the commit and the pulse
        db["deposits"].insert({"id": "d-1", "kind": "result", "compartment": 3,
                               "state": "loading", "case_number": "C", "deposited_by": "s",
                               "created_at": now})
        db["door_operations"].insert({"compartment": 3, "purpose": "deposit",
                                      "deposit_id": "d-1", "actor": "s", "state": "requested",
                                      "requested_at": now})
    rig.start()
    assert rig.rows("SELECT state, outcome FROM door_operations") == [("abandoned",
                                                                      "interrupted")]
    assert rig.rows("SELECT state FROM deposits") == [("cancelled",)]
    assert rig.door(3).pulses == 0
    assert rig.bus.unlocks == []


def test_a_pickup_whose_door_is_still_open_completes_on_close(fake_locker):
    rig = fake_locker()
    service = rig.start()
    number = rig.deposit()
    started = service.pickup(rig.codes()[number]).result(5)
    rig.opened(number)
    rig.stop()
    service = rig.start()
    rig.take_out_and_close(number)
    assert rig.next_update("completed", started.operation_id).outcome == "collected"
    assert rig.door(number).pulses == 2


def test_records_and_sensors_that_disagree_raise_alarms(fake_locker):
    rig = fake_locker()
    rig.start()
    number = rig.deposit()
    rig.stop()
    rig.bus.set_door(rig.board.address, rig.lock_of(number), item=False)  # gone, somehow
    rig.bus.set_door(rig.board.address, rig.lock_of(5), item=True)        # unknown
    rig.start()
    assert {("document_missing", f"compartment {number}"),
            ("unexpected_item", "compartment 5")} <= active(rig)


def test_without_an_item_sensor_an_unclear_deposit_is_flagged_for_staff(fake_locker):
    rig = fake_locker("kerong-cu48", item_sensor=False)
    rig.bus.slow_spring = True          # a slow spring: the door is still shut...
    service = rig.start()
    started = service.deposit("staff-1", "CASE-X", None).result(5)
    assert isinstance(started, Started)
    assert not rig.door(started.compartment).open
    rig.stop()                          # ...when the terminal goes down
    rig.bus.set_door(rig.board.address, rig.lock_of(started.compartment), open=False)
    rig.start()
    assert ("needs_check", f"compartment {started.compartment}") in active(rig)
    assert rig.rows("SELECT state FROM deposits") == [("cancelled",)]


def test_a_compartment_with_unknown_contents_is_given_to_nobody_until_checked(fake_locker):
    # Killed after the deposit was recorded; meanwhile the door was opened, filled and shut
    # (a board without item sensors cannot tell). The papers may be inside: the next
    # deposit or drop-off must not be given that compartment.
    rig = fake_locker("kerong-cu48", item_sensor=False, locks=4)
    rig.bus.slow_spring = True
    service = rig.start()
    started = service.deposit("staff-1", "CASE-U", None).result(5)
    unclear = started.compartment
    rig.stop()
    rig.bus.set_door(rig.board.address, rig.lock_of(unclear), open=False)
    rig.bus.slow_spring = False
    service = rig.start()
    assert ("needs_check", f"compartment {unclear}") in active(rig)
    assert service.needing_check() == [unclear]
    assert unclear in service.out_of_service()
    given = []
    for case in ("CASE-N1", "CASE-N2", "CASE-N3"):    # every other compartment, then none
        answer = service.deposit("staff-1", case, None).result(5)
        if isinstance(answer, Started):
            given.append(answer.compartment)
            rig.opened(answer.compartment)
            rig.close(answer.compartment)
            rig.next_update("completed", answer.operation_id)
    assert sorted(given) == sorted(set(service.compartments) - {unclear})
    assert service.dropoff("S").result(5).reason == "no_compartment"

    # Staff look inside and put it back in service: the check is done.
    assert service.set_in_service("staff-1", unclear, True).result(5)
    assert service.needing_check() == []
    assert ("needs_check", f"compartment {unclear}") not in active(rig)
