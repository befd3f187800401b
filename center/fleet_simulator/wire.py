"""The simulator's MQTT side: a few paho connections that many terminals share.

A real terminal has its own connection; thousands of paho clients in one process would
spend the machine on threads, so terminal i publishes through connection i mod K, which
keeps each terminal's messages in order (one connection, QoS 1). Births and deaths are
therefore published explicitly (terminal.py), not as Wills. Each connection keeps at most
``window`` messages unacknowledged on the wire and ten windows handed to paho, as a
terminal's outbox publisher does (docs/mqtt.md "Bounded")."""

from __future__ import annotations

import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from center.fleet_simulator.terminal import Outgoing

HANDED_WINDOWS = 10


class _Connection:
    def __init__(self, client_id: str, window: int, username: str, password: str) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        if username:
            self.client.username_pw_set(username, password or None)
        self.client.max_inflight_messages_set(window)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.room = threading.Semaphore(window * HANDED_WINDOWS)
        self.connected = threading.Event()
        self.sent = 0
        self.acknowledged = 0
        self.refused = 0
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish

    def _on_connect(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any,
                    _properties: Any) -> None:
        if not reason.is_failure:
            self.connected.set()

    def _on_disconnect(self, *_args: Any) -> None:
        self.connected.clear()

    def _on_publish(self, _client: mqtt.Client, _userdata: Any, _mid: int, reason: Any,
                    _properties: Any) -> None:
        # Below 0x80 (Success, No matching subscribers) the broker has the message.
        if reason.is_failure:
            self.refused += 1
        self.acknowledged += 1
        self.room.release()


class Wire:
    def __init__(self, host: str, port: int, connections: int, client_prefix: str,
                 window: int = 100, username: str = "", password: str = "") -> None:
        self.host = host
        self.port = port
        self._links = [_Connection(f"{client_prefix}-{k + 1}", window, username, password)
                       for k in range(connections)]

    def start(self, timeout_s: float = 10.0) -> None:
        for link in self._links:
            link.client.connect_async(self.host, self.port, keepalive=30)
            link.client.loop_start()
        deadline = time.monotonic() + timeout_s
        for link in self._links:
            if not link.connected.wait(max(0.0, deadline - time.monotonic())):
                self.stop()
                raise ConnectionError(f"no connection to the broker at {self.host}:"
                                      f"{self.port} within {timeout_s:.0f} s")

    def send(self, terminal_index: int, message: Outgoing) -> None:
        """Publishes at QoS 1; blocks while the connection has ten windows unacknowledged."""
        link = self._links[terminal_index % len(self._links)]
        link.room.acquire()
        link.sent += 1
        link.client.publish(message.topic, message.payload, qos=1, retain=message.retain)

    @property
    def sent(self) -> int:
        return sum(link.sent for link in self._links)

    @property
    def acknowledged(self) -> int:
        return sum(link.acknowledged for link in self._links)

    @property
    def refused(self) -> int:
        return sum(link.refused for link in self._links)

    def wait_acknowledged(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while self.acknowledged < self.sent:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def stop(self) -> None:
        for link in self._links:
            link.client.disconnect()
            link.client.loop_stop()
