"""The outbox stays bounded: an alarm well before a cap, then reports dropped before
alarms, alarms before business events, each drop audited and announced."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.services.outbox import (
    PRIORITY_ALARM,
    PRIORITY_BUSINESS,
    PRIORITY_REPORT,
    append_event,
    mark_sent,
    now_iso,
)
from kiosk.services.outbox_caps import OutboxLimits, enforce_caps
from kiosk.store import open_store

LIMITS = OutboxLimits(max_unsent=100, max_age=timedelta(days=10), warn_fraction=0.8,
                      keep_sent=timedelta(days=3))


@pytest.fixture
def store(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    yield store
    store.close()


def add(store, count, priority, event_type="test.event"):
    with store.transaction() as db:
        for n in range(count):
            append_event(db, event_type, {"n": n}, priority)


def active(store):
    with store.reading() as db:
        return {k for (k,) in db.execute(
            "SELECT kind FROM alarms WHERE cleared_at IS NULL AND subject = 'outbox'")}


def unsent(store):
    with store.reading() as db:
        return db.execute("SELECT priority, count(*) FROM outbox WHERE sent_at IS NULL "
                          "AND type = 'test.event' GROUP BY priority").fetchall()


def test_an_alarm_is_raised_at_80_percent_and_nothing_is_dropped(store):
    add(store, 79, PRIORITY_REPORT)
    assert enforce_caps(store, LIMITS).warning is False
    assert active(store) == set()
    add(store, 1, PRIORITY_REPORT)
    report = enforce_caps(store, LIMITS)
    assert report.warning
    assert report.dropped == 0
    assert active(store) == {"outbox.backlog"}


def test_past_the_cap_reports_go_first_then_alarms_then_business(store):
    add(store, 40, PRIORITY_BUSINESS)
    add(store, 40, PRIORITY_ALARM)
    add(store, 40, PRIORITY_REPORT)           # 120 (+ the alarm's own event)
    report = enforce_caps(store, LIMITS)
    assert report.dropped == 20
    left = dict(unsent(store))
    assert left == {PRIORITY_BUSINESS: 40, PRIORITY_ALARM: 40, PRIORITY_REPORT: 20}
    assert {"outbox.backlog", "outbox.dropped"} <= active(store)
    add(store, 60, PRIORITY_BUSINESS)
    enforce_caps(store, LIMITS)
    # 163 waiting: every report and every alarm event went before one business event.
    assert dict(unsent(store)) == {PRIORITY_BUSINESS: 99}
    with store.reading() as db:
        audits = [json.loads(d) for (d,) in db.execute(
            "SELECT detail FROM audit_log WHERE action = 'outbox.dropped'")]
        announced = [json.loads(p) for (p,) in db.execute(
            "SELECT payload FROM outbox WHERE type = 'outbox.dropped'")]
    assert len(audits) == 2
    assert audits == announced
    assert audits[0]["count"] == 20
    assert audits[0]["by_priority"] == {str(PRIORITY_REPORT): 20}
    assert audits[1]["by_priority"] == {str(PRIORITY_BUSINESS): 1, str(PRIORITY_ALARM): 42,
                                        str(PRIORITY_REPORT): 20}
    first = announced[0]["seq_ranges"][0]
    assert first[0] <= first[1]


def test_business_events_go_only_when_nothing_else_is_left_and_are_audited(store):
    add(store, 130, PRIORITY_BUSINESS)
    enforce_caps(store, LIMITS)
    with store.reading() as db:
        seqs = [s for (s,) in db.execute("SELECT seq FROM outbox WHERE type = 'test.event' "
                                         "ORDER BY seq")]
        detail = json.loads(db.execute("SELECT detail FROM audit_log WHERE action = "
                                       "'outbox.dropped'").fetchone()[0])
    assert detail["by_priority"] == {str(PRIORITY_BUSINESS): len(range(130)) - len(seqs)}
    assert seqs[-1] == 130, "the newest event is kept"
    assert detail["seq_ranges"][0][0] == 1, "the oldest go first"


def test_the_age_cap(store):
    add(store, 5, PRIORITY_BUSINESS)
    now = datetime.now(UTC)
    assert enforce_caps(store, LIMITS, now + timedelta(days=7)).warning is False
    assert enforce_caps(store, LIMITS, now + timedelta(days=8, hours=1)).warning is True
    report = enforce_caps(store, LIMITS, now + timedelta(days=11))
    assert report.dropped == 5
    assert unsent(store) == []
    assert "outbox.dropped" in active(store)
    with store.reading() as db:
        # The newest event (the backlog alarm's) is never dropped: the seq goes on from it.
        assert db.execute("SELECT max(seq) FROM outbox").fetchone()[0] >= 6


def test_delivered_events_are_pruned_and_the_seq_goes_on(store):
    add(store, 10, PRIORITY_BUSINESS)
    with store.transaction() as db:
        ids = [s for (s,) in db.execute("SELECT seq FROM outbox")]
        mark_sent(db, ids, now_iso())
    report = enforce_caps(store, LIMITS, datetime.now(UTC) + timedelta(days=4))
    assert report.pruned == 9
    add(store, 1, PRIORITY_BUSINESS)
    with store.reading() as db:
        assert [s for (s,) in db.execute("SELECT seq FROM outbox ORDER BY seq")] == [10, 11]


def test_the_alarms_clear_when_the_backlog_is_delivered(store):
    add(store, 120, PRIORITY_REPORT)
    enforce_caps(store, LIMITS)
    assert active(store) == {"outbox.backlog", "outbox.dropped"}
    with store.transaction() as db:
        ids = [s for (s,) in db.execute("SELECT seq FROM outbox WHERE sent_at IS NULL")]
        mark_sent(db, ids, now_iso())
    enforce_caps(store, LIMITS)
    assert active(store) == set()
