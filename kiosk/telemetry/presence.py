"""Birth and death of the terminal on the broker, and the online flag the UI shows.

The state topic is retained: a birth ({"online": true}) on every connect, and the MQTT
Will ({"online": false}) that the broker publishes when the terminal vanishes. Both carry
bdSeq, which grows with every connection, so the center can tell a stale death (one
that arrives after the next birth) from a real one, as Sparkplug does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from contract.topics import Topics
from kiosk import __version__
from kiosk.config.schema import MqttConfig
from kiosk.telemetry.link import BrokerLink, Session

STATE_SCHEMA = 1


class PresenceLink:
    def __init__(
        self,
        config: MqttConfig,
        topics: Topics,
        client_id: str,
        next_birth_sequence: Callable[[], int],
        on_online: Callable[[bool], None],
        link: BrokerLink | None = None,
        rating_key: str | None = None,
    ) -> None:
        """Without ``link`` it makes its own (presence alone, as in its tests).
        ``rating_key`` is the public key of the terminal's rating tokens (base64), which
        every birth carries as `ratingKey`."""
        self._topics = topics
        self._rating_key = rating_key
        self._next_birth_sequence = next_birth_sequence
        self._on_online = on_online
        self._bd_seq = 0
        self._started_at = time.time()
        self._owns_link = link is None
        self.link = link or BrokerLink(config, client_id)
        self.client = self.link.client
        self.link.before_connect(self._arm_will)
        self.link.on_session_start(self._connected)
        self.link.on_session_end(self._disconnected)

    @property
    def bd_seq(self) -> int:
        """The birth/death sequence of the current (or next) connection."""
        return self._bd_seq

    def start(self) -> None:
        if self._owns_link:
            self.link.start()

    def stop(self) -> None:
        """A clean shutdown publishes the death itself, since the broker will not."""
        if self.link.session is not None:
            self.link.publish_and_wait(self._topics.state, self._state(False), retain=True)
        if self._owns_link:
            self.link.stop()

    def publish_birth(self) -> None:
        """The birth again, with the same bdSeq (the center's rebirth request)."""
        self.link.publish(self._topics.state, self._state(True), retain=True)

    def _arm_will(self) -> None:
        self._bd_seq = self._next_birth_sequence()
        self.client.will_set(self._topics.state, self._state(False), qos=1, retain=True)

    def _state(self, online: bool) -> str:
        payload: dict[str, Any] = {
            "schema": STATE_SCHEMA,
            "online": online,
            "bdSeq": self._bd_seq,
            "ts": int(time.time() * 1000),
        }
        if online:
            payload["version"] = __version__
            payload["startedAt"] = int(self._started_at * 1000)
            if self._rating_key:
                payload["ratingKey"] = self._rating_key
        return json.dumps(payload, separators=(",", ":"))

    def _connected(self, _session: Session) -> None:
        self.publish_birth()
        self._on_online(True)

    def _disconnected(self) -> None:
        self._on_online(False)
        # The next connection gets a new bdSeq, so its Will cannot be confused with this one.
        self._arm_will()
