"""The fleet page of a district of 2,000 terminals: the server's time per request beside the
floor measured in the same run (docs/center.md "Scale").

A district is built on SQLite and on PostgreSQL (a private cluster with fsync on, as in
production): 2,000 terminals at 500 stations, each with its latest heartbeat; some offline,
some silent, a few never seen; standing alarms on one in ten, open gaps on one in twenty,
a call for help waiting on one in a hundred; a working day of events per terminal (and a
terminal with twenty thousand), seven days of heartbeat samples on a hundred.

Each page is asked for through Django's test client with production settings (DEBUG off;
sessions saved on every request, as configured), signed in as a district administrator and
as a station manager, as the browser asks for it and as htmx's refresh every five seconds
asks for the table alone, and with filters: REQUESTS requests each, after two to warm up,
p50/p95/max and the SQL statements one request runs.

Beside it, the floor: the bare SQL fetch of every terminal row the page shows (one SELECT,
no ORM, the heartbeat as text), the template rendering alone of the rows (one page, and the
whole fleet on one page), and the view's reading alone. Goal: p95 at most 200 ms.

Then the terminal page's event timeline, for the terminal with twenty thousand events: the
page, and its htmx partial at the newest events and deep in the history (paged by seq).

Each database is measured in a process of its own (Django reads its settings once).
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TERMINALS = 2_000
REQUESTS = 200


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--terminals", type=int, default=TERMINALS)
    options.add_argument("--requests", type=int, default=REQUESTS,
                         help="requests per measured page")
    options.add_argument("--only", choices=("sqlite", "postgresql"),
                         help="measure on one database only")
    options.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = options.parse_args()
    sys.stdout.reconfigure(line_buffering=True)     # type: ignore[union-attr]
    sys.path.insert(0, str(REPO))
    if args.child:
        from center_fleet_page_rig.run import measure_here

        return measure_here(args.terminals, args.requests)
    began = time.monotonic()
    from tests.fixtures.postgres import PostgresCluster, find_bindir

    with tempfile.TemporaryDirectory(prefix="bench-fleet-page-") as directory:
        if args.only != "postgresql":
            child(args, {"CENTER_DB": "sqlite",
                         "CENTER_DB_NAME": str(Path(directory) / "center.sqlite3")},
                  Path(directory))
        if args.only != "sqlite":
            bindir = find_bindir()
            if bindir is None:
                print("PostgreSQL's server programs are missing: apt-get install postgresql")
                return 1
            cluster = PostgresCluster(bindir)
            cluster.start()
            try:
                child(args, postgres_env(cluster), Path(directory))
            finally:
                cluster.stop()
    print(f"benchmark run time {time.monotonic() - began:.0f} s")
    return 0


def postgres_env(cluster: object) -> dict[str, str]:
    import psycopg

    from tests.fixtures.postgres import PostgresCluster

    assert isinstance(cluster, PostgresCluster)
    database = cluster.create_database("center")
    with psycopg.connect(cluster.dsn, autocommit=True) as admin:
        # The test cluster trades durability for speed; production does not.
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            admin.execute(f"ALTER SYSTEM SET {setting} = on")
        admin.execute("SELECT pg_reload_conf()")
    return {"CENTER_DB": "postgresql", "CENTER_DB_NAME": database.dbname,
            "CENTER_DB_USER": database.user, "CENTER_DB_PASSWORD": database.password,
            "CENTER_DB_HOST": database.host, "CENTER_DB_PORT": str(database.port)}


def child_environment(var: Path, database: dict[str, str]) -> dict[str, str]:
    """The center's production settings on ``database``, for a measuring process."""
    (var / "static").mkdir(parents=True, exist_ok=True)
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "center.settings", "CENTER_VAR": str(var),
            "CENTER_DEBUG": "false", "CENTER_SECRET_KEY": secrets.token_urlsafe(32),
            "CENTER_ALLOWED_HOSTS": "testserver", "CENTER_LOG_LEVEL": "WARNING", **database}


def child(args: argparse.Namespace, database: dict[str, str], var: Path) -> None:
    """The measurement in a process of its own, with the center's production settings."""
    subprocess.run([sys.executable, __file__, "--child", "--terminals", str(args.terminals),
                    "--requests", str(args.requests)], env=child_environment(var, database),
                   cwd=REPO, check=True)


if __name__ == "__main__":
    sys.exit(main())
