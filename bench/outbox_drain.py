"""How fast the outbox drains to a local mosquitto, beside raw paho publishing in the same
run, and what writing an event costs the business transaction it belongs to.

Drain: N events (the size of a real locker.deposited event with its sealed code) wait in
the outbox of a database on this disk (synchronous=FULL). The clock runs from the moment
the publisher starts until every event is acknowledged by the broker (QoS 1) *and*
marked sent in SQLite. Beside it, raw paho publishes the same N payloads at QoS 1 with
the same in-flight limit and waits for every PUBACK: no database at all.
Goal: the outbox drains at least half as fast as raw paho.

Enqueue: the cost of append_event() inside a business transaction, as p50 and p99 of the
call alone, and of a whole transaction with and without the event (a business row and an
audit line, committed with an fsync), idle and while a drain runs beside it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from contract.topics import Topics
from kiosk.config.schema import MqttConfig
from kiosk.services import audit
from kiosk.services.outbox import PRIORITY_BUSINESS, OutboxEvent, append_event
from kiosk.simulation.broker import LocalBroker
from kiosk.store import Store, open_store
from kiosk.telemetry.link import INFLIGHT_RESERVE, BrokerLink
from kiosk.telemetry.outbox_publisher import OutboxPublisher, event_message

EVENTS = 20_000
WINDOW = 100
ROUNDS = 2
ENQUEUE_SAMPLES = 1000
GOAL_RATIO = 0.5
TOPICS = Topics("kiosk/v1", "bench", "bench-01")
# A locker.deposited payload as the locker writes it (ids, times, the sealed code).
PAYLOAD = {
    "deposit": "7f0c2a8e-3a51-4bb1-9d6c-2f3e8a9b0c11", "compartment": 12,
    "case_number": "XC-2026-110-000123", "stored_at": "2026-11-22T09:30:00.000+00:00",
    "expires_at": "2026-11-29T09:30:00.000+00:00",
    "pickup": {"scheme": "x25519-hkdf-sha256-aes256gcm",
               "epk": "ndp5TjOlRYidWNIwAS17cTcY7hO2zmQaunE4tt3As1E=",
               "nonce": "q83vEjRWeJASNFZ4", "ct": "A" * 120},
}


def wait(predicate, timeout_s: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.002)


def fill(store: Store, count: int) -> None:
    with store.transaction() as db:
        for _ in range(count):
            append_event(db, "locker.deposited", PAYLOAD)


def unsent(store: Store) -> int:
    with store.reading() as db:
        return int(db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])


def drain_rate(port: int, directory: Path) -> tuple[float, int]:
    """Events per second from publisher start to the last one marked sent."""
    store = open_store(directory / "drain.db")
    try:
        fill(store, EVENTS)
        link = BrokerLink(MqttConfig(host="127.0.0.1", port=port), "bench-drain",
                          inflight_window=WINDOW)
        publisher = OutboxPublisher(store, link, TOPICS, WINDOW)
        connected = threading.Event()
        link.on_session_start(lambda _s: connected.set())
        link.start()
        if not connected.wait(10):
            raise RuntimeError("no connection to the local broker")
        started = time.monotonic()
        publisher.start()
        wait(lambda: unsent(store) == 0)
        took = time.monotonic() - started
        publisher.stop()
        link.stop()
        return EVENTS / took, publisher.max_in_flight
    finally:
        store.close()


def raw_rate(port: int, payload: bytes) -> float:
    """Raw paho, QoS 1, the same in-flight limit, every PUBACK awaited."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-raw",
                         protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(WINDOW + INFLIGHT_RESERVE)
    acked = [0]
    done = threading.Event()

    def published(*_args: object) -> None:
        acked[0] += 1
        if acked[0] == EVENTS:
            done.set()

    client.on_publish = published
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        started = time.monotonic()
        for _ in range(EVENTS):
            client.publish(TOPICS.event("locker.deposited"), payload, qos=1)
        if not done.wait(120):
            raise RuntimeError("raw paho: not every PUBACK came")
        return EVENTS / (time.monotonic() - started)
    finally:
        client.disconnect()
        client.loop_stop()


def enqueue_costs(store: Store, with_event: bool) -> tuple[list[float], list[float]]:
    """(append_event alone, whole transaction) in seconds, one sample per transaction."""
    calls, transactions = [], []
    for n in range(ENQUEUE_SAMPLES):
        began = time.perf_counter()
        with store.transaction() as db:
            audit.record(db, "staff-1", "bench.business_change", str(n))
            if with_event:
                before = time.perf_counter()
                append_event(db, "locker.deposited", PAYLOAD, PRIORITY_BUSINESS)
                calls.append(time.perf_counter() - before)
        transactions.append(time.perf_counter() - began)
    return calls, transactions


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else \
        max(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> int:
    sample = OutboxEvent("7f0c2a8e-3a51-4bb1-9d6c-2f3e8a9b0c11", 1, "locker.deposited",
                         PRIORITY_BUSINESS, "2026-11-22T09:30:00.000+00:00",
                         __import__("json").dumps(PAYLOAD))
    payload = event_message(sample, historical=False)
    print(f"outbox drain: {EVENTS} events of {len(payload)} bytes to a local mosquitto, QoS 1, "
          f"window {WINDOW} (paho in-flight limit {WINDOW + INFLIGHT_RESERVE}), best of "
          f"{ROUNDS}")
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        broker = LocalBroker(root / "broker")
        broker.start()
        try:
            raws, drains, peaks = [], [], []
            for round_number in range(ROUNDS):
                raws.append(raw_rate(broker.port, payload))
                rate, peak = drain_rate(broker.port, root / f"round-{round_number}")
                drains.append(rate)
                peaks.append(peak)
            raw, drain = max(raws), max(drains)
            verdict = "met" if drain >= GOAL_RATIO * raw else "NOT met"
            print(f"  outbox drain (acked and marked sent) {drain:8.0f} events/s   "
                  f"(rounds: {', '.join(f'{r:.0f}' for r in drains)}; "
                  f"most in flight {max(peaks)})")
            print(f"  raw paho QoS 1 (acked)              {raw:8.0f} messages/s "
                  f"(rounds: {', '.join(f'{r:.0f}' for r in raws)})")
            print(f"  ratio {drain / raw:4.2f} (goal at least {GOAL_RATIO}: {verdict})")

            store = open_store(root / "enqueue.db")
            try:
                _, bare = enqueue_costs(store, with_event=False)
                calls, whole = enqueue_costs(store, with_event=True)
                print(f"enqueue inside a business transaction ({ENQUEUE_SAMPLES} transactions, "
                      "synchronous=FULL on this disk):")
                print(f"  append_event() alone             p50 {ms(p(calls, 50))}   "
                      f"p99 {ms(p(calls, 99))}")
                print(f"  transaction with the event       p50 {ms(p(whole, 50))}   "
                      f"p99 {ms(p(whole, 99))}")
                print(f"  the same transaction without it  p50 {ms(p(bare, 50))}   "
                      f"p99 {ms(p(bare, 99))}")
                busy_calls, busy_whole = _while_draining(store, broker.port, root)
                print(f"  append_event() while a drain runs p50 {ms(p(busy_calls, 50))}   "
                      f"p99 {ms(p(busy_calls, 99))}   (whole transaction p99 "
                      f"{ms(p(busy_whole, 99))})")
            finally:
                store.close()
        finally:
            broker.stop()
    return 0


def _while_draining(store: Store, port: int, root: Path) -> tuple[list[float], list[float]]:
    """Enqueue costs while the publisher drains a backlog from the same database."""
    fill(store, EVENTS)
    link = BrokerLink(MqttConfig(host="127.0.0.1", port=port), "bench-busy",
                      inflight_window=WINDOW)
    publisher = OutboxPublisher(store, link, TOPICS, WINDOW)
    link.start()
    publisher.start()
    try:
        wait(lambda: publisher.published > WINDOW, 10)
        return enqueue_costs(store, with_event=True)
    finally:
        publisher.stop()
        link.stop()


if __name__ == "__main__":
    sys.exit(main())
