"""The heartbeat on `.../heartbeat`: retained, QoS 1, every `mqtt.heartbeat_interval_s`
while connected and right after each birth. It is the terminal's current state, not an
event: none is composed while offline (the outbox carries what happened meanwhile)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from contract.topics import Topics
from kiosk.services.heartbeat import Heartbeat
from kiosk.telemetry.link import BrokerLink

HEARTBEAT_SCHEMA = 1


class HeartbeatPublisher:
    def __init__(self, heartbeat: Heartbeat, link: BrokerLink, topics: Topics,
                 bd_seq: Callable[[], int]) -> None:
        self._heartbeat = heartbeat
        self._link = link
        self._topics = topics
        self._bd_seq = bd_seq

    def publish(self) -> None:
        if self._link.session is None:
            return
        content = {"schema": HEARTBEAT_SCHEMA, "ts": int(time.time() * 1000),
                   "bdSeq": self._bd_seq(), **self._heartbeat.compose()}
        self._link.publish(self._topics.heartbeat,
                           json.dumps(content, ensure_ascii=False, separators=(",", ":")),
                           retain=True)
