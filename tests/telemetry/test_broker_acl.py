"""The sample district broker (config/mosquitto/) with certificates from its own script:
the terminal connects with TLS and its client certificate, and one terminal's
credentials can neither read another's commands nor publish under its topics."""

from __future__ import annotations

import ssl
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.store import open_store
from tests.telemetry.brokers import SampleTlsBroker, make_demo_certs
from tests.telemetry.center import Center

DISTRICT = "demo-district"   # the district the sample acl is written for
ROOT_A = f"kiosk/v1/{DISTRICT}/term-a"
ROOT_B = f"kiosk/v1/{DISTRICT}/term-b"


class Client:
    """A raw MQTT client holding one identity's certificate."""

    def __init__(self, port: int, certs: Path, name: str) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.acks: dict[int, int] = {}
        self._done = threading.Condition()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"probe-{name}",
                                  protocol=mqtt.MQTTv5)
        self.client.tls_set(ca_certs=str(certs / "ca.crt"), certfile=str(certs / f"{name}.crt"),
                            keyfile=str(certs / f"{name}.key"),
                            tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self.client.on_message = self._message
        self.client.on_publish = self._published
        self.client.on_subscribe = lambda *_: self._notify()
        connected = threading.Event()
        self.client.on_connect = lambda *_: connected.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert connected.wait(10), f"{name} could not connect"

    def _notify(self) -> None:
        with self._done:
            self._done.notify_all()

    def _message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._done:
            self.received.append((message.topic, bytes(message.payload)))
            self._done.notify_all()

    def _published(self, _c: Any, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        with self._done:
            self.acks[mid] = reason.value
            self._done.notify_all()

    def publish(self, topic: str, payload: bytes) -> int:
        """The broker's PUBACK reason code."""
        info = self.client.publish(topic, payload, qos=1)
        with self._done:
            assert self._done.wait_for(lambda: info.mid in self.acks, 10)
            return self.acks[info.mid]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def sample_broker(tmp_path):
    certs = make_demo_certs(tmp_path / "certs", "term-a", "term-b")
    broker = SampleTlsBroker(tmp_path / "broker", certs)
    broker.start()
    yield broker, certs
    broker.stop()


def test_the_terminal_connects_with_its_certificate(sample_broker, write_config):
    broker, certs = sample_broker
    center = Center(broker.port, tls=(certs / "ca.crt", certs / "center.crt",
                                      certs / "center.key"))
    config = load_config(write_config({
        "station": {"district_id": DISTRICT, "terminal_id": "term-a"},
        "mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port, "tls": True,
                 "ca_file": str(certs / "ca.crt"), "cert_file": str(certs / "term-a.crt"),
                 "key_file": str(certs / "term-a.key")}}))
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    try:
        birth = center.wait_for(lambda m: m.topic == f"{ROOT_A}/state" and m.json()["online"])
        assert birth.json()["bdSeq"] == 0
        center.wait_for(lambda m: m.topic == f"{ROOT_A}/heartbeat")
    finally:
        terminal.stop()
        store.close()
        center.close()


def test_one_terminal_cannot_read_or_write_another_terminals_topics(sample_broker):
    broker, certs = sample_broker
    a = Client(broker.port, certs, "term-a")
    b = Client(broker.port, certs, "term-b")
    center = Client(broker.port, certs, "center")
    try:
        # A tries to listen to B's commands, directly and through wildcards.
        for pattern in (f"{ROOT_B}/cmd", "kiosk/v1/#", "#", f"kiosk/v1/{DISTRICT}/+/cmd"):
            a.client.subscribe(pattern, qos=1)
        b.client.subscribe(f"{ROOT_B}/cmd", qos=1)
        center.client.subscribe("kiosk/v1/#", qos=1)
        time.sleep(0.5)

        assert center.publish(f"{ROOT_B}/cmd", b"for B only") == 0
        # A's own topics work; everything under B's is refused (0x87 not authorized).
        assert a.publish(f"{ROOT_A}/evt/test.own", b"A's event") == 0
        for topic in (f"{ROOT_B}/state", f"{ROOT_B}/heartbeat", f"{ROOT_B}/evt/test.forged",
                      f"{ROOT_B}/alarm/door_jammed/x", f"{ROOT_B}/cmd", f"{ROOT_A}/cmd"):
            assert a.publish(topic, b"forged") == 0x87, topic
        time.sleep(0.5)

        assert (f"{ROOT_B}/cmd", b"for B only") in b.received
        # A may read its own commands only: none of its wildcards brought it anything.
        assert a.received == []
        at_center = {t for t, _ in center.received}
        assert f"{ROOT_A}/evt/test.own" in at_center
        assert not any(t.startswith(ROOT_B) and t != f"{ROOT_B}/cmd" for t in at_center)
    finally:
        for client in (a, b, center):
            client.close()


def test_a_user_name_and_password_when_the_broker_asks_for_them(tmp_path, write_config):
    """mqtt.username and mqtt.password, for brokers that want them besides (or without)
    the certificate."""
    import subprocess

    from kiosk.simulation.broker import LocalBroker
    from tests.fixtures.system import require
    from tests.telemetry.brokers import this_user

    passwords = tmp_path / "passwords"
    subprocess.run([require("mosquitto_passwd", "mosquitto"), "-c", "-b", str(passwords),
                    "term-a", "s3cret"], check=True, capture_output=True)
    broker = LocalBroker(tmp_path / "password-broker", extra_config=(
        f"{this_user()}allow_anonymous false\npassword_file {passwords}\n"))
    broker.start()
    try:
        for password, online in (("wrong", False), ("s3cret", True)):
            config = load_config(write_config({
                "mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port,
                         "username": "term-a", "password": password},
                "store": {"path": str(tmp_path / password / "kiosk.db")}}))
            store = open_store(config.store.path)
            terminal = build_terminal(config, store)
            terminal.start()
            try:
                deadline = time.monotonic() + (10 if online else 1.5)
                while time.monotonic() < deadline and not terminal.status.snapshot().online:
                    time.sleep(0.05)
                assert terminal.status.snapshot().online is online
            finally:
                terminal.stop()
                store.close()
    finally:
        broker.stop()
