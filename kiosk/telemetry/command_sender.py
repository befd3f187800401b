"""Sends one signed command to a terminal and waits for its `command.result`, as a district
center does; used by the demo center's command tool."""

from __future__ import annotations

import json
import ssl
import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from contract.topics import Topics
from kiosk.config.schema import MqttConfig


def send_command(config: MqttConfig, topics: Topics, payload: bytes | str, command_id: str,
                 wait_s: float, *, tls_cert: Path | None = None,
                 tls_key: Path | None = None) -> dict[str, Any] | None:
    """Publishes ``payload`` on the terminal's command topic once the result topic is
    subscribed (so a fast answer is not missed) and returns the result event's payload for
    ``command_id``, or None if none came within ``wait_s``."""
    result: list[dict[str, Any]] = []
    answered = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if config.tls:
        client.tls_set(ca_certs=str(config.ca_file), certfile=str(tls_cert),
                       keyfile=str(tls_key), tls_version=ssl.PROTOCOL_TLS_CLIENT)

    def connected(c: mqtt.Client, *_: Any) -> None:
        c.subscribe(topics.event("command.result"), qos=1)

    def subscribed(c: mqtt.Client, *_: Any) -> None:
        c.publish(topics.commands, payload, qos=1)

    def message(_c: mqtt.Client, _u: Any, received: mqtt.MQTTMessage) -> None:
        event = json.loads(received.payload)
        if event["payload"].get("command") == command_id:
            result.append(event["payload"])
            answered.set()

    client.on_connect, client.on_subscribe, client.on_message = connected, subscribed, message
    client.connect(config.host, config.port)
    client.loop_start()
    try:
        answered.wait(wait_s)
    finally:
        client.disconnect()
        client.loop_stop()
    return result[0] if result else None
