"""What the heartbeat says, gathered from providers that features register.

Each provider owns one top-level key of the heartbeat (`devices`, `locker`, `queues`...)
and returns a JSON value for it. A feature that is not there registers nothing, and its
key is then absent: the center reads an absent key as "this terminal has no such thing",
never as zero. A provider that fails costs only its own key, never the heartbeat.

The queue feature, for instance, plugs in with::

    terminal.heartbeat.register("queues", lambda: {...})
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

HeartbeatProvider = Callable[[], Any]

# Set by the publisher itself; a provider cannot take them.
RESERVED_KEYS = frozenset({"schema", "ts", "bdSeq"})


class Heartbeat:
    def __init__(self) -> None:
        self._providers: dict[str, HeartbeatProvider] = {}
        self._lock = threading.Lock()
        self._failing: set[str] = set()

    def register(self, key: str, provider: HeartbeatProvider) -> None:
        """Makes ``provider`` the source of ``key``, replacing any earlier one."""
        if key in RESERVED_KEYS:
            raise ValueError(f"heartbeat key {key!r} is reserved")
        with self._lock:
            self._providers[key] = provider

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._providers)

    def compose(self) -> dict[str, Any]:
        """Every provider's current value, by key."""
        with self._lock:
            providers = dict(self._providers)
        content: dict[str, Any] = {}
        for key, provider in sorted(providers.items()):
            try:
                content[key] = provider()
            except Exception:
                # Logged once until it works again, not at every heartbeat.
                if key not in self._failing:
                    self._failing.add(key)
                    log.exception("heartbeat: the %r provider failed; its key is left out", key)
                continue
            self._failing.discard(key)
        return content
