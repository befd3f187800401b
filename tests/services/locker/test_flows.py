"""The locker's flows through the real service, on the in-memory lock bus (conftest.py).
The same flows on every board protocol's wire: test_flows_on_the_wire.py."""

from __future__ import annotations

import json

from kiosk.services.keys import KeyedHash
from kiosk.services.locker.codes import qr_payload
from kiosk.services.locker.model import Refused, Started
from tests.fixtures.fake_lock_bus import UnlockRequest
from tests.fixtures.locker import TERMINAL_KEY

VALID_ID = "11010519491231002X"


def events(rig, kind):
    return [json.loads(p) for (p,) in rig.rows(
        "SELECT payload FROM outbox WHERE type = ? ORDER BY seq", kind)]


def active(rig):
    return {(k, s) for k, s in rig.rows(
        "SELECT kind, subject FROM alarms WHERE cleared_at IS NULL")}


def test_the_code_is_single_use(fake_locker):
    rig = fake_locker()
    service = rig.start()
    number = rig.deposit()
    code = rig.codes()[number]
    started = service.pickup(code).result(5)
    rig.take_out_and_close(number)
    rig.next_update("completed", started.operation_id)
    again = service.pickup(code).result(5)
    assert again == Refused("wrong_code", tries_left=4)


def test_the_smallest_free_compartment_that_fits(fake_locker):
    rig = fake_locker()
    service = rig.start()
    first = service.deposit("staff-1", "A", None).result(5)
    large = service.deposit("staff-1", "B", "L").result(5)
    assert service.compartments[first.compartment].size == "S"
    assert service.compartments[large.compartment].size == "L"
    rig.put_in_and_close(first.compartment)
    rig.put_in_and_close(large.compartment)


def test_a_deposit_without_a_document_is_cancelled(fake_locker):
    rig = fake_locker()
    service = rig.start()
    started = service.deposit("staff-1", "CASE-1", None).result(5)
    rig.opened(started.compartment)
    rig.close(started.compartment)
    assert rig.next_update("completed", started.operation_id).outcome == "empty"
    assert rig.rows("SELECT state FROM deposits") == [("cancelled",)]
    assert events(rig, "locker.deposited") == []


def test_a_case_number_is_required(fake_locker):
    service = fake_locker().start()
    assert service.deposit("staff-1", "  ", None).result(5).reason == "malformed"


def test_a_document_left_behind_keeps_the_code_alive(fake_locker):
    rig = fake_locker()
    service = rig.start()
    number = rig.deposit()
    code = rig.codes()[number]
    started = service.pickup(code).result(5)
    rig.opened(number)
    rig.close(number)  # closed without taking the document
    assert rig.next_update("completed", started.operation_id).outcome == "item_left"
    assert ("item_left_behind", f"compartment {number}") in active(rig)
    assert rig.rows("SELECT state FROM deposits") == [("stored",)]
    again = service.pickup(code).result(5)
    rig.take_out_and_close(number)
    assert rig.next_update("completed", again.operation_id).outcome == "collected"
    assert ("item_left_behind", f"compartment {number}") not in active(rig)


def test_pickup_by_qr_code(fake_locker):
    rig = fake_locker()
    service = rig.start()
    number = rig.deposit()
    started = service.pickup_with_qr(qr_payload("test-01", rig.codes()[number])).result(5)
    assert isinstance(started, Started)
    rig.take_out_and_close(number)
    rig.next_update("completed", started.operation_id)
    other_terminal = service.pickup_with_qr(qr_payload("elsewhere", "12345678")).result(5)
    assert other_terminal.reason == "malformed"


def test_proxy_pickup_records_a_keyed_hash_of_the_proxy(fake_locker):
    rig = fake_locker()
    service = rig.start()
    number = rig.deposit()
    code = rig.codes()[number]
    assert service.pickup(code, proxy_id_number="110105194912310021").result(5).reason == \
        "bad_id_number"
    started = service.pickup(code, proxy_id_number=VALID_ID).result(5)
    rig.take_out_and_close(number)
    rig.next_update("completed", started.operation_id)
    [(collected_by,)] = rig.rows("SELECT collected_by FROM deposits")
    assert collected_by == "proxy:" + KeyedHash(TERMINAL_KEY)("id-number", VALID_ID)
    assert events(rig, "locker.collected")[0]["by"] == "proxy"


def test_wrong_codes_lock_the_keypad_with_growing_delays(fake_locker):
    rig = fake_locker(wrong_codes_before_lockout=5, first_lockout_s=30)
    service = rig.start()
    number = rig.deposit()
    code = rig.codes()[number]
    answers = [service.pickup(f"{i:08d}").result(5) for i in range(1, 6)]
    assert [a.tries_left for a in answers[:4]] == [4, 3, 2, 1]
    assert answers[4] == Refused("locked", locked_for_s=30.0)
    # Locked: even the right code is refused, and the attempt is audited.
    assert service.pickup(code).result(5).reason == "locked"
    rig.advance(31)
    assert service.pickup("99999999").result(5) == Refused("locked", locked_for_s=60.0)
    rig.advance(61)
    # The lockout survives a restart.
    assert service.pickup("99999998").result(5) == Refused("locked", locked_for_s=120.0)
    service = rig.restart()
    assert 0 < service.keypad_locked_for() <= 120
    rig.advance(121)
    assert isinstance(service.pickup(code).result(5), Started)
    attempts = rig.rows("SELECT detail FROM audit_log WHERE action = 'locker.pickup_attempt'")
    assert len(attempts) == 9  # 5 wrong, 1 while locked, 2 more wrong, 1 accepted
    assert all(code not in detail for (detail,) in attempts)


def test_an_expired_code_is_refused_and_listed_as_overdue(fake_locker):
    rig = fake_locker(retention_days=7)
    service = rig.start()
    number = rig.deposit("CASE-OLD")
    code = rig.codes()[number]
    assert events(rig, "locker.overdue") == []
    rig.advance(7 * 86400 + 60)     # and the overdue check runs
    assert events(rig, "locker.overdue")[0]["case_number"] == "CASE-OLD"
    assert ("overdue_items", "locker") in active(rig)
    assert [d.compartment for d in service.waiting_for_staff()] == [number]
    assert service.pickup(code).result(5).reason == "expired"
    deposit_id = service.waiting_for_staff()[0].id
    started = service.retrieve("staff-1", deposit_id).result(5)
    rig.take_out_and_close(number)
    assert rig.next_update("completed", started.operation_id).outcome == "retrieved"
    rig.advance(120)
    assert ("overdue_items", "locker") not in active(rig)


def test_after_hours_dropoff_gives_a_receipt_and_waits_for_staff(fake_locker):
    rig = fake_locker()
    service = rig.start()
    started = service.dropoff("S").result(5)
    rig.put_in_and_close(started.compartment)
    done = rig.next_update("completed", started.operation_id)
    assert done.outcome == "stored"
    assert done.receipt
    assert done.receipt.isdigit()
    [waiting] = service.waiting_for_staff()
    assert (waiting.kind, waiting.receipt) == ("dropoff", done.receipt)
    assert events(rig, "locker.dropoff")[0]["receipt"] == done.receipt
    taken = service.retrieve("staff-1", waiting.id).result(5)
    rig.take_out_and_close(started.compartment)
    rig.next_update("completed", taken.operation_id)
    assert service.waiting_for_staff() == []


def test_no_free_compartment(fake_locker):
    rig = fake_locker(locks=4)  # compartments 1-2 S, 3-4 L
    service = rig.start()
    for case in ("A", "B", "C", "D"):
        rig.deposit(case)
    refused = service.deposit("staff-1", "E", None).result(5)
    assert refused.reason == "no_compartment"
    assert service.dropoff(None).result(5).reason == "no_compartment"


def test_a_jammed_door_moves_the_deposit_to_another_compartment(fake_locker):
    rig = fake_locker(open_timeout_s=2)
    service = rig.start()
    rig.bus.jam(rig.board.address, 1)
    started = service.deposit("staff-1", "CASE-J", "S").result(5)
    assert started.compartment == 1
    rig.advance(3)
    jammed = rig.next_update("jammed", started.operation_id)
    assert jammed.replacement == 2
    assert jammed.replacement_operation
    rig.put_in_and_close(2)
    assert rig.next_update("completed", jammed.replacement_operation).outcome == "stored"
    assert ("door_jammed", "compartment 1") in active(rig)
    assert 1 in service.out_of_service()
    assert rig.rows("SELECT compartment, state FROM deposits") == [(2, "stored")]
    rig.bus.jam(rig.board.address, 1, False)
    assert service.set_in_service("staff-1", 1, True).result(5)
    assert ("door_jammed", "compartment 1") not in active(rig)


def test_a_jammed_door_at_pickup_tells_the_resident_and_keeps_the_document(fake_locker):
    rig = fake_locker(open_timeout_s=2)
    service = rig.start()
    number = rig.deposit()
    rig.bus.jam(rig.board.address, rig.lock_of(number))
    started = service.pickup(rig.codes()[number]).result(5)
    rig.advance(3)
    assert rig.next_update("jammed", started.operation_id).replacement is None
    assert rig.rows("SELECT state FROM deposits") == [("stored",)]
    assert ("door_jammed", f"compartment {number}") in active(rig)


def test_forced_door_raises_an_alarm_until_closed(fake_locker):
    rig = fake_locker()
    rig.start()
    rig.bus.force_open(rig.board.address, 3)
    assert ("forced_open", "compartment 3") in active(rig)
    rig.close(3)
    assert ("forced_open", "compartment 3") not in active(rig)
    assert events(rig, "alarm.raised")[0]["kind"] == "forced_open"


def test_a_door_left_open_raises_an_alarm(fake_locker):
    rig = fake_locker(door_open_alarm_min=3)
    service = rig.start()
    started = service.open_for_maintenance("admin-1", 2).result(5)
    rig.opened(2)
    rig.advance(3 * 60)
    assert ("door_left_open", "compartment 2") not in active(rig)
    rig.advance(1)
    assert ("door_left_open", "compartment 2") in active(rig)
    rig.close(2)
    assert ("door_left_open", "compartment 2") not in active(rig)
    assert rig.next_update("completed", started.operation_id).outcome == "closed"


def test_a_silent_board_raises_an_alarm_and_clears_it(fake_locker):
    rig = fake_locker()
    rig.start()
    rig.bus.silence(rig.board.address)
    subject = f"main/{rig.board.address}"
    assert ("board_offline", subject) in active(rig)
    rig.bus.silence(rig.board.address, False)
    assert ("board_offline", subject) not in active(rig)


def test_no_pulse_goes_to_a_board_that_does_not_answer(fake_locker):
    rig = fake_locker()
    service = rig.start()
    rig.bus.silence(rig.board.address)
    assert service.open_for_maintenance("admin-1", 1).result(5).reason == "device"
    assert rig.bus.unlocks == []
    rig.bus.silence(rig.board.address, False)
    assert isinstance(service.open_for_maintenance("admin-1", 1).result(5), Started)
    assert rig.bus.unlocks == [UnlockRequest(rig.board.address, 1)]


def test_a_door_already_open_counts_as_opened_at_once(fake_locker):
    rig = fake_locker()
    service = rig.start()
    rig.bus.force_open(rig.board.address, 2)     # a broken latch, a door left ajar
    started = service.open_for_maintenance("admin-1", 2).result(5)
    rig.next_update("open", started.operation_id)
    [(note,)] = rig.rows("SELECT json_extract(detail, '$.note') FROM audit_log "
                         "WHERE action = 'locker.maintenance.opened'")
    assert note == "already open"
    rig.close(2)
    assert rig.next_update("completed", started.operation_id).outcome == "closed"


def test_a_door_opened_and_shut_between_two_polls_completes_the_deposit(fake_locker):
    rig = fake_locker(deliver="on_poll")
    service = rig.start()
    started = service.deposit("staff-1", "CASE-P", None).result(5)
    number = started.compartment
    assert rig.door(number).open                 # the terminal has not polled since
    rig.bus.put_item(rig.board.address, rig.lock_of(number))
    rig.close(number)
    rig.bus.poll()                               # shut as before, a document inside now
    assert rig.next_update("completed", started.operation_id).outcome == "stored"
    [(note,)] = rig.rows("SELECT json_extract(detail, '$.note') FROM audit_log "
                         "WHERE action = 'locker.deposit.opened'")
    assert note == "opened and closed between polls"
    assert rig.rows("SELECT state FROM deposits") == [("stored",)]


def test_the_code_never_appears_in_the_database_or_the_logs(fake_locker, caplog):
    rig = fake_locker()
    with caplog.at_level("DEBUG"):
        service = rig.start()
        number = rig.deposit()
        code = rig.codes()[number]
        started = service.pickup(code).result(5)
        rig.take_out_and_close(number)
        rig.next_update("completed", started.operation_id)
    rig.stop()
    with rig.store.reading() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert code.encode() not in rig.db_path.read_bytes()
    assert code not in caplog.text


def test_the_applicant_collects_with_their_id_card(fake_locker):
    from datetime import date

    from kiosk.services.identity import identity_from_typed_number

    rig = fake_locker()
    service = rig.start()
    started = service.deposit("staff-1", "CASE-ID", None, VALID_ID).result(5)
    rig.put_in_and_close(started.compartment)
    rig.next_update("completed", started.operation_id)
    stranger = identity_from_typed_number("110101200001010010", date(2026, 11, 21))
    assert service.pickup_with_identity(stranger).result(5).reason == "not_found"
    applicant = identity_from_typed_number(VALID_ID, date(2026, 11, 21))
    pickup = service.pickup_with_identity(applicant).result(5)
    assert pickup.compartment == started.compartment
    rig.take_out_and_close(started.compartment)
    rig.next_update("completed", pickup.operation_id)
    assert rig.rows("SELECT state, applicant_hash FROM deposits") == [("collected", None)]
    assert service.deposit("staff-1", "X", None, "123").result(5).reason == "bad_id_number"
