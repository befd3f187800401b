"""Birth and death of the terminal on the broker, and the online flag the UI shows.

The state topic is retained: a birth ({"online": true}) on every connect, and the MQTT
Will ({"online": false}) that the broker publishes when the terminal vanishes. Both carry
bdSeq, which grows with every connection, so the center can tell a stale death (one
that arrives after the next birth) from a real one, as Sparkplug does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk import __version__
from kiosk.config.schema import MqttConfig
from kiosk.telemetry.topics import Topics

log = logging.getLogger(__name__)

STATE_SCHEMA = 1


class PresenceLink:
    def __init__(
        self,
        config: MqttConfig,
        topics: Topics,
        client_id: str,
        next_birth_sequence: Callable[[], int],
        on_online: Callable[[bool], None],
    ) -> None:
        self._config = config
        self._topics = topics
        self._next_birth_sequence = next_birth_sequence
        self._on_online = on_online
        self._bd_seq = 0
        self._started_at = time.time()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_connect_fail = self._connect_failed
        self._reported_unreachable = False
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        if config.username:
            self.client.username_pw_set(config.username, config.password or None)
        if config.tls:
            self.client.tls_set(
                ca_certs=str(config.ca_file), certfile=str(config.cert_file),
                keyfile=str(config.key_file), tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )

    def start(self) -> None:
        self._arm_will()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 0
        # connect_async never blocks: the terminal starts and works with no network.
        self.client.connect_async(
            self._config.host, self._config.port, keepalive=self._config.keepalive_s,
            clean_start=True, properties=properties,
        )
        self.client.loop_start()

    def stop(self) -> None:
        """A clean shutdown publishes the death itself, since the broker will not."""
        if self.client.is_connected():
            info = self.client.publish(self._topics.state, self._state(False), qos=1, retain=True)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(timeout=2)
        self.client.disconnect()
        self.client.loop_stop()

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
        return json.dumps(payload, separators=(",", ":"))

    def _connected(self, client: mqtt.Client, _userdata: Any, _flags: Any,
                   reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            log.warning("district broker refused the connection: %s", reason)
            return
        log.info("connected to the district broker %s:%s", self._config.host, self._config.port)
        self._reported_unreachable = False
        client.publish(self._topics.state, self._state(True), qos=1, retain=True)
        self._on_online(True)

    def _disconnected(self, _client: mqtt.Client, _userdata: Any, _flags: Any,
                      reason: Any, _properties: Any) -> None:
        log.warning("lost the district broker (%s); retrying in the background", reason)
        self._reported_unreachable = True
        self._on_online(False)
        # The next connection gets a new bdSeq, so its Will cannot be confused with this one.
        self._arm_will()

    def _connect_failed(self, _client: mqtt.Client, _userdata: Any) -> None:
        # Logged once per outage, not once per retry.
        if not self._reported_unreachable:
            self._reported_unreachable = True
            log.warning("district broker %s:%s unreachable; working offline and retrying",
                        self._config.host, self._config.port)
