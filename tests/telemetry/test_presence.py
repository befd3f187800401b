"""Birth and death on the broker, as the district center sees them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from contract.topics import Topics
from kiosk.config.schema import MqttConfig
from kiosk.services.status import TerminalStatus
from kiosk.telemetry.presence import PresenceLink
from tests.waiting import wait_until

STATE = "kiosk/v1/d1/t1/state"


def make_link(broker, status, counter):
    def next_sequence():
        counter.append(len(counter))
        return counter[-1]

    return PresenceLink(
        MqttConfig(host="127.0.0.1", port=broker.port, keepalive_s=5),
        Topics("kiosk/v1", "d1", "t1"), client_id="kiosk-d1-t1",
        next_birth_sequence=next_sequence, on_online=status.set_online,
    )



def test_birth_is_retained_and_carries_bdseq(broker, subscribe):
    status = TerminalStatus()
    link = make_link(broker, status, [])
    link.start()
    try:
        wait_until(lambda: status.snapshot().online)
        late = subscribe(STATE)  # a center that connects later still sees the birth
        birth = late.wait_for(lambda m: m.json()["online"])
        assert birth.retain
        payload = birth.json()
        assert payload["bdSeq"] == 0
        assert payload["schema"] == 1
        assert "version" in payload
    finally:
        link.stop()


def test_clean_stop_publishes_death(broker, subscribe):
    watcher = subscribe(STATE)
    status = TerminalStatus()
    link = make_link(broker, status, [])
    link.start()
    wait_until(lambda: status.snapshot().online)
    link.stop()
    death = watcher.wait_for(lambda m: m.json()["online"] is False)
    assert death.json()["bdSeq"] == 0


def test_broker_outage_goes_offline_then_rebirths_with_a_new_bdseq(broker, subscribe):
    status = TerminalStatus()
    link = make_link(broker, status, [])
    link.start()
    try:
        wait_until(lambda: status.snapshot().online)
        broker.stop()
        wait_until(lambda: not status.snapshot().online)
        broker.start()
        wait_until(lambda: status.snapshot().online, timeout_s=40)
        watcher = subscribe(STATE)
        assert watcher.wait_for(lambda m: m.json()["online"]).json()["bdSeq"] == 1
    finally:
        link.stop()


def test_kill_9_leaves_a_death_certificate(broker, subscribe, tmp_path):
    watcher = subscribe(STATE)
    script = textwrap.dedent(f"""
        import time
        from kiosk.config.schema import MqttConfig
        from kiosk.telemetry.presence import PresenceLink
        from contract.topics import Topics
        link = PresenceLink(MqttConfig(host="127.0.0.1", port={broker.port}, keepalive_s=5),
                            Topics("kiosk/v1", "d1", "t1"), "kiosk-d1-t1",
                            next_birth_sequence=lambda: 7,
                            on_online=lambda up: print("online" if up else "offline",
                                                       flush=True))
        link.start()
        time.sleep(60)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert process.stdout.readline().strip() == b"online"
        watcher.wait_for(lambda m: m.json()["online"] and m.json()["bdSeq"] == 7)
        process.send_signal(signal.SIGKILL)
        death = watcher.wait_for(lambda m: m.json()["online"] is False, timeout_s=20)
        assert death.json()["bdSeq"] == 7
    finally:
        process.kill()
        process.wait()
