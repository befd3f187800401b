"""The databases the workers write to: SQLite and a private PostgreSQL cluster, and a bare
INSERT as the database's own floor."""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg.types.json import Jsonb

from center.fleet_simulator.terminal import Outgoing
from center_ingest_rig.common import BATCH, BATCH_WAIT_MS, REPO, Rate

if TYPE_CHECKING:
    from tests.fixtures.postgres import PostgresCluster

class Database:
    """A fresh, migrated center database per measurement, and its event count."""

    name: str

    @property
    def env(self) -> dict[str, str]:
        """The center's settings (docs/center.md) that reach the current database."""
        raise NotImplementedError

    def fresh(self) -> None:
        raise NotImplementedError

    def query(self, sql: str) -> int:
        raise NotImplementedError

    def stored(self) -> int:
        return self.query("SELECT count(*) FROM ingest_event")


class SqliteDatabase(Database):
    name = "SQLite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.template = directory / "template.sqlite3"
        self.runs = 0
        self.current = self.template
        migrate(self.env)

    @property
    def env(self) -> dict[str, str]:
        return {"CENTER_DB": "sqlite", "CENTER_DB_NAME": str(self.current)}

    def fresh(self) -> None:
        self.runs += 1
        self.current = self.directory / f"run-{self.runs}.sqlite3"
        with sqlite3.connect(self.template) as source, sqlite3.connect(self.current) as target:
            source.backup(target)

    def query(self, sql: str) -> int:
        with sqlite3.connect(self.current, timeout=30) as db:
            return int(db.execute(sql).fetchone()[0])


class PostgresCenter(Database):
    name = "PostgreSQL"

    def __init__(self, cluster: PostgresCluster) -> None:
        self.cluster = cluster
        self.template = cluster.create_database("center")
        self.current = self.template
        self.runs = 0
        with psycopg.connect(cluster.dsn, autocommit=True) as admin:
            # The test cluster trades durability for speed; production does not.
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                admin.execute(f"ALTER SYSTEM SET {setting} = on")
            admin.execute("SELECT pg_reload_conf()")
        migrate(self.env)

    @property
    def env(self) -> dict[str, str]:
        c = self.current
        return {"CENTER_DB": "postgresql", "CENTER_DB_NAME": c.dbname, "CENTER_DB_USER": c.user,
                "CENTER_DB_PASSWORD": c.password, "CENTER_DB_HOST": c.host,
                "CENTER_DB_PORT": str(c.port)}

    def fresh(self) -> None:
        """A copy of the migrated template (CREATE DATABASE ... TEMPLATE: a file copy)."""
        self.runs += 1
        self.current = dataclasses.replace(self.template, dbname=f"run_{self.runs}")
        with psycopg.connect(self.cluster.dsn, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {self.current.dbname} TEMPLATE "
                          f"{self.template.dbname} OWNER {self.template.user}")

    def query(self, sql: str) -> int:
        with psycopg.connect(self.current.dsn, autocommit=True) as db:
            row = db.execute(sql).fetchone()
            return int(row[0]) if row else 0


def center_env(database: Database, port: int, batch: int = BATCH) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "center.settings",
            "CENTER_INGEST_BATCH": str(batch), "CENTER_INGEST_BATCH_WAIT_MS": str(BATCH_WAIT_MS),
            # Production settings: DEBUG would keep every query in memory.
            "CENTER_DEBUG": "false", "CENTER_SECRET_KEY": secrets.token_urlsafe(32),
            "CENTER_MQTT_HOST": "127.0.0.1", "CENTER_MQTT_PORT": str(port),
            "CENTER_MQTT_SESSION_EXPIRY_S": "3600", "CENTER_LOG_LEVEL": "WARNING",
            **database.env}


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=REPO,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "center.settings",
                        "CENTER_LOG_LEVEL": "WARNING", **env}, check=True)


# -- the consumers -----------------------------------------------------------------------


def bare_insert_rate(postgres: PostgresCenter, stream: list[tuple[int, Outgoing]]) -> Rate:
    """The database alone: the same events parsed and written in batches of BATCH, each one
    INSERT ... ON CONFLICT DO NOTHING (psycopg's pipelined executemany) and a commit; no
    ORM, no MQTT, no completeness."""
    postgres.fresh()
    parsed = [(m.topic.split("/")[2:4], m.payload) for _, m in stream]
    with psycopg.connect(postgres.current.dsn) as db:
        terminal_ids = {}
        for district, terminal in sorted({tuple(key) for key, _ in parsed}):
            terminal_ids[(district, terminal)] = db.execute(
                "INSERT INTO fleet_terminal (district, terminal_id, online, version, heartbeat,"
                " catalog_version, rating_key, complete_upto, highest_seq, rejects,"
                " seq_conflicts) VALUES (%s, %s, false, '', '{}', '', '', 0, 0, 0, 0)"
                " RETURNING id",
                (district, terminal)).fetchone()[0]  # type: ignore[index]
        db.commit()
        began = time.monotonic()
        for start in range(0, len(parsed), BATCH):
            now = datetime.now(UTC)
            rows = []
            for (district, terminal), payload in parsed[start:start + BATCH]:
                body = json.loads(payload)
                rows.append((terminal_ids[(district, terminal)], body["seq"], body["id"],
                             body["type"], body["priority"], body["createdAt"],
                             body["historical"], Jsonb(body["payload"]), now))
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO ingest_event (terminal_id, seq, event_id, type, priority, "
                    "created_at, historical, payload, received_at) VALUES (%s, %s, %s, %s, %s, "
                    "%s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)
            db.commit()
        return Rate(len(parsed), time.monotonic() - began)
