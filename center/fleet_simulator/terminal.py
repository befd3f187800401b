"""One simulated terminal's MQTT side, composed as docs/mqtt.md says a terminal does: the
outbox (seq in commit order, drained by priority class then seq, ``historical`` for what
waited for a connection), births and deaths with ``bdSeq``, heartbeats, and the retained
alarm topics (published on raising, emptied on clearing, the difference sent again on
every connection).

Several terminals may share one MQTT connection (fleet.py), so a death cannot be a Will:
when a terminal's link drops, its death is published explicitly, when a broker would
publish the Will (1.5 keep-alives later) or at the next connection if that comes first,
with the Will's ``ts`` (the connection's time, not the death's)."""

from __future__ import annotations

import heapq
import json
import random
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from center.fleet_simulator.hours import iso_utc_ms, ms
from contract.topics import Topics

PRIORITY_BUSINESS = 10
PRIORITY_ALARM = 20
PRIORITY_REPORT = 50
KEEPALIVE_S = 30
WILL_AFTER_S = 1.5 * KEEPALIVE_S
VERSION = "0.1.0"

Sections = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Outgoing:
    """One MQTT publication, QoS 1. ``seq`` is the event's, None for state and alarms."""

    topic: str
    payload: bytes
    retain: bool
    seq: int | None = None


class Waiting(NamedTuple):
    """An outbox row; ordered as the terminal drains: priority class, then seq."""

    priority: int
    seq: int
    type: str
    id: str
    created_at: float
    created_iso: str
    payload_json: str


class SimTerminal:
    def __init__(self, topics: Topics, rng: random.Random, now: float,
                 sections: Sections | None = None) -> None:
        self.topics = topics
        self._rng = rng
        # bdSeq survives restarts: a terminal in service has connected many times before.
        self.bd_seq = rng.randint(1, 40)
        self.started_at = now - rng.uniform(600, 7 * 86400)
        self.sections: Sections = sections or dict
        self.seq = 0
        self.connected_since: float | None = None
        self._outbox: list[Waiting] = []
        self._control: deque[Outgoing] = deque()
        self._standing: dict[tuple[str, str], dict[str, Any]] = {}
        self._held: set[tuple[str, str]] = set()    # alarm topics the broker holds
        self._will: Outgoing | None = None

    # -- the outbox ---------------------------------------------------------------------

    def record(self, event_type: str, payload: dict[str, Any], priority: int,
               at: float) -> int:
        """An event committed at ``at``; returns its seq."""
        self.seq += 1
        heapq.heappush(self._outbox, Waiting(
            priority, self.seq, event_type, self.new_id(), at, iso_utc_ms(at),
            json.dumps(payload, ensure_ascii=False, sort_keys=True)))
        return self.seq

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    @property
    def unsent(self) -> int:
        return len(self._outbox)

    @property
    def connected(self) -> bool:
        return self.connected_since is not None

    @property
    def has_output(self) -> bool:
        return bool(self._control) or (self.connected and bool(self._outbox))

    def take(self, limit: int) -> list[Outgoing]:
        """What goes on the wire next: state and alarm messages first, then waiting events
        in drain order (only while connected)."""
        out: list[Outgoing] = []
        while self._control and len(out) < limit:
            out.append(self._control.popleft())
        since = self.connected_since
        while since is not None and self._outbox and len(out) < limit:
            row = heapq.heappop(self._outbox)
            out.append(Outgoing(self.topics.event(row.type),
                                event_message(row, historical=row.created_at < since),
                                False, row.seq))
        return out

    # -- presence -----------------------------------------------------------------------

    def connect(self, at: float) -> None:
        """A new connection: the old one's death if the broker has not published it yet
        (a take-over publishes it), then birth, heartbeat and the alarms the broker lacks."""
        self.publish_will()
        self.bd_seq += 1
        self.connected_since = at
        self._state({"schema": 1, "online": True, "bdSeq": self.bd_seq, "ts": ms(at),
                     "version": VERSION, "startedAt": ms(self.started_at)})
        self.heartbeat(at)
        self._send_alarm_difference()

    def lose_link(self) -> None:
        """The link dropped without a goodbye; the broker will publish the Will."""
        if self.connected_since is None:
            return
        self._will = self._state_message({"schema": 1, "online": False, "bdSeq": self.bd_seq,
                                          "ts": ms(self.connected_since)})
        self.connected_since = None

    def publish_will(self, bd_seq: int | None = None) -> None:
        """The broker publishes the Will of the connection that dropped (``bd_seq``, when
        given, says which: a later connection's Will is not yet due)."""
        if self._will is not None and bd_seq in (None, self.bd_seq):
            self._control.append(self._will)
            self._will = None

    def shut_down(self, at: float) -> None:
        """A clean stop: the terminal publishes its death itself."""
        if self.connected_since is not None:
            self._state({"schema": 1, "online": False, "bdSeq": self.bd_seq, "ts": ms(at)})
            self.connected_since = None

    def heartbeat(self, at: float) -> None:
        if self.connected_since is None:
            return          # a heartbeat is a statement about now: none while offline
        oldest = min((row.created_at for row in self._outbox), default=None)
        body = {"schema": 1, "ts": ms(at), "bdSeq": self.bd_seq, "version": VERSION,
                "uptimeS": int(at - self.started_at), **self.sections(),
                "outbox": {"unsent": len(self._outbox),
                           "oldestUnsentAt": None if oldest is None else iso_utc_ms(oldest)},
                "alarms": len(self._standing)}
        self._control.append(Outgoing(self.topics.heartbeat, _json(body), True))

    # -- alarms -------------------------------------------------------------------------

    def raise_alarm(self, kind: str, subject: str, detail: dict[str, Any], at: float) -> bool:
        key = (kind, subject)
        if key in self._standing:
            return False    # at most one alarm of a kind per subject
        self._standing[key] = {"schema": 1, "active": True, "kind": kind, "subject": subject,
                               "raisedAt": iso_utc_ms(at), "detail": detail}
        self.record("alarm.raised", {"kind": kind, "subject": subject, "at": iso_utc_ms(at),
                                     "detail": detail}, PRIORITY_ALARM, at)
        self._send_alarm_difference()
        return True

    def clear_alarm(self, kind: str, subject: str, at: float) -> bool:
        if self._standing.pop((kind, subject), None) is None:
            return False
        self.record("alarm.cleared", {"kind": kind, "subject": subject, "at": iso_utc_ms(at)},
                    PRIORITY_ALARM, at)
        self._send_alarm_difference()
        return True

    def is_standing(self, kind: str, subject: str) -> bool:
        return (kind, subject) in self._standing

    def _send_alarm_difference(self) -> None:
        """The terminal's alarms table is the truth; the broker is told the difference."""
        if self.connected_since is None:
            return
        for key in sorted(self._standing.keys() - self._held):
            self._control.append(Outgoing(self.topics.alarm(*key), _json(self._standing[key]),
                                          True))
            self._held.add(key)
        for key in sorted(self._held - self._standing.keys()):
            self._control.append(Outgoing(self.topics.alarm(*key), b"", True))
            self._held.discard(key)

    def _state(self, body: dict[str, Any]) -> None:
        self._control.append(self._state_message(body))

    def _state_message(self, body: dict[str, Any]) -> Outgoing:
        return Outgoing(self.topics.state, _json(body), True)


def event_message(row: Waiting, historical: bool) -> bytes:
    """The event envelope of docs/mqtt.md, with the stored payload text inserted as is."""
    return (f'{{"schema":1,"id":"{row.id}","seq":{row.seq},'
            f'"type":{json.dumps(row.type)},"priority":{row.priority},'
            f'"createdAt":"{row.created_iso}",'
            f'"historical":{"true" if historical else "false"},'
            f'"payload":{row.payload_json}}}').encode()


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
