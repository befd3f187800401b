"""The district center's ingest beside mosquitto_sub receiving the same stream in the same
run (docs/center.md "Ingest").

The stream is what the fleet simulator's terminals publish when they come back from a day
without a link: births, heartbeats, standing alarms and each terminal's backlog of events
(historical, in drain order), terminals draining side by side, 20 messages each in turn.

- Receive rates: the first EVENTS events wait in the broker for consumers that are away
  (persistent sessions in the center's shared subscription); the consumers then start, and
  the rate is counted from the first event received or stored to the last.
  (a) the floor: mosquitto_sub, acknowledging each message at once, printing a timestamp
      (and, to tell the MQTT client's share from the database's, paho doing the same);
  (b) one ingest worker (`manage.py ingest`, a process of its own, as deployed, with
      production settings) on SQLite and on PostgreSQL (a private cluster with fsync and
      synchronous_commit on, as in production); (c) 1, 2 and 4 workers on PostgreSQL.
  Goal: a worker ingests at least half as fast as mosquitto_sub receives.
- The in-flight cap: mosquitto hands a client at most max_inflight_messages (default 20;
  the sample config/mosquitto/mosquitto.conf raises it to 1000) unacknowledged messages,
  unless an MQTT 5 client asks for another Receive Maximum (paho asks for none unless told;
  the center's worker asks for four batches). A worker
  acknowledges after its batch commits, so an enforced cap bounds its batches. Measured:
  what the broker actually hands out unacknowledged, one worker at 20 and at
  RAISED_INFLIGHT, and one worker with batches of 20 (what an enforced cap leaves).
- (d) A day's outage: TERMINALS terminals' backlogs released at once (published by the
  simulator in this process) while the best number of workers from (c) runs; the time from
  the release until every event is stored, extrapolated to 2,000 terminals x a day (about
  1M events; goal at most 10 minutes). `--full-day` runs the 2,000 terminals for real.

Every consumer session is discarded after its measurement: a persistent session left in
the share group keeps being given its turn of the events.

`--profile` instead runs one worker on PostgreSQL under cProfile and prints where its
writer thread spends the time.
"""

from __future__ import annotations

import argparse
import pstats
import signal
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from center_ingest_rig.broker import floor_rate, paho_rate, start_broker, unacknowledged_rounds
from center_ingest_rig.common import (
    BATCH,
    BATCH_WAIT_MS,
    DAY_EVENTS_GOAL,
    DEFAULT_INFLIGHT,
    EVENTS,
    FULL_DAY_TERMINALS,
    GOAL_DAY_S,
    GOAL_RATIO,
    RAISED_INFLIGHT,
    REPO,
    ROUNDS,
    TERMINALS,
    Rate,
    day_backlog,
)
from center_ingest_rig.databases import PostgresCenter, SqliteDatabase, bare_insert_rate
from center_ingest_rig.workers import Replay, best_of, line, replay_day, verdict, worker_rate

from center.fleet_simulator.terminal import Outgoing

if TYPE_CHECKING:
    from tests.fixtures.postgres import PostgresCluster

def main() -> int:
    # A stop by SIGTERM runs the clean-ups (workers, broker, cluster) as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.stdout.reconfigure(line_buffering=True)     # type: ignore[union-attr]
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--full-day", action="store_true",
                         help=f"replay {FULL_DAY_TERMINALS} terminals' day (about 1M events)")
    options.add_argument("--profile", action="store_true",
                         help="profile one worker on PostgreSQL instead")
    options.add_argument("--events", type=int, default=EVENTS,
                         help="events in the receive-rate stream")
    options.add_argument("--terminals", type=int, default=TERMINALS,
                         help="terminals whose day is replayed in (d)")
    args = options.parse_args()
    began = time.monotonic()
    # The private cluster of the center's tests; bench/ is not a package, so the
    # repository's root goes on the path first.
    sys.path.insert(0, str(REPO))
    from tests.fixtures.postgres import PostgresCluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL's server programs are missing: apt-get install postgresql")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-center-") as directory:
        root = Path(directory)
        cluster = PostgresCluster(bindir)
        cluster.start()
        try:
            return run(root, cluster, args, began)
        finally:
            cluster.stop()


def run(root: Path, cluster: PostgresCluster, args: argparse.Namespace, began: float) -> int:
    postgres = PostgresCenter(cluster)
    made = time.monotonic()
    released = day_backlog(args.terminals)
    stream = [(i, m) for i, m in released if m.seq is not None][:args.events]
    size = sum(len(m.payload) for _, m in stream) / len(stream)
    print(f"center ingest: {len(stream)} events of {args.terminals} terminals' backlogs (mean "
          f"{size:.0f} bytes; the simulator made {args.terminals} terminal-days in "
          f"{time.monotonic() - made:.1f} s); local mosquitto, QoS 1; worker batches of "
          f"{BATCH}, {BATCH_WAIT_MS} ms")
    if args.profile:
        return profile(root, postgres, stream)
    broker = start_broker(root / "broker", RAISED_INFLIGHT)
    try:
        print(f"receive rates (mosquitto max_inflight_messages {RAISED_INFLIGHT}):")
        floor = max(floor_rate(broker.port, stream, None),
                    floor_rate(broker.port, stream, RAISED_INFLIGHT), key=lambda r: r.per_s)
        print(line("(a) mosquitto_sub, the floor", floor))
        print(line("    paho, acknowledging at once, no database",
                   best_of(lambda: paho_rate(broker.port, stream)), floor.per_s))
        sqlite_center = SqliteDatabase(root / "sqlite")
        sqlite = best_of(lambda: worker_rate(broker.port, sqlite_center, 1, stream))
        print(line("(b) 1 worker, SQLite", sqlite, floor.per_s))
        by_workers = {}
        for workers in (1, 2, 4):
            by_workers[workers] = best_of(
                partial(worker_rate, broker.port, postgres, workers, stream),
                rounds=ROUNDS if workers == 1 else 1)
            print(line(f"(c) {workers} worker{'s' if workers > 1 else ''}, PostgreSQL",
                       by_workers[workers], floor.per_s))
        print(line("    PostgreSQL alone, 1 INSERT per batch, no ORM",
                   bare_insert_rate(postgres, stream), floor.per_s))
        print(f"  goal: a worker at least {GOAL_RATIO}x mosquitto_sub: PostgreSQL "
              f"{verdict(by_workers[1].per_s, floor.per_s)}, SQLite "
              f"{verdict(sqlite.per_s, floor.per_s)}")
    finally:
        broker.stop()
    inflight_cap(root, postgres, stream, by_workers[1])
    best = max(by_workers, key=lambda w: by_workers[w].per_s)
    terminals = FULL_DAY_TERMINALS if args.full_day else args.terminals
    if args.full_day:
        released = day_backlog(terminals)
    broker = start_broker(root / "broker", RAISED_INFLIGHT)
    try:
        replay = replay_day(broker.port, postgres, best, released)
    finally:
        broker.stop()
    report_replay(replay, terminals, best)
    print(f"benchmark run time {time.monotonic() - began:.0f} s")
    return 0


def inflight_cap(root: Path, postgres: PostgresCenter, stream: list[tuple[int, Outgoing]],
                 raised: Rate) -> None:
    """What mosquitto's default cap of 20 unacknowledged messages does to a worker."""
    broker = start_broker(root / "broker", DEFAULT_INFLIGHT)
    try:
        print(f"the in-flight cap (mosquitto max_inflight_messages {DEFAULT_INFLIGHT}, its "
              "default; a plain paho client asks for no Receive Maximum, the center's "
              "worker asks for four batches):")
        rounds = unacknowledged_rounds(broker.port, stream)
        print(f"  unacknowledged messages the broker hands one client: {rounds[0]} while "
              f"none is acknowledged; then, acknowledging each round: {rounds[1:]}")
        capped = best_of(lambda: worker_rate(broker.port, postgres, 1, stream))
        print(line(f"1 worker, PostgreSQL, max_inflight {DEFAULT_INFLIGHT}", capped))
        print(line(f"1 worker, PostgreSQL, max_inflight {RAISED_INFLIGHT} (above)", raised))
        small = worker_rate(broker.port, postgres, 1, stream, batch=DEFAULT_INFLIGHT)
        print(line(f"1 worker, PostgreSQL, batches of {DEFAULT_INFLIGHT}", small))
        enforced = DEFAULT_INFLIGHT / (BATCH_WAIT_MS / 1000 + DEFAULT_INFLIGHT / small.per_s)
        print(f"  a broker that enforces {DEFAULT_INFLIGHT} (as this mosquitto does only until "
              f"the first acknowledgements) gives batches of {DEFAULT_INFLIGHT}, each first "
              f"waiting the {BATCH_WAIT_MS} ms for a fuller batch: COMPUTED from the line "
              f"above, at most {enforced:.0f} events/s")
    finally:
        broker.stop()


def report_replay(replay: Replay, terminals: int, workers: int) -> None:
    rate = replay.events / replay.caught_up_s
    print(f"(d) a day's outage: {terminals} terminals x a day = {replay.events} events "
          f"({replay.messages} messages with births, heartbeats, alarms) released at once, "
          f"{workers} worker{'s' if workers > 1 else ''} on PostgreSQL:")
    print(f"  published (acknowledged by the broker) in {replay.published_s:.1f} s; every "
          f"event stored after {replay.caught_up_s:.1f} s ({rate:.0f} events/s); "
          f"terminals left incomplete {replay.incomplete_terminals}, rejects {replay.rejects}")
    if replay.events >= DAY_EVENTS_GOAL:
        verdict = "met" if replay.caught_up_s <= GOAL_DAY_S else "NOT met"
        print(f"  measured for the whole day: {replay.caught_up_s / 60:.1f} min (goal at most "
              f"{GOAL_DAY_S / 60:.0f} min: {verdict})")
        return
    scaled = replay.caught_up_s * DAY_EVENTS_GOAL / replay.events
    verdict = "would be met" if scaled <= GOAL_DAY_S else "would NOT be met"
    print(f"  EXTRAPOLATED, not measured: 2,000 terminals x ~500 events = 1M events at this "
          f"rate take {scaled / 60:.1f} min (goal at most {GOAL_DAY_S / 60:.0f} min: {verdict})")


def profile(root: Path, postgres: PostgresCenter, stream: list[tuple[int, Outgoing]]
            ) -> int:
    broker = start_broker(root / "broker", RAISED_INFLIGHT)
    target = root / "worker.prof"
    try:
        rate = worker_rate(broker.port, postgres, 1, stream, profile_to=target)
    finally:
        broker.stop()
    print(line("1 worker, PostgreSQL, under cProfile", rate))
    stats = pstats.Stats(str(target))
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("center|django/db/models/(query|sql/compiler)",
                                               30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
