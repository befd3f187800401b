"""The terminal's one SQLite database."""

from kiosk.store.database import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
