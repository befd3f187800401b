"""The locker as the touch screen uses it (the contract in kiosk/services/worker.py): its
operations already answer with futures from the locker's own thread; its views (the
lockout, what waits for staff, the compartments' states) are read on a thread of their own,
so a screen never waits on the disk and a read never waits behind a door opening. The
admin socket, the heartbeat and the commands use LockerService itself."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from kiosk.services.identity import Identity
from kiosk.services.locker.model import Compartment, DepositView, Refused, Size, Started
from kiosk.services.locker.operations import UpdateListener
from kiosk.services.locker.service import LockerService
from kiosk.services.worker import ServiceWorker


@dataclass(frozen=True)
class CompartmentStates:
    """What the staff's compartment grid shows: who holds what, which are out of service
    and which a restart left to be checked."""
    stored: dict[int, DepositView]
    out_of_service: frozenset[int]
    needing_check: frozenset[int]


class LockerDesk:
    def __init__(self, locker: LockerService, reads: ServiceWorker | None = None) -> None:
        self._locker = locker
        self._reads = reads or ServiceWorker("locker-reads")
        self.compartments: dict[int, Compartment] = locker.compartments
        self.lower_compartments = locker.lower_compartments

    def on_update(self, listener: UpdateListener) -> None:
        self._locker.on_update(listener)

    # -- operations: on the locker's own thread ----------------------------------------

    def pickup(self, code: str, *, via: str = "code",
               proxy_id_number: str | None = None) -> Future[Started | Refused]:
        return self._locker.pickup(code, via=via, proxy_id_number=proxy_id_number)

    def pickup_with_qr(self, text: str, *,
                       proxy_id_number: str | None = None) -> Future[Started | Refused]:
        return self._locker.pickup_with_qr(text, proxy_id_number=proxy_id_number)

    def pickup_with_identity(self, identity: Identity) -> Future[Started | Refused]:
        return self._locker.pickup_with_identity(identity)

    def dropoff(self, size: Size | None) -> Future[Started | Refused]:
        return self._locker.dropoff(size)

    def deposit(self, staff_id: str, case_number: str, size: Size | None,
                applicant_id_number: str | None = None, *,
                lower: bool = False) -> Future[Started | Refused]:
        return self._locker.deposit(staff_id, case_number, size, applicant_id_number,
                                    lower=lower)

    def retrieve(self, staff_id: str, deposit_id: str) -> Future[Started | Refused]:
        return self._locker.retrieve(staff_id, deposit_id)

    def open_for_maintenance(self, actor: str, number: int) -> Future[Started | Refused]:
        return self._locker.open_for_maintenance(actor, number)

    def set_in_service(self, actor: str, number: int, in_service: bool) -> Future[bool]:
        return self._locker.set_in_service(actor, number, in_service)

    # -- views: on the reads' thread -----------------------------------------------------

    def keypad_locked_for(self) -> Future[float]:
        """Seconds the code keypad stays locked after too many wrong codes (0: open)."""
        return self._reads.submit(self._locker.keypad_locked_for)

    def waiting_for_staff(self) -> Future[list[DepositView]]:
        return self._reads.submit(self._locker.waiting_for_staff)

    def free_compartments(self) -> Future[dict[str, int]]:
        return self._reads.submit(self._locker.free_compartments)

    def compartment_states(self) -> Future[CompartmentStates]:
        def read() -> CompartmentStates:
            return CompartmentStates(
                stored={d.compartment: d for d in self._locker.stored()},
                out_of_service=frozenset(self._locker.out_of_service()),
                needing_check=frozenset(self._locker.needing_check()))
        return self._reads.submit(read)

    def stop(self) -> None:
        self._reads.stop()
