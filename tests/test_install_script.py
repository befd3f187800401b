"""`make` installs Debian packages as root, and otherwise prints the exact command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "ensure-debian-packages"


def as_unprivileged(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]


def test_nothing_to_do_when_everything_is_installed():
    result = subprocess.run(as_unprivileged([str(SCRIPT), "dpkg"]), capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0
    assert result.stdout == ""


def test_without_root_it_prints_the_apt_get_line_and_stops():
    result = subprocess.run(as_unprivileged([str(SCRIPT), "dpkg", "kiosk-no-such-package"]),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert ("sudo apt-get update && sudo apt-get install -y --no-install-recommends "
            "kiosk-no-such-package") in result.stdout
    assert " dpkg" not in result.stdout.split("install-recommends", 1)[1]
