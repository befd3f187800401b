"""Who may try a pickup code, and what each outcome does to the guessing guard.

The locker service asks this policy before and after every code pickup; the policy owns
the guard's state, its alarm and the audit line of each attempt. It runs inside the
service's transactions, on the service's thread."""

from __future__ import annotations

from typing import Literal

import sqlite_utils

from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.locker.guard import GUESSING_ALARM, GUESSING_SUBJECT, GuessGuard
from kiosk.services.locker.model import LockerRefusal, Refused


class PickupPolicy:
    def __init__(self, guard: GuessGuard, alarm_after_s: float) -> None:
        self.guard = guard
        self.alarm_after_s = alarm_after_s

    def locked(self, db: sqlite_utils.Database, via: str) -> Refused | None:
        """A refusal while the keypad is locked (the attempt is audited, not counted)."""
        locked_for = self.guard.locked_for(db)
        if locked_for <= 0:
            return None
        record(db, "resident", "locker.pickup_attempt",
               detail={"via": via, "outcome": "locked"})
        return Refused(LockerRefusal.LOCKED, locked_for_s=locked_for)

    def unusable(self, db: sqlite_utils.Database, via: str,
                 outcome: Literal["wrong"] | LockerRefusal,
                 compartment: int | None = None, deposit: str | None = None,
                 detail_text: str = "") -> Refused:
        """A code that opens nothing: wrong, expired, used up or refused. Every one of
        them counts against the streak; only ``wrong`` tells the resident how many
        tries are left, the others send them to staff."""
        wrong = self.guard.failure(db)
        detail: dict[str, object] = {"via": via, "outcome": outcome,
                                     "lockout_s": wrong.lockout_s}
        if deposit is not None:
            detail["deposit"] = deposit
        record(db, "resident", "locker.pickup_attempt",
               None if compartment is None else str(compartment), detail)
        if wrong.lockout_s >= self.alarm_after_s:
            raise_alarm(db, GUESSING_ALARM, GUESSING_SUBJECT,
                        {"wrong_in_a_row": wrong.streak, "lockout_s": wrong.lockout_s})
        if not isinstance(outcome, LockerRefusal):    # "wrong": no deposit has that code
            return Refused(LockerRefusal.LOCKED if wrong.lockout_s else LockerRefusal.WRONG_CODE,
                           tries_left=wrong.tries_left, locked_for_s=wrong.lockout_s)
        return Refused(outcome, tries_left=wrong.tries_left, locked_for_s=wrong.lockout_s,
                       detail=detail_text)

    def opened(self, db: sqlite_utils.Database) -> None:
        """A code opened a door: the streak ends, and with it any guessing alarm."""
        if self.guard.success(db):
            clear_alarm(db, GUESSING_ALARM, GUESSING_SUBJECT)
