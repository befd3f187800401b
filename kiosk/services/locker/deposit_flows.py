"""Opening a door to put a deposit in - a result staff load for a resident, or papers a
resident leaves for the staff (容缺受理 after hours) - or to take one back out (staff take
back an overdue result or collect a drop-off).

A deposit is recorded as ``loading`` before its door opens; it becomes ``stored`` only
when the door is seen shut on the document (operations.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number
from kiosk.services.keys import KeyedHash
from kiosk.services.locker.deposit_book import iso
from kiosk.services.locker.model import LockerRefusal, Purpose, Refused, Size, Started
from kiosk.services.locker.operations import DoorOperations
from kiosk.store import Store


class DepositFlows:
    def __init__(self, *, store: Store, keyed_hash: KeyedHash, operations: DoorOperations,
                 wall_clock: Callable[[], float]) -> None:
        self._store = store
        self._hash = keyed_hash
        self._operations = operations
        self._wall = wall_clock

    def begin_loading(self, purpose: Purpose, actor: str, case_number: str | None,
                      size: Size | None, applicant_id_number: str | None = None,
                      lower: bool = False) -> Started | Refused:
        """A result (``deposit``, with its case number) or a drop-off (``dropoff``)."""
        if purpose == "deposit" and not (case_number and case_number.strip()):
            return Refused(LockerRefusal.MALFORMED, detail="a case number (办件编号) is needed")
        applicant_hash = None
        if applicant_id_number:
            try:
                applicant_hash = self._hash("id-number", validate_id_number(applicant_id_number))
            except InvalidIdNumber as error:
                return Refused(LockerRefusal.BAD_ID_NUMBER, detail=f"applicant: {error}")
        number = self._operations.allocate(size, lower=lower)
        if number is None:
            return Refused(LockerRefusal.NO_COMPARTMENT,
                           detail=f"no free compartment of size {size or 'S'} or larger")
        deposit_id = str(uuid.uuid4())
        with self._store.transaction() as db:
            db.table("deposits").insert({
                "id": deposit_id, "kind": "result" if purpose == "deposit" else "dropoff",
                "compartment": number, "state": "loading",
                "case_number": case_number.strip() if case_number else None,
                "applicant_hash": applicant_hash, "needs_lower": int(lower),
                "deposited_by": actor, "created_at": iso(self._wall()),
            })
        return self._operations.open(number, purpose, deposit_id, actor)

    def retrieve(self, staff_id: str, deposit_id: str) -> Started | Refused:
        with self._store.reading() as db:
            row = db.execute("SELECT compartment FROM deposits WHERE id = ? AND state = 'stored'",
                             [deposit_id]).fetchone()
        if row is None:
            return Refused(LockerRefusal.NOT_FOUND, detail="nothing stored under that id")
        return self._operations.open(row[0], "retrieve", deposit_id, staff_id)
