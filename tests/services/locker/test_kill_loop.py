"""kill -9 at any instant loses no deposit, never opens a door twice, and never gives one
compartment to two people.

A driver process deposits and collects without pause against the board simulator, which
lives in this process with a simulated person who fills every door opened for a deposit,
empties every door opened for a pickup, and shuts it again. The driver is killed with
SIGKILL at random instants, over and over; each restart reconciles. Then the records must
match the locker exactly. It runs twice: on a board with item sensors, and on one that
reports only its doors, where a restart cannot tell what an interrupted operation did and
staff must check the compartment before anyone else is given it.
"""

from __future__ import annotations

import base64
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from contract.sealing import unseal
from devices.locker.protocols import protocol_named
from devices.locker.simulator import LockerBusSimulator
from kiosk.services.keys import KeyedHash
from kiosk.services.locker.codes import code_hash
from kiosk.store import open_store
from tests.services.locker.kill_driver import BOARDS, KEY, LOCKS

KILLS = 100      # for each kind of board
REPO = Path(__file__).resolve().parents[3]


class Person(threading.Thread):
    """At human-ish speed, does what the terminal opened a door for: puts papers into a
    door opened for a deposit or drop-off, takes them out of one opened for a pickup, a
    take-back or a check; then shuts it. A door opened for a deposit that already holds
    someone's papers is written down: that compartment was given to two people."""

    def __init__(self, simulator: LockerBusSimulator, db: Path) -> None:
        super().__init__(daemon=True, name="person")
        self.simulator = simulator
        self.db = db
        self.stopping = threading.Event()
        self.random = random.Random(7)
        self.given_twice: list[tuple[int, str]] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            for lock in range(1, LOCKS + 1):
                if self.simulator.door(0, lock).open:
                    time.sleep(self.random.uniform(0.03, 0.12))   # reach in
                    purpose = self.opened_for(lock)
                    inside = self.simulator.door(0, lock).item
                    if purpose in ("deposit", "dropoff"):
                        if inside:
                            self.given_twice.append((lock, purpose))
                        else:
                            self.simulator.put_item(0, lock)
                    elif inside:
                        self.simulator.take_item(0, lock)
                    time.sleep(self.random.uniform(0.0, 0.06))
                    self.simulator.close_door(0, lock)
            time.sleep(0.005)

    def opened_for(self, compartment: int) -> str | None:
        """The purpose of the newest operation on the compartment (committed before its
        pulse, so it is the one that opened the door)."""
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=2) as db:
                row = db.execute("SELECT purpose FROM door_operations WHERE compartment = ? "
                                 "ORDER BY id DESC LIMIT 1", [compartment]).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None


def assert_each_pulse_follows_its_own_request(simulator, protocol, requested, wall_offset,
                                              runs: list[tuple[float, float]]) -> None:
    """Each unlock pulse belongs to an operation requested before it by the same run of
    the terminal, and no operation has two: a run never pulses for an operation a killed
    run left behind. ``runs``: when each run began, as (wall time, simulator time); a
    pulse belongs to the last run that began before the simulator read it (each run begins
    only once the simulator has read everything the killed one sent). Matched by run and
    by order, not by a time window, so a loaded machine's slow pulse still counts as its own."""
    unused: dict[int, list[tuple[float, int]]] = {}
    for op_id, compartment, requested_at in requested:
        at = datetime.fromisoformat(requested_at).timestamp()
        unused.setdefault(compartment, []).append((at, op_id))
    codec = protocol_named(protocol)
    commands = [(frame.start, codec.decode_request(frame.data))
                for frame in simulator.requests()]
    pulses = [(start, command.lock) for start, command in commands if command.kind == "unlock"]
    assert pulses, "no unlock pulses on the wire"
    for read_at, lock in sorted(pulses):
        run = max((r for r in runs if r[1] <= read_at), default=None, key=lambda r: r[1])
        assert run is not None, f"an unlock pulse for lock {lock} before any run"
        sent_at = read_at + wall_offset
        candidates = [(at, op) for at, op in unused.get(lock, [])
                      if run[0] - CLOCK_SLACK_S <= at <= sent_at + CLOCK_SLACK_S]
        assert candidates, (f"an unlock pulse for lock {lock} at {sent_at:.3f} has no "
                            "operation of its own run requested before it: a pulse was "
                            "repeated")
        unused[lock].remove(max(candidates))


# Frame times (the simulator's monotonic clock) and record times (the driver's wall clock)
# are two clocks read in two processes.
CLOCK_SLACK_S = 0.002


def run_driver(db: Path, port: str, key: str, board: str,
               *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.services.locker.kill_driver",
                             str(db), port, key, board, *extra], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.slow
@pytest.mark.parametrize("board_kind", BOARDS)
def test_kill_9_in_a_loop_loses_nothing_and_never_opens_twice(tmp_path, board_kind):
    protocol, board = BOARDS[board_kind]
    simulator = LockerBusSimulator(tmp_path / "dev" / "locker", protocol, (board,))
    # Slow boards keep the bus busy, so an unlock often waits behind a poll: that widens
    # the window between committing an operation and its pulse, where kills hurt most.
    simulator.reply_delay_s = 0.03
    simulator.start()
    db = tmp_path / "kiosk.db"
    person = Person(simulator, db)
    person.start()
    center = X25519PrivateKey.generate()
    key = base64.b64encode(center.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())).decode()
    chance = random.Random(2026)
    # Simulator frames carry monotonic time; the records carry wall time.
    wall_offset = time.time() - time.monotonic()
    runs: list[tuple[float, float]] = []   # when each run began: wall time, simulator time
    try:
        for _ in range(KILLS):
            runs.append((time.time(), time.monotonic()))
            driver = run_driver(db, simulator.path, key, board_kind)
            time.sleep(chance.uniform(0.25, 1.0))     # python start-up, reconcile, flows
            driver.send_signal(signal.SIGKILL)
            driver.wait()
            # The dead run's last frames may still wait in the pseudo-terminal.
            simulator.wait_quiet()
        # Let the person shut everything, then one clean start settles the records.
        time.sleep(0.5)
        runs.append((time.time(), time.monotonic()))
        checker = run_driver(db, simulator.path, key, board_kind, "--check")
        assert checker.communicate(timeout=60)[0].strip() == "ready"
        assert checker.returncode == 0
    finally:
        person.stopping.set()
        person.join()
        simulator.stop()

    store = open_store(db)
    try:
        with store.reading() as database:
            operations = database.execute(
                "SELECT compartment, state, unlock_sent_at FROM door_operations").fetchall()
            requested = database.execute(
                "SELECT id, compartment, requested_at FROM door_operations").fetchall()
            stored = dict(database.execute(
                "SELECT compartment, id FROM deposits WHERE state = 'stored'").fetchall())
            live = database.execute(
                "SELECT count(*) FROM deposits WHERE state = 'loading'").fetchone()[0]
            hashes = dict(database.execute(
                "SELECT id, code_hash FROM deposits WHERE state = 'stored'").fetchall())
            deposited = [json.loads(p) for (p,) in database.execute(
                "SELECT payload FROM outbox WHERE type = 'locker.deposited'")]
            seqs = [s for (s,) in database.execute("SELECT seq FROM outbox ORDER BY seq")]
    finally:
        store.close()

    completed = sum(1 for _, state, _ in operations if state == "completed")
    assert completed > 50, f"the driver got too little done to prove much ({completed})"
    print(f"kill -9 loop, {board_kind} board: {KILLS} kills survived, {completed} door "
          f"operations completed, {len(stored)} documents stored at the end")
    assert person.given_twice == []
    for lock in range(1, LOCKS + 1):
        door = simulator.door(0, lock)
        ours = [o for o in operations if o[0] == lock]
        confirmed = sum(1 for o in ours if o[2] is not None)
        # Every pulse belongs to its own operation, and no operation pulsed twice.
        assert confirmed <= door.pulses <= len(ours), (lock, door.pulses, len(ours), confirmed)
        # The records match the locker: a document inside if and only if one is stored.
        assert door.item == (lock in stored), (lock, door.item, stored)
        assert not door.open
    assert live == 0
    assert_each_pulse_follows_its_own_request(simulator, protocol, requested, wall_offset,
                                              runs)
    assert seqs == list(range(1, len(seqs) + 1))
    codes = {e["deposit"]: unseal(center, e["pickup"], e["deposit"])["code"] for e in deposited}
    for deposit_id, stored_hash in hashes.items():
        assert code_hash(KeyedHash(KEY), codes[deposit_id]) == stored_hash


class WireOf:
    """Stands in for the simulator's record of requests: unlock frames at given times."""

    def __init__(self, protocol: str, pulses: list[tuple[float, int]]) -> None:
        codec = protocol_named(protocol)
        self._frames = [type("Frame", (), {"start": at, "data": codec.unlock_request(0, lock)
                                           .frame})() for at, lock in pulses]

    def requests(self) -> list:
        return self._frames


def test_the_pulse_check_catches_a_pulse_repeated_by_the_next_run():
    requested = [(1, 1, datetime.fromtimestamp(100.0).astimezone().isoformat())]
    slow_but_own = WireOf("kerong-cu16", [(100.9, 1)])        # 0.9 s late: a busy machine
    assert_each_pulse_follows_its_own_request(slow_but_own, "kerong-cu16", requested, 0.0,
                                              runs=[(99.0, 99.0)])
    repeated = WireOf("kerong-cu16", [(100.01, 1), (102.5, 1)])   # again after a restart
    with pytest.raises(AssertionError, match="a pulse was repeated"):
        assert_each_pulse_follows_its_own_request(repeated, "kerong-cu16", requested, 0.0,
                                                  runs=[(99.0, 99.0), (102.0, 102.0)])
    old_run = WireOf("kerong-cu16", [(102.5, 1)])        # never pulsed, then by the next run
    with pytest.raises(AssertionError, match="a pulse was repeated"):
        assert_each_pulse_follows_its_own_request(old_run, "kerong-cu16", requested, 0.0,
                                                  runs=[(99.0, 99.0), (102.0, 102.0)])
