"""The outbox on the wire: the envelope, drain order, PUBACK-only marking, the window, the
historical flag and refusals by the broker. The real terminal, against a real mosquitto."""

from __future__ import annotations

import base64
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.services.outbox import (
    PRIORITY_ALARM,
    PRIORITY_BUSINESS,
    PRIORITY_REPORT,
    append_event,
)
from kiosk.simulation.center import make_command
from kiosk.telemetry import outbox_publisher
from kiosk.telemetry.link import INFLIGHT_RESERVE
from kiosk.telemetry.outbox_publisher import HANDED_WINDOWS
from tests.telemetry.brokers import acl_broker
from tests.telemetry.center import Center
from tests.waiting import wait_until

ROOT = "kiosk/v1/test-district/test-01"


def add(store, event_type, priority, **payload):
    with store.transaction() as db:
        return append_event(db, event_type, payload, priority)


def unsent(store):
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]


def test_events_go_out_by_priority_then_seq_and_are_marked_on_puback(broker, terminal_for):
    center = Center(broker.port)
    terminal, store = terminal_for(broker.port)
    report = add(store, "test.report", PRIORITY_REPORT, n=1)
    first = add(store, "test.business", PRIORITY_BUSINESS, n=2)
    alarm = add(store, "test.alarm", PRIORITY_ALARM, n=3)
    second = add(store, "test.business", PRIORITY_BUSINESS, n=4)
    terminal.start()
    try:
        center.wait_until(lambda: len(center.events()) >= 4, what="4 events")
        events = [e for e in center.events() if e["type"].startswith("test.")]
        assert [e["id"] for e in events] == [first, second, alarm, report]
        envelope = events[0]
        assert envelope["schema"] == 1
        assert envelope["type"] == "test.business"
        assert envelope["priority"] == PRIORITY_BUSINESS
        assert envelope["payload"] == {"n": 2}
        assert envelope["historical"] is True   # written before the connection was up
        assert [e["seq"] for e in events] == [2, 4, 3, 1]
        topics = {m.topic for m in center.messages if m.kind == "evt"}
        assert f"{ROOT}/evt/test.business" in topics
        wait_until(lambda: unsent(store) == 0, "every event marked sent")
        live = add(store, "test.business", PRIORITY_BUSINESS, n=5)
        assert center.event("test.business", lambda e: e["id"] == live)["historical"] is False
    finally:
        center.close()


def test_at_most_a_window_is_in_flight_and_every_event_arrives(broker, terminal_for):
    center = Center(broker.port)
    terminal, store = terminal_for(broker.port, inflight_window=20)
    with store.transaction() as db:
        for n in range(1500):
            append_event(db, "test.bulk", {"n": n}, PRIORITY_REPORT)
    terminal.start()
    try:
        wait_until(lambda: unsent(store) == 0, "the backlog drained", timeout_s=60)
        publisher = terminal.telemetry.publisher
        # On the wire paho keeps at most the window (plus room for births and heartbeats);
        # handed to paho and unacknowledged, at most HANDED_WINDOWS windows.
        assert terminal.telemetry.link.client._max_inflight_messages == 20 + INFLIGHT_RESERVE
        assert 20 < publisher.max_in_flight <= 20 * HANDED_WINDOWS
        center.wait_until(lambda: sum(e["type"] == "test.bulk" for e in center.events())
                          == 1500, what="1500 events")
        bulk = [e["payload"]["n"] for e in center.events() if e["type"] == "test.bulk"]
        assert bulk == list(range(1500))
    finally:
        center.close()


def test_an_event_the_broker_refuses_stays_unsent_and_is_tried_again(tmp_path, terminal_for,
                                                                     monkeypatch):
    monkeypatch.setattr(outbox_publisher, "RETRY_S", 0.5)
    broker = acl_broker(tmp_path / "acl-broker", (
        f"topic readwrite {ROOT}/state\ntopic readwrite {ROOT}/heartbeat\n"
        f"topic readwrite {ROOT}/alarm/#\ntopic readwrite {ROOT}/evt/test.allowed\n"))
    broker.start()
    try:
        terminal, store = terminal_for(broker.port)
        refused = add(store, "test.denied", PRIORITY_BUSINESS)
        allowed = add(store, "test.allowed", PRIORITY_BUSINESS)
        terminal.start()
        publisher = terminal.telemetry.publisher
        wait_until(lambda: publisher.published >= 4, "the refused event tried again")
        with store.reading() as db:
            sent = dict(db.execute("SELECT id, sent_at IS NOT NULL FROM outbox").fetchall())
        assert sent[allowed] == 1
        assert sent[refused] == 0
    finally:
        broker.stop()


def test_the_center_asks_for_delivered_events_again_and_gets_them_in_order(broker,
                                                                        terminal_for):
    signing = Ed25519PrivateKey.generate()
    public = base64.b64encode(signing.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    center = Center(broker.port)
    terminal, store = terminal_for(broker.port, {"security": {"center_signing_key": public}})
    ids = [add(store, "test.lost", PRIORITY_REPORT if n % 3 else PRIORITY_BUSINESS, n=n)
           for n in range(30)]
    terminal.start()
    try:
        wait_until(lambda: unsent(store) == 0, "every event delivered")
        first_time = center.event_deliveries()
        command_id = str(uuid.uuid4())
        center.send("test-district", "test-01", make_command(
            signing, "test-district", "test-01", "outbox.resend", {"fromSeq": 5, "toSeq": 20},
            command_id=command_id))
        result = center.command_result(command_id)
        assert (result["status"], result["detail"]) == (
            "accepted", {"requeued": 16, "waiting": 0, "gone": []})
        center.wait_until(lambda: center.event_deliveries() >= first_time + 16,
                          what="the 16 events again")
        wait_until(lambda: unsent(store) == 0, "the resent events marked delivered again")
        deliveries = [m.json() for m in center.messages if m.kind == "evt"]
        again = [e for e in deliveries[first_time:] if e["type"] == "test.lost"]
        assert sorted(e["seq"] for e in again) == list(range(5, 21))
        assert {e["id"] for e in again} == set(ids[4:20])       # the same events, by id
        assert all(e["historical"] for e in again)              # they waited
        for priority in (PRIORITY_BUSINESS, PRIORITY_REPORT):
            seqs = [e["seq"] for e in again if e["priority"] == priority]
            assert seqs == sorted(seqs)                          # in order within a class
    finally:
        center.close()
