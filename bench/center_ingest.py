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
import dataclasses
import json
import os
import pstats
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions
from psycopg.types.json import Jsonb

from center.fleet_simulator.fleet import DEFAULT_START, Fleet, FleetPlan
from center.fleet_simulator.station import Outages
from center.fleet_simulator.terminal import Outgoing
from center.fleet_simulator.wire import Wire
from kiosk.simulation.broker import LocalBroker

if TYPE_CHECKING:
    from tests.fixtures.postgres import PostgresCluster

REPO = Path(__file__).resolve().parents[1]
PREFIX = "kiosk/v1"
# center/ingest/worker.py's subscriptions: events shared by the group "center", the
# retained topics to every worker.
SHARED_EVENTS = f"$share/center/{PREFIX}/+/+/evt/#"
WORKER_TOPICS = (SHARED_EVENTS, f"{PREFIX}/+/+/state", f"{PREFIX}/+/+/heartbeat",
                 f"{PREFIX}/+/+/alarm/#")
EVENTS = 20_000
TERMINALS = 200
FULL_DAY_TERMINALS = 2_000
DEFAULT_INFLIGHT = 20
RAISED_INFLIGHT = 1000
BATCH = 200                    # center/settings.py's INGEST_BATCH and _WAIT_MS defaults
BATCH_WAIT_MS = 50
MEASURE_AT_MOST_S = 25.0
ROUNDS = 2       # a slow consumer is measured on what it did by then
GOAL_RATIO = 0.5
GOAL_DAY_S = 600.0
DAY_EVENTS_GOAL = 1_000_000


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float
    rounds: tuple[float, ...] = ()     # every round's rate, when this is the best of them

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0


# -- the stream --------------------------------------------------------------------------

def day_backlog(terminals: int) -> list[tuple[int, Outgoing]]:
    """Every terminal offline from 08:00 Beijing for a day, then back at once: what they
    publish, in the order a side-by-side drain puts it on the wire."""
    day = 24 * 3600.0
    fleet = Fleet(FleetPlan(terminals=terminals, seed=1, outages=Outages(
        offline_from=DEFAULT_START, offline_until=DEFAULT_START + day)))
    fleet.advance(DEFAULT_START + day)
    released: list[tuple[int, Outgoing]] = []
    while fleet.has_output:
        released += fleet.take(10_000)
    return released


# -- the broker and its sessions ---------------------------------------------------------

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

class Database:
    """A fresh, migrated center database per measurement, and its event count."""

    name: str

    @property
    def env(self) -> dict[str, str]:
        """The center's settings (docs/center.md) that reach the current database."""
        raise NotImplementedError

    def fresh(self) -> None:
        raise NotImplementedError

    def query(self, sql: str) -> int:
        raise NotImplementedError

    def stored(self) -> int:
        return self.query("SELECT count(*) FROM ingest_event")


class SqliteDatabase(Database):
    name = "SQLite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.template = directory / "template.sqlite3"
        self.runs = 0
        self.current = self.template
        migrate(self.env)

    @property
    def env(self) -> dict[str, str]:
        return {"CENTER_DB": "sqlite", "CENTER_DB_NAME": str(self.current)}

    def fresh(self) -> None:
        self.runs += 1
        self.current = self.directory / f"run-{self.runs}.sqlite3"
        with sqlite3.connect(self.template) as source, sqlite3.connect(self.current) as target:
            source.backup(target)

    def query(self, sql: str) -> int:
        with sqlite3.connect(self.current, timeout=30) as db:
            return int(db.execute(sql).fetchone()[0])


class PostgresCenter(Database):
    name = "PostgreSQL"

    def __init__(self, cluster: PostgresCluster) -> None:
        self.cluster = cluster
        self.template = cluster.create_database("center")
        self.current = self.template
        self.runs = 0
        with psycopg.connect(cluster.dsn, autocommit=True) as admin:
            # The test cluster trades durability for speed; production does not.
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                admin.execute(f"ALTER SYSTEM SET {setting} = on")
            admin.execute("SELECT pg_reload_conf()")
        migrate(self.env)

    @property
    def env(self) -> dict[str, str]:
        c = self.current
        return {"CENTER_DB": "postgresql", "CENTER_DB_NAME": c.dbname, "CENTER_DB_USER": c.user,
                "CENTER_DB_PASSWORD": c.password, "CENTER_DB_HOST": c.host,
                "CENTER_DB_PORT": str(c.port)}

    def fresh(self) -> None:
        """A copy of the migrated template (CREATE DATABASE ... TEMPLATE: a file copy)."""
        self.runs += 1
        self.current = dataclasses.replace(self.template, dbname=f"run_{self.runs}")
        with psycopg.connect(self.cluster.dsn, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {self.current.dbname} TEMPLATE "
                          f"{self.template.dbname} OWNER {self.template.user}")

    def query(self, sql: str) -> int:
        with psycopg.connect(self.current.dsn, autocommit=True) as db:
            row = db.execute(sql).fetchone()
            return int(row[0]) if row else 0


def center_env(database: Database, port: int, batch: int = BATCH) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "center.settings",
            "CENTER_INGEST_BATCH": str(batch), "CENTER_INGEST_BATCH_WAIT_MS": str(BATCH_WAIT_MS),
            # Production settings: DEBUG would keep every query in memory.
            "CENTER_DEBUG": "false", "CENTER_SECRET_KEY": secrets.token_urlsafe(32),
            "CENTER_MQTT_HOST": "127.0.0.1", "CENTER_MQTT_PORT": str(port),
            "CENTER_MQTT_SESSION_EXPIRY_S": "3600", "CENTER_LOG_LEVEL": "WARNING",
            **database.env}


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=REPO,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "center.settings",
                        "CENTER_LOG_LEVEL": "WARNING", **env}, check=True)


# -- the consumers -----------------------------------------------------------------------

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


def bare_insert_rate(postgres: PostgresCenter, stream: list[tuple[int, Outgoing]]) -> Rate:
    """The database alone: the same events parsed and written in batches of BATCH, each one
    INSERT ... ON CONFLICT DO NOTHING (psycopg's pipelined executemany) and a commit; no
    ORM, no MQTT, no completeness."""
    postgres.fresh()
    parsed = [(m.topic.split("/")[2:4], m.payload) for _, m in stream]
    with psycopg.connect(postgres.current.dsn) as db:
        terminal_ids = {}
        for district, terminal in sorted({tuple(key) for key, _ in parsed}):
            terminal_ids[(district, terminal)] = db.execute(
                "INSERT INTO fleet_terminal (district, terminal_id, online, version, heartbeat,"
                " catalog_version, complete_upto, highest_seq, rejects, seq_conflicts) VALUES"
                " (%s, %s, false, '', '{}', '', 0, 0, 0, 0) RETURNING id",
                (district, terminal)).fetchone()[0]  # type: ignore[index]
        db.commit()
        began = time.monotonic()
        for start in range(0, len(parsed), BATCH):
            now = datetime.now(UTC)
            rows = []
            for (district, terminal), payload in parsed[start:start + BATCH]:
                body = json.loads(payload)
                rows.append((terminal_ids[(district, terminal)], body["seq"], body["id"],
                             body["type"], body["priority"], body["createdAt"],
                             body["historical"], Jsonb(body["payload"]), now))
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO ingest_event (terminal_id, seq, event_id, type, priority, "
                    "created_at, historical, payload, received_at) VALUES (%s, %s, %s, %s, %s, "
                    "%s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)
            db.commit()
        return Rate(len(parsed), time.monotonic() - began)


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


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float,
             every_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(every_s)


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
