"""A district center that knows only docs/mqtt.md follows one terminal's life: its birth,
heartbeats, locker, queue and guide events, an alarm raised and cleared, commands and their
results, and its death when the process is killed with SIGKILL.

The real terminal runs in a child process (tests/telemetry/terminal_child.py) with the
locker's boards simulated on a pseudo-terminal in this process, where the test plays the
person at the locker.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from contract.sealing import unseal
from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from kiosk.simulation.center import make_command
from tests.fixtures.queue_ui import ALL_DAY, free_port
from tests.telemetry.center import Center
from tests.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
DISTRICT, TERMINAL = "test-district", "test-01"
ROOT = f"kiosk/v1/{DISTRICT}/{TERMINAL}"
LOCKS = 4


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Child:
    def __init__(self, config: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.telemetry.terminal_child", str(config)], cwd=REPO,
            text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, request: str) -> str:
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()



@pytest.mark.slow
def test_a_center_follows_a_terminal_from_birth_to_death(broker, write_config, tmp_path):
    board = BoardConfig(address=0, locks=LOCKS, item_sensor=True)
    locker = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16", (board,))
    locker.start()
    sealing = X25519PrivateKey.generate()
    signing = Ed25519PrivateKey.generate()
    config = write_config({
        "mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port, "keepalive_s": 5,
                 "heartbeat_interval_s": 5},
        "locker": {"enabled": True, "open_timeout_s": 2,
                   "buses": {"main": {"protocol": "kerong-cu16", "port": locker.path,
                                      "boards": [{"address": 0, "locks": LOCKS,
                                                  "item_sensor": True}]}},
                   "compartments": [{"first_number": 1, "count": LOCKS, "bus": "main",
                                     "board": 0, "size": "S"}]},
        "station": {"windows": [{"number": 1, "name": "综合受理"},
                                {"number": 2, "name": "帮办代办"}],
                    "staffed_hours": ALL_DAY},
        "queue": {"enabled": True, "api_port": free_port(), "categories": [
            {"id": "general", "name": "综合受理", "prefix": "A", "windows": [1],
             "sessions": ALL_DAY},
            {"id": "assisted", "name": "帮办代办", "prefix": "C", "windows": [2],
             "assisted": True, "sessions": ALL_DAY}]},
        "security": {"key_file": str(tmp_path / "terminal.key"),
                     "center_public_key": b64(sealing.public_key().public_bytes(
                         serialization.Encoding.Raw, serialization.PublicFormat.Raw)),
                     "center_signing_key": b64(signing.public_key().public_bytes(
                         serialization.Encoding.Raw, serialization.PublicFormat.Raw))},
    })
    center = Center(broker.port)
    child = Child(config)

    def command(command_type, args, key=signing, **options):
        payload = make_command(key, options.pop("district", DISTRICT),
                               options.pop("terminal", TERMINAL), command_type, args, **options)
        center.send(DISTRICT, TERMINAL, payload)
        return payload, json.loads(base64.b64decode(json.loads(payload)["body"]))["id"]

    def result_of(payload: bytes) -> dict:
        digest = hashlib.sha256(payload).hexdigest()
        return center.event("command.result",
                            lambda e: e["payload"]["payload_sha256"] == digest)["payload"]

    try:
        # -- birth and heartbeat ----------------------------------------------------------
        birth = center.wait_for(lambda m: m.topic == f"{ROOT}/state" and m.json()["online"],
                                what="birth").json()
        bd_seq = birth["bdSeq"]
        heartbeat = center.wait_for(lambda m: m.topic == f"{ROOT}/heartbeat",
                                    what="heartbeat").json()
        assert heartbeat["bdSeq"] == bd_seq
        assert heartbeat["schema"] == 1
        assert {"version", "uptimeS", "disk", "devices", "locker", "outbox"} <= set(heartbeat)
        assert heartbeat["locker"]["compartments"] == LOCKS
        assert heartbeat["queues"] == {"general": 0, "assisted": 0}
        assert heartbeat["catalog"] == "2026.11.22-1"

        # -- queue tickets, called at a window ------------------------------------------------
        assert child.ask("ticket general") == "done 'A001'"
        assert child.ask("ticket general") == "done 'A002'"
        issued = center.event("queue.ticket_issued", lambda e: e["payload"]["ticket"] == "A002")
        assert (issued["payload"]["ahead"], issued["payload"]["real_name"]) == (1, False)
        child.ask("window 1 next")
        child.ask("window 1 recall")
        child.ask("window 1 no-show")
        child.ask("window 1 next")
        child.ask("window 1 finish")
        center.event("queue.finished")
        calls = [(e["payload"]["ticket"], e["payload"]["recall"])
                 for e in center.events() if e["type"] == "queue.called"]
        assert calls == [("A001", False), ("A001", True), ("A002", False)]
        assert center.event("queue.no_show")["payload"]["ticket"] == "A001"

        # -- a result stored and collected --------------------------------------------------
        reply = child.ask("deposit CASE-LIFE-1")
        number = int(re.search(r"compartment=(\d+)", reply).group(1))
        wait_until(lambda: locker.door(0, number).open, "the door to open")
        time.sleep(0.3)
        locker.put_item(0, number)
        locker.close_door(0, number)
        deposited = center.event("locker.deposited")["payload"]
        assert deposited["compartment"] == number
        code = unseal(sealing, deposited["pickup"], deposited["deposit"])["code"]
        assert "Started" in child.ask(f"pickup {code}")
        wait_until(lambda: locker.door(0, number).open, "the door to open for the pickup")
        time.sleep(0.3)
        locker.take_item(0, number)
        locker.close_door(0, number)
        collected = center.event("locker.collected")["payload"]
        assert (collected["deposit"], collected["by"]) == (deposited["deposit"], "applicant")

        # -- the guide ------------------------------------------------------------------------
        child.ask("notice linyi-a3-001")
        assert center.event("guide.notice")["payload"]["item_id"] == "linyi-a3-001"
        catalog = (REPO / "config" / "catalog" / "services.toml").read_text(encoding="utf-8")
        newer = re.sub(r'(?m)^version = ".*"$', 'version = "life-2"', catalog, count=1)
        payload, _ = command("guide.replace_catalog", {"catalog": b64(newer.encode())})
        assert result_of(payload)["status"] == "accepted"
        assert center.event("guide.catalog_replaced")["payload"]["version"] == "life-2"

        # -- bad commands: all rejected, none carried out --------------------------------------
        bad = {
            "bad_signature": command("locker.open", {"compartment": 2},
                                     key=Ed25519PrivateKey.generate())[0],
            "expired": command("locker.open", {"compartment": 2},
                               issued_at=time.time() - 3600, lifetime_s=600)[0],
            "wrong_terminal": command("locker.open", {"compartment": 2}, terminal="test-02")[0],
            "malformed": b'{"schema": 1, "body": "not base64!", "sig": ""}',
        }
        center.send(DISTRICT, TERMINAL, bad["malformed"])
        unsigned = json.loads(make_command(signing, DISTRICT, TERMINAL, "locker.open",
                                           {"compartment": 2}))
        unsigned_payload = json.dumps({"schema": 1, "body": unsigned["body"]}).encode()
        center.send(DISTRICT, TERMINAL, unsigned_payload)
        bad["unsigned"] = unsigned_payload
        for reason, payload in bad.items():
            result = result_of(payload)
            assert (result["status"], result["reason"]) == ("rejected", reason), result
        announcement, _ = command("display.set_announcement", {"text": "今天下午停水"})
        assert result_of(announcement)["status"] == "accepted"
        center.send(DISTRICT, TERMINAL, announcement)
        replayed = center.event("command.result", lambda e: e["payload"]["reason"] ==
                                "replayed")["payload"]
        assert replayed["status"] == "rejected"

        # -- an alarm raised, retained while active, then cleared ----------------------------
        locker.jam(0, 3)
        opened, _ = command("locker.open", {"compartment": 3})
        assert result_of(opened)["status"] == "accepted"
        raised = center.event("alarm.raised", timeout_s=15)["payload"]
        assert (raised["kind"], raised["subject"]) == ("door_jammed", "compartment 3")
        alarm_topic = f"{ROOT}/alarm/door_jammed/compartment%203"
        active = center.wait_for(lambda m: m.topic == alarm_topic and m.payload).json()
        assert active["active"] is True
        assert active["kind"] == "door_jammed"
        late = Center(broker.port, client_id="late-center")
        try:
            late.wait_for(lambda m: m.topic == alarm_topic and m.retain and m.payload)
        finally:
            late.close()
        locker.jam(0, 3, False)
        back, _ = command("locker.set_in_service", {"compartment": 3, "inService": True})
        assert result_of(back)["status"] == "accepted"
        cleared = center.event("alarm.cleared")["payload"]
        assert (cleared["kind"], cleared["subject"]) == ("door_jammed", "compartment 3")
        center.wait_for(lambda m: m.topic == alarm_topic and m.payload == b"",
                        what="the alarm's retained message cleared")
        assert locker.door(0, 2).pulses == 0, "a rejected command opened a door"

        # -- a fresh birth on request, then death by SIGKILL ---------------------------------
        births = len([m for m in center.messages if m.topic == f"{ROOT}/state"])
        rebirth, _ = command("presence.rebirth", {})
        assert result_of(rebirth)["status"] == "accepted"
        center.wait_until(lambda: len([m for m in center.messages
                                       if m.topic == f"{ROOT}/state"]) > births)
        assert [m.json() for m in center.messages if m.topic == f"{ROOT}/state"][-1][
            "bdSeq"] == bd_seq
        child.kill()
        death = center.wait_for(lambda m: m.topic == f"{ROOT}/state"
                                and m.json()["online"] is False, timeout_s=20,
                                what="the death certificate").json()
        assert death["bdSeq"] == bd_seq
        after = Center(broker.port, client_id="after-center")
        try:
            state = after.wait_for(lambda m: m.topic == f"{ROOT}/state" and m.retain).json()
            assert (state["online"], state["bdSeq"]) == (False, bd_seq)
            time.sleep(0.5)
            assert not [m for m in after.messages if "/alarm/" in m.topic]
        finally:
            after.close()
        events = center.events()
        assert len(events) == len({e["id"] for e in events})
    finally:
        if child.process.poll() is None:
            child.kill()
        center.close()
        locker.stop()
