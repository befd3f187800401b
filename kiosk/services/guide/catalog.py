"""The service catalog: what each government service item is, where and how it is handled.

The format is docs/catalog.md; its elements and every rule a catalog must meet are
contract/catalog.py, shared with the district center, which checks a catalog exactly as a
terminal will. Here the terminal builds its Catalog from a validated document: the items
with their search index and the groups residents browse by.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from contract.catalog import (
    CATALOG_ID,
    FIRST_YEAR,
    LAST_YEAR,
    LEVELS,
    PRESENT,
    VERSION,
    CatalogError,
    CatalogInfo,
    Handling,
    Level,
    ServiceItem,
    Source,
    Theme,
    parse_catalog_document,
)
from kiosk.services.guide.search import SearchDocument, SearchIndex

# The format's names, for the terminal's code that has always found them here.
__all__ = ["CATALOG_ID", "FIRST_YEAR", "LAST_YEAR", "LEVELS", "PRESENT", "VERSION", "Catalog",
           "CatalogError", "CatalogInfo", "Handling", "Level", "ServiceItem", "Source", "Theme",
           "load_catalog", "parse_catalog"]


@dataclass(frozen=True)
class Catalog:
    """One validated catalog with its search index, built once and never changed: a
    replacement is a new Catalog swapped in whole."""

    info: CatalogInfo
    sources: tuple[Source, ...]
    themes: tuple[Theme, ...]
    items: tuple[ServiceItem, ...]
    origin: str = ""
    _by_id: dict[str, ServiceItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {item.id: item for item in self.items})

    def item(self, item_id: str) -> ServiceItem | None:
        return self._by_id.get(item_id)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    @cached_property
    def index(self) -> SearchIndex:
        return SearchIndex(
            SearchDocument(id=item.id, name=item.name, keywords=item.keywords,
                           context=tuple(c for c in (item.department, item.implementing_body)
                                         if c))
            for item in self.items
        )

    def search(self, query: str, limit: int = 30) -> list[ServiceItem]:
        return [self._by_id[hit.id] for hit in self.index.search(query, limit)]

    def owners(self) -> list[tuple[str, int]]:
        """Departments (or implementing bodies) with their item counts, largest first."""
        return _counted(item.owner for item in self.items if item.owner)

    def levels(self) -> list[tuple[Level, int]]:
        counts = _counted(item.level for item in self.items)
        return sorted(counts, key=lambda pair: LEVELS.index(pair[0]))

    def items_of_owner(self, owner: str) -> list[ServiceItem]:
        return [item for item in self.items if item.owner == owner]

    def items_at_level(self, level: str) -> list[ServiceItem]:
        return [item for item in self.items if item.level == level]

    def items_in_theme(self, theme_id: str) -> list[ServiceItem]:
        return [item for item in self.items if theme_id in item.themes]


_Counted = TypeVar("_Counted", bound=Hashable)


def _counted(values: Iterable[_Counted]) -> list[tuple[_Counted, int]]:
    counts: dict[_Counted, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda pair: -pair[1])


def load_catalog(path: Path) -> Catalog:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"{path}: cannot read the catalog: {error.strerror}") from error
    return parse_catalog(data, str(path))


def parse_catalog(data: bytes, origin: str) -> Catalog:
    """Parses and validates a whole catalog; raises CatalogError naming what is wrong."""
    document = parse_catalog_document(data, origin)
    return Catalog(info=document.info, sources=document.sources, themes=document.themes,
                   items=document.items, origin=origin)
