"""Settings Kivy reads from the environment at import time, so set before importing it."""

from __future__ import annotations

import os
from pathlib import Path


def prepare_kivy_environment(home: Path) -> None:
    """Call once, before the first `import kivy`."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")           # our CLI owns sys.argv
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")     # log through our handlers
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_HOME", str(home))        # never the user's ~/.kivy
    os.environ.setdefault("KIVY_NO_CONFIG", "1")


def display_available() -> bool:
    """A display is named and, for a local X display, its server socket exists."""
    if os.environ.get("WAYLAND_DISPLAY"):
        return True
    display = os.environ.get("DISPLAY", "")
    if not display:
        return False
    host, _, number = display.rpartition(":")
    if host and host != "unix":
        return True  # a remote display: only connecting would tell
    return Path(f"/tmp/.X11-unix/X{number.split('.')[0]}").exists()
