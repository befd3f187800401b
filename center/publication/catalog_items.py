"""The service items a rating names (its `item`, the catalog's own id), as residents and
the province know them: the name (事项名称) and the official matter code (事项编码) from the
district's current catalog, else the catalog the terminals ship with."""

from __future__ import annotations

from dataclasses import dataclass

from center.catalog.versions import SHIPPED_CATALOG, current_version, kept_document
from contract.catalog import CatalogDocument, parse_catalog_document

_shipped: CatalogDocument | None = None


@dataclass(frozen=True)
class KnownItem:
    name: str
    code: str                       # empty when the catalog gives none


def catalog_items(district: str, using: str = "default") -> dict[str, KnownItem]:
    version = current_version(district, using)
    document = kept_document(version) if version is not None else _shipped_document()
    return {item.id: KnownItem(item.name, item.code) for item in document.items}


def _shipped_document() -> CatalogDocument:
    global _shipped
    if _shipped is None:
        _shipped = parse_catalog_document(SHIPPED_CATALOG.read_bytes(), str(SHIPPED_CATALOG))
    return _shipped
