"""Typed row inserts.

sqlite-utils types `db[name]` as "a table or a view" and an insert's key as Any; the
services insert through `db.table(name)` and, when they need the new row's id, through
`insert_row`, so that the type checker sees a table and an int.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlite_utils


def insert_row(db: sqlite_utils.Database, table: str, row: Mapping[str, Any]) -> int:
    """Inserts one row and returns its key (the tables keyed by INTEGER PRIMARY KEY)."""
    key = db.table(table).insert(dict(row)).last_pk
    if not isinstance(key, int):
        raise TypeError(f"{table}: the insert gave the key {key!r}, not an integer id")
    return key
