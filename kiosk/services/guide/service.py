"""The service guide as the UI and the district center use it: find items, count lookups,
hand out the one-time notice, replace the catalog."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import datetime

from devices.printer.slip import Slip
from kiosk.config.schema import QueueCategory, StationConfig
from kiosk.services import audit
from kiosk.services.guide.catalog import Catalog, ServiceItem
from kiosk.services.guide.library import CatalogLibrary
from kiosk.services.guide.lookups import most_asked, record_lookup
from kiosk.services.guide.notice import compose_notice
from kiosk.services.guide.unpublished import handling_window
from kiosk.services.outbox import PRIORITY_REPORT, append_event
from kiosk.services.printing import PrintOutcome, PrintService
from kiosk.store import Store

log = logging.getLogger(__name__)


class GuideService:
    def __init__(self, library: CatalogLibrary, store: Store, station: StationConfig,
                 featured: tuple[str, ...], printing: PrintService,
                 opening_hours: Callable[[], str] | None = None,
                 windows: Sequence[QueueCategory] = ()) -> None:
        """``opening_hours`` gives the staffed hours in force in words
        (StationSettings.opening_hours: the center may have changed the configured ones);
        without it, the notice words the configured station.staffed_hours. ``windows``
        are the terminal's queue categories, which items may name as handling them."""
        self.library = library
        self.store = store
        self.station = station
        self.featured = featured
        self.printing = printing
        self.opening_hours: Callable[[], str | None] = opening_hours or (lambda: None)
        self.windows = tuple(windows)
        # Replaceable so tests can fix the time printed on a notice.
        self.now: Callable[[], datetime] = datetime.now

    @property
    def catalog(self) -> Catalog:
        return self.library.current

    def search(self, query: str, limit: int = 30) -> list[ServiceItem]:
        return self.catalog.search(query, limit)

    def open_item(self, item_id: str) -> ServiceItem | None:
        """The item a resident chose, counted for the idle screen's most-asked list."""
        item = self.catalog.item(item_id)
        if item is not None:
            record_lookup(self.store, item.id)
        return item

    def count_lookup(self, item: ServiceItem) -> None:
        """Counts a resident's look at ``item`` for the most-asked list."""
        record_lookup(self.store, item.id)

    def most_asked(self, limit: int = 6) -> list[ServiceItem]:
        """Residents' own lookups first, topped up with the configured featured items."""
        catalog = self.catalog
        chosen: list[ServiceItem] = []
        for item_id in [*most_asked(self.store, limit), *self.featured]:
            item = catalog.item(item_id)
            if item is not None and item not in chosen:
                chosen.append(item)
        for item in catalog.items:
            if len(chosen) >= limit:
                break
            if item not in chosen and item.level in ("village", "township", "street"):
                chosen.append(item)
        return chosen[:limit]

    def handling_window(self, item: ServiceItem) -> QueueCategory | None:
        """The window type that handles ``item``, if the catalog names one this terminal
        has: its hours are when to ask about what the guide does not say."""
        return handling_window(item, self.windows)

    def notice(self, item: ServiceItem) -> Slip:
        return compose_notice(item, self.catalog, self.station, self.now(),
                              self.opening_hours(), self.handling_window(item))

    def print_notice(self, item: ServiceItem) -> tuple[Slip, Future[PrintOutcome]]:
        """Hands the one-time notice to the print worker and returns it with the outcome
        to come; when it is not printed (no printer, no paper) the UI shows the slip."""
        slip = self.notice(item)
        version = self.catalog.info.version

        def report(outcome: PrintOutcome) -> None:
            with self.store.transaction() as db:
                append_event(db, "guide.notice", {"item_id": item.id, "catalog_version": version,
                                                  "printed": outcome.printed}, PRIORITY_REPORT)

        return slip, self.printing.submit(slip, then=report)

    def replace_catalog(self, data: bytes, actor: str) -> Catalog:
        """Installs a newer catalog; raises CatalogError and changes nothing if it is bad."""
        previous = self.catalog.info.version
        catalog = self.library.replace(data)
        with self.store.transaction() as db:
            audit.record(db, actor, "guide.catalog_replaced", catalog.info.version,
                         {"previous": previous, "items": len(catalog.items)})
            append_event(db, "guide.catalog_replaced", {
                "version": catalog.info.version, "previous": previous,
                "items": len(catalog.items),
            })
        return catalog
