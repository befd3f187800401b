"""Writing a batch's new events, skipping any (terminal, seq) already kept.

The busiest statement of ingest. Through the ORM, each of the batch's rows became a model
instance and each of its nine values went through field preparation and array adaptation:
half a worker's time on PostgreSQL went there (cProfile, bench/center_ingest.py). On
PostgreSQL the rows go instead through COPY, in psycopg's binary protocol, into a
temporary table emptied at commit, and from there into the events with ON CONFLICT DO
NOTHING, so a seq another worker stored meanwhile is skipped as before. SQLite has no
COPY: there Django's bulk insert with INSERT OR IGNORE is already a plain statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.db import connections
from psycopg.types.json import Jsonb

from center.fleet.models import Terminal
from center.ingest.messages import EventMessage
from center.ingest.models import Event

COLUMNS = ("terminal_id", "seq", "event_id", "type", "priority", "created_at", "historical",
           "payload", "received_at")
STAGING = "ingest_event_incoming"


def insert_new_events(rows: Sequence[tuple[Terminal, EventMessage]], now: datetime,
                      using: str) -> None:
    if not rows:
        return
    if connections[using].vendor == "postgresql":
        _copy_in(rows, now, using)
        return
    Event.objects.using(using).bulk_create([
        Event(terminal=t, seq=m.seq, event_id=m.event_id, type=m.type, priority=m.priority,
              created_at=m.created_at, historical=m.historical, payload=m.payload,
              received_at=now)
        for t, m in rows], ignore_conflicts=True, batch_size=500)


def _copy_in(rows: Sequence[tuple[Terminal, EventMessage]], now: datetime, using: str) -> None:
    table = Event._meta.db_table
    columns = ", ".join(COLUMNS)
    connection = connections[using]
    # wrap_database_errors: the raw COPY's errors reach the worker as Django's, like every
    # other statement's (a payload jsonb refuses is a DataError, the worker's reject).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # One staging table per connection, emptied by every commit: the batch's
        # transaction is the only one that ever sees its rows.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} (terminal_id bigint, "
                       "seq bigint, event_id uuid, type varchar(64), priority smallint, "
                       "created_at timestamptz, historical boolean, payload jsonb, "
                       "received_at timestamptz) ON COMMIT DELETE ROWS")
        raw = cursor.cursor           # psycopg's own cursor, which speaks COPY
        with raw.copy(f"COPY {STAGING} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "uuid", "varchar", "int2", "timestamptz", "bool",
                            "jsonb", "timestamptz"])
            for terminal, m in rows:
                copy.write_row((terminal.pk, m.seq, _uuid(m.event_id), m.type, m.priority,
                                m.created_at, m.historical, Jsonb(m.payload), now))
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGING} "
                       "ON CONFLICT DO NOTHING")
        # Emptied now as well: the one-message-at-a-time fallback stores several times in
        # one transaction.
        cursor.execute(f"DELETE FROM {STAGING}")


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
