"""outbox.resend on the terminal's side: delivered events marked to go again, those still
waiting left alone, seqs no longer kept answered as gone, bad ranges refused, and the
request audited under the command's actor."""

from __future__ import annotations

import json

import pytest

from kiosk.services.outbox import (
    PRIORITY_BUSINESS,
    PRIORITY_REPORT,
    append_event,
    mark_sent,
    now_iso,
)
from kiosk.services.outbox_resend import MAX_SPAN, OutboxResend, ResendRefused
from kiosk.store import open_store


@pytest.fixture
def store(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    yield store
    store.close()


def fill(store, priorities):
    """One event per priority given, seqs 1..n; every one delivered."""
    with store.transaction() as db:
        for n, priority in enumerate(priorities):
            append_event(db, "test.event", {"n": n}, priority)
        mark_sent(db, list(range(1, len(priorities) + 1)), now_iso())


def unsent_seqs(store):
    with store.reading() as db:
        return [s for (s,) in db.execute(
            "SELECT seq FROM outbox WHERE sent_at IS NULL AND type = 'test.event' "
            "ORDER BY seq")]


def test_delivered_events_go_again_and_the_drain_hears_from_which_seq(store):
    fill(store, [PRIORITY_BUSINESS, PRIORITY_REPORT] * 5)           # seqs 1..10
    told = []
    outcome = OutboxResend(store, told.append).resend("center:c1", 3, 8)

    assert unsent_seqs(store) == [3, 4, 5, 6, 7, 8]
    assert outcome.as_detail() == {"requeued": 6, "waiting": 0, "gone": []}
    assert told == [{PRIORITY_BUSINESS: 3, PRIORITY_REPORT: 4}]
    with store.reading() as db:
        actor, detail = db.execute("SELECT actor, detail FROM audit_log "
                                   "WHERE action = 'outbox.resend'").fetchone()
    assert actor == "center:c1"
    assert json.loads(detail) == {"fromSeq": 3, "toSeq": 8, "requeued": 6, "waiting": 0,
                                  "gone": []}


def test_events_still_waiting_are_counted_not_doubled_and_pruned_seqs_are_gone(store):
    fill(store, [PRIORITY_BUSINESS] * 10)
    with store.transaction() as db:
        db.execute("DELETE FROM outbox WHERE seq IN (2, 3, 6)")     # pruned after delivery
        db.execute("UPDATE outbox SET sent_at = NULL WHERE seq = 5")  # not yet delivered
    told = []
    outcome = OutboxResend(store, told.append).resend("center:c2", 1, 7)

    assert outcome.as_detail() == {"requeued": 3, "waiting": 1, "gone": [[2, 3], [6, 6]]}
    assert unsent_seqs(store) == [1, 4, 5, 7]
    assert told == [{PRIORITY_BUSINESS: 1}]


def test_nothing_delivered_in_the_range_tells_the_drain_nothing(store):
    with store.transaction() as db:
        for n in range(3):
            append_event(db, "test.event", {"n": n}, PRIORITY_BUSINESS)
    told = []
    outcome = OutboxResend(store, told.append).resend("center:c3", 1, 3)
    assert (outcome.requeued, outcome.waiting, told) == (0, 3, [])


@pytest.mark.parametrize(("first", "last", "why"), [
    (0, 5, "not a range of seqs"),
    (7, 6, "not a range of seqs"),
    (1, 11, "past the last event written (10)"),
    (1, MAX_SPAN + 1, f"at most {MAX_SPAN} seqs at a time"),
])
def test_bad_ranges_are_refused_and_change_nothing(store, first, last, why):
    fill(store, [PRIORITY_BUSINESS] * 10)
    with pytest.raises(ResendRefused, match=why.replace("(", r"\(").replace(")", r"\)")):
        OutboxResend(store).resend("center:c4", first, last)
    assert unsent_seqs(store) == []
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'outbox.resend'"
                          ).fetchone()[0] == 0
