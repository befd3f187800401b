"""The topic tree, in one place (documented in docs/mqtt.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

# What a topic level may hold without escaping: MQTT reserves "/", "+", "#" (and "$" at
# the start); percent-escaping everything else keeps levels unambiguous and reversible.
_SAFE_LEVEL = re.compile(r"[A-Za-z0-9._-]+")


def topic_level(text: str) -> str:
    """``text`` as one topic level: as it is if plain, else percent-encoded (UTF-8)."""
    return text if _SAFE_LEVEL.fullmatch(text) else quote(text, safe="")


@dataclass(frozen=True)
class Topics:
    prefix: str
    district: str
    terminal: str

    @property
    def root(self) -> str:
        return f"{self.prefix}/{self.district}/{self.terminal}"

    @property
    def state(self) -> str:
        return f"{self.root}/state"

    @property
    def heartbeat(self) -> str:
        return f"{self.root}/heartbeat"

    @property
    def commands(self) -> str:
        return f"{self.root}/cmd"

    def event(self, event_type: str) -> str:
        return f"{self.root}/evt/{topic_level(event_type)}"

    def alarm(self, kind: str, subject: str) -> str:
        return f"{self.root}/alarm/{topic_level(kind)}/{topic_level(subject)}"
