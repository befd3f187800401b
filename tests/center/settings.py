"""The center's settings as its tests run them (pytest-django's DJANGO_SETTINGS_MODULE).

The terminal's tests share these pytest processes and read local time. Django moves
TIME_ZONE into the process's TZ when settings load, so here TIME_ZONE is the machine's own
zone, which leaves every other test's clock as it was."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from center.settings import *  # noqa: F403
from center.settings import DATABASES


def machine_zone() -> str:
    if os.environ.get("TZ"):
        return os.environ["TZ"].lstrip(":")
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    return "UTC"


TIME_ZONE = machine_zone()
# A file, not SQLite's shared in-memory database, whose table locks ignore busy timeouts:
# ingest workers write from their own threads while the test reads.
DATABASES["default"]["TEST"] = {
    "NAME": str(Path(tempfile.gettempdir()) / f"center-test-{os.getpid()}.sqlite3")}
# Hashing passwords slowly protects real accounts, not test ones.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Pages load their scripts and styles from the app folders, as under runserver: the tests
# run no collectstatic. (Production serves the collected, hashed copies.)
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(tempfile.gettempdir()) / "center-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
