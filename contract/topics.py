"""The topic tree, in one place (documented in docs/mqtt.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

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


# What follows a terminal's root, and how many topic levels each part has after it.
_PARTS = {"state": 0, "heartbeat": 0, "cmd": 0, "evt": 1, "alarm": 2}
_ID = re.compile(r"[a-z0-9-]+")


class TopicError(ValueError):
    """A topic outside the tree; the message says what is wrong with it."""


@dataclass(frozen=True)
class TerminalTopic:
    """A topic of one terminal, read back: ``part`` is state, heartbeat, cmd, evt or alarm,
    and ``levels`` the decoded levels after it (the event type; the alarm kind and subject)."""

    district: str
    terminal: str
    part: str
    levels: tuple[str, ...] = ()


def parse_topic(prefix: str, topic: str) -> TerminalTopic:
    """The reader's half of ``Topics``: which terminal a topic belongs to and what it is."""
    head = prefix.rstrip("/") + "/"
    if not topic.startswith(head):
        raise TopicError(f"not under {prefix}/")
    levels = topic[len(head):].split("/")
    if len(levels) < 3:
        raise TopicError("too few levels for <district>/<terminal>/<part>")
    district, terminal, part, *rest = levels
    for name, value in (("district", district), ("terminal", terminal)):
        if not _ID.fullmatch(value):
            raise TopicError(f"{name} id {value[:40]!r} is not lower-case letters, digits "
                             "and '-'")
    if part not in _PARTS:
        raise TopicError(f"unknown part {part[:40]!r}")
    if len(rest) != _PARTS[part]:
        raise TopicError(f"{part} takes {_PARTS[part]} level(s) after it, not {len(rest)}")
    return TerminalTopic(district, terminal, part, tuple(unquote(level) for level in rest))
