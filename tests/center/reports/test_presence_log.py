"""Presence spans as the ingest batch writes them from births and deaths (center/reports/
presence_log.py), on both databases: each change once however often a retained state is
read, a late Will ignored, and the end of a connection whose death came late or never
dated by when the terminal fell silent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from center.fleet.models import Terminal
from center.ingest.batch import Received, ingest_batch
from center.reports.models import PresenceSpan
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, T0, FakeTerminal

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)
SILENCE = timedelta(seconds=150)            # 2.5 heartbeat intervals of 60 s


def read(using, at, *messages):
    ingest_batch([Received(m.topic, m.payload, at) for m in messages], prefix=PREFIX,
                 using=using)


def spans(using):
    return [(s.online, s.started_at, s.ended_at) for s in
            PresenceSpan.objects.using(using).order_by("started_at", "pk")]


def test_a_birth_and_a_death_each_once(using):
    kiosk = FakeTerminal()
    read(using, T0, kiosk.birth(1, T0))
    read(using, T0 + timedelta(minutes=1), kiosk.birth(1, T0))          # retained, again
    read(using, T0 + timedelta(minutes=1), kiosk.heartbeat(1, T0 + timedelta(minutes=1)))
    died = T0 + timedelta(minutes=2)
    read(using, died, kiosk.death(1, T0))
    read(using, died + timedelta(seconds=5), kiosk.death(1, T0))         # retained, again
    assert spans(using) == [(True, T0, died), (False, died, None)]


def test_a_late_will_of_an_older_connection_changes_nothing(using):
    kiosk = FakeTerminal()
    read(using, T0, kiosk.birth(1, T0))
    reborn = T0 + timedelta(seconds=30)
    read(using, reborn, kiosk.birth(2, reborn))          # a quick reconnection
    read(using, reborn + timedelta(seconds=1), kiosk.death(1, T0))
    assert spans(using) == [(True, T0, None)]
    assert Terminal.objects.using(using).get().online


def test_a_rebirth_on_request_is_the_same_connection(using):
    kiosk = FakeTerminal()
    read(using, T0, kiosk.birth(1, T0))
    read(using, T0 + timedelta(hours=1), kiosk.birth(1, T0 + timedelta(hours=1)))
    assert spans(using) == [(True, T0, None)]


def test_a_connection_that_never_said_goodbye_ends_when_it_fell_silent(using):
    kiosk = FakeTerminal()
    read(using, T0, kiosk.birth(1, T0))
    last_beat = T0 + timedelta(hours=2)
    read(using, last_beat, kiosk.heartbeat(1, last_beat))
    reborn = T0 + timedelta(hours=5)
    read(using, reborn, kiosk.birth(2, reborn))          # no death for connection 1
    assert spans(using) == [(True, T0, last_beat + SILENCE),
                            (False, last_beat + SILENCE, reborn), (True, reborn, None)]


def test_a_death_read_late_is_dated_by_the_silence(using):
    """The center was away: the retained Will is read a day after the terminal went."""
    kiosk = FakeTerminal()
    read(using, T0, kiosk.birth(1, T0))
    last_beat = T0 + timedelta(hours=1)
    read(using, last_beat, kiosk.heartbeat(1, last_beat))
    read(using, T0 + timedelta(days=1), kiosk.death(1, T0))
    assert spans(using) == [(True, T0, last_beat + SILENCE), (False, last_beat + SILENCE, None)]


def test_a_death_before_any_birth_is_offline_from_then(using):
    kiosk = FakeTerminal()
    seen = T0 + timedelta(hours=3)
    read(using, seen, kiosk.death(9, T0))
    assert spans(using) == [(False, seen, None)]
    later = seen + timedelta(hours=1)
    read(using, later, kiosk.birth(10, later))
    assert spans(using) == [(False, seen, later), (True, later, None)]
