"""What a center sees the moment it subscribes: the retained heartbeat and exactly the
alarms standing now, including after alarms changed while the terminal was offline."""

from __future__ import annotations

import time

from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.store import open_store
from tests.telemetry.center import Center

ROOT = "kiosk/v1/test-district/test-01"


def retained_alarms(port: int, name: str) -> dict[str, dict]:
    """The alarm topics a newly connected center is given, with their payloads."""
    center = Center(port, client_id=name)
    try:
        center.wait_for(lambda m: m.topic == f"{ROOT}/state", what="the retained birth")
        time.sleep(0.5)
        return {m.topic: m.json() for m in center.messages if m.kind == "alarm" and m.payload}
    finally:
        center.close()


def test_alarms_are_retained_while_active_and_kept_in_step_across_restarts(broker,
                                                                         write_config):
    config = load_config(write_config({"mqtt": {"enabled": True, "host": "127.0.0.1",
                                                "port": broker.port}}))
    store = open_store(config.store.path)
    with store.transaction() as db:
        raise_alarm(db, "board_offline", "main/0", {"attempts": 3})
    terminal = build_terminal(config, store)
    terminal.start()
    live = Center(broker.port)
    jam_topic = f"{ROOT}/alarm/door_jammed/compartment%205"
    board_topic = f"{ROOT}/alarm/board_offline/main%2F0"
    try:
        live.wait_for(lambda m: m.topic == board_topic and m.payload)
        with store.transaction() as db:
            raise_alarm(db, "door_jammed", "compartment 5")
        live.wait_for(lambda m: m.topic == jam_topic and m.payload)
        seen = retained_alarms(broker.port, "late-1")
        assert set(seen) == {board_topic, jam_topic}
        assert seen[board_topic] == {"schema": 1, "active": True, "kind": "board_offline",
                                     "subject": "main/0", "raisedAt": seen[board_topic][
                                         "raisedAt"], "detail": {"attempts": 3}}
        with store.transaction() as db:
            clear_alarm(db, "door_jammed", "compartment 5")
        live.wait_for(lambda m: m.topic == jam_topic and m.payload == b"")
        assert set(retained_alarms(broker.port, "late-2")) == {board_topic}

        # Offline: one alarm clears, another is raised. Back online, the broker follows.
        terminal.stop()
        with store.transaction() as db:
            clear_alarm(db, "board_offline", "main/0")
            raise_alarm(db, "printer.paper_out", "printer")
        terminal = build_terminal(config, store)
        terminal.start()
        paper_topic = f"{ROOT}/alarm/printer.paper_out/printer"
        live.wait_for(lambda m: m.topic == paper_topic and m.payload)
        live.wait_for(lambda m: m.topic == board_topic and m.payload == b"")
        assert set(retained_alarms(broker.port, "late-3")) == {paper_topic}
    finally:
        terminal.stop()
        store.close()
        live.close()


def test_the_heartbeat_is_retained_and_carries_what_features_register(broker, write_config):
    config = load_config(write_config({"mqtt": {"enabled": True, "host": "127.0.0.1",
                                                "port": broker.port}}))
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    center = Center(broker.port)
    try:
        first = center.wait_for(lambda m: m.topic == f"{ROOT}/heartbeat").json()
        birth = center.wait_for(lambda m: m.topic == f"{ROOT}/state").json()
        assert first["bdSeq"] == birth["bdSeq"]
        assert "queues" not in first
        terminal.heartbeat.register("queues", lambda: {"general": {"waiting": 4}})
        terminal.telemetry.periodic.poke("heartbeat")
        later = center.wait_for(lambda m: m.topic == f"{ROOT}/heartbeat"
                                and "queues" in m.json()).json()
        assert later["queues"] == {"general": {"waiting": 4}}
        late = Center(broker.port, client_id="late")
        try:
            assert late.wait_for(lambda m: m.topic == f"{ROOT}/heartbeat").retain
        finally:
            late.close()
    finally:
        terminal.stop()
        store.close()
        center.close()
