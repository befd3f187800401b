"""Events lost after the broker took them come back: the center asks for a gap that outlives
the terminal's backlog (outbox.resend), the real terminal sends the range again, and seqs it
no longer keeps close as gone. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from center.commands.issue import LONGEST_RESEND
from center.commands.models import Command, CommandState
from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from center.ingest.gap_requests import ask_for_lost_events
from center.ingest.models import DroppedRange, Event, Gap, WorkerState
from center.ingest.worker import BrokerSettings, IngestWorker
from contract.command_signing import open_envelope
from kiosk.services.outbox import PRIORITY_BUSINESS, append_event
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_keys import public_base64, write_signing_key
from tests.fixtures.center_messages import PREFIX, FakeTerminal

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


@pytest.fixture
def signing_key(tmp_path, settings):
    key = write_signing_key(tmp_path / "center-ed25519.key")
    settings.CENTER_SIGNING_KEY_FILE = str(tmp_path / "center-ed25519.key")
    return key


def wait_until(predicate, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def backlog(unsent: int) -> dict:
    """A heartbeat's outbox section."""
    return {"unsent": unsent, "oldestUnsentAt": None}


def terminal_with_gap(using: str, *, unsent: int = 0, gap_age: timedelta,
                      last: int = 40) -> Terminal:
    """An online terminal whose heartbeat reports ``unsent`` waiting, with seqs 1..10 and
    31..last stored, so 11..30 is a gap opened ``gap_age`` ago."""
    kiosk, now = FakeTerminal(), timezone.now()
    ingest_batch([kiosk.birth(3, now), kiosk.heartbeat(3, now, outbox=backlog(unsent)),
                  *(kiosk.event(seq) for seq in (*range(1, 11), *range(31, last + 1)))],
                 prefix=PREFIX, using=using)
    Gap.objects.using(using).update(opened_at=now - gap_age)
    return Terminal.objects.using(using).get()


def resend_args(using: str) -> list[dict]:
    return [c.args for c in Command.objects.using(using).filter(type="outbox.resend")]


def test_a_gap_that_outlives_the_backlog_is_asked_for_once_a_round(using, signing_key,
                                                                     settings):
    settings.GAP_RESEND_AFTER_S = 600
    terminal_with_gap(using, gap_age=timedelta(minutes=11))

    assert ask_for_lost_events(using=using) == 1
    command = Command.objects.using(using).get(type="outbox.resend")
    assert command.args == {"fromSeq": 11, "toSeq": 30}
    assert command.issued_by is None
    assert "11-30" in command.reason
    body = json.loads(open_envelope(bytes(command.envelope), signing_key.public_key()))
    assert (body["type"], body["args"]) == ("outbox.resend", {"fromSeq": 11, "toSeq": 30})

    assert ask_for_lost_events(using=using) == 0           # asked already this round
    Gap.objects.using(using).update(resend_asked_at=timezone.now() - timedelta(minutes=11))
    assert ask_for_lost_events(using=using) == 1           # still open after as long: again


@pytest.mark.parametrize(("unsent", "gap_age", "why"), [
    (250, timedelta(hours=2), "the terminal is still draining its backlog"),
    (0, timedelta(minutes=5), "the gap is younger than the patience"),
])
def test_no_request_while_the_gap_may_still_fill(using, signing_key, settings, unsent,
                                                   gap_age, why):
    settings.GAP_RESEND_AFTER_S = 600
    terminal_with_gap(using, unsent=unsent, gap_age=gap_age)
    assert ask_for_lost_events(using=using) == 0, why
    assert resend_args(using) == []


def test_no_request_to_an_offline_terminal(using, signing_key, settings):
    settings.GAP_RESEND_AFTER_S = 600
    terminal_with_gap(using, gap_age=timedelta(hours=1))
    Terminal.objects.using(using).update(online=False)
    assert ask_for_lost_events(using=using) == 0


def test_a_long_gap_is_asked_for_in_spans_the_terminal_takes(using, signing_key, settings):
    settings.GAP_RESEND_AFTER_S = 600
    kiosk, now = FakeTerminal(), timezone.now()
    ingest_batch([kiosk.birth(3, now), kiosk.heartbeat(3, now, outbox=backlog(0)),
                  kiosk.event(1), kiosk.event(25_000)], prefix=PREFIX, using=using)
    Gap.objects.using(using).update(opened_at=now - timedelta(hours=1))
    ask_for_lost_events(using=using)
    assert resend_args(using) == [{"fromSeq": 2, "toSeq": 1 + LONGEST_RESEND}]


def test_seqs_the_terminal_no_longer_keeps_close_as_gone(using, signing_key, settings):
    settings.GAP_RESEND_AFTER_S = 600
    kiosk = FakeTerminal()
    terminal_with_gap(using, gap_age=timedelta(hours=1))
    ask_for_lost_events(using=using)
    command = Command.objects.using(using).get(type="outbox.resend")
    result = kiosk.event(41, "command.result", payload={
        "command": str(command.pk), "type": "outbox.resend", "status": "accepted",
        "reason": "ok", "text": "carried out", "at": timezone.now().isoformat(),
        "detail": {"requeued": 0, "waiting": 0, "gone": [[11, 30]]}, "payload_sha256": ""})
    ingest_batch([result], prefix=PREFIX, using=using)

    terminal = Terminal.objects.using(using).get()
    assert (terminal.complete_upto, terminal.highest_seq) == (41, 41)
    assert not Gap.objects.using(using).exists()
    assert list(DroppedRange.objects.using(using).values_list("first_seq", "last_seq",
                                                              "announced_by_seq")) == [
        (11, 30, 41)]
    assert Command.objects.using(using).get().state == CommandState.ACCEPTED


def test_a_real_terminal_sends_what_the_center_never_got(using, signing_key, settings,
                                                          broker, terminal_for):
    """Its first 30 events went out before any center subscribed (the broker acknowledged
    them to nobody); the center sees them as a gap, asks, and ends complete. Three of them
    were already pruned on the terminal: they close as gone."""
    settings.GAP_RESEND_AFTER_S = 1
    kiosk, store = terminal_for(broker.port, {"security": {
        "center_signing_key": public_base64(signing_key)}}, heartbeat_interval_s=5)
    with store.transaction() as db:
        for n in range(30):
            append_event(db, "queue.ticket_issued", {"ticket": f"A{n:03}"}, PRIORITY_BUSINESS)
    kiosk.start()

    def unsent() -> int:
        with store.reading() as db:
            return db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]

    wait_until(lambda: unsent() == 0, "the terminal to deliver its first events")
    with store.transaction() as db:       # pruned after delivery, as after 30 days
        db.execute("DELETE FROM outbox WHERE seq IN (10, 11, 12)")
    worker = IngestWorker("center-ingest-g", BrokerSettings("127.0.0.1", broker.port, PREFIX,
                                                            600),
                          batch_size=50, batch_wait_s=0.02, using=using)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_until(lambda: WorkerState.objects.using(using).filter(connected=True).exists(),
                   "the worker to connect")
        wait_until(lambda: Terminal.objects.using(using).filter(online=True).exists(),
                   "the terminal's retained birth")
        with store.transaction() as db:
            highest = append_event(db, "queue.ticket_issued", {"ticket": "B001"},
                                   PRIORITY_BUSINESS)
        wait_until(lambda: Event.objects.using(using).filter(event_id=highest).exists(),
                   "a live event past the gap")
        wait_until(lambda: not Gap.objects.using(using).exists(), "the gap to close",
                   timeout_s=45)
    finally:
        stop.set()
        thread.join(10)
    terminal = Terminal.objects.using(using).get()
    assert terminal.complete_upto == terminal.highest_seq
    kept = set(Event.objects.using(using).values_list("seq", flat=True))
    assert {1, 2, 9, 13, 30} <= kept
    assert not {10, 11, 12} & kept
    command = Command.objects.using(using).get(type="outbox.resend")
    assert command.state == CommandState.ACCEPTED
    assert command.result_detail["gone"] == [[10, 12]]
    assert DroppedRange.objects.using(using).filter(first_seq=10, last_seq=12).exists()
