"""The deposits table as the locker's flows change it: a result or a drop-off stored
(with its pickup code sealed for the district center, or its receipt number), a deposit
finished, and results turning overdue. Every change takes the caller's transaction, so
it commits with the door operation, the audit line and the outbox event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from contract.sealing import seal
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.keys import KeyedHash
from kiosk.services.locker import codes
from kiosk.services.outbox import append_event


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class DepositBook:
    def __init__(self, *, retention_days: int, terminal_id: str, keyed_hash: KeyedHash,
                 center_key: X25519PublicKey, wall_clock: Callable[[], float]) -> None:
        self._retention_days = retention_days
        self._terminal_id = terminal_id
        self._hash = keyed_hash
        self._center_key = center_key
        self._wall = wall_clock

    def store(self, db: sqlite_utils.Database, deposit_id: str, compartment: int
              ) -> str | None:
        """The door shut on the document. A drop-off gets its receipt number (returned);
        a result gets a fresh pickup code, kept only as a keyed hash and sealed to the
        district center in the locker.deposited event."""
        now = self._wall()
        due = iso(now + timedelta(days=self._retention_days).total_seconds())
        kind, case_number, needs_lower, size = db.execute(
            "SELECT d.kind, d.case_number, d.needs_lower, c.size FROM deposits d "
            "JOIN compartments c ON c.number = d.compartment WHERE d.id = ?",
            [deposit_id]).fetchone()
        if kind == "dropoff":
            receipt = self._new_receipt(db, now)
            db.execute("UPDATE deposits SET state = 'stored', stored_at = ?, receipt = ? "
                       "WHERE id = ?", [iso(now), receipt, deposit_id])
            append_event(db, "locker.dropoff", {"deposit": deposit_id,
                                                "compartment": compartment,
                                                "receipt": receipt, "at": iso(now)})
            return receipt
        code, digest = self._fresh_code(db)
        db.execute(
            "UPDATE deposits SET state = 'stored', stored_at = ?, due_at = ?, code_hash = ?, "
            "code_expires_at = ? WHERE id = ?", [iso(now), due, digest, due, deposit_id])
        append_event(db, "locker.deposited", {
            "deposit": deposit_id, "compartment": compartment, "size": size,
            "case_number": case_number, "stored_at": iso(now), "expires_at": due,
            "pickup": self._sealed(deposit_id, code),
            **({"lower": True} if needs_lower else {}),
        })
        return None

    def reissue_code(self, db: sqlite_utils.Database, deposit_id: str, actor: str
                     ) -> str | None:
        """A new pickup code for a result still waiting (the applicant lost the notice):
        the old code stops working at once, the deadline stays, and the new code goes to
        the center sealed in a locker.code_reissued event. Returns why not, or None."""
        row = db.execute("SELECT d.kind, d.state, d.compartment, d.case_number, d.due_at, "
                         "c.size FROM deposits d JOIN compartments c ON c.number = "
                         "d.compartment WHERE d.id = ?", [deposit_id]).fetchone()
        if row is None:
            return "not_found: no such deposit"
        kind, state, compartment, case_number, due, size = row
        if kind != "result" or state != "stored":
            return f"not_waiting: the deposit is {'a drop-off' if kind != 'result' else state}"
        code, digest = self._fresh_code(db)
        db.execute("UPDATE deposits SET code_hash = ? WHERE id = ?", [digest, deposit_id])
        record(db, actor, "locker.code_reissued", deposit_id, {"compartment": compartment})
        append_event(db, "locker.code_reissued", {
            "deposit": deposit_id, "compartment": compartment, "size": size,
            "case_number": case_number, "expires_at": due,
            "pickup": self._sealed(deposit_id, code),
            "at": iso(self._wall())})
        return None

    def _fresh_code(self, db: sqlite_utils.Database) -> tuple[str, str]:
        """A random code no waiting deposit has, and its keyed hash."""
        while True:
            code = codes.new_code()
            digest = codes.code_hash(self._hash, code)
            if db.execute("SELECT 1 FROM deposits WHERE code_hash = ?", [digest]
                          ).fetchone() is None:
                return code, digest

    def _sealed(self, deposit_id: str, code: str) -> dict[str, str]:
        return seal(self._center_key,
                    {"code": code, "qr": codes.qr_payload(self._terminal_id, code)},
                    associated=deposit_id)

    @staticmethod
    def _new_receipt(db: sqlite_utils.Database, now: float) -> str:
        """The day (local) and a count: 261205001 is that day's first drop-off."""
        day = datetime.fromtimestamp(now, UTC).astimezone()
        prefix = f"{day:%y%m%d}"
        count = db.execute("SELECT count(*) FROM deposits WHERE receipt LIKE ?",
                           [f"{prefix}%"]).fetchone()[0]
        return f"{prefix}{count + 1:03d}"

    def finish(self, db: sqlite_utils.Database, deposit_id: str | None, state: str,
               compartment: int | None = None, actor: str | None = None) -> None:
        """Ends a deposit (collected, retrieved, cancelled): its code and applicant hash
        go, and a collection or retrieval is announced (by whom, never who)."""
        if deposit_id is None:
            return
        db.execute(
            "UPDATE deposits SET state = ?, finished_at = ?, code_hash = NULL, "
            "applicant_hash = NULL, collected_by = coalesce(?, collected_by) WHERE id = ?",
            [state, iso(self._wall()), actor, deposit_id])
        if state in ("collected", "retrieved"):
            append_event(db, f"locker.{state}", {
                "deposit": deposit_id, "compartment": compartment,
                "by": "proxy" if actor and actor.startswith("proxy:") else
                      ("staff" if state == "retrieved" else "applicant"),
                "at": iso(self._wall()),
            })

    def cancel_orphans(self, db: sqlite_utils.Database) -> list[tuple[str, int]]:
        """Deposits left loading by a crash with no door operation alive: cancelled.
        Returns (deposit, compartment) for each."""
        orphans = db.execute(
            "SELECT id, compartment FROM deposits d WHERE state = 'loading' AND NOT EXISTS "
            "(SELECT 1 FROM door_operations o WHERE o.deposit_id = d.id AND o.state IN "
            "('requested', 'unlock_sent', 'open'))"
        ).fetchall()
        for deposit_id, _number in orphans:
            self.finish(db, deposit_id, "cancelled")
        return [(str(d), int(n)) for d, n in orphans]

    def mark_overdue(self, db: sqlite_utils.Database) -> int:
        """Results past their deadline become overdue (once, with an event), and the
        overdue_items alarm counts those still waiting. Returns how many turned now."""
        now = iso(self._wall())
        due = db.execute(
            "SELECT id, compartment, case_number, due_at FROM deposits WHERE state = 'stored' "
            "AND kind = 'result' AND overdue_at IS NULL AND due_at < ?", [now]
        ).fetchall()
        for deposit_id, number, case_number, due_at in due:
            db.execute("UPDATE deposits SET overdue_at = ? WHERE id = ?", [now, deposit_id])
            append_event(db, "locker.overdue", {"deposit": deposit_id, "compartment": number,
                                                "case_number": case_number, "due_at": due_at})
        waiting = db.execute(
            "SELECT count(*) FROM deposits WHERE state = 'stored' AND overdue_at IS NOT NULL"
        ).fetchone()[0]
        if waiting:
            raise_alarm(db, "overdue_items", "locker", {"count": waiting})
        else:
            clear_alarm(db, "overdue_items", "locker")
        return len(due)
