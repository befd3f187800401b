"""The service guide as the touch screen uses it (the contract in kiosk/services/worker.py):
the catalog, a search and the notice's words are answered from memory at once; what reads or
writes the database (the most-asked list, counting a lookup) answers with a Future, run in
turn on the guide's own thread; printing has its own worker already."""

from __future__ import annotations

from concurrent.futures import Future

from devices.printer.slip import Slip
from kiosk.config.schema import QueueCategory, StationConfig
from kiosk.services.guide.catalog import Catalog, ServiceItem
from kiosk.services.guide.service import GuideService
from kiosk.services.printing import PrintOutcome
from kiosk.services.worker import ServiceWorker


class GuideDesk:
    def __init__(self, guide: GuideService, worker: ServiceWorker | None = None) -> None:
        self._guide = guide
        self._worker = worker or ServiceWorker("guide-desk")

    @property
    def catalog(self) -> Catalog:
        return self._guide.catalog

    @property
    def station(self) -> StationConfig:
        return self._guide.station

    def search(self, query: str, limit: int = 30) -> list[ServiceItem]:
        return self._guide.search(query, limit)

    def handling_window(self, item: ServiceItem) -> QueueCategory | None:
        return self._guide.handling_window(item)

    def most_asked(self, limit: int = 6) -> Future[list[ServiceItem]]:
        return self._worker.submit(self._guide.most_asked, limit)

    def open_item(self, item_id: str) -> ServiceItem | None:
        """The item as the catalog has it now (None if a newer catalog dropped it); the
        lookup is counted for the most-asked list on the guide's thread."""
        item = self._guide.catalog.item(item_id)
        if item is not None:
            self._worker.submit(self._guide.count_lookup, item)
        return item

    def print_notice(self, item: ServiceItem) -> tuple[Slip, Future[PrintOutcome]]:
        return self._guide.print_notice(item)

    def stop(self) -> None:
        self._worker.stop()
