"""The terminal's one MQTT connection to the district broker, shared by presence, the
outbox publisher, heartbeats, alarms and commands.

paho-mqtt 2 with VERSION2 callbacks and MQTT 5, a fixed client id, clean start and
session expiry 0 (the outbox, not the broker, keeps what must survive), TLS with the
terminal's client certificate, optional user name and password. `connect_async` plus
`loop_start`: the network runs on paho's own thread, and nothing the terminal does ever
waits for it.

Acknowledgements: `publish(..., on_ack=...)` calls ``on_ack(success)`` from the PUBACK
(reason code below 0x80, i.e. Success or No matching subscribers). paho calls on_publish
while holding its own message lock, and a PUBACK can arrive before `publish()` has even
returned the message id, so acknowledgements for ids not yet registered wait in
``_early`` until they are. The lock here is never held while calling into paho.
"""

from __future__ import annotations

import itertools
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk.config.schema import MqttConfig

log = logging.getLogger("kiosk.telemetry")

AckListener = Callable[[bool], None]
MessageHandler = Callable[[bytes], None]

# paho's own in-flight limit leaves room beyond the outbox window for births, heartbeats
# and alarm state, so those are never queued behind a full window of events.
INFLIGHT_RESERVE = 16


@dataclass(frozen=True)
class Session:
    """One successful connection: a number that grows with each, and when it began."""

    number: int
    started_at: float      # wall-clock seconds


class BrokerLink:
    def __init__(self, config: MqttConfig, client_id: str, inflight_window: int = 20) -> None:
        self._config = config
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        self.client.max_inflight_messages_set(inflight_window + INFLIGHT_RESERVE)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        if config.username:
            self.client.username_pw_set(config.username, config.password or None)
        if config.tls:
            self.client.tls_set(
                ca_certs=str(config.ca_file), certfile=str(config.cert_file),
                keyfile=str(config.key_file), tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_connect_fail = self._connect_failed
        self.client.on_publish = self._published
        self.client.on_message = self._message
        self._lock = threading.Lock()
        self._acks: dict[int, AckListener | None] = {}
        self._early: dict[int, bool] = {}
        self._subscriptions: dict[str, MessageHandler] = {}
        self._before_connect: list[Callable[[], None]] = []
        self._session_started: list[Callable[[Session], None]] = []
        self._session_ended: list[Callable[[], None]] = []
        self._sessions = itertools.count(1)
        self._session: Session | None = None
        self._reported_unreachable = False
        self._stopping = False

    # -- wiring (before start) -------------------------------------------------------------

    def before_connect(self, hook: Callable[[], None]) -> None:
        """Runs before the first connection attempt (presence arms its Will here)."""
        self._before_connect.append(hook)

    def on_session_start(self, listener: Callable[[Session], None]) -> None:
        """Called on paho's thread after each connection, once subscriptions are sent,
        in the order registered."""
        self._session_started.append(listener)

    def on_session_end(self, listener: Callable[[], None]) -> None:
        self._session_ended.append(listener)

    def subscribe(self, topic: str, handler: MessageHandler) -> None:
        """Subscribes at QoS 1 on every connection; ``handler`` gets each payload on
        paho's thread and must hand real work to another thread."""
        self._subscriptions[topic] = handler

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        for hook in self._before_connect:
            hook()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 0
        # connect_async never blocks: the terminal starts and works with no network.
        self.client.connect_async(
            self._config.host, self._config.port, keepalive=self._config.keepalive_s,
            clean_start=True, properties=properties,
        )
        self.client.loop_start()

    def stop(self) -> None:
        self._stopping = True
        self.client.disconnect()
        self.client.loop_stop()

    @property
    def session(self) -> Session | None:
        """The current connection, or None while disconnected."""
        return self._session

    def publish(self, topic: str, payload: bytes | str, *, retain: bool = False,
                on_ack: AckListener | None = None) -> bool:
        """Publishes at QoS 1. False if paho would not take the message; otherwise it is
        sent now, or kept by paho and sent when the link returns."""
        try:
            info = self.client.publish(topic, payload, qos=1, retain=retain)
        except (ValueError, RuntimeError) as error:
            log.warning("MQTT publish to %s refused: %s", topic, error)
            return False
        if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            return False
        with self._lock:
            early = self._early.pop(info.mid, None)
            if early is None:
                self._acks[info.mid] = on_ack
        if early is not None and on_ack is not None:
            on_ack(early)
        return True

    def publish_and_wait(self, topic: str, payload: bytes | str, *, retain: bool = False,
                         timeout_s: float = 2.0) -> bool:
        """For the clean shutdown's death only: True if acknowledged in time."""
        done = threading.Event()
        outcome: list[bool] = []

        def acknowledged(success: bool) -> None:
            outcome.append(success)
            done.set()

        if not self.publish(topic, payload, retain=retain, on_ack=acknowledged):
            return False
        return done.wait(timeout_s) and outcome == [True]

    # -- paho callbacks (paho's thread) ----------------------------------------------------

    def _connected(self, client: mqtt.Client, _userdata: Any, _flags: Any,
                   reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            log.warning("district broker refused the connection: %s", reason)
            return
        log.info("connected to the district broker %s:%s", self._config.host, self._config.port)
        self._reported_unreachable = False
        # Subscribed before anything is published, as Sparkplug subscribes before its
        # birth: a command sent in answer to the birth cannot be missed.
        for topic in self._subscriptions:
            client.subscribe(topic, qos=1)
        session = Session(next(self._sessions), time.time())
        self._session = session
        for listener in self._session_started:
            _call(listener, session)

    def _disconnected(self, _client: mqtt.Client, _userdata: Any, _flags: Any,
                      reason: Any, _properties: Any) -> None:
        if self._session is not None and self._stopping:
            log.info("disconnected from the district broker")
        elif self._session is not None:
            log.warning("lost the district broker (%s); retrying in the background", reason)
        self._session = None
        self._reported_unreachable = True
        for listener in self._session_ended:
            _call(listener)

    def _connect_failed(self, _client: mqtt.Client, _userdata: Any) -> None:
        # Logged once per outage, not once per retry.
        if not self._reported_unreachable:
            self._reported_unreachable = True
            log.warning("district broker %s:%s unreachable; working offline and retrying",
                        self._config.host, self._config.port)

    def _published(self, _client: mqtt.Client, _userdata: Any, mid: int, reason: Any,
                   _properties: Any) -> None:
        success = not reason.is_failure
        if not success:
            log.warning("the broker refused a message (%s)", reason)
        with self._lock:
            if mid not in self._acks:
                self._early[mid] = success
                return
            listener = self._acks.pop(mid)
        if listener is not None:
            _call(listener, success)

    def _message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        handler = self._subscriptions.get(message.topic)
        if handler is None:
            log.warning("MQTT message on unexpected topic %s ignored", message.topic)
            return
        _call(handler, bytes(message.payload))


def _call(listener: Callable[..., None], *args: Any) -> None:
    # An exception escaping into paho's thread would stop the network loop.
    try:
        listener(*args)
    except Exception:
        log.exception("MQTT listener failed")
