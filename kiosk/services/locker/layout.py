"""The configured doors, and keeping the compartments table in step with them."""

from __future__ import annotations

from kiosk.config.locker_schema import LockerConfig
from kiosk.services.locker.model import Compartment
from kiosk.store import Store


class LayoutError(RuntimeError):
    pass


def compartments_from_config(config: LockerConfig) -> dict[int, Compartment]:
    found: dict[int, Compartment] = {}
    for group in config.compartments:
        for offset in range(group.count):
            number = group.first_number + offset
            found[number] = Compartment(number, group.bus, group.board,
                                        group.first_lock + offset, group.size)
    return found


def sync_layout(store: Store, compartments: dict[int, Compartment]) -> None:
    """Adds new doors and updates moved ones. A door that holds a document may not vanish
    from the configuration: that would strand the document."""
    with store.transaction() as db:
        live = {row[0] for row in db.execute(
            "SELECT compartment FROM deposits WHERE state IN ('loading', 'stored')")}
        known = {row[0] for row in db.execute("SELECT number FROM compartments")}
        stranded = sorted((live & known) - set(compartments))
        if stranded:
            raise LayoutError(
                f"compartments {stranded} hold documents but are missing from "
                "locker.compartments; put them back, or have staff empty them first"
            )
        db.execute("UPDATE compartments SET configured = 0")
        for c in compartments.values():
            db.execute(
                "INSERT INTO compartments (number, bus, board, lock, size) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (number) DO UPDATE SET bus = excluded.bus, board = excluded.board, "
                "lock = excluded.lock, size = excluded.size, configured = 1",
                [c.number, c.bus, c.board, c.lock, c.size],
            )
