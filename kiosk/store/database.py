"""Opens the terminal's SQLite database safely, or explains exactly why it cannot.

The database holds locker contents and unsent reports, so opening it must never make
things worse: a file that is not a database, is locked by another process, or was
written by newer software is left untouched and reported with the fix.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from kiosk.store.migrator import NewerSchemaError, bundled_migrations, migrate

log = logging.getLogger(__name__)

_SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0


class StoreError(Exception):
    """The database cannot be used; the message says what happened and what to do."""


class Store:
    """The one database connection, shared by the terminal's threads.

    SQLite serialises writers anyway; one connection behind a lock keeps transactions
    from different threads from interleaving on it.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection, lock_file: int) -> None:
        self.path = path
        self._connection = connection
        self._lock_file = lock_file
        self._mutex = threading.RLock()
        self._commit_listeners: list[Callable[[], None]] = []
        self.db = sqlite_utils.Database(connection)

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Called after every committed write transaction, on the committing thread and
        with the store held: keep it to setting a flag (the outbox publisher wakes on it,
        so a new event goes out at once instead of at the next poll)."""
        self._commit_listeners.append(listener)

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction: everything inside commits together or not at all."""
        with self._mutex:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            else:
                try:
                    self._connection.execute("COMMIT")
                except sqlite3.OperationalError as error:
                    self._connection.execute("ROLLBACK")
                    raise _explain(error, self.path) from error
                for listener in self._commit_listeners:
                    listener()

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        with self._mutex:
            yield self.db

    def schema_version(self) -> int:
        with self._mutex:
            row = self._connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
            return int(row[0] or 0)

    def close(self) -> None:
        with self._mutex:
            self._connection.close()
            os.close(self._lock_file)


def open_store(path: Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Store:
    """Opens (creating if needed) the database at ``path`` and brings its schema up to date.

    ``busy_timeout_s`` is how long to wait for another program's write lock."""
    path = Path(path)
    _prepare_directory(path.parent)
    lock_file = _claim(path)
    try:
        _check_existing_file(path)
        _create_private(path)
        connection = _connect(path, busy_timeout_s)
        try:
            _check_integrity(connection, path)
            applied = migrate(connection, bundled_migrations())
            # Prove we can write now, rather than at the first locker deposit.
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        except NewerSchemaError as error:
            connection.close()
            raise StoreError(
                f"{path} was written by a newer version of the kiosk software ({error}). "
                "Nothing was changed. Install the newer software, or restore a backup "
                "made by this version."
            ) from None
        except sqlite3.Error as error:
            connection.close()
            raise _explain(error, path) from error
        for migration in applied:
            log.info("database %s: applied migration %04d %s", path, migration.version,
                     migration.name)
        return Store(path, connection, lock_file)
    except BaseException:
        os.close(lock_file)
        raise


def _prepare_directory(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the database directory {directory}: {error.strerror}. "
            "Create it and give the kiosk user write access, or set store.path."
        ) from None


def _claim(path: Path) -> int:
    """Takes the per-database instance lock so two terminals never share one database."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StoreError(f"cannot create {lock_path}: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(descriptor)
        raise StoreError(
            f"{path} is in use by another kiosk process (pid {holder}). Nothing was changed. "
            "Stop the other process first (systemctl stop kiosk), or give this one its own "
            "store.path."
        ) from None
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
    return descriptor


def _check_existing_file(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} exists but is not a regular file; set store.path to a file.")
    if info.st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except PermissionError:
        raise StoreError(
            f"{path} cannot be read by this user; make the kiosk user its owner "
            f"(chown kiosk {path}) and keep its mode 0600."
        ) from None
    if header != _SQLITE_HEADER:
        raise StoreError(
            f"{path} is not an SQLite database (damaged, or the wrong file). Nothing was "
            f"changed. Move it aside (mv {path} {path}.damaged) and restore the latest backup, "
            "or start with an empty database."
        )
    if info.st_mode & 0o077:
        os.chmod(path, 0o600)
        log.warning("database %s was readable by others; mode set to 0600", path)


def _create_private(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
    log.info("database %s created", path)


def _connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    try:
        # isolation_level=None: transactions are opened explicitly by Store.transaction().
        connection = sqlite3.connect(
            path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{path}: the database refused write-ahead logging (mode {mode}).")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        return connection
    except sqlite3.Error as error:
        raise _explain(error, path) from error


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise StoreError(
            f"{path} is damaged (integrity check: {result}). Nothing was changed. Move it "
            f"aside (mv {path} {path}.damaged) and restore the latest backup."
        )


def _explain(error: sqlite3.Error, path: Path) -> StoreError:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{path} is locked by another program (another kiosk, or a sqlite3 shell left "
            "open). Nothing was changed. Close that program and start again."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError(
            f"{path} is damaged ({error}). Nothing was changed. Move it aside "
            f"(mv {path} {path}.damaged) and restore the latest backup."
        )
    if "disk is full" in text or "disk i/o" in text:
        return StoreError(
            f"cannot write {path}: {error}. Free space on the disk holding it (df -h "
            f"{path.parent}); no committed data was lost."
        )
    if "readonly" in text or "unable to open" in text:
        return StoreError(
            f"cannot open {path} for writing ({error}). Give the kiosk user write access to "
            "the file and its directory."
        )
    return StoreError(f"database {path}: {error}")


def inspect_store(path: Path) -> str:
    """Checks the database without writing to it or taking the instance lock, so it can
    run beside a live terminal. Returns a one-line summary; raises StoreError."""
    path = Path(path)
    if not path.exists():
        return f"{path} does not exist yet; it is created at the first start"
    _check_existing_file(path)
    info = path.stat()
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise _explain(error, path) from error
    try:
        _check_integrity(connection, path)
        row = connection.execute(
            "SELECT max(version) FROM schema_migrations"
        ).fetchone()
        version = int(row[0] or 0)
    except sqlite3.Error as error:
        raise _explain(error, path) from error
    finally:
        connection.close()
    known = bundled_migrations()[-1].version
    if version > known:
        raise StoreError(f"{path} has schema {version}, newer than this software ({known})")
    pending = f", {known - version} migration(s) to apply at next start" if version < known else ""
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise StoreError(f"{path} has mode {mode:04o}; it must be 0600 (chmod 600 {path})")
    return f"{path}: schema {version}{pending}, integrity ok, mode {mode:04o}"
