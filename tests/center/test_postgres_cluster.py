"""The suite's throwaway PostgreSQL (tests/fixtures/postgres.py): it stores and returns rows,
it runs unprivileged with durability off, it asks TCP clients for their password, and it
leaves neither a process nor a directory behind."""

from __future__ import annotations

import dataclasses
import os
import pwd
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.fixtures.postgres import PostgresCluster, PostgresDatabase, require_postgres
from tests.fixtures.processes import running


def fresh_database(cluster: PostgresCluster) -> PostgresDatabase:
    # Session-wide cluster: every test takes a name of its own.
    return cluster.create_database(f"t_{secrets.token_hex(6)}")


def uid_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for process {pid}")


@pytest.fixture
def own_cluster() -> Iterator[PostgresCluster]:
    """A cluster apart from the session's, for tests that stop it or need two at once."""
    cluster = PostgresCluster(require_postgres())
    cluster.start()
    yield cluster
    cluster.stop()


def test_a_new_role_stores_rows_and_reads_them_back(postgres_cluster: PostgresCluster) -> None:
    database = fresh_database(postgres_cluster)
    with psycopg.connect(database.dsn) as connection:
        connection.execute("CREATE TABLE pickup (code text PRIMARY KEY, holder text NOT NULL)")
        connection.execute("INSERT INTO pickup VALUES (%s, %s), (%s, %s)",
                           ("B2", "李四", "A1", "张三"))
    # A second connection: the rows were committed, not just seen by their own session.
    with psycopg.connect(database.dsn) as connection:
        rows = connection.execute("SELECT code, holder FROM pickup ORDER BY code").fetchall()
    assert rows == [("A1", "张三"), ("B2", "李四")]


def test_the_role_may_create_databases_but_is_no_superuser(
        postgres_cluster: PostgresCluster) -> None:
    database = fresh_database(postgres_cluster)
    with psycopg.connect(database.dsn) as connection:
        flags = connection.execute(
            "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        owner = connection.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    assert flags == (False, True)
    assert owner == (database.user,)


def test_tcp_clients_must_give_the_password(postgres_cluster: PostgresCluster) -> None:
    database = fresh_database(postgres_cluster)
    wrong = dataclasses.replace(database, password="not-" + database.password)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong.dsn)
    superuser_guess = dataclasses.replace(postgres_cluster.superuser_database, password="x")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(superuser_guess.dsn)


def test_the_server_runs_unprivileged_on_loopback_without_durability(
        postgres_cluster: PostgresCluster) -> None:
    assert postgres_cluster.pid is not None
    server_uid = uid_of(postgres_cluster.pid)
    assert server_uid == pwd.getpwnam(postgres_cluster.os_user).pw_uid
    if os.geteuid() == 0:
        assert server_uid != 0
    else:
        assert server_uid == os.geteuid()
    with psycopg.connect(postgres_cluster.dsn) as connection:
        settings: dict[str, str] = dict(connection.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
            (["fsync", "synchronous_commit", "full_page_writes", "listen_addresses",
              "port", "server_encoding"],),
        ).fetchall())
    assert settings == {
        "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
        "listen_addresses": "127.0.0.1", "port": str(postgres_cluster.port),
        "server_encoding": "UTF8",
    }


def test_stop_ends_the_server_and_removes_its_directory(own_cluster: PostgresCluster) -> None:
    pid, base_dir = own_cluster.pid, own_cluster.base_dir
    assert pid is not None
    assert base_dir is not None
    assert running(pid)
    assert (base_dir / "data" / "PG_VERSION").exists()
    dsn = own_cluster.dsn

    own_cluster.stop()

    assert not running(pid)
    assert not base_dir.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=2)
    own_cluster.stop()  # a second stop (the fixture's) is harmless


def test_two_clusters_at_once_are_apart(postgres_cluster: PostgresCluster,
                                        own_cluster: PostgresCluster) -> None:
    assert own_cluster.port != postgres_cluster.port
    assert own_cluster.base_dir != postgres_cluster.base_dir
    with psycopg.connect(own_cluster.dsn) as connection:
        connection.execute("CREATE TABLE only_here (n int)")
    with psycopg.connect(postgres_cluster.dsn) as connection:
        seen = connection.execute("SELECT to_regclass('only_here')").fetchone()
    assert seen == (None,)
