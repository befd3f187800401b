"""kill -9 of the terminal, over and over, while it writes events: nothing is lost.

The real terminal runs in a child process (tests/telemetry/terminal_child.py) writing one
event per business transaction without pause, and is killed with SIGKILL at random
instants: mid-transaction, mid-publish, between a PUBACK and its mark. After the last
kill one clean run drains the outbox. Every event the database holds must then have
reached the center, in per-class seq order, once after dropping repeats by id.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store import open_store
from tests.fixtures.event_order import assert_order_per_class
from tests.telemetry.center import Center

KILLS = 20
REPO = Path(__file__).resolve().parents[2]


def run_child(config: Path, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.telemetry.terminal_child",
                             str(config), *flags], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.slow
def test_kill_9_in_a_loop_loses_no_event(broker, write_config):
    config = write_config({"mqtt": {"enabled": True, "host": "127.0.0.1",
                                    "port": broker.port, "keepalive_s": 5}})
    center = Center(broker.port)
    chance = random.Random(7)
    try:
        for _ in range(KILLS):
            child = run_child(config, "--flow")
            assert child.stdout.readline().strip() == "ready"
            # Killed while it writes, publishes and marks, at a different instant each time.
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=chance.uniform(0.2, 1.0))
            child.send_signal(signal.SIGKILL)
            child.wait()
        drainer = run_child(config, "--drain")
        out, _ = drainer.communicate(timeout=90)
        assert out.split() == ["ready", "drained"]

        store = open_store(Path(config.parent / "var" / "kiosk.db"))
        try:
            with store.reading() as db:
                written = {i for (i,) in db.execute(
                    "SELECT id FROM outbox WHERE type = 'test.flow'")}
                seqs = [s for (s,) in db.execute("SELECT seq FROM outbox ORDER BY seq")]
        finally:
            store.close()
        assert len(written) > 300, f"too few events were written to prove much ({len(written)})"
        assert seqs == list(range(1, len(seqs) + 1)), "a gap in the terminal's event seq"
        center.wait_until(lambda: written <= {e["id"] for e in center.events()},
                          timeout_s=30, what="every event at the center")
        events = [e for e in center.events() if e["type"] == "test.flow"]
        assert {e["id"] for e in events} == written
        assert_order_per_class(events)
        births = [m.json()["bdSeq"] for m in center.messages
                  if m.kind == "state" and m.json()["online"]]
        assert len(set(births)) == KILLS + 1, "every run is a new connection with a new bdSeq"
    finally:
        center.close()
