"""Waiting for something another thread or process does, with a clear failure."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], object], what: str = "", *, timeout_s: float = 5.0,
               interval_s: float = 0.01) -> None:
    """Polls ``condition`` until it is true; fails naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(interval_s)
