"""Holds the catalog in use and replaces it, whole or not at all.

The shipped catalog (config/catalog/services.toml) is the fallback; a catalog the
district center sends is installed under var/ so that a software update never overwrites
it and a bad download never damages the shipped one. A replacement is validated
completely, then written beside the installed file, flushed to disk and renamed over it,
and only then swapped in memory with one reference assignment: readers on other threads
see the old catalog or the new one, never half of each.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.services.guide.catalog import Catalog, CatalogError, load_catalog, parse_catalog

log = logging.getLogger(__name__)

CatalogListener = Callable[[Catalog], None]


class CatalogLibrary:
    def __init__(self, shipped: Path, installed: Path) -> None:
        self.shipped = shipped
        self.installed = installed
        self._listeners: list[CatalogListener] = []
        self._replace_lock = threading.Lock()
        self._current = self._load_at_start()

    @property
    def current(self) -> Catalog:
        return self._current

    def on_change(self, listener: CatalogListener) -> None:
        self._listeners.append(listener)

    def replace(self, data: bytes, origin: str = "replacement catalog") -> Catalog:
        """Installs ``data`` as the catalog in use. Raises CatalogError, changing nothing,
        when it does not validate or cannot be written."""
        catalog = parse_catalog(data, origin)
        with self._replace_lock:
            try:
                _write_atomically(self.installed, data)
            except OSError as error:
                raise CatalogError(f"{self.installed}: cannot install the catalog: "
                                   f"{error.strerror}; the catalog in use is unchanged"
                                   ) from error
            catalog = Catalog(info=catalog.info, sources=catalog.sources,
                              themes=catalog.themes, items=catalog.items,
                              origin=str(self.installed))
            # The index is built before the swap so the first search after it is fast.
            _ = catalog.index
            previous, self._current = self._current, catalog
        log.info("catalog %s replaced by %s (%d items)", previous.info.version,
                 catalog.info.version, len(catalog.items))
        for listener in self._listeners:
            listener(catalog)
        return catalog

    def _load_at_start(self) -> Catalog:
        if self.installed.exists():
            try:
                catalog = load_catalog(self.installed)
                _ = catalog.index
                return catalog
            except CatalogError as error:
                # The shipped catalog still serves residents; the center can send another.
                log.error("installed catalog refused, using the shipped one: %s", error)
        catalog = load_catalog(self.shipped)
        _ = catalog.index
        return catalog


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
