"""The help button's service: a tap is one request with its event, a second tap finds the
first, staff answer it, and one nobody answers expires into an alarm for the center."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.app.terminal import build_terminal
from kiosk.config import ConfigError
from kiosk.config.schema import OpeningSession
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.alarms import active_alarms
from kiosk.services.help_desk import HelpCall, HelpDesk, HelpRequest, staffed_now_during
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock
from tests.waiting import wait_until

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)     # Monday 9:00 in Beijing
TEN_MINUTES = 600



@pytest.fixture
def store(tmp_path: Path):
    store = open_store(tmp_path / "kiosk.db")
    yield store
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=START)


@pytest.fixture
def desk(store, clock):
    desk = HelpDesk(store, TEN_MINUTES, clock=clock.now)
    yield desk
    desk.close()


def events(store) -> list[tuple[str, dict]]:
    with store.reading() as db:
        rows = db.execute("SELECT type, payload FROM outbox ORDER BY seq").fetchall()
    return [(kind, json.loads(payload)) for kind, payload in rows]


def rows(store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT id, screen, state, requested_at, answered_at, answered_by, "
                          "expired_at FROM help_requests ORDER BY id").fetchall()


def alarms(store) -> list[tuple[str, str, dict]]:
    with store.reading() as db:
        return [(a.kind, a.subject, a.detail) for a in active_alarms(db)]


def test_a_tap_records_the_request_and_tells_the_center(desk, store):
    call = desk.request("pickup")

    assert call == HelpCall(request_id=1, screen="pickup", already_called=False,
                            staffed_now=True)
    assert rows(store) == [(1, "pickup", "open", "2026-11-23T01:00:00.000+00:00", None, None,
                            None)]
    # Exactly these fields: the screen, never anything about the resident.
    assert events(store) == [("help.requested", {"request": 1, "screen": "pickup",
                                                 "at": "2026-11-23T01:00:00.000+00:00"})]
    with store.reading() as db:
        audit = db.execute("SELECT actor, action, subject, detail FROM audit_log").fetchall()
    assert audit == [("resident", "help.requested", "help 1",
                      '{"screen": "pickup", "staffed": true}')]


def test_a_second_tap_while_the_first_is_open_finds_it(desk, store, clock):
    desk.request("pickup")
    clock.advance(seconds=30)

    again = desk.request("door")

    assert again == HelpCall(request_id=1, screen="pickup", already_called=True,
                             staffed_now=True)
    assert len(rows(store)) == 1
    assert [kind for kind, _ in events(store)] == ["help.requested"]


def test_after_hours_the_resident_is_told_nobody_is_at_the_windows(store, clock):
    desk = HelpDesk(store, TEN_MINUTES, staffed_now=lambda: False, clock=clock.now)

    assert desk.request("queue").staffed_now is False


def test_a_broken_hours_source_still_calls_someone(store, clock):
    def broken() -> bool:
        raise RuntimeError("hours unavailable")

    desk = HelpDesk(store, TEN_MINUTES, staffed_now=broken, clock=clock.now)

    assert desk.request("queue") == HelpCall(1, "queue", False, True)


def test_staff_answer_and_the_next_tap_is_a_new_request(desk, store, clock):
    heard: list[HelpRequest] = []
    desk.subscribe(heard.append)
    desk.request("guide_item")
    clock.advance(seconds=90)

    assert desk.answer(1, "window:2") is True
    assert desk.answer(1, "window:3") is False          # already answered
    assert desk.answer(7, "window:3") is False          # no such request

    assert rows(store)[0][2:6] == ("answered", "2026-11-23T01:00:00.000+00:00",
                                   "2026-11-23T01:01:30.000+00:00", "window:2")
    assert events(store)[1] == ("help.answered", {"request": 1, "by": "window:2",
                                                  "after_s": 90})
    assert [(r.id, r.state, r.answered_by) for r in heard] == [(1, "open", None),
                                                               (1, "answered", "window:2")]
    assert desk.open_requests() == []
    assert desk.request("pickup").request_id == 2


def test_staff_may_answer_by_their_staff_id(desk, store):
    desk.request("door")

    assert desk.answer(1, "staff:s01")

    assert events(store)[-1] == ("help.answered", {"request": 1, "by": "staff:s01",
                                                   "after_s": 0})


@pytest.mark.parametrize("screen", ["", "Pickup", "pick up", "x" * 33, "取件", "../door"])
def test_a_screen_name_must_be_a_short_identifier(desk, screen):
    with pytest.raises(ValueError, match="screen's name"):
        desk.request(screen)


@pytest.mark.parametrize("by", ["window:0", "window:100", "window:", "staff:", "张三",
                                "staff:S01", "window:1 "])
def test_the_one_answering_is_a_window_or_a_staff_id(desk, by):
    desk.request("door")
    with pytest.raises(ValueError, match="window"):
        desk.answer(1, by)


def test_an_unanswered_request_expires_into_an_alarm_that_staff_clear(desk, store, clock):
    heard: list[HelpRequest] = []
    desk.subscribe(heard.append)
    desk.request("pickup")
    clock.advance(seconds=TEN_MINUTES - 1)
    assert desk.expire_overdue() == []
    assert [r.id for r in desk.open_requests()] == [1]

    clock.advance(seconds=1)
    assert [r.id for r in desk.expire_overdue()] == [1]

    assert rows(store)[0][2] == "expired"
    assert rows(store)[0][6] == "2026-11-23T01:10:00.000+00:00"
    assert desk.open_requests() == []
    assert heard[-1].state == "expired"
    assert alarms(store) == [("help.unanswered", "terminal",
                              {"request": 1, "screen": "pickup", "waited_s": 600})]
    kind, raised = events(store)[-1]
    assert (kind, sorted(raised)) == ("alarm.raised", ["at", "detail", "kind", "subject"])
    assert raised["detail"] == {"request": 1, "screen": "pickup", "waited_s": 600}
    assert desk.answer(1, "window:1") is False           # too late: the resident has gone

    # A new tap is a new request; answering it shows staff attend again.
    assert desk.request("pickup") == HelpCall(2, "pickup", False, True)
    assert alarms(store) == [("help.unanswered", "terminal",
                              {"request": 1, "screen": "pickup", "waited_s": 600})]
    clock.advance(seconds=20)
    assert desk.answer(2, "window:1")

    assert alarms(store) == []
    assert [kind for kind, _ in events(store)] == [
        "help.requested", "alarm.raised", "help.requested", "help.answered", "alarm.cleared"]


def test_a_tap_after_the_open_request_fell_due_is_a_new_call(desk, store, clock):
    desk.request("pickup")
    clock.advance(seconds=TEN_MINUTES + 5)

    call = desk.request("door")

    assert (call.request_id, call.already_called) == (2, False)
    assert [(r[0], r[2]) for r in rows(store)] == [(1, "expired"), (2, "open")]
    assert alarms(store)[0][0] == "help.unanswered"


def test_requests_expire_by_themselves_on_time(store):
    desk = HelpDesk(store, 0.3)
    try:
        desk.request("queue")
        wait_until(lambda: alarms(store), "the help.unanswered alarm", timeout_s=5)
    finally:
        desk.close()

    assert rows(store)[0][2] == "expired"


def test_a_request_left_open_by_a_restart_still_expires(tmp_path):
    path = tmp_path / "kiosk.db"
    first = open_store(path)
    HelpDesk(first, 0.5).request("door")
    first.close()

    store = open_store(path)
    desk = HelpDesk(store, 0.5)
    try:
        wait_until(lambda: alarms(store), "the alarm after the restart", timeout_s=5)
    finally:
        desk.close()
        store.close()


def test_a_long_poll_wakes_on_a_change(desk):
    seen = desk.version
    woke: list[str] = []
    poll = threading.Thread(target=lambda: woke.append(desk.wait_for_change(seen, 10)))
    poll.start()

    desk.request("pickup")
    poll.join(timeout=5)

    assert not poll.is_alive()
    assert woke == [desk.version]
    assert woke[0] != seen
    assert desk.wait_for_change("an-older-process-0", 10) == desk.version   # at once


def test_staffed_now_follows_the_staffed_hours_in_force():
    hours = WeeklyHours.from_sessions([OpeningSession(days=(1, 2, 3, 4, 5), start="09:00",
                                                      end="17:00")])
    at = [datetime(2026, 11, 23, 10, 0)]
    staffed = staffed_now_during(lambda: hours, lambda: at[0])
    assert staffed()
    at[0] = datetime(2026, 11, 23, 18, 0)
    assert not staffed()
    at[0] = datetime(2026, 11, 22, 10, 0)               # Sunday
    assert not staffed()
    # A station that states no hours: the resident is told someone was called.
    assert staffed_now_during(lambda: WeeklyHours(), lambda: at[0])()


def test_the_terminal_builds_its_help_desk_from_the_help_section(write_config):
    config = write_config.load({"help": {"unanswered_after_min": 3}})
    store = open_store(config.store.path)
    try:
        terminal = build_terminal(config, store)
        assert terminal.help_desk is not None
        assert terminal.help_desk.request("home").request_id == 1
        terminal.help_desk.close()
    finally:
        store.close()
    assert config.help.unanswered_after_min == 3
    with pytest.raises(ConfigError, match=r"help\.unanswered_after_min"):
        write_config.load({"help": {"unanswered_after_min": 0}})
