"""Active alarms as retained messages, one topic per alarm: `.../alarm/<kind>/<subject>`.

The broker holds a retained message for each alarm while it is active, so a center that
connects at any time sees exactly the alarms standing now. A cleared alarm's topic gets an
empty retained message, which the broker takes as "delete the retained message" and
passes on to subscribers connected at the time (docs/mqtt.md).

The alarms table is the truth; `alarm_topics` records what the broker acknowledged holding.
Each sync publishes the difference, so alarms raised or cleared while the link was down
(or before a restart) reach the broker once it is back. The alarm.raised and
alarm.cleared events carry the history in the event stream besides.
"""

from __future__ import annotations

import json
import threading
import time

from contract.topics import Topics
from kiosk.services.alarms import active_alarms
from kiosk.services.outbox import now_iso
from kiosk.store import Store
from kiosk.telemetry.link import BrokerLink

ALARM_SCHEMA = 1
# A topic waits this long for its PUBACK before it may be published again, and a topic
# the broker refused is left alone this long (the refusal is logged, not repeated every
# second).
ANSWER_WAIT_S = 60.0


class RetainedAlarms:
    def __init__(self, store: Store, link: BrokerLink, topics: Topics) -> None:
        self._store = store
        self._link = link
        self._topics = topics
        self._lock = threading.Lock()
        self._waiting: dict[str, float] = {}     # topic -> until when it is left alone
        self._confirmed: list[tuple[str, str | None]] = []   # (topic, payload or None)
        self._force = False

    def republish_all(self) -> None:
        """At the next sync every active alarm is published again (a rebirth)."""
        self._force = True

    def sync(self) -> None:
        """Records what the broker acknowledged, then publishes what differs."""
        self._record_confirmed()
        if self._link.session is None:
            return
        with self._store.reading() as db:
            wanted = {self._topics.alarm(a.kind, a.subject): _payload(a.kind, a.subject,
                                                                        a.raised_at, a.detail)
                      for a in active_alarms(db)}
            held = dict(db.execute("SELECT topic, payload FROM alarm_topics").fetchall())
        force, self._force = self._force, False
        for topic, payload in wanted.items():
            if force or held.get(topic) != payload:
                self._publish(topic, payload)
        for topic in held.keys() - wanted.keys():
            self._publish(topic, None)

    def _publish(self, topic: str, payload: str | None) -> None:
        now = time.monotonic()
        with self._lock:
            if self._waiting.get(topic, 0.0) > now:
                return
            self._waiting[topic] = now + ANSWER_WAIT_S

        def acknowledged(success: bool) -> None:
            with self._lock:
                if success:
                    self._waiting.pop(topic, None)
                    self._confirmed.append((topic, payload))
                else:
                    self._waiting[topic] = time.monotonic() + ANSWER_WAIT_S

        if not self._link.publish(topic, payload or b"", retain=True, on_ack=acknowledged):
            with self._lock:
                self._waiting.pop(topic, None)

    def _record_confirmed(self) -> None:
        with self._lock:
            confirmed, self._confirmed = self._confirmed, []
        if not confirmed:
            return
        with self._store.transaction() as db:
            for topic, payload in confirmed:
                if payload is None:
                    db.execute("DELETE FROM alarm_topics WHERE topic = ?", [topic])
                else:
                    db.execute(
                        "INSERT INTO alarm_topics (topic, payload, published_at) VALUES "
                        "(?, ?, ?) ON CONFLICT (topic) DO UPDATE SET payload = excluded.payload,"
                        " published_at = excluded.published_at", [topic, payload, now_iso()])


def _payload(kind: str, subject: str, raised_at: str, detail: dict[str, object]) -> str:
    return json.dumps({"schema": ALARM_SCHEMA, "active": True, "kind": kind,
                       "subject": subject, "raisedAt": raised_at, "detail": detail},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
