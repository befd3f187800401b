"""The queue as the touch screen uses it (the contract in kiosk/services/worker.py): what
reads or writes the database answers with a Future, run in turn on the queue's own thread;
what the configuration or the clock answers stays a plain call. The window API and the
window clients use QueueService itself, from their own threads."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime

from kiosk.config.schema import QueueCategory
from kiosk.services.identity import Identity
from kiosk.services.queue.model import CategoryNow, IssuedTicket, Refused
from kiosk.services.queue.service import QueueService
from kiosk.services.worker import ServiceWorker


class QueueDesk:
    def __init__(self, queue: QueueService, worker: ServiceWorker | None = None) -> None:
        self._queue = queue
        self._worker = worker or ServiceWorker("queue-desk")

    def categories_now(self) -> Future[list[CategoryNow]]:
        """Every queue with how many wait and for about how long, open or not."""
        return self._worker.submit(self._queue.categories_now)

    def issue(self, category_id: str, identity: Identity | None = None,
              priority: bool = False) -> Future[IssuedTicket | Refused]:
        return self._worker.submit(self._queue.issue, category_id, identity, priority)

    def check_in_code(self, code: str) -> Future[IssuedTicket | Refused]:
        return self._worker.submit(self._queue.check_in_code, code)

    def offers_priority(self, identity: Identity | None) -> bool:
        return self._queue.offers_priority(identity)

    def assisted_category(self) -> QueueCategory | None:
        return self._queue.assisted_category()

    def now(self) -> datetime:
        return self._queue.now()

    def stop(self) -> None:
        self._worker.stop()
