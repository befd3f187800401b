"""What the locker holds, read for screens and tools: read-only queries on the locker's
tables, safe from any thread (the locker service alone writes them)."""

from __future__ import annotations

from kiosk.services.locker.model import SIZES, DepositView
from kiosk.store import Store


class LockerRecords:
    def __init__(self, store: Store) -> None:
        self._store = store

    def waiting_for_staff(self) -> list[DepositView]:
        """Overdue results and residents' drop-offs, for staff to take out."""
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT id, kind, compartment, case_number, receipt, stored_at, due_at, "
                "overdue_at FROM deposits WHERE state = 'stored' AND "
                "(kind = 'dropoff' OR overdue_at IS NOT NULL) ORDER BY stored_at"
            ).fetchall()
        return [DepositView(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] is not None)
                for r in rows]

    def stored(self) -> list[DepositView]:
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT id, kind, compartment, case_number, receipt, stored_at, due_at, "
                "overdue_at FROM deposits WHERE state = 'stored' ORDER BY compartment"
            ).fetchall()
        return [DepositView(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] is not None)
                for r in rows]

    def free_compartments(self) -> dict[str, int]:
        """Free, working compartments by size."""
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT size, count(*) FROM compartments c WHERE configured = 1 AND in_service = 1 "
                "AND NOT EXISTS (SELECT 1 FROM deposits d WHERE d.compartment = c.number AND "
                "d.state IN ('loading', 'stored')) GROUP BY size"
            ).fetchall()
        counts: dict[str, int] = {size: 0 for size in SIZES}
        counts.update({r[0]: r[1] for r in rows})
        return counts

    def door_report(self) -> list[dict[str, object]]:
        """Every compartment with what was last seen of its door, for tools."""
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT number, bus, board, lock, size, in_service, door_open, item_present, "
                "seen_at FROM compartments WHERE configured = 1 ORDER BY number").fetchall()
        keys = ("compartment", "bus", "board", "lock", "size", "in_service", "open", "item",
                "seen_at")
        report = []
        for row in rows:
            entry = dict(zip(keys, row, strict=True))
            for flag in ("in_service", "open", "item"):
                entry[flag] = None if entry[flag] is None else bool(entry[flag])
            report.append(entry)
        return report

    def out_of_service(self) -> list[int]:
        with self._store.reading() as db:
            return [r[0] for r in db.execute(
                "SELECT number FROM compartments WHERE configured = 1 AND in_service = 0 "
                "ORDER BY number")]

    def needing_check(self) -> list[int]:
        """Compartments a restart left with unknown contents, for the staff screen."""
        with self._store.reading() as db:
            rows = db.execute("SELECT subject FROM alarms WHERE kind = 'needs_check' AND "
                              "cleared_at IS NULL").fetchall()
        return sorted(int(r[0].split(" ", 1)[1]) for r in rows
                      if r[0].startswith("compartment ") and r[0][12:].isdigit())
