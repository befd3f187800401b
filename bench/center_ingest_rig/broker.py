"""The broker side: mosquitto, sessions, publishing, and the floors (mosquitto_sub, paho)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from center.fleet_simulator.terminal import Outgoing
from center.fleet_simulator.wire import Wire
from center_ingest_rig.common import MEASURE_AT_MOST_S, SHARED_EVENTS, Rate, wait_for
from kiosk.simulation.broker import LocalBroker

if TYPE_CHECKING:
    pass


def start_broker(directory: Path, inflight: int) -> LocalBroker:
    # No cap on the queue of a consumer that is away: the stream waits for it whole.
    broker = LocalBroker(directory, extra_config=f"max_queued_messages 0\n"
                                                 f"max_inflight_messages {inflight}\n")
    broker.start()
    return broker


def make_session(port: int, client_id: str, topics: tuple[str, ...]) -> None:
    """A persistent session subscribed to ``topics``, left without a client: the broker
    queues for it what is published meanwhile."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    subscribed = threading.Event()
    client.on_subscribe = lambda *_: subscribed.set()
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 3600
    client.connect("127.0.0.1", port, clean_start=True, properties=properties)
    client.loop_start()
    client.subscribe([(topic, SubscribeOptions(qos=1)) for topic in topics])
    if not subscribed.wait(10):
        raise RuntimeError(f"{client_id}: no SUBACK")
    client.disconnect()
    client.loop_stop()


def end_session(port: int, client_id: str) -> None:
    """Discards a persistent session. One left behind stays in the share group, and the
    broker keeps giving it its turn of the events (queued for nobody) until it expires."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    connected = threading.Event()
    client.on_connect = lambda *_: connected.set()
    client.connect("127.0.0.1", port, clean_start=True)    # session expiry 0: gone at once
    client.loop_start()
    connected.wait(10)
    client.disconnect()
    client.loop_stop()


def publish(port: int, messages: list[tuple[int, Outgoing]]) -> float:
    """Publishes through the simulator's wire; returns the seconds until the broker
    acknowledged the last."""
    wire = Wire("127.0.0.1", port, 8, "bench-fleet")
    wire.start()
    began = time.monotonic()
    try:
        for index, message in messages:
            wire.send(index, message)
        if not wire.wait_acknowledged(600):
            raise RuntimeError("the broker did not acknowledge every message")
        return time.monotonic() - began
    finally:
        wire.stop()


# -- the databases -----------------------------------------------------------------------


def floor_rate(port: int, stream: list[tuple[int, Outgoing]],
               receive_maximum: int | None) -> Rate:
    """mosquitto_sub takes the waiting stream: the rate between its first and last
    message, from the timestamps it prints."""
    make_session(port, "bench-floor", (SHARED_EVENTS,))
    publish(port, stream)
    command = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-V", "mqttv5",
               "-i", "bench-floor", "-c", "-x", "3600", "-q", "1", "-t", SHARED_EVENTS,
               "-C", str(len(stream)), "-F", "%U", "-W", str(int(MEASURE_AT_MOST_S))]
    if receive_maximum is not None:
        command += ["-D", "connect", "receive-maximum", str(receive_maximum)]
    try:
        printed = subprocess.run(command, capture_output=True, text=True).stdout.split()
    finally:
        end_session(port, "bench-floor")
    stamps = [float(s) for s in printed]
    return Rate(len(stamps) - 1, stamps[-1] - stamps[0])


def consumer(port: int, client_id: str, on_message: Callable[[mqtt.MQTTMessage], None],
             manual_ack: bool) -> mqtt.Client:
    """A paho client resuming ``client_id``'s session, as the worker connects."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5, manual_ack=manual_ack)
    client.on_message = lambda _client, _userdata, message: on_message(message)
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 3600
    client.connect("127.0.0.1", port, clean_start=False, properties=properties)
    client.loop_start()
    return client


def paho_rate(port: int, stream: list[tuple[int, Outgoing]]) -> Rate:
    """What Python's MQTT client alone costs: paho takes the waiting stream, acknowledging
    each message as it arrives."""
    make_session(port, "bench-paho", (SHARED_EVENTS,))
    publish(port, stream)
    stamps: list[float] = []
    client = consumer(port, "bench-paho", lambda _m: stamps.append(time.monotonic()), False)
    try:
        wait_for(lambda: len(stamps) >= len(stream) or bool(
            stamps and time.monotonic() - stamps[0] > MEASURE_AT_MOST_S),
            "paho to receive the stream", MEASURE_AT_MOST_S + 10, every_s=0.02)
    finally:
        client.disconnect()
        client.loop_stop()
        end_session(port, "bench-paho")
    return Rate(len(stamps) - 1, stamps[-1] - stamps[0])


def unacknowledged_rounds(port: int, stream: list[tuple[int, Outgoing]],
                          rounds: int = 4) -> list[int]:
    """How many messages the broker hands a manual-ack client before it acknowledges any,
    then after each round of acknowledging all it holds (0.3 s apart)."""
    make_session(port, "bench-cap", (SHARED_EVENTS,))
    publish(port, stream)
    held: list[mqtt.MQTTMessage] = []
    client = consumer(port, "bench-cap", held.append, True)
    counts = []
    try:
        time.sleep(0.5)
        for _ in range(rounds):
            taken = list(held)
            del held[:len(taken)]
            counts.append(len(taken))
            for message in taken:
                client.ack(message.mid, message.qos)
            time.sleep(0.3)
    finally:
        client.disconnect()
        client.loop_stop()
        end_session(port, "bench-cap")
    return counts


