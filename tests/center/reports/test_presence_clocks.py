"""Presence spans when the terminal's clock is wrong, and for terminals already running
when the spans began to be kept (center/reports/presence_log.py and the migration
0002_open_spans), on both databases."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections

from center.fleet.models import Terminal
from center.ingest.batch import Received, ingest_batch
from center.reports.models import PresenceSpan
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, T0, FakeTerminal

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)
SILENCE = timedelta(seconds=150)            # 2.5 heartbeat intervals of 60 s
WENT = T0 + SILENCE                          # the first connection's end, by its silence
BACK = T0 + timedelta(hours=3)               # the center reads the new birth


def read(using, at, *messages):
    ingest_batch([Received(m.topic, m.payload, at) for m in messages], prefix=PREFIX,
                 using=using)


def spans(using):
    return [(s.online, s.started_at, s.ended_at) for s in
            PresenceSpan.objects.using(using).order_by("started_at", "pk")]


def an_outage(using, kiosk):
    read(using, T0, kiosk.birth(1, T0))
    read(using, T0 + timedelta(hours=1), kiosk.death(1, T0))


def test_a_clock_behind_does_not_erase_the_outage(using):
    kiosk = FakeTerminal()
    an_outage(using, kiosk)
    read(using, BACK, kiosk.birth(2, T0 - timedelta(hours=1)))      # its clock: 4 h behind
    assert spans(using) == [(True, T0, WENT), (False, WENT, BACK), (True, BACK, None)]


def test_a_clock_ahead_opens_no_span_in_the_future(using):
    kiosk = FakeTerminal()
    an_outage(using, kiosk)
    read(using, BACK, kiosk.birth(2, BACK + timedelta(hours=5)))
    assert spans(using) == [(True, T0, WENT), (False, WENT, BACK), (True, BACK, None)]


def test_a_birth_read_late_keeps_its_own_time(using):
    """The center was away: the retained birth says when the terminal came back."""
    kiosk = FakeTerminal()
    an_outage(using, kiosk)
    came_back = T0 + timedelta(hours=2)
    read(using, BACK, kiosk.birth(2, came_back))
    assert spans(using) == [(True, T0, WENT), (False, WENT, came_back),
                            (True, came_back, None)]


def test_a_terminal_online_before_spans_were_kept_gets_its_online_span(using):
    Terminal.objects.using(using).create(
        district="xc", terminal_id="xc-hsz-01", online=True, bd_seq=1,
        born_at=T0 - timedelta(seconds=60), presence_since=T0 - timedelta(days=1))
    read(using, T0, FakeTerminal().death(1, T0))
    assert spans(using) == [(True, T0 - timedelta(days=1), T0), (False, T0, None)]


def test_the_migration_opens_a_span_for_each_terminal_known(using):
    terminals = Terminal.objects.using(using)
    online = terminals.create(district="xc", terminal_id="xc-1", online=True, bd_seq=3,
                              presence_since=T0, last_seen_at=T0 + timedelta(hours=1))
    offline = terminals.create(district="xc", terminal_id="xc-2", online=False, bd_seq=4,
                               last_seen_at=T0 + timedelta(hours=2))
    terminals.create(district="xc", terminal_id="xc-never")            # never born
    kept = terminals.create(district="xc", terminal_id="xc-kept", online=True, bd_seq=1,
                            presence_since=T0)
    PresenceSpan.objects.using(using).create(terminal=kept, online=True,
                                             started_at=T0 - timedelta(days=9))
    migration = importlib.import_module("center.reports.migrations.0002_open_spans")
    migration.open_spans(apps, SimpleNamespace(connection=connections[using]))
    assert sorted((s.terminal_id, s.online, s.started_at, s.ended_at) for s in
                  PresenceSpan.objects.using(using).all()) == sorted([
        (online.pk, True, T0, None), (offline.pk, False, T0 + timedelta(hours=2), None),
        (kept.pk, True, T0 - timedelta(days=9), None)])
