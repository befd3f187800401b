"""One ingest worker as production runs it, `manage.py ingest --name X`, in a process of its
own against a given database and broker, for the fault tests that kill it, stop its
database or lock it.

The process reads everything from the environment center/settings.py defines (CENTER_DB,
CENTER_DB_NAME, ..., CENTER_MQTT_PORT); nothing of the test process's settings leaks in.
Its log (stderr) and its closing totals (stdout) go to files, one pair per start, so a test
can read what it said after killing it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
MANAGE = REPO / "manage.py"
# What `manage.py ingest` writes when it stops on SIGTERM (center/ingest/management).
TOTALS = re.compile(r"stopped; (\d+) events stored, (\d+) repeats dropped, "
                    r"(\d+) conflicts, (\d+) rejected")
CONNECTED = re.compile(r" connected to 127\.0\.0\.1:\d+")


def database_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The CENTER_DB* variables that point center/settings.py at the database Django
    describes with ``settings_dict`` (a test database: connections[alias].settings_dict)."""
    engine = str(settings_dict["ENGINE"])
    if engine.endswith("sqlite3"):
        return {"CENTER_DB": "sqlite", "CENTER_DB_NAME": str(settings_dict["NAME"])}
    if engine.endswith("postgresql"):
        return {"CENTER_DB": "postgresql", "CENTER_DB_NAME": str(settings_dict["NAME"]),
                "CENTER_DB_HOST": str(settings_dict["HOST"]),
                "CENTER_DB_PORT": str(settings_dict["PORT"]),
                "CENTER_DB_USER": str(settings_dict["USER"]),
                "CENTER_DB_PASSWORD": str(settings_dict["PASSWORD"])}
    raise ValueError(f"no CENTER_DB for the engine {engine}")


def center_environment(database: Mapping[str, str], broker_port: int,
                       var_dir: Path) -> dict[str, str]:
    """This process's environment without any CENTER_*, Django or libpq variable of its own,
    plus the center's settings for ``database`` and the broker on ``broker_port``."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("CENTER_", "PG", "DJANGO_"))}
    # As production runs it: DEBUG off (no query log kept), so a secret key of its own.
    return {**inherited, **database, "DJANGO_SETTINGS_MODULE": "center.settings",
            "CENTER_DEBUG": "false", "CENTER_SECRET_KEY": secrets.token_urlsafe(32),
            "CENTER_VAR": str(var_dir), "CENTER_MQTT_HOST": "127.0.0.1",
            "CENTER_MQTT_PORT": str(broker_port), "CENTER_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1"}


def migrate(database: Mapping[str, str], var_dir: Path, timeout_s: float = 120.0) -> None:
    """`manage.py migrate` on a database the test process has no Django alias for."""
    done = subprocess.run([sys.executable, str(MANAGE), "migrate", "--no-input", "-v", "0"],
                          cwd=REPO, env=center_environment(database, 0, var_dir),
                          capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py migrate failed ({done.returncode}): {done.stderr}")


@dataclass(frozen=True)
class Totals:
    stored: int
    repeats: int
    conflicts: int
    rejected: int


class WorkerProcess:
    """`manage.py ingest --name <name>`, started again and again under the same name (so
    the broker resumes its persistent session), killed or stopped by its pid only."""

    def __init__(self, name: str, database: Mapping[str, str], broker_port: int,
                 log_dir: Path) -> None:
        self.name = name
        self.log_dir = log_dir
        self.env = center_environment(database, broker_port, log_dir)
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.alive:
            raise RuntimeError(f"{self.name} is already running")
        self.starts += 1
        with self._out_path.open("wb") as out, self._err_path.open("wb") as err:
            self._process = subprocess.Popen(
                [sys.executable, str(MANAGE), "ingest", "--name", self.name], cwd=REPO,
                env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    def wait_connected(self, timeout_s: float = 20.0) -> None:
        """Until this start's log says the worker reached the broker."""
        deadline = time.monotonic() + timeout_s
        while not CONNECTED.search(self.log()):
            if not self.alive:
                raise AssertionError(f"{self.name} exited before it connected:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} did not connect within {timeout_s} s:\n"
                                     f"{self.log()[-3000:]}")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no batch finishes, nothing more is acknowledged, no goodbye."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(10)

    def stop(self, timeout_s: float = 15.0) -> Totals:
        """SIGTERM, as systemd stops it; the totals it printed on the way out."""
        if self._process is None or not self.alive:
            raise AssertionError(f"{self.name} is not running:\n{self.log()[-3000:]}")
        self._process.terminate()
        try:
            self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} did not stop on SIGTERM within {timeout_s} s"
                                 ) from None
        found = TOTALS.search(self._out_path.read_text(errors="replace"))
        if found is None:
            raise AssertionError(f"{self.name} printed no totals; its log:\n{self.log()}")
        return Totals(*(int(n) for n in found.groups()))

    def close(self) -> None:
        """Whatever happened, no worker is left running."""
        if self.alive:
            self.kill()

    def log(self) -> str:
        """What this start wrote to stderr so far."""
        return self._err_path.read_text(errors="replace") if self._err_path.exists() else ""

    def all_logs(self) -> str:
        return "".join(path.read_text(errors="replace")
                       for path in sorted(self.log_dir.glob(f"{self.name}-*.err")))

    @property
    def _out_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self.starts:03d}.out"

    @property
    def _err_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self.starts:03d}.err"
