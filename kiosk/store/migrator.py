"""Numbered schema migrations, applied in order at start, each in one transaction."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in kiosk/store/migrations, sorted by version."""
    found = []
    for entry in resources.files("kiosk.store.migrations").iterdir():
        match = _NAME.fullmatch(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1, 2, 3... without gaps: {versions}")
    return found


class NewerSchemaError(Exception):
    def __init__(self, found: int, known: int) -> None:
        self.found, self.known = found, known
        super().__init__(f"schema version {found}, this software knows up to {known}")


def current_version(connection: sqlite3.Connection) -> int:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(connection: sqlite3.Connection, migrations: list[Migration]) -> list[Migration]:
    """Applies the migrations the database lacks; returns the ones applied."""
    have = current_version(connection)
    known = migrations[-1].version if migrations else 0
    if have > known:
        raise NewerSchemaError(have, known)
    applied = []
    for migration in migrations:
        if migration.version <= have:
            continue
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        # executescript commits any open transaction first, so the BEGIN/COMMIT pair
        # lives inside the script: the schema change and its record land together.
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n;"
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
            f"({migration.version}, '{migration.name}', '{stamp}');\n"
            "COMMIT;"
        )
        try:
            connection.executescript(script)
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        applied.append(migration)
    return applied
