"""A district of 2,000 terminals as the center stores them after a working day: stations,
the latest heartbeat with every section the fleet page shows, standing and past alarms,
open gaps, residents' calls for help, a day of events per terminal, seven days of heartbeat
samples on some, and three people of each role. Written with bulk inserts (what ingest
would have stored; the benchmark measures the pages, not ingest)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from center.accounts.models import StationAssignment
from center.alarms.models import Alarm
from center.fleet.models import HeartbeatSample, Station, Terminal
from center.ingest.models import Event, Gap, WorkerState

DISTRICT = "xc"
TERMINALS_PER_STATION = 4
MANAGED_STATIONS = 5                   # the station manager's: 20 terminals
EVENTS_PER_TERMINAL = 60               # a working day's business events
LONG_HISTORY = 20_000                  # the events of the terminal whose timeline is paged
SAMPLED_TERMINALS = 100                # with seven days of samples every five minutes
VERSIONS = (("0.9.0", 0.70), ("0.9.1", 0.25), ("0.8.3", 0.05))
ALARM_KINDS = ("door_jammed", "printer.paper_out", "outbox.backlog", "needs_check",
               "help.unanswered")
EVENT_TYPES = ("queue.ticket_issued", "queue.called", "queue.finished", "locker.deposited",
               "locker.collected", "guide.notice")
# Past every other event's seq.
HELP_SEQ = 50_000
PASSWORD = "bench password, not secret"


@dataclass(frozen=True)
class District:
    terminals: int
    stations: int
    offline: int
    silent: int
    never_seen: int
    with_alarms: int
    with_gaps: int
    asking_for_help: int
    events: int
    samples: int
    a_station_id: int          # for the station filter
    busiest_terminal: str      # the terminal with the longest timeline
    busiest_events: int


def build_district(terminals: int, seed: int = 1) -> District:
    """Writes the district into the (empty, migrated) default database."""
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        stations = Station.objects.bulk_create(
            Station(district=DISTRICT, code=f"st{n:03d}", name=f"第{n}便民服务站")
            for n in range(1, terminals // TERMINALS_PER_STATION + 1))
        people(stations[:MANAGED_STATIONS])
        built = Terminal.objects.bulk_create(
            terminal(n, stations[n // TERMINALS_PER_STATION], now, rng)
            for n in range(terminals))
        WorkerState.objects.create(name="center-ingest-1", connected=True, since=now,
                                   beat_at=now)
    counts = {"alarms": alarms(built, now, rng), "gaps": gaps(built, now, rng),
              "help": help_calls(built, now, rng)}
    events = day_of_events(built, now, rng)
    samples = week_of_samples(built[:SAMPLED_TERMINALS], now)
    return District(
        terminals=len(built), stations=len(stations),
        offline=sum(1 for t in built if t.bd_seq is not None and not t.online),
        silent=sum(1 for t in built if t.online and t.heartbeat_at is not None
                   and now - t.heartbeat_at > timedelta(minutes=3)),
        never_seen=sum(1 for t in built if t.bd_seq is None),
        with_alarms=counts["alarms"], with_gaps=counts["gaps"],
        asking_for_help=counts["help"], events=events, samples=samples,
        a_station_id=stations[7].pk, busiest_terminal=built[0].terminal_id,
        busiest_events=LONG_HISTORY)


def people(managed: list[Station]) -> None:
    for role in ("district_admin", "station_manager", "viewer"):
        user = User.objects.create_user(role.replace("_", "-"), password=PASSWORD)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if role == "station_manager":
            StationAssignment.objects.bulk_create(
                StationAssignment(user=user, station=s) for s in managed)


def terminal(n: int, station: Station, now: datetime, rng: random.Random) -> Terminal:
    """Most terminals online with a fresh heartbeat; 3 % died hours ago, 2 % went silent,
    a few were never seen."""
    roll = rng.random()
    version = rng.choices([v for v, _ in VERSIONS], [w for _, w in VERSIONS])[0]
    born = now - timedelta(hours=rng.uniform(1, 72))
    beat = now - timedelta(seconds=rng.uniform(0, 60))
    if roll < 0.02:
        beat = now - timedelta(minutes=rng.uniform(4, 300))        # silent
    found = Terminal(
        district=DISTRICT, terminal_id=f"{DISTRICT}-{station.code}-{n % TERMINALS_PER_STATION + 1}",
        station=station, online=True, bd_seq=rng.randint(1, 40),
        born_at=born, presence_since=born, started_at=born - timedelta(seconds=20),
        version=version, last_seen_at=beat, heartbeat_at=beat, catalog_version="2026.11.3",
        complete_upto=0, highest_seq=0)
    if 0.02 <= roll < 0.05:                                          # died
        found.online = False
        found.presence_since = now - timedelta(hours=rng.uniform(0.1, 48))
    if roll > 0.995:                                                 # never seen
        found.bd_seq = found.born_at = found.presence_since = found.heartbeat_at = None
        found.online, found.version, found.catalog_version = False, "", ""
        return found
    found.heartbeat = heartbeat(found, rng)
    return found


def heartbeat(found: Terminal, rng: random.Random) -> dict[str, object]:
    assert found.heartbeat_at is not None
    devices = {name: {"state": "ready", "detail": ""}
               for name in ("qr_scanner", "printer", "idcard", "locker-main")}
    if rng.random() < 0.04:
        devices["printer"] = {"state": "fault", "detail": "paper out"}
    compartments = rng.choice((16, 24, 32))
    return {"schema": 1, "ts": int(found.heartbeat_at.timestamp() * 1000), "bdSeq": found.bd_seq,
            "version": found.version, "uptimeS": rng.randint(60, 300_000),
            "disk": {"freeBytes": rng.randint(5, 90) * 10**9, "totalBytes": 120 * 10**9},
            "devices": devices,
            "outbox": {"unsent": rng.choice((0, 0, 0, 3, 40)), "oldestUnsentAt": None},
            "alarms": 0, "catalog": found.catalog_version,
            "locker": {"compartments": compartments,
                       "occupied": rng.randint(0, compartments), "outOfService": []},
            "queues": {"general": rng.randint(0, 12), "social": rng.randint(0, 5),
                       "instant": rng.randint(0, 3)}}


def alarms(built: list[Terminal], now: datetime, rng: random.Random) -> int:
    """Standing alarms on one terminal in ten; three past (cleared) ones on every terminal."""
    rows, standing = [], 0
    for found in built:
        kinds = rng.sample(ALARM_KINDS, rng.randint(1, 3)) if rng.random() < 0.10 else []
        standing += bool(kinds)
        for kind in kinds:
            rows.append(Alarm(terminal=found, kind=kind, subject="compartment 3",
                              raised_at=now - timedelta(minutes=rng.uniform(1, 600))))
        for past in range(3):
            raised = now - timedelta(days=past + 1, minutes=rng.uniform(0, 600))
            rows.append(Alarm(terminal=found, kind=rng.choice(ALARM_KINDS),
                              subject=f"past {past}", raised_at=raised, active=False,
                              cleared_at=raised + timedelta(minutes=20)))
    Alarm.objects.bulk_create(rows, batch_size=2000)
    return standing


def gaps(built: list[Terminal], now: datetime, rng: random.Random) -> int:
    rows = [Gap(terminal=t, first_seq=100 + 10 * g, last_seq=104 + 10 * g,
                opened_at=now - timedelta(minutes=30))
            for t in built if rng.random() < 0.05 for g in range(rng.randint(1, 3))]
    Gap.objects.bulk_create(rows, batch_size=2000)
    return len({g.terminal_id for g in rows})


def help_calls(built: list[Terminal], now: datetime, rng: random.Random) -> int:
    """A call for help waiting on one terminal in a hundred; one answered on one in ten."""
    rows, waiting = [], 0
    for found in built:
        if rng.random() < 0.01:
            rows.append(event(found, HELP_SEQ, "help.requested",
                              {"request": 1, "screen": "pickup", "at": now.isoformat()}, now))
            waiting += 1
        elif rng.random() < 0.1:
            at = now - timedelta(hours=2)
            rows.append(event(found, HELP_SEQ, "help.requested",
                              {"request": 1, "screen": "queue", "at": at.isoformat()}, at))
            rows.append(event(found, HELP_SEQ + 1, "help.answered",
                              {"request": 1, "by": "window:2", "after_s": 40}, at))
    Event.objects.bulk_create(rows, batch_size=2000)
    return waiting


def day_of_events(built: list[Terminal], now: datetime, rng: random.Random) -> int:
    """EVENTS_PER_TERMINAL business events on each terminal over the last day; the first
    terminal has a long history (LONG_HISTORY) for the terminal page's timeline."""
    total = 0
    for index, found in enumerate(built):
        count = LONG_HISTORY if index == 0 else EVENTS_PER_TERMINAL
        rows = [event(found, seq, rng.choice(EVENT_TYPES),
                      {"ticket": f"A{seq % 1000:03d}", "window": 2, "category": "general"},
                      now - timedelta(seconds=(count - seq) * 600 if index == 0
                                      else (count - seq) * 1400))
                for seq in range(1, count + 1)]
        Event.objects.bulk_create(rows, batch_size=2000)
        total += count
    Terminal.objects.filter(pk=built[0].pk).update(complete_upto=LONG_HISTORY,
                                                   highest_seq=LONG_HISTORY)
    Terminal.objects.exclude(pk=built[0].pk).update(complete_upto=EVENTS_PER_TERMINAL,
                                                    highest_seq=EVENTS_PER_TERMINAL)
    return total


def event(found: Terminal, seq: int, kind: str, payload: dict[str, object], at: datetime
          ) -> Event:
    return Event(terminal=found, seq=seq, event_id=uuid.uuid4(), type=kind, priority=10,
                 created_at=at, historical=False, payload=payload, received_at=at)


def week_of_samples(sampled: list[Terminal], now: datetime) -> int:
    total = 0
    for found in sampled:
        rows = [HeartbeatSample(terminal=found, at=now - timedelta(minutes=5 * k),
                                disk_free_bytes=40 * 10**9, occupied=k % 16, compartments=16,
                                unsent=0, waiting=k % 7)
                for k in range(7 * 288)]
        HeartbeatSample.objects.bulk_create(rows, batch_size=2000)
        total += len(rows)
    return total
