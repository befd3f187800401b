"""Guessing pickup codes: only an opened door ends a streak of wrong codes, a long
lockout tells the staff, and the ID-card way stays open while the keypad is locked."""

from __future__ import annotations

import json
from datetime import date

from kiosk.services.identity import identity_from_typed_number
from kiosk.services.locker.model import Refused, Started

APPLICANT_ID = "11010519491231002X"


def active(rig):
    return {(k, s) for k, s in rig.rows(
        "SELECT kind, subject FROM alarms WHERE cleared_at IS NULL")}


def test_an_expired_code_counts_against_the_streak(fake_locker):
    # Four guesses, then the expired code its owner knows, over and over: the expired
    # code must not reset the count, or guessing never locks the keypad.
    rig = fake_locker(retention_days=1, wrong_codes_before_lockout=5, first_lockout_s=30)
    service = rig.start()
    number = rig.deposit()
    expired = rig.codes()[number]
    rig.advance(86400 + 60)
    answers = []
    for round_ in range(2):
        answers += [service.pickup(f"{round_}000000{i}").result(5) for i in range(4)]
        answers.append(service.pickup(expired).result(5))
    assert [a.reason for a in answers[:5]] == ["wrong_code"] * 4 + ["expired"]
    assert answers[4] == Refused("expired", tries_left=0, locked_for_s=30.0)
    assert {a.reason for a in answers[5:]} == {"locked"}
    assert service.keypad_locked_for() > 0
    outcomes = [json.loads(d)["outcome"] for (d,) in rig.rows(
        "SELECT detail FROM audit_log WHERE action = 'locker.pickup_attempt' ORDER BY id")]
    assert outcomes[:5] == ["wrong"] * 4 + ["expired"]


def test_a_used_code_counts_against_the_streak(fake_locker):
    rig = fake_locker(wrong_codes_before_lockout=5)
    service = rig.start()
    number = rig.deposit()
    code = rig.codes()[number]
    started = service.pickup(code).result(5)
    rig.take_out_and_close(number)
    rig.next_update("completed", started.operation_id)
    answers = [service.pickup(code).result(5) for _ in range(5)]
    assert [a.tries_left for a in answers] == [4, 3, 2, 1, 0]
    assert answers[-1].reason == "locked"


def test_a_long_lockout_alarms_the_staff_and_the_card_way_stays_open(fake_locker):
    rig = fake_locker(wrong_codes_before_lockout=3, first_lockout_s=30,
                     guessing_alarm_lockout_s=120)
    service = rig.start()
    started = service.deposit("staff-1", "CASE-G", None, APPLICANT_ID).result(5)
    rig.put_in_and_close(started.compartment)
    rig.next_update("completed", started.operation_id)
    code = rig.codes()[started.compartment]
    lockouts, alarmed = [], []
    for guess in range(5):   # lockouts of 30, 60, 120 s from the third wrong code on
        answer = service.pickup(f"9000000{guess}").result(5)
        lockouts.append(answer.locked_for_s)
        alarmed.append(("pickup.guessing", "keypad") in active(rig))
        if guess < 4:
            rig.advance(answer.locked_for_s + 1)
    assert lockouts == [0, 0, 30, 60, 120]
    assert alarmed == [False, False, False, False, True]
    assert ("pickup.guessing", "keypad") in active(rig)
    raised = [json.loads(p) for (p,) in rig.rows(
        "SELECT payload FROM outbox WHERE type = 'alarm.raised'")]
    assert {"kind": "pickup.guessing", "subject": "keypad"}.items() <= raised[-1].items()
    assert raised[-1]["detail"] == {"wrong_in_a_row": 5, "lockout_s": 120.0}
    assert code not in json.dumps(raised)

    # Locked for the keypad, and the applicant's own card still opens the door.
    assert service.pickup(code).result(5).reason == "locked"
    applicant = identity_from_typed_number(APPLICANT_ID, date(2026, 11, 21))
    by_card = service.pickup_with_identity(applicant).result(5)
    assert isinstance(by_card, Started)
    assert by_card.compartment == started.compartment


def test_a_door_opened_by_a_code_ends_the_streak_and_the_alarm(fake_locker):
    rig = fake_locker(wrong_codes_before_lockout=3, first_lockout_s=30,
                     guessing_alarm_lockout_s=30)
    service = rig.start()
    number = rig.deposit()
    code = rig.codes()[number]
    for guess in range(3):
        service.pickup(f"8000000{guess}").result(5)
    assert ("pickup.guessing", "keypad") in active(rig)
    rig.advance(31)
    assert isinstance(service.pickup(code).result(5), Started)
    assert ("pickup.guessing", "keypad") not in active(rig)
    assert service.pickup("80000009").result(5) == Refused("wrong_code", tries_left=2)
