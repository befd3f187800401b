"""A district center for tests, built from docs/mqtt.md and nothing else: it subscribes to
the fleet's topic tree, reads births, deaths, heartbeats, events and retained alarms as
the contract describes them, drops repeated events by id, and sends commands."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

PREFIX = "kiosk/v1"


@dataclass(frozen=True)
class Message:
    topic: str
    payload: bytes
    retain: bool
    at: float

    @property
    def kind(self) -> str:
        """state, heartbeat, evt, alarm or cmd: the level after <district>/<terminal>."""
        return self.topic.split("/")[4]

    def json(self) -> Any:
        return json.loads(self.payload)


class Center:
    def __init__(self, port: int, *, durable: bool = False, client_id: str = "test-center",
                 tls: tuple[Path, Path, Path] | None = None) -> None:
        """``durable``: a persistent session, as docs/mqtt.md advises a center to use, so
        the broker queues what terminals publish while the center is away. ``tls``: CA,
        certificate and key of the center's client certificate."""
        self.messages: list[Message] = []
        self._changed = threading.Condition()
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                   protocol=mqtt.MQTTv5)
        if tls is not None:
            ca, cert, key = tls
            self._client.tls_set(ca_certs=str(ca), certfile=str(cert), keyfile=str(key),
                                 tls_version=ssl.PROTOCOL_TLS_CLIENT)
        subscribed = threading.Event()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600 if durable else 0

        def connected(client: mqtt.Client, _u: Any, flags: Any, reason: Any, _p: Any) -> None:
            if not (durable and flags.session_present):
                client.subscribe(f"{PREFIX}/#", qos=1)
            else:
                subscribed.set()

        self._client.on_connect = connected
        self._client.on_subscribe = lambda *_: subscribed.set()
        self._client.on_message = self._message
        self._client.reconnect_delay_set(min_delay=1, max_delay=2)
        self._client.connect("127.0.0.1", port, clean_start=not durable, properties=properties)
        self._client.loop_start()
        if not subscribed.wait(10):
            raise TimeoutError("the test center could not subscribe")

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def _message(self, _client: Any, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._changed:
            self.messages.append(Message(message.topic, bytes(message.payload), message.retain,
                                         time.monotonic()))
            self._changed.notify_all()

    # -- commands ------------------------------------------------------------------------

    def send(self, district: str, terminal: str, payload: bytes) -> None:
        self._client.publish(f"{PREFIX}/{district}/{terminal}/cmd", payload, qos=1)

    # -- reading ---------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[Message], bool], timeout_s: float = 15.0,
                 after: int = 0, what: str = "message") -> Message:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for message in self.messages[after:]:
                    try:
                        if predicate(message):
                            return message
                    except (ValueError, KeyError, IndexError, TypeError):
                        continue
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(m.topic, m.payload[:100]) for m in self.messages[-15:]]
                    raise AssertionError(f"no {what} within {timeout_s} s; last seen: {seen}")
                self._changed.wait(left)

    def wait_until(self, condition: Callable[[], bool], timeout_s: float = 30.0,
                   what: str = "condition") -> None:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}")
                self._changed.wait(min(left, 0.5))

    def event(self, event_type: str, match: Callable[[dict[str, Any]], bool] = lambda e: True,
              timeout_s: float = 15.0, after: int = 0) -> dict[str, Any]:
        """The first event of ``event_type`` whose envelope satisfies ``match``."""
        message = self.wait_for(lambda m: m.kind == "evt" and m.json()["type"] == event_type
                                and match(m.json()), timeout_s, after, f"{event_type} event")
        return message.json()

    def events(self) -> list[dict[str, Any]]:
        """Every event once, in the order first received (repeats dropped by id)."""
        with self._changed:
            messages = list(self.messages)
        seen: set[str] = set()
        events = []
        for message in messages:
            if message.kind != "evt":
                continue
            event = message.json()
            if event["id"] not in seen:
                seen.add(event["id"])
                events.append(event)
        return events

    def event_deliveries(self) -> int:
        with self._changed:
            return sum(1 for m in self.messages if m.kind == "evt")

    def command_result(self, command_id: str, timeout_s: float = 15.0) -> dict[str, Any]:
        return self.event("command.result", lambda e: e["payload"]["command"] == command_id,
                          timeout_s)["payload"]
