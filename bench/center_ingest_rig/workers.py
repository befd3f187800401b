"""The ingest workers as processes, counting what they stored, and the day's replay."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from center.fleet_simulator.terminal import Outgoing
from center_ingest_rig.broker import end_session, make_session, publish
from center_ingest_rig.common import (
    BATCH,
    GOAL_RATIO,
    MEASURE_AT_MOST_S,
    REPO,
    ROUNDS,
    WORKER_TOPICS,
    Rate,
    wait_for,
)
from center_ingest_rig.databases import Database, center_env

if TYPE_CHECKING:
    pass

def start_workers(names: list[str], env: dict[str, str],
                  profile_to: Path | None = None) -> list[subprocess.Popen[bytes]]:
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile_to)]
                                 if profile_to else [])
    return [subprocess.Popen([*prefix, "manage.py", "ingest", "--name", name], cwd=REPO,
                             env=env, stdout=subprocess.DEVNULL)
            for name in names]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def count_until(database: Database, target: int, at_most_s: float) -> Rate:
    """Polls the stored count from the first event stored until ``target`` (or the time
    allowed); the rate between those two moments."""
    first_at = first_count = None
    deadline = time.monotonic() + at_most_s + 30        # + the workers' start
    count = 0
    while time.monotonic() < deadline:
        count = database.stored()
        now = time.monotonic()
        if first_at is None and count > 0:
            first_at, first_count = now, count
            deadline = now + at_most_s
        if count >= target:
            break
        time.sleep(0.05)
    if first_at is None or first_count is None:
        raise RuntimeError(f"{database.name}: nothing was stored")
    return Rate(count - first_count, time.monotonic() - first_at)


def worker_rate(port: int, database: Database, workers: int,
                stream: list[tuple[int, Outgoing]], profile_to: Path | None = None,
                batch: int = BATCH) -> Rate:
    names = [f"bench-ingest-{n}" for n in range(1, workers + 1)]
    for name in names:
        make_session(port, name, WORKER_TOPICS)
    publish(port, stream)
    database.fresh()
    running = start_workers(names, center_env(database, port, batch), profile_to)
    try:
        return count_until(database, len(stream), MEASURE_AT_MOST_S)
    finally:
        stop_workers(running)
        for name in names:
            end_session(port, name)



@dataclass(frozen=True)
class Replay:
    events: int
    messages: int
    published_s: float
    caught_up_s: float
    incomplete_terminals: int
    rejects: int


def replay_day(port: int, database: Database, workers: int,
               released: list[tuple[int, Outgoing]]) -> Replay:
    """The workers run; the day's backlogs are released; the clock stops when the last
    event is stored."""
    names = [f"bench-replay-{n}" for n in range(1, workers + 1)]
    database.fresh()
    for name in names:
        make_session(port, name, WORKER_TOPICS)
    running = start_workers(names, center_env(database, port))
    events = sum(1 for _, m in released if m.seq is not None)
    try:
        wait_for(lambda: database.query("SELECT count(*) FROM ingest_workerstate "
                                        "WHERE connected") == workers,
                 "the workers to connect", 30)
        published: list[float] = []
        sender = threading.Thread(target=lambda: published.append(publish(port, released)))
        began = time.monotonic()
        sender.start()
        wait_for(lambda: progressing(database, events), "every event to be stored",
                 3600, every_s=0.2)
        caught_up = time.monotonic() - began
        sender.join()
    finally:
        stop_workers(running)
        for name in names:
            end_session(port, name)
    return Replay(events, len(released), published[0], caught_up,
                  database.query("SELECT count(*) FROM fleet_terminal "
                                 "WHERE complete_upto <> highest_seq"),
                  database.query("SELECT count(*) FROM ingest_reject"))


class Stalled(RuntimeError):
    pass


_last_progress: dict[int, tuple[int, float]] = {}


def progressing(database: Database, target: int, stall_s: float = 60.0) -> bool:
    """Whether ``target`` events are stored; raises when the count stops moving."""
    count, now = database.stored(), time.monotonic()
    before, since = _last_progress.get(id(database), (-1, now))
    if count != before:
        _last_progress[id(database)] = (count, now)
    elif now - since > stall_s:
        raise Stalled(f"{database.name}: {count} of {target} events stored, none for "
                      f"{stall_s:.0f} s")
    return count >= target





# -- the report --------------------------------------------------------------------------

def best_of(measure: Callable[[], Rate], rounds: int = ROUNDS) -> Rate:
    """The best of ``rounds`` measurements: on a shared machine the others are slowed by
    work that is not ours."""
    measured = [measure() for _ in range(rounds)]
    best = max(measured, key=lambda r: r.per_s)
    return dataclasses.replace(best, rounds=tuple(r.per_s for r in measured))


def line(what: str, rate: Rate, beside: float | None = None) -> str:
    ratio = f"   {rate.per_s / beside:4.2f}x the floor" if beside else ""
    rounds = f"; rounds {', '.join(f'{r:.0f}' for r in rate.rounds)}" if rate.rounds else ""
    return f"  {what:<46} {rate.per_s:7.0f} events/s ({rate.count} in {rate.seconds:.1f} s" \
           f"{rounds}){ratio}"


def verdict(rate: float, floor: float) -> str:
    ratio = rate / floor
    return f"{ratio:.2f}x ({'met' if ratio >= GOAL_RATIO else 'NOT met'})"


