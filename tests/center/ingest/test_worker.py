"""The ingest worker against a real mosquitto: shared subscription, persistent session,
acknowledgement after commit; on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from center.fleet.models import Terminal
from center.ingest.batch import Received
from center.ingest.models import Event, WorkerState
from center.ingest.worker import BrokerSettings, IngestWorker
from kiosk.simulation.broker import LocalBroker
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


class Publisher:
    """A terminal's MQTT side, reduced to publishing what FakeTerminal composes."""

    def __init__(self, port: int) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def send(self, *messages: Received, retain: bool = False) -> None:
        for message in messages:
            self.client.publish(message.topic, message.payload, qos=1,
                                retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class RunningWorker:
    def __init__(self, name: str, port: int, using: str) -> None:
        self.worker = IngestWorker(name, BrokerSettings("127.0.0.1", port, PREFIX, 600),
                                   batch_size=50, batch_wait_s=0.02, using=using)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.worker.run, args=(self.stop_event,),
                                       name=name, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the worker did not stop"


@pytest.fixture
def publisher(broker: LocalBroker) -> Iterator[Publisher]:
    publisher = Publisher(broker.port)
    yield publisher
    publisher.close()


def wait_until(predicate, what: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stored(using: str) -> list[int]:
    return sorted(Event.objects.using(using).values_list("seq", flat=True))


def wait_subscribed(running: RunningWorker, using: str) -> None:
    wait_until(lambda: WorkerState.objects.using(using).filter(
        name=running.worker.name, connected=True).exists() and running.worker._connected,
        "the worker to connect")
    time.sleep(0.3)     # its SUBSCRIBE travels after CONNACK


def test_events_state_and_alarms_reach_the_database(broker, publisher, using):
    kiosk = FakeTerminal()
    running = RunningWorker("center-ingest-a", broker.port, using)
    try:
        wait_subscribed(running, using)
        publisher.send(kiosk.birth(4), retain=True)
        publisher.send(*(kiosk.event(seq) for seq in range(1, 41)))
        publisher.send(kiosk.alarm("door_jammed", "compartment 2"), retain=True)
        wait_until(lambda: len(stored(using)) == 40, "40 events")
        wait_until(lambda: Terminal.objects.using(using).filter(online=True).exists(),
                   "the birth")
    finally:
        running.stop()
    row = Terminal.objects.using(using).get()
    assert (row.bd_seq, row.complete_upto) == (4, 40)
    assert row.alarms.filter(active=True).count() == 1
    assert WorkerState.objects.using(using).get().connected is False   # it said it stopped


def test_a_worker_away_gets_what_was_published_meanwhile(broker, publisher, using):
    """The persistent session: the broker keeps the worker's events while it is away."""
    kiosk = FakeTerminal()
    first = RunningWorker("center-ingest-p", broker.port, using)
    wait_subscribed(first, using)
    publisher.send(*(kiosk.event(seq) for seq in range(1, 11)))
    wait_until(lambda: len(stored(using)) == 10, "the first 10 events")
    first.stop()
    publisher.send(*(kiosk.event(seq) for seq in range(11, 31)))   # nobody connected
    again = RunningWorker("center-ingest-p", broker.port, using)
    try:
        wait_until(lambda: len(stored(using)) == 30, "the 20 events sent while away")
    finally:
        again.stop()
    assert stored(using) == list(range(1, 31))


def test_two_workers_share_the_events_and_store_each_once(broker, publisher, using):
    kiosks = [FakeTerminal(f"xc-t{n}") for n in range(4)]
    workers = [RunningWorker(f"center-ingest-s{n}", broker.port, using) for n in range(2)]
    try:
        for running in workers:
            wait_subscribed(running, using)
        for seq in range(1, 51):
            publisher.send(*(kiosk.event(seq) for kiosk in kiosks))
        wait_until(lambda: Event.objects.using(using).count() == 200, "200 events")
    finally:
        for running in workers:
            running.stop()
    shares = [running.worker.totals.stored for running in workers]
    assert sum(shares) == 200, shares
    assert min(shares) > 0, f"one worker got nothing: {shares}"
    assert all(t.complete_upto == 50 for t in Terminal.objects.using(using).all())
