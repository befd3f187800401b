"""The fleet simulator speaks the contract: the center's reader accepts every message it
makes, an outage ends in a backlog sent as historical in the contract's order, the same seed
makes the same day, and a live run reaches a real mosquitto."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict

import pytest

from center.fleet_simulator.fleet import DEFAULT_START, Fleet, FleetPlan, center_key_from_seed
from center.fleet_simulator.live import run_live
from center.fleet_simulator.station import Outages
from center.fleet_simulator.terminal import Outgoing
from center.fleet_simulator.wire import Wire
from center.ingest.messages import (
    AlarmCleared,
    AlarmRaised,
    Birth,
    Death,
    EventMessage,
    Heartbeat,
    read_message,
)
from contract.sealing import unseal

PREFIX = "kiosk/v1"
HOUR = 3600.0


def day_of(plan: FleetPlan, hours: float, step_s: float = 10.0) -> list[Outgoing]:
    """What the fleet publishes over ``hours``, taken every ``step_s`` as a live run would."""
    fleet = Fleet(plan)
    messages: list[Outgoing] = []
    moment, end = plan.start, plan.start + hours * HOUR
    while moment < end:
        moment = min(end, moment + step_s)
        fleet.advance(moment)
        while fleet.has_output:
            messages += [m for _, m in fleet.take(1000)]
    fleet.shut_down(end)
    messages += [m for _, m in fleet.take(1000)]
    return messages


def test_the_center_reads_every_message_of_a_day_with_outages():
    plan = FleetPlan(terminals=12, seed=7, outages=Outages(per_day=4, mean_minutes=40))
    messages = day_of(plan, 30)
    read = [read_message(PREFIX, m.topic, m.payload) for m in messages]    # raises if not
    kinds: dict[str, int] = defaultdict(int)
    for message in read:
        kinds[type(message).__name__] += 1
    assert set(kinds) == {c.__name__ for c in (Birth, Death, Heartbeat, EventMessage,
                                                AlarmRaised, AlarmCleared)}
    events = [m for m in read if isinstance(m, EventMessage)]
    per_terminal_day = len(events) / plan.terminals / (30 / 24)
    assert 300 < per_terminal_day < 700, per_terminal_day
    assert any(e.historical for e in events)
    # Every seq of every terminal arrives exactly once.
    seqs = defaultdict(list)
    for event in events:
        seqs[event.where.terminal].append(event.seq)
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in seqs.values())


def test_an_outage_ends_in_a_historical_backlog_in_seq_order_within_each_class():
    start = DEFAULT_START       # 08:00 in Beijing; the link is down from 09:00 to 14:00
    plan = FleetPlan(terminals=3, start=start, outages=Outages(
        offline_from=start + 1 * HOUR, offline_until=start + 6 * HOUR))
    messages = day_of(plan, 8)
    for terminal in (plan.terminal_id(n) for n in range(plan.terminals)):
        mine = [read_message(PREFIX, m.topic, m.payload) for m in messages
                if f"/{terminal}/" in m.topic]
        births = [i for i, m in enumerate(mine) if isinstance(m, Birth)]
        assert len(births) == 2
        back = births[1]
        death = next(m for m in mine[:back] if isinstance(m, Death))
        first_birth, second_birth = mine[births[0]], mine[back]
        assert isinstance(first_birth, Birth)
        assert isinstance(second_birth, Birth)
        # The Will of the connection that dropped: its bdSeq, and its connection's time.
        assert (death.bd_seq, death.at) == (first_birth.bd_seq, first_birth.at)
        assert second_birth.bd_seq == first_birth.bd_seq + 1
        backlog = [m for m in mine[back:] if isinstance(m, EventMessage) and m.historical]
        assert len(backlog) > 20
        assert all(e.created_at < second_birth.at for e in backlog)
        live_after = [m for m in mine[back:] if isinstance(m, EventMessage)
                      and not m.historical]
        assert mine.index(backlog[-1]) < mine.index(live_after[0])
        assert [e.priority for e in backlog] == sorted(e.priority for e in backlog)
        for priority in {e.priority for e in backlog}:
            in_class = [e.seq for e in backlog if e.priority == priority]
            assert in_class == sorted(in_class)
        # Nothing waited while the link was up.
        before = [m for m in mine[:back] if isinstance(m, EventMessage)]
        assert not any(e.historical for e in before)


def test_the_same_seed_makes_the_same_day():
    def sealed_parts_out(messages: list[Outgoing]) -> list[tuple[str, object]]:
        kept = []
        for message in messages:
            body = json.loads(message.payload) if message.payload else None
            if isinstance(body, dict) and "pickup" in body.get("payload", {}):
                body["payload"]["pickup"] = "sealed"
            kept.append((message.topic, body))
        return kept

    plan = FleetPlan(terminals=4, seed=3, outages=Outages(per_day=3))
    first, again = day_of(plan, 12), day_of(plan, 12)
    assert sealed_parts_out(first) == sealed_parts_out(again)
    other = day_of(FleetPlan(terminals=4, seed=4, outages=Outages(per_day=3)), 12)
    assert sealed_parts_out(other) != sealed_parts_out(first)


def test_the_pickup_code_is_sealed_to_the_center():
    plan = FleetPlan(terminals=2, seed=5)
    deposited = next(m for m in day_of(plan, 12) if m.topic.endswith("/evt/locker.deposited"))
    event = json.loads(deposited.payload)
    opened = unseal(center_key_from_seed(5), event["payload"]["pickup"],
                    event["payload"]["deposit"])
    terminal = deposited.topic.split("/")[3]
    assert opened["qr"] == f"KIOSK-PICKUP:{terminal}:{opened['code']}"


@pytest.mark.timeout(60)
def test_a_live_run_reaches_the_broker(broker, subscribe):
    received = subscribe(f"{PREFIX}/#")
    plan = FleetPlan(terminals=5, outages=Outages(per_day=6))
    wire = Wire("127.0.0.1", broker.port, 2, "fleet-simulator-test")
    wire.start()
    try:
        totals = run_live(Fleet(plan), wire, speed=0, until=plan.start + 3 * HOUR,
                          stop=threading.Event())
    finally:
        wire.stop()
    assert totals.refused == 0
    assert totals.acknowledged == totals.published > totals.events
    sent = totals.events - totals.unsent    # a terminal down at the end keeps its backlog
    assert sent > 50
    deadline = time.monotonic() + 15
    while sum("/evt/" in m.topic for m in list(received.messages)) < sent:
        assert time.monotonic() < deadline, "not every event reached the subscriber"
        time.sleep(0.05)
    events = [e for m in received.messages if "/evt/" in m.topic
              if isinstance(e := read_message(PREFIX, m.topic, m.payload), EventMessage)]
    assert len({(e.where.terminal, e.seq) for e in events}) == len(events) == sent
