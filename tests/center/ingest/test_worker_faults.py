"""The ingest worker under faults, each test on SQLite and on PostgreSQL: `manage.py ingest`
killed with SIGKILL again and again while events flow; its database stopped (PostgreSQL) or
locked (SQLite) under it; the broker handing it repeats and shuffled events; a terminal
whose seqs restarted; malformed payloads, and well-formed ones its columns cannot hold.

A real mosquitto and real worker processes (tests/fixtures/ingest_worker.py). The outcome
is read back with plain SQL, so the same checks serve the test databases and the private
PostgreSQL cluster the outage test stops."""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import paho.mqtt.client as mqtt
import psycopg
import pytest
from django.db import connections
from paho.mqtt.enums import CallbackAPIVersion

from center.ingest.batch import Received
from center.ingest.models import Event
from kiosk.simulation.broker import LocalBroker
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import FakeTerminal, received
from tests.fixtures.ingest_worker import (
    Totals,
    WorkerProcess,
    database_environment,
    migrate,
)
from tests.fixtures.postgres import PostgresCluster, require_postgres

pytestmark = [pytest.mark.django_db(transaction=True, databases=DATABASES), pytest.mark.slow]

REFUSED = "the database refused a batch"     # center/ingest/worker.py's log
# The busy timeout the SQLite test gives the worker (CENTER_DB_TIMEOUT_S; 20 s by default).
ASKED_SQLITE_TIMEOUT_S = 2


# -- reading the outcome ---------------------------------------------------------------------

Query = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]


class TerminalRow(NamedTuple):
    complete_upto: int
    highest_seq: int
    rejects: int
    seq_conflicts: int


def django_query(alias: str) -> Query:
    def run(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    return run


def psycopg_query(dsn: str) -> Query:
    """A connection per query: the server may have been restarted since the last one."""
    def run(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        with psycopg.connect(dsn, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()  # type: ignore[arg-type]
    return run


def as_uuid(value: object) -> uuid.UUID:
    # SQLite keeps a UUIDField as 32 hex digits, PostgreSQL as its uuid type.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class Store:
    """What ingest kept, by terminal id, in the tables of center/ingest and center/fleet."""

    def __init__(self, query: Query) -> None:
        self.query = query

    def events(self, terminal: str) -> dict[int, uuid.UUID]:
        rows = self.query("SELECT e.seq, e.event_id FROM ingest_event e JOIN fleet_terminal t "
                          "ON t.id = e.terminal_id WHERE t.terminal_id = %s", [terminal])
        return {int(seq): as_uuid(event_id) for seq, event_id in rows}

    def count(self, terminal: str) -> int:
        [(count,)] = self.query("SELECT count(*) FROM ingest_event e JOIN fleet_terminal t "
                                "ON t.id = e.terminal_id WHERE t.terminal_id = %s", [terminal])
        return int(count)

    def terminal(self, terminal: str) -> TerminalRow | None:
        rows = self.query("SELECT complete_upto, highest_seq, rejects, seq_conflicts "
                          "FROM fleet_terminal WHERE terminal_id = %s", [terminal])
        return TerminalRow(*(int(n) for n in rows[0])) if rows else None

    def gaps(self, terminal: str) -> list[tuple[int, int]]:
        return [(int(a), int(b)) for a, b in self.query(
            "SELECT g.first_seq, g.last_seq FROM ingest_gap g JOIN fleet_terminal t "
            "ON t.id = g.terminal_id WHERE t.terminal_id = %s ORDER BY g.first_seq",
            [terminal])]

    def conflicts(self) -> list[tuple[str, int, uuid.UUID, uuid.UUID]]:
        return [(str(t), int(seq), as_uuid(kept), as_uuid(other)) for t, seq, kept, other in
                self.query("SELECT t.terminal_id, c.seq, c.kept_event_id, c.other_event_id "
                           "FROM ingest_seqconflict c JOIN fleet_terminal t "
                           "ON t.id = c.terminal_id ORDER BY t.terminal_id, c.seq", [])]

    def rejects(self) -> list[tuple[str | None, str, str]]:
        return [(t, str(reason), str(excerpt)) for t, reason, excerpt in self.query(
            "SELECT t.terminal_id, r.reason, r.excerpt FROM ingest_reject r "
            "LEFT JOIN fleet_terminal t ON t.id = r.terminal_id ORDER BY r.id", [])]


def wait_until(predicate: Callable[[], bool], what: str, timeout_s: float,
               detail: Callable[[], str] = lambda: "", every_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}\n{detail()}")
        time.sleep(every_s)


# -- the terminals' side ---------------------------------------------------------------------

class Publisher:
    """Publishes at QoS 1 and returns once the broker has acknowledged every message."""

    def __init__(self, port: int) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self._lock = threading.Lock()

    def publish(self, *messages: Received) -> list[mqtt.MQTTMessageInfo]:
        """Hands the messages to paho; they are the broker's once each ``is_published()``."""
        with self._lock:
            return [self.client.publish(m.topic, m.payload, qos=1) for m in messages]

    def send(self, *messages: Received) -> None:
        acknowledged(self.publish(*messages))

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def acknowledged(sent: list[mqtt.MQTTMessageInfo]) -> None:
    for info in sent:
        info.wait_for_publish(10)
        if not info.is_published():
            raise AssertionError(f"the broker did not acknowledge message {info.mid}")


class Flow:
    """Several terminals publishing their events in order, one round every ``every_s``, on
    a thread of its own, without waiting for one round's acknowledgements before the next;
    ``last_seq`` is the last round the broker has acknowledged in full."""

    def __init__(self, publisher: Publisher, kiosks: list[FakeTerminal], every_s: float) -> None:
        self.publisher = publisher
        self.kiosks = kiosks
        self.every_s = every_s
        self.last_seq = 0
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flow", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> int:
        """Stops publishing; the last round, every round of it acknowledged."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(30)
        if self.error is not None:
            raise AssertionError(f"publishing failed: {self.error!r}")
        return self.last_seq

    def _run(self) -> None:
        pending: deque[tuple[int, list[mqtt.MQTTMessageInfo]]] = deque()
        try:
            seq = 0
            while not self._stop.wait(self.every_s):
                seq += 1
                pending.append((seq, self.publisher.publish(
                    *(kiosk.event(seq) for kiosk in self.kiosks))))
                while pending and all(info.is_published() for info in pending[0][1]):
                    self.last_seq = pending.popleft()[0]
            while pending:
                acknowledged(pending[0][1])
                self.last_seq = pending.popleft()[0]
        except BaseException as error:
            self.error = error


class Probe:
    """Events of a terminal of the test's own, to learn what the worker has read. The broker
    gives one worker its messages in the order they were published and the worker commits
    its batches in order, so once a probe event is stored, everything before it was handled
    (with no kill in between)."""

    terminal = "xc-probe"

    def __init__(self, publisher: Publisher, store: Store) -> None:
        self.publisher = publisher
        self.store = store
        self.kiosk = FakeTerminal(self.terminal)
        self.sent = 0

    @property
    def stored(self) -> int:
        return self.store.count(self.terminal)

    def until_subscribed(self, timeout_s: float = 20.0) -> None:
        """A worker's SUBSCRIBE follows its CONNACK: probe until one event comes through.
        (Probes published before it reach no subscriber and are gone, as they should be.)"""
        deadline = time.monotonic() + timeout_s
        while True:
            self.send()
            with contextlib.suppress(AssertionError):
                wait_until(lambda: self.stored > 0, "a probe", timeout_s=0.5)
                return
            assert time.monotonic() < deadline, "no probe reached the database"

    def barrier(self, timeout_s: float = 30.0) -> None:
        """Until everything published so far has been handled."""
        before = self.stored
        self.send()
        wait_until(lambda: self.stored > before, "the probe behind the test's events",
                   timeout_s)

    def send(self) -> None:
        self.sent += 1
        self.publisher.send(self.kiosk.event(self.sent))


# -- fixtures ----------------------------------------------------------------------------------

@pytest.fixture
def publisher(broker: LocalBroker) -> Iterator[Publisher]:
    publisher = Publisher(broker.port)
    yield publisher
    publisher.close()


@pytest.fixture
def workers(broker: LocalBroker, tmp_path: Path
            ) -> Iterator[Callable[[str, dict[str, str]], WorkerProcess]]:
    """Worker processes on the test's broker; every one is killed at the end, pass or fail
    (before pytest-django empties the test databases)."""
    started: list[WorkerProcess] = []

    def make(name: str, database: dict[str, str]) -> WorkerProcess:
        worker = WorkerProcess(name, database, broker.port, tmp_path)
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.close()


def worker_database(using: str) -> dict[str, str]:
    """The worker's environment for the running test's database of alias ``using``."""
    return database_environment(connections[using].settings_dict)


def kiosk_ids(kiosks: list[FakeTerminal]) -> list[str]:
    return [kiosk.topics.terminal for kiosk in kiosks]


def stored(store: Store, kiosks: list[FakeTerminal]) -> int:
    return sum(store.count(terminal) for terminal in kiosk_ids(kiosks))


def await_kill_moment(rng: random.Random, worker: WorkerProcess,
                      count: Callable[[], int]) -> str:
    """Waits for a random moment to kill the worker at, and says which kind it was: while it
    starts (Django, the broker), anywhere in the flow, or just after a commit was seen (the
    batch stored, its acknowledgements maybe not yet sent)."""
    kind = rng.choices(["starting", "flowing", "committed"], weights=[2, 4, 4])[0]
    if kind == "starting":
        time.sleep(rng.uniform(0.0, 0.4))
        return kind
    worker.wait_connected()
    time.sleep(rng.uniform(0.05, 1.0) if kind == "flowing" else rng.uniform(0.05, 0.3))
    if kind == "committed":
        before = count()
        with contextlib.suppress(AssertionError):
            wait_until(lambda: count() > before, "a commit", timeout_s=3, every_s=0.002)
    return kind


# -- 1. kill -9 in a loop --------------------------------------------------------------------

def test_sigkill_in_a_loop_while_events_flow_loses_nothing_and_stores_each_once(
        using, publisher, workers):
    """At least once from the broker, once in the database: a worker killed before its
    commit gets the batch again, one killed between commit and acknowledgement gets repeats
    it must drop. The seed is printed, and named in every failure."""
    seed = time.time_ns()
    rng = random.Random(seed)
    store = Store(django_query(using))
    kiosks = [FakeTerminal(f"xc-kill-{n}") for n in range(4)]
    flow = Flow(publisher, kiosks, every_s=0.005)       # up to 800 events a second
    worker = workers("center-ingest-kill", worker_database(using))
    probe = Probe(publisher, store)
    kills: list[str] = []
    worker.start()
    worker.wait_connected()
    probe.until_subscribed()
    flow.start()
    try:
        for _ in range(rng.randint(10, 15)):
            kills.append(await_kill_moment(rng, worker, lambda: stored(store, kiosks)))
            worker.kill()
            worker.start()                 # the same name: the broker resumes its session
    finally:
        last = flow.stop()
    worker.wait_connected()

    def drained() -> bool:
        return stored(store, kiosks) == last * len(kiosks)

    wait_until(drained, f"{last} events of each terminal", timeout_s=40,
               detail=lambda: f"seed {seed}; stored {stored(store, kiosks)}")
    probe.barrier()
    totals = worker.stop()

    context = f"seed {seed}, {worker.starts} starts, killed {kills}"
    print(f"\nkill loop on {using}: {last} rounds of {len(kiosks)} terminals; {context}; "
          f"the clean run: {totals}")
    for kiosk in kiosks:
        terminal = kiosk.topics.terminal
        kept = store.events(terminal)
        assert sorted(kept) == list(range(1, last + 1)), context
        assert kept == {seq: kiosk.ids[seq] for seq in kept}, context   # none mixed up
        assert store.terminal(terminal) == TerminalRow(complete_upto=last, highest_seq=last,
                                                       rejects=0, seq_conflicts=0), context
        assert store.gaps(terminal) == [], context
    assert store.conflicts() == []
    assert store.rejects() == []
    assert (totals.conflicts, totals.rejected) == (0, 0), context
    assert "Traceback" not in worker.all_logs()


# -- 2. the database down --------------------------------------------------------------------

@dataclass
class Outage:
    """A database the worker writes to, and how to take it away and give it back."""

    database: dict[str, str]
    store: Store
    begin: Callable[[], None]
    end: Callable[[], None]
    hold_s: float
    says: str           # what the worker's log must show of the refusal


@contextlib.contextmanager
def locked_sqlite() -> Iterator[Outage]:
    """The test's SQLite file, whose write lock another connection takes and keeps past the
    worker's busy timeout, so the worker's commits fail with "database is locked"."""
    database = worker_database("default")
    timeout_s = ASKED_SQLITE_TIMEOUT_S
    database["CENTER_DB_TIMEOUT_S"] = str(timeout_s)
    holder = sqlite3.connect(database["CENTER_DB_NAME"], timeout=60, isolation_level=None)
    try:
        yield Outage(database, Store(django_query("default")),
                     begin=lambda: holder.execute("BEGIN IMMEDIATE"),
                     end=lambda: holder.execute("ROLLBACK"),
                     hold_s=timeout_s + 3, says="database is locked")
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


def pg_ctl(cluster: PostgresCluster, *args: str) -> None:
    # The cluster's own runner: under root, pg_ctl runs as the cluster's account.
    cluster._run("pg_ctl", *args, "--pgdata", str(cluster.data_dir), "--wait")


@contextlib.contextmanager
def stoppable_postgres(tmp_path: Path) -> Iterator[Outage]:
    """A second, private cluster (the session's is shared by every test): migrated, then
    stopped with `pg_ctl stop -m fast` under the worker and started again on its port."""
    cluster = PostgresCluster(require_postgres())
    cluster.start()
    try:
        target = cluster.create_database("center_faults")
        database = database_environment(target.django())
        migrate(database, tmp_path)

        def start_again() -> None:
            pg_ctl(cluster, "start", "--log", str(cluster.log_file),
                   "-o", f"-p {cluster.port}")
            cluster.pid = cluster._pid_from_file()

        yield Outage(database, Store(psycopg_query(target.dsn)),
                     begin=lambda: pg_ctl(cluster, "stop", "--mode", "fast"),
                     end=start_again, hold_s=4.0, says=REFUSED)
    finally:
        cluster.stop()


def test_the_database_down_keeps_the_batch_unacknowledged_and_loses_nothing(
        using, publisher, workers, tmp_path):
    """Two workers share the events when the database goes: one rides the outage out and
    carries on, the other is killed holding a refused batch and started again, so what it
    held can only come back from the broker."""
    outage_of = (lambda: stoppable_postgres(tmp_path)) if using == "pg" else \
        locked_sqlite
    with outage_of() as outage:
        store = outage.store
        kiosks = [FakeTerminal(f"xc-down-{n}") for n in range(2)]
        flow = Flow(publisher, kiosks, every_s=0.05)        # 40 events a second
        rider = workers("center-ingest-rider", outage.database)
        victim = workers("center-ingest-victim", outage.database)
        probe = Probe(publisher, store)
        # Each subscribes alone, so a probe stored shows that one subscribed; the victim's
        # session keeps its subscription while it is away.
        victim.start()
        victim.wait_connected()
        probe.until_subscribed()
        victim.stop()
        rider.start()
        rider.wait_connected()
        probe.until_subscribed()
        victim.start()
        victim.wait_connected()
        flow.start()
        try:
            time.sleep(1.0)
            at_outage = flow.last_seq
            outage.begin()
            began = time.monotonic()
            try:
                wait_until(lambda: all(REFUSED in w.log() for w in (rider, victim)),
                           "both workers to be refused", timeout_s=outage.hold_s + 10)
                victim_log = victim.log()
                victim.kill()              # with a refused batch nobody has acknowledged
                victim.start()
                time.sleep(max(0.0, outage.hold_s - (time.monotonic() - began)))
                assert rider.alive, rider.log()
            finally:
                outage.end()
            time.sleep(1.0)             # events published after the database came back
        finally:
            last = flow.stop()
        assert 0 < at_outage < last - 20, "the flow did not go on through the outage"
        wait_until(lambda: all(store.count(k) == last for k in kiosk_ids(kiosks)),
                   "every event after the outage", timeout_s=45,
                   detail=lambda: f"{rider.log()[-2000:]}\n{victim.all_logs()[-2000:]}")
        assert rider.alive, "the worker did not survive its database's outage"
        assert victim.alive, "the restarted worker did not survive the rest of the outage"
        rider_log = rider.log()
        ridden, restarted = rider.stop(), victim.stop()
        print(f"\ndatabase down on {using}: held {outage.hold_s} s; {last} rounds; the rider "
              f"{ridden}, the restarted victim {restarted}")
        for log in (rider_log, victim_log):
            assert REFUSED in log
            assert outage.says in log
        assert ridden.stored > 0, "the rider stored nothing after the outage"
        assert (rider.starts, victim.starts) == (1, 3)
        for kiosk in kiosks:
            terminal = kiosk.topics.terminal
            assert store.events(terminal) == {seq: kiosk.ids[seq] for seq in range(1, last + 1)}
            assert store.terminal(terminal) == TerminalRow(last, last, 0, 0)
            assert store.gaps(terminal) == []
        assert (ridden.conflicts, ridden.rejected, restarted.conflicts, restarted.rejected) \
            == (0, 0, 0, 0)
        assert store.conflicts() == []
        assert store.rejects() == []


# -- 3. repeats and shuffled order through the broker ------------------------------------------

def test_repeated_and_shuffled_events_are_stored_once_and_close_their_gaps(
        using, publisher, workers):
    """Every event twice, shuffled; some held back until a second shuffled pass, so gaps
    open (the watermark stops below them) and close."""
    rng = random.Random(7)
    store = Store(django_query(using))
    kiosk = FakeTerminal("xc-shuffle")
    terminal = kiosk.topics.terminal
    every = list(range(1, 61))
    held_back = {7, 20, 21, 22, 23, 24}
    first_pass = [seq for seq in every if seq not in held_back] * 2
    second_pass = every * 2
    rng.shuffle(first_pass)
    rng.shuffle(second_pass)
    worker = workers("center-ingest-shuffle", worker_database(using))
    probe = Probe(publisher, store)
    worker.start()
    worker.wait_connected()
    probe.until_subscribed()

    publisher.send(*(kiosk.event(seq) for seq in first_pass))
    probe.barrier()
    assert sorted(store.events(terminal)) == sorted(set(first_pass))
    assert store.gaps(terminal) == [(7, 7), (20, 24)]
    assert store.terminal(terminal) == TerminalRow(complete_upto=6, highest_seq=60,
                                                   rejects=0, seq_conflicts=0)

    publisher.send(*(kiosk.event(seq) for seq in second_pass))
    probe.barrier()
    totals = worker.stop()
    assert store.events(terminal) == {seq: kiosk.ids[seq] for seq in every}
    assert store.gaps(terminal) == []
    assert store.terminal(terminal) == TerminalRow(60, 60, 0, 0)
    published = len(first_pass) + len(second_pass)
    assert totals == Totals(stored=60 + probe.stored, repeats=published - 60,
                            conflicts=0, rejected=0)


# -- 4. a terminal whose seqs restarted, and a malformed payload -------------------------------

def test_a_reset_terminal_is_a_conflict_and_a_malformed_payload_a_reject(
        using, publisher, workers):
    store = Store(django_query(using))
    before = FakeTerminal("xc-reset")           # its database, then wiped: new ids from 1
    after = FakeTerminal("xc-reset")
    terminal = before.topics.terminal
    topic = before.topics.event("queue.ticket_issued")
    not_json = received(topic, b'{"seq": 6, "phone": "13800138000"')
    seq_as_text = received(topic, after.event(8).payload.replace(b'"seq": 8', b'"seq": "8"'))
    worker = workers("center-ingest-reset", worker_database(using))
    probe = Probe(publisher, store)
    worker.start()
    worker.wait_connected()
    probe.until_subscribed()

    publisher.send(*(before.event(seq) for seq in range(1, 11)))
    probe.barrier()
    # One burst, so the malformed messages share batches with valid ones.
    publisher.send(*(after.event(seq) for seq in range(1, 6)), not_json,
                   *(after.event(seq) for seq in range(6, 10)), seq_as_text,
                   *(after.event(seq) for seq in range(10, 15)))
    probe.barrier()
    assert worker.alive
    totals = worker.stop()

    kept = store.events(terminal)
    assert kept == {**{seq: before.ids[seq] for seq in range(1, 11)},
                    **{seq: after.ids[seq] for seq in range(11, 15)}}
    assert store.conflicts() == [(terminal, seq, before.ids[seq], after.ids[seq])
                                 for seq in range(1, 11)]
    rejects = store.rejects()
    assert [(owner, reason) for owner, reason, _ in rejects] == [
        (terminal, "payload is not JSON"), (terminal, "evt: 'seq' must be a whole number")]
    assert rejects[0][2] == '{"seq": 6, "phone": "###########"'     # a phone number masked
    assert '"seq": "8"' in rejects[1][2]
    assert store.terminal(terminal) == TerminalRow(complete_upto=14, highest_seq=14,
                                                   rejects=2, seq_conflicts=10)
    assert store.gaps(terminal) == []
    assert totals == Totals(stored=14 + probe.stored, repeats=0, conflicts=10, rejected=2)


# -- 5. a payload that reads well but that the database cannot hold ----------------------------

# Fields of the right JSON types that the columns they go to cannot hold: ingest must refuse
# each as a reject (center/ingest/messages.py checks their ranges) and carry on.
UNFIT = {
    "nul_in_text": {"payload": {"code": "A\u0000B"}},            # jsonb refuses \u0000
    "seq_past_bigint": {"seq": 2**63},                           # bigint
    "priority_past_smallint": {"priority": 40000},                # smallint
    "year_10000_in_utc": {"createdAt": "9999-12-31T23:59:59.000-05:00"},
    # Read as infinity; messages.py lets it through and PostgreSQL's jsonb refuses it: the
    # worker's fallback (its batch one message at a time) must find it and keep it a reject.
    "number_past_double": {"payload": {"weight": float("inf")}},
}


def event_with(kiosk: FakeTerminal, seq: int, fields: dict[str, object]) -> Received:
    """The terminal's event ``seq`` with some of its fields replaced."""
    message = kiosk.event(seq)
    return received(message.topic, {**json.loads(message.payload), **fields})


@pytest.mark.parametrize("unfit", list(UNFIT))
def test_an_event_the_database_cannot_hold_is_rejected_and_the_worker_goes_on(
        using, publisher, workers, unfit):
    store = Store(django_query(using))
    kiosk = FakeTerminal("xc-unfit")
    terminal = kiosk.topics.terminal
    worker = workers("center-ingest-unfit", worker_database(using))
    probe = Probe(publisher, store)
    worker.start()
    worker.wait_connected()
    probe.until_subscribed()
    publisher.send(kiosk.event(1))
    probe.barrier()
    publisher.send(event_with(kiosk, 2, UNFIT[unfit]),
                   *(kiosk.event(seq) for seq in range(3, 6)))
    probe_before = probe.stored
    probe.send()
    # Done when the probe behind them is stored, the worker is gone, or it keeps failing.
    wait_until(lambda: probe.stored > probe_before or not worker.alive
               or worker.log().count(REFUSED) >= 2,
               "the worker to handle the batch", timeout_s=20)

    assert worker.alive, f"the worker died:\n{worker.log()[-2000:]}"
    assert REFUSED not in worker.log()
    kept = dict(Event.objects.using(using).filter(terminal__terminal_id=terminal)
                .values_list("seq", "created_at"))      # as the pages read them
    assert {1, 3, 4, 5} <= set(kept)
    rejects = [reason for owner, reason, _ in store.rejects() if owner == terminal]
    assert len(rejects) + len(kept) == 5, (rejects, sorted(kept))
    worker.stop()
