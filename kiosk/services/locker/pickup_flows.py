"""A resident collects a result: with the 8-digit code (typed, or from a scanned QR code,
possibly for someone else) or with the applicant's ID card.

Code pickups go through the pickup policy before and after (the guessing guard, its alarm
and the audit line of every attempt); the ID-card way does not use the keypad, so a locked
keypad never shuts a resident out. The accepted attempt commits with the door operation's
intent, so the pulse waits for one commit only."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from kiosk.services.audit import record
from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number
from kiosk.services.keys import KeyedHash
from kiosk.services.locker import codes
from kiosk.services.locker.deposit_book import iso
from kiosk.services.locker.model import LockerRefusal, Refused, Started
from kiosk.services.locker.operations import DoorOperations
from kiosk.services.locker.pickup_policy import PickupPolicy
from kiosk.store import Store


class PickupFlows:
    def __init__(self, *, store: Store, keyed_hash: KeyedHash, policy: PickupPolicy,
                 operations: DoorOperations, wall_clock: Callable[[], float]) -> None:
        self._store = store
        self._hash = keyed_hash
        self._policy = policy
        self._operations = operations
        self._wall = wall_clock

    def by_code(self, code: str, via: str, proxy_id_number: str | None) -> Started | Refused:
        with self._store.transaction() as db:
            refusal = self._policy.locked(db, via)
        if refusal is not None:
            return refusal
        proxy_hash = None
        if proxy_id_number is not None:
            try:
                proxy_hash = self._hash("id-number", validate_id_number(proxy_id_number))
            except InvalidIdNumber as error:
                return Refused(LockerRefusal.BAD_ID_NUMBER, detail=str(error))
        if not codes.is_well_formed(code):
            return Refused(LockerRefusal.MALFORMED, detail="a pickup code has 8 digits")
        digest = codes.code_hash(self._hash, code)
        with self._store.reading() as db:
            row = db.execute(
                "SELECT id, compartment, code_expires_at FROM deposits WHERE code_hash = ? "
                "AND state = 'stored' AND kind = 'result'", [digest]
            ).fetchone()
        if row is None:
            with self._store.transaction() as db:
                return self._policy.unusable(db, via, "wrong")
        deposit_id, number, expires_at = row
        if expires_at is not None and expires_at < iso(self._wall()):
            with self._store.transaction() as db:
                return self._policy.unusable(db, via, LockerRefusal.EXPIRED, number, deposit_id)

        def accepted(db: sqlite_utils.Database) -> None:
            record(db, "resident", "locker.pickup_attempt", str(number),
                   {"via": via, "outcome": "accepted", "deposit": deposit_id,
                    "proxy": proxy_hash is not None})

        actor = f"proxy:{proxy_hash}" if proxy_hash else f"resident:{via}"
        started = self._operations.open(number, "pickup", deposit_id, actor, also=accepted)
        with self._store.transaction() as db:
            # Only a door that opened ends a streak; a busy or failed one counts as tried.
            if isinstance(started, Started):
                self._policy.opened(db)
                return started
            return self._policy.unusable(db, via, started.reason, number, deposit_id,
                                         started.detail)

    def by_identity(self, identity_hash: str, via: str) -> Started | Refused:
        """``identity_hash``: the keyed hash of the card's ID number."""
        now = iso(self._wall())
        with self._store.reading() as db:
            row = db.execute(
                "SELECT id, compartment FROM deposits WHERE applicant_hash = ? AND "
                "state = 'stored' AND kind = 'result' AND (code_expires_at IS NULL OR "
                "code_expires_at >= ?) ORDER BY stored_at LIMIT 1", [identity_hash, now]
            ).fetchone()
        if row is None:
            with self._store.transaction() as db:
                record(db, "resident", "locker.pickup_attempt",
                       detail={"via": via, "outcome": "nothing_for_identity"})
            return Refused(LockerRefusal.NOT_FOUND, detail="nothing waits for this card")
        deposit_id, number = row

        def accepted(db: sqlite_utils.Database) -> None:
            record(db, "resident", "locker.pickup_attempt", str(number),
                   {"via": via, "outcome": "accepted", "deposit": deposit_id})

        return self._operations.open(number, "pickup", deposit_id, f"resident:{via}",
                                     also=accepted)
