"""Taking compartments out of service and putting them back.

A compartment out of service is given to nobody: its door jammed, or a restart left its
contents unknown and staff must look inside first. Staff put it back, which clears those
alarms. Every function takes the caller's transaction, so the change commits with the
audit line and the outbox event that go with it."""

from __future__ import annotations

import sqlite_utils

from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.outbox import append_event


def set_in_service(db: sqlite_utils.Database, actor: str, number: int,
                   in_service: bool) -> None:
    """Staff (or the district center) take a compartment out of service or put it back;
    putting it back means they have looked at it, so its jam and check alarms clear."""
    db.execute("UPDATE compartments SET in_service = ? WHERE number = ?",
               [int(in_service), number])
    record(db, actor, "locker.in_service" if in_service else "locker.out_of_service",
           str(number))
    if in_service:
        clear_alarm(db, "door_jammed", f"compartment {number}")
        clear_alarm(db, "needs_check", f"compartment {number}")
    append_event(db, "locker.compartment", {"compartment": number, "in_service": in_service})


def take_out_jammed(db: sqlite_utils.Database, number: int, operation_id: int) -> None:
    """The door did not open after its pulse: alarm, and no more pulses to it."""
    raise_alarm(db, "door_jammed", f"compartment {number}", {"operation": operation_id})
    db.execute("UPDATE compartments SET in_service = 0 WHERE number = ?", [number])
    record(db, "terminal", "locker.out_of_service", str(number), {"reason": "jammed"})


def hold_for_check(db: sqlite_utils.Database, number: int, operation_id: int,
                   purpose: str) -> None:
    """Takes a compartment whose contents are unknown out of allocation until staff
    have looked inside and put it back in service (which clears the alarm)."""
    raise_alarm(db, "needs_check", f"compartment {number}",
                {"operation": operation_id, "purpose": purpose})
    db.execute("UPDATE compartments SET in_service = 0 WHERE number = ?", [number])
    record(db, "terminal", "locker.out_of_service", str(number),
           {"reason": "needs_check", "operation": operation_id})
    append_event(db, "locker.compartment", {"compartment": number, "in_service": False,
                                            "reason": "needs_check"})
