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
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
