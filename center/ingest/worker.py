"""An ingest worker: reads the terminals' messages from the broker and commits them in
batches, acknowledging each message to the broker only after its batch is committed.

- Events come through the shared subscription ``$share/center/<prefix>/+/+/evt/#``, so N
  workers split the stream; state, heartbeats and alarms come to every worker (retained
  messages are not given to shared subscriptions) and are applied idempotently.
- The session is persistent (clean start off, a session expiry): while a worker is away the
  broker keeps its share, and what it had received but not acknowledged is sent again.
- A database that fails leaves the batch unacknowledged: the worker keeps it, waits and
  tries again; if the worker dies meanwhile, the broker sends the messages again.
- A message from a connection that has since dropped is not acknowledged: the broker sends
  it again on the new connection, under a packet id the old one may no longer mean.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from django.db import DatabaseError, DataError, IntegrityError, close_old_connections, connections
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from center.commands.sender import send_due
from center.ingest.batch import BatchOutcome, Received, ingest_batch, reject_unstorable
from center.ingest.gap_requests import ask_for_lost_events
from center.ingest.models import WorkerState

log = logging.getLogger("center.ingest")

SHARE_GROUP = "center"
# Failures that come from a message, not from the database being away: retrying the same
# batch would fail the same way for ever.
UNSTORABLE = (DataError, IntegrityError, OverflowError, ValueError)
BEAT_EVERY_S = 5.0
SEND_EVERY_S = 0.5      # how soon a command issued on a page goes out
RETRY_FIRST_S = 0.5
RETRY_LONGEST_S = 30.0


@dataclass(frozen=True)
class Delivery:
    received: Received
    mid: int
    qos: int
    connection: int     # which connection delivered it


@dataclass(frozen=True)
class BrokerSettings:
    host: str
    port: int
    prefix: str
    session_expiry_s: int
    username: str = ""
    password: str = ""
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    keepalive_s: int = 30

    @classmethod
    def from_django(cls, mqtt_settings: dict[str, Any]) -> BrokerSettings:
        return cls(host=mqtt_settings["HOST"], port=mqtt_settings["PORT"],
                   prefix=mqtt_settings["TOPIC_PREFIX"],
                   session_expiry_s=mqtt_settings["SESSION_EXPIRY_S"],
                   username=mqtt_settings["USERNAME"], password=mqtt_settings["PASSWORD"],
                   ca_file=mqtt_settings["TLS_CA_FILE"], cert_file=mqtt_settings["TLS_CERT_FILE"],
                   key_file=mqtt_settings["TLS_KEY_FILE"])

    def subscriptions(self) -> list[tuple[str, SubscribeOptions]]:
        once = SubscribeOptions(qos=1)
        return [(f"$share/{SHARE_GROUP}/{self.prefix}/+/+/evt/#", once),
                (f"{self.prefix}/+/+/state", once),
                (f"{self.prefix}/+/+/heartbeat", once),
                (f"{self.prefix}/+/+/alarm/#", once)]


class IngestWorker:
    def __init__(self, name: str, broker: BrokerSettings, *, batch_size: int = 200,
                 batch_wait_s: float = 0.05, using: str = "default") -> None:
        self.name = name
        self.broker = broker
        self.batch_size = batch_size
        self.batch_wait_s = batch_wait_s
        self.using = using
        self.totals = BatchOutcome()
        self._inbox: queue.Queue[Delivery] = queue.Queue()
        self._connection = 0
        self._connected = False
        self._link_detail = "connecting"
        self._client = self._make_client()

    # -- the broker side (paho's network thread) -----------------------------------------

    def _make_client(self) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.name,
                             protocol=mqtt.MQTTv5, manual_ack=True)
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password or None)
        if self.broker.ca_file:
            client.tls_set(ca_certs=self.broker.ca_file,
                           certfile=self.broker.cert_file or None,
                           keyfile=self.broker.key_file or None)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any,
                    reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            self._link_detail = f"the broker refused: {reason}"
            return
        self._connection += 1
        self._connected = True
        self._link_detail = ""
        client.subscribe(self.broker.subscriptions())
        log.info("%s connected to %s:%d", self.name, self.broker.host, self.broker.port)

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any,
                       reason: Any, _properties: Any) -> None:
        self._connected = False
        self._link_detail = f"disconnected: {reason}"
        log.warning("%s lost the broker: %s", self.name, reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any,
                    message: mqtt.MQTTMessage) -> None:
        self._inbox.put(Delivery(Received(message.topic, bytes(message.payload),
                                          timezone.now()),
                                 message.mid, message.qos, self._connection))

    # -- the writer (the worker's own thread) -------------------------------------------

    def run(self, stop: threading.Event) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = self.broker.session_expiry_s
        # Unacknowledged messages the broker may hand this worker at once: several batches,
        # so a batch never waits on the broker's default (mosquitto's is 20).
        properties.ReceiveMaximum = min(65535, max(100, self.batch_size * 4))
        self._client.connect_async(self.broker.host, self.broker.port,
                                   keepalive=self.broker.keepalive_s, clean_start=False,
                                   properties=properties)
        self._client.loop_start()
        next_beat = next_send = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= next_beat:
                    self._beat()
                    next_beat = time.monotonic() + BEAT_EVERY_S
                if time.monotonic() >= next_send:
                    self._send_commands()
                    next_send = time.monotonic() + SEND_EVERY_S
                batch = self._gather()
                if batch:
                    self._commit(batch, stop)
        finally:
            self._client.disconnect()
            self._client.loop_stop()
            self._connected = False
            self._link_detail = "stopped"
            self._beat()
            connections.close_all()     # this thread's connections; nobody else closes them

    def _send_commands(self) -> None:
        if not self._connected:
            return
        try:
            ask_for_lost_events(using=self.using)
            send_due(self._publish, self.broker.prefix, using=self.using)
        except DatabaseError as error:
            log.error("%s could not read the commands due: %s", self.name, error)
            close_old_connections()

    def _publish(self, topic: str, payload: bytes, expiry_s: int) -> bool:
        """A command at QoS 1, never retained, expiring on the broker with its lifetime."""
        if not self._connected:
            return False
        properties = Properties(PacketTypes.PUBLISH)
        properties.MessageExpiryInterval = expiry_s
        info = self._client.publish(topic, payload, qos=1, retain=False, properties=properties)
        return info.rc == mqtt.MQTT_ERR_SUCCESS

    def _gather(self) -> list[Delivery]:
        try:
            first = self._inbox.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [first]
        until = time.monotonic() + self.batch_wait_s
        while len(batch) < self.batch_size:
            try:
                batch.append(self._inbox.get(timeout=max(0.0, until - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _commit(self, batch: list[Delivery], stop: threading.Event) -> None:
        wait = RETRY_FIRST_S
        while True:
            try:
                outcome = ingest_batch([d.received for d in batch], prefix=self.broker.prefix,
                                       using=self.using)
                break
            except UNSTORABLE:
                # A message the database cannot hold fails its whole batch, and would again
                # on every retry: write them one by one, keeping the one that fails a reject.
                outcome = self._one_at_a_time(batch)
                break
            except DatabaseError as error:
                # Nothing is acknowledged: the broker still holds every message of the batch.
                log.error("%s: the database refused a batch of %d (%s); trying again in "
                          "%.1f s", self.name, len(batch), error, wait)
                close_old_connections()
                if stop.wait(wait):
                    return
                wait = min(wait * 2, RETRY_LONGEST_S)
        self._add(outcome)
        current = self._connection
        for delivery in batch:
            if delivery.connection == current and delivery.qos > 0:
                self._client.ack(delivery.mid, delivery.qos)

    def _one_at_a_time(self, batch: list[Delivery]) -> BatchOutcome:
        total = BatchOutcome()
        for delivery in batch:
            try:
                outcome = ingest_batch([delivery.received], prefix=self.broker.prefix,
                                       using=self.using)
            except UNSTORABLE as error:
                reason = f"the database cannot hold it: {type(error).__name__}: {error}"
                reason = reason.splitlines()[0][:300]
                reject_unstorable(delivery.received, reason, prefix=self.broker.prefix,
                                  using=self.using)
                outcome = BatchOutcome(rejected=1, reasons=[reason])
            total.stored += outcome.stored
            total.repeats += outcome.repeats
            total.conflicts += outcome.conflicts
            total.rejected += outcome.rejected
            total.reasons += outcome.reasons
        return total

    def _add(self, outcome: BatchOutcome) -> None:
        self.totals.stored += outcome.stored
        self.totals.repeats += outcome.repeats
        self.totals.conflicts += outcome.conflicts
        self.totals.rejected += outcome.rejected
        for reason in outcome.reasons:
            log.warning("%s rejected a message: %s", self.name, reason)

    def _beat(self) -> None:
        now = timezone.now()
        try:
            state, created = WorkerState.objects.using(self.using).get_or_create(
                name=self.name, defaults={"connected": self._connected, "since": now,
                                          "beat_at": now, "detail": self._link_detail})
            if not created:
                if state.connected != self._connected:
                    state.since = now
                state.connected = self._connected
                state.beat_at = now
                state.detail = self._link_detail[:300]
                state.save(using=self.using)
        except DatabaseError as error:
            log.error("%s could not record its state: %s", self.name, error)
            close_old_connections()
