"""The status bar's words (no Kivy here, so tests can check them without a window)."""

from __future__ import annotations

from collections.abc import Callable


def link_text(tr: Callable[[str], str], online: bool) -> str:
    """Whether the district center can see this terminal (its MQTT link is up)."""
    return tr("Online") if online else tr("Offline")
