"""A batch of messages into the database, on SQLite and on PostgreSQL: each event once,
conflicts kept apart, rejects kept with their reason, presence by bdSeq, gaps and alarms."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from center.alarms.models import Alarm
from center.fleet.models import Presence, Terminal
from center.ingest.batch import ingest_batch
from center.ingest.models import Event, Gap, Reject, SeqConflict
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, T0, FakeTerminal, received

pytestmark = pytest.mark.django_db(databases=DATABASES)


def ingest(using, *messages):
    return ingest_batch(list(messages), prefix=PREFIX, using=using)


def terminal_row(using, terminal_id="xc-hsz-01") -> Terminal:
    return Terminal.objects.using(using).get(terminal_id=terminal_id)


def test_each_event_is_kept_once_and_a_repeat_is_dropped(using):
    kiosk = FakeTerminal()
    first = ingest(using, kiosk.event(1), kiosk.event(2), kiosk.event(2))
    again = ingest(using, kiosk.event(1), kiosk.event(2))
    assert (first.stored, first.repeats) == (2, 1)
    assert (again.stored, again.repeats) == (0, 2)
    assert list(Event.objects.using(using).order_by("seq").values_list("seq", "type")) == [
        (1, "queue.ticket_issued"), (2, "queue.ticket_issued")]
    assert terminal_row(using).complete_upto == 2


def test_the_same_seq_with_another_id_is_a_conflict_not_an_overwrite(using):
    kiosk = FakeTerminal()
    ingest(using, kiosk.event(7, payload={"ticket": "A007"}))
    reset = kiosk.event(7, payload={"ticket": "B001"}, event_id=uuid.uuid4())
    outcome = ingest(using, reset)
    ingest(using, reset)                    # the reset terminal's event again: one incident
    assert outcome.conflicts == 1
    kept = Event.objects.using(using).get(seq=7)
    assert kept.payload == {"ticket": "A007"}
    [conflict] = SeqConflict.objects.using(using).all()
    assert (conflict.seq, conflict.kept_event_id) == (7, kiosk.ids[7])
    assert terminal_row(using).seq_conflicts == 1


def test_gaps_open_and_close_as_events_arrive_out_of_order(using):
    kiosk = FakeTerminal()
    ingest(using, kiosk.event(1), kiosk.event(2), kiosk.event(5), kiosk.event(9))
    gaps = list(Gap.objects.using(using).values_list("first_seq", "last_seq"))
    assert gaps == [(3, 4), (6, 8)]
    assert terminal_row(using).complete_upto == 2
    ingest(using, kiosk.event(3), kiosk.event(4), kiosk.event(7))
    assert list(Gap.objects.using(using).values_list("first_seq", "last_seq")) == [
        (6, 6), (8, 8)]
    assert terminal_row(using).complete_upto == 5


def test_seqs_the_terminal_announced_dropped_close_their_gap(using):
    kiosk = FakeTerminal()
    ingest(using, kiosk.event(1), kiosk.event(50))
    ingest(using, kiosk.event(51, "outbox.dropped", {
        "count": 48, "by_type": {}, "by_priority": {}, "seq_ranges": [[2, 49]]}))
    row = terminal_row(using)
    assert (row.complete_upto, row.highest_seq) == (51, 51)
    assert not Gap.objects.using(using).exists()


def test_a_malformed_payload_is_kept_as_a_reject_with_its_reason(using):
    kiosk = FakeTerminal()
    bad_json = received(kiosk.topics.event("queue.called"), b"{not json 11010519491231002X")
    wrong_type = kiosk.event(3)
    wrong_type = received(kiosk.topics.event("queue.called"), wrong_type.payload)
    stray = received("kiosk/v1/xc/XC BAD/state", b"{}")
    outcome = ingest(using, kiosk.event(1), bad_json, wrong_type, stray, kiosk.event(2))
    assert (outcome.stored, outcome.rejected) == (2, 3)
    reasons = sorted(Reject.objects.using(using).values_list("reason", flat=True))
    assert reasons == [
        "evt: type 'queue.ticket_issued' is not the topic's 'queue.called'",
        "payload is not JSON",
        "topic: terminal id 'XC BAD' is not lower-case letters, digits and '-'"]
    # A digit run that could be an ID number is masked in what is kept.
    excerpts = list(Reject.objects.using(using).values_list("excerpt", flat=True))
    assert not any("11010519491231002" in e for e in excerpts), excerpts
    assert terminal_row(using).rejects == 2      # the stray topic names no terminal of ours


def test_a_death_counts_only_with_the_current_bdseq(using):
    kiosk = FakeTerminal()
    ingest(using, kiosk.birth(12, T0))
    ingest(using, kiosk.birth(13, T0 + timedelta(minutes=1)))
    ingest(using, kiosk.death(12))                     # the old connection's Will, late
    row = terminal_row(using)
    assert (row.online, row.bd_seq) == (True, 13)
    ingest(using, kiosk.death(13))
    row = terminal_row(using)
    assert row.online is False
    assert row.presence(T0 + timedelta(minutes=2)) == Presence.OFFLINE
    ingest(using, kiosk.birth(13, T0 + timedelta(minutes=1)))   # that birth, read again
    assert terminal_row(using).online is False


def test_a_terminal_silent_for_two_and_a_half_intervals_is_offline(using, settings):
    settings.HEARTBEAT_INTERVAL_S = 60
    kiosk = FakeTerminal()
    ingest(using, kiosk.birth(3, T0), kiosk.heartbeat(3, T0 + timedelta(seconds=60)))
    row = terminal_row(using)
    assert row.presence(T0 + timedelta(seconds=60 + 149)) == Presence.ONLINE
    assert row.presence(T0 + timedelta(seconds=60 + 151)) == Presence.SILENT
    assert row.offline_since(T0 + timedelta(seconds=300)) == T0 + timedelta(seconds=210)


def test_an_older_heartbeat_read_again_changes_nothing(using):
    kiosk = FakeTerminal()
    newer = kiosk.heartbeat(3, T0 + timedelta(seconds=120), queues={"general": 4})
    older = kiosk.heartbeat(3, T0 + timedelta(seconds=60), queues={"general": 9})
    ingest(using, kiosk.birth(3, T0), newer)
    ingest(using, older)
    assert terminal_row(using).heartbeat["queues"] == {"general": 4}


def test_retained_alarms_raise_and_clear_once(using):
    kiosk = FakeTerminal()
    jammed = kiosk.alarm("door_jammed", "compartment 3")
    ingest(using, jammed)
    ingest(using, jammed)                          # a worker restarted: the retained copy
    assert Alarm.objects.using(using).filter(active=True).count() == 1
    ingest(using, kiosk.cleared("door_jammed", "compartment 3"))
    ingest(using, jammed)                          # a stale copy of the cleared raising
    [alarm] = Alarm.objects.using(using).all()
    assert (alarm.active, alarm.subject) == (False, "compartment 3")
    assert alarm.cleared_at is not None
