"""The database: safe to open, hard to damage, and clear about what is wrong."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from kiosk.store import StoreError, open_store
from kiosk.store.database import inspect_store
from kiosk.store.migrator import bundled_migrations


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "var" / "kiosk.db"


def test_new_database_is_private_durable_and_migrated(db_path):
    store = open_store(db_path)
    try:
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        connection = store.db.conn
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.schema_version() == bundled_migrations()[-1].version
        assert {"terminal_state", "audit_log"} <= set(store.db.table_names())
        with store.transaction() as db:
            db["audit_log"].insert({"at": "now", "actor": "test", "action": "write"})
        for sidecar in (db_path.with_name("kiosk.db-wal"), db_path.with_name("kiosk.db-shm")):
            assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    finally:
        store.close()


def test_migrations_are_applied_once(db_path):
    open_store(db_path).close()
    store = open_store(db_path)
    try:
        rows = store.db.execute("SELECT version FROM schema_migrations").fetchall()
        assert rows == [(m.version,) for m in bundled_migrations()]
    finally:
        store.close()


def test_a_failed_transaction_leaves_nothing_behind(db_path):
    store = open_store(db_path)
    try:
        def write_half_then_fail() -> None:
            with store.transaction() as db:
                db["audit_log"].insert({"at": "now", "actor": "test", "action": "half"})
                raise RuntimeError("power cut")

        with pytest.raises(RuntimeError):
            write_half_then_fail()
        assert store.db["audit_log"].count == 0
    finally:
        store.close()


def test_second_terminal_on_the_same_database_is_refused(db_path):
    store = open_store(db_path)
    try:
        with pytest.raises(StoreError, match=r"in use by another kiosk process \(pid \d+\)"):
            open_store(db_path)
    finally:
        store.close()


def test_a_file_that_is_not_a_database_is_left_alone(db_path):
    db_path.parent.mkdir(parents=True)
    garbage = b"this is the locker log, not a database\n" * 100
    db_path.write_bytes(garbage)
    with pytest.raises(StoreError) as error:
        open_store(db_path)
    assert "is not an SQLite database" in str(error.value)
    assert f"mv {db_path} {db_path}.damaged" in str(error.value)
    assert db_path.read_bytes() == garbage


def test_a_damaged_database_is_left_alone(db_path):
    open_store(db_path).close()
    data = bytearray(db_path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # wreck the second page, keep the header
    db_path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        open_store(db_path)
    assert db_path.read_bytes() == bytes(data)


def test_a_database_from_newer_software_is_left_alone(db_path):
    open_store(db_path).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'later')")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="written by a newer version"):
        open_store(db_path)
    assert db_path.read_bytes() == before


def test_a_database_locked_by_another_program(db_path):
    open_store(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(db_path)!r}, isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE')\n"
         "print('locked', flush=True)\n"
         "time.sleep(30)\n"],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(StoreError, match="locked by another program"):
            open_store(db_path, busy_timeout_s=0.2)
    finally:
        holder.kill()
        holder.wait()


def test_permissions_are_tightened(db_path):
    open_store(db_path).close()
    os.chmod(db_path, 0o644)
    open_store(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_unwritable_directory_is_explained(tmp_path):
    if os.geteuid() == 0:
        target = tmp_path / "file-not-dir"
        target.write_text("x")
        with pytest.raises(StoreError, match="cannot create the database directory"):
            open_store(target / "kiosk.db")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(StoreError, match="cannot create"):
            open_store(locked / "sub" / "kiosk.db")


def test_inspection_runs_beside_a_live_terminal(db_path):
    store = open_store(db_path)
    try:
        summary = inspect_store(db_path)
        assert "integrity ok" in summary
        assert "mode 0600" in summary
    finally:
        store.close()
