"""好差评 at the terminal: one rating per service event that ended here, checked against
the standard's levels and options, written with its audit line and its `rating.submitted`
event in one transaction, with nothing about the resident."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contract import rating_options
from kiosk.i18n import translator
from kiosk.services import ratings
from kiosk.services.outbox import PRIORITY_BUSINESS, append_event
from kiosk.services.ratings import (
    Collected,
    DroppedOff,
    EventRef,
    NoticePrinted,
    Rated,
    RatingDesk,
    RatingOffer,
    RatingRefusal,
    RatingRefused,
    RatingService,
    TicketIssued,
    check_rating,
)
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock

START = datetime(2026, 12, 5, 2, 30, tzinfo=UTC)
AT = "2026-12-05T02:30:00.000+00:00"
DEPOSIT = "0b6c1f6e-6f5e-4a6c-9a57-1c1f6d2b7a10"


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(tmp_path / "kiosk.db")
    yield store
    store.close()


@pytest.fixture
def service(store) -> RatingService:
    return RatingService(store, clock=FakeClock(wall=START).now)


@pytest.fixture
def finished(store) -> dict[str, EventRef]:
    """One finished service of each kind, as the flows leave them in the records: a result
    collected through door operation 7, a drop-off with its receipt, a ticket (called to
    window 2), a printed notice and one that was not printed."""
    with store.transaction() as db:
        db.execute("INSERT INTO compartments (number, bus, board, lock, size) "
                   "VALUES (3, 'main', 0, 3, 'S'), (4, 'main', 0, 4, 'S')")
        db.execute("INSERT INTO deposits (id, kind, compartment, state, case_number, "
                   "deposited_by, collected_by, created_at) VALUES (?, 'result', 3, "
                   "'collected', '2026112100017', 'admin-1', 'code', ?)", [DEPOSIT, AT])
        db.execute("INSERT INTO door_operations (id, compartment, purpose, deposit_id, actor, "
                   "state, requested_at, outcome) VALUES (7, 3, 'pickup', ?, 'resident', "
                   "'completed', ?, 'collected')", [DEPOSIT, AT])
        db.execute("INSERT INTO door_operations (id, compartment, purpose, deposit_id, actor, "
                   "state, requested_at, outcome) VALUES (8, 3, 'pickup', ?, 'resident', "
                   "'completed', ?, 'item_left')", [DEPOSIT, AT])
        db.execute("INSERT INTO deposits (id, kind, compartment, state, receipt, "
                   "deposited_by, created_at) VALUES ('d-2', 'dropoff', 4, 'stored', "
                   "'261205001', 'resident', ?)", [AT])
        db.execute("INSERT INTO queue_tickets (day, category, label, rank, state, source, "
                   "issued_at, ahead_at_issue, estimate_s, window) VALUES ('2026-12-05', "
                   "'general', 'A012', 2, 'called', 'touch', ?, 0, 0, 2)", [AT])
        append_event(db, "guide.notice", {"item_id": "linyi-a2-003", "catalog_version": "1",
                                          "printed": False})
        append_event(db, "guide.notice", {"item_id": "linyi-a2-003", "catalog_version": "1",
                                          "printed": True})
    return {"pickup": EventRef.pickup(DEPOSIT), "dropoff": EventRef.dropoff("261205001"),
            "ticket": EventRef.ticket("A012", "2026-12-05"),
            "notice": EventRef.notice("linyi-a2-003", 2)}


def table(store, sql: str) -> list[tuple]:
    with store.reading() as db:
        return db.execute(sql).fetchall()


def rating_events(store) -> list[tuple[str, int, dict]]:
    return [(kind, priority, json.loads(payload)) for kind, priority, payload in table(
        store, "SELECT type, priority, payload FROM outbox WHERE type = 'rating.submitted' "
               "ORDER BY seq")]


# -- the options as data -----------------------------------------------------------------


def test_the_standard_s_enabled_lists_eight_options_a_level_in_order():
    assert [level.words for level in rating_options.LEVELS] == [
        "非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [level.level for level in rating_options.LEVELS] == [5, 4, 3, 2, 1]
    ranges = {5: range(510, 518), 4: range(406, 414), 3: range(307, 315),
              2: range(207, 215), 1: range(108, 116)}
    for number, codes in ranges.items():
        assert [o.code for o in rating_options.options_for(number)] == list(codes)
    assert rating_options.option(212).words == "在线预约办理后到实体大厅重复取号排队"
    assert rating_options.option(115).words == "服务态度差效率低"
    assert rating_options.option(501) is None        # a retired code
    assert [level.bad for level in rating_options.LEVELS] == [False, False, False, True, True]


def test_the_screen_s_words_are_the_standard_s_in_chinese_and_english_in_english():
    chinese, english = translator("zh_CN"), translator("en")
    for entry in (*rating_options.LEVELS, *rating_options.OPTIONS):
        assert chinese(entry.english) == entry.words
        assert english(entry.english) == entry.english
    assert len({o.english for o in rating_options.OPTIONS}) == len(rating_options.OPTIONS)


# -- offers -------------------------------------------------------------------------------


def test_each_finished_service_is_offered_with_its_reference(service, finished):
    assert service.offer(Collected(7)) == RatingOffer(finished["pickup"])
    assert service.offer(DroppedOff("261205001")) == RatingOffer(finished["dropoff"])
    assert service.offer(TicketIssued("A012", "2026-12-05")) == RatingOffer(
        finished["ticket"], window=2)
    # The newest printed notice of the item (seq 2), not the one that did not print.
    assert service.offer(NoticePrinted("linyi-a2-003")) == RatingOffer(
        finished["notice"], item="linyi-a2-003")
    assert finished["notice"].ref == "linyi-a2-003/2"
    assert finished["ticket"].ref == "A012/2026-12-05"


@pytest.mark.parametrize("completed", [
    Collected(8),                          # the door shut on something left behind
    Collected(99),
    DroppedOff("261205999"),
    TicketIssued("A013", "2026-12-05"),
    NoticePrinted("chencang-a2-006"),      # never printed
    EventRef.notice("linyi-a2-003", 1),    # printed: false
    EventRef.notice("linyi-a2-003", "x"),  # type: ignore[arg-type]
])
def test_what_did_not_end_here_is_not_offered(service, finished, completed):
    answer = service.offer(completed)
    assert isinstance(answer, RatingRefused)
    assert answer.reason == RatingRefusal.UNKNOWN_EVENT
    assert service.submit(EventRef.dropoff("261205999"), 5) == RatingRefused(
        RatingRefusal.UNKNOWN_EVENT, EventRef.dropoff("261205999"))
    assert table(service._store, "SELECT * FROM ratings") == []


# -- one rating per event ------------------------------------------------------------------


def test_a_bad_rating_with_two_reasons_is_stored_audited_and_sent(service, store, finished):
    rated = service.submit(finished["pickup"], 2, [213, 208])

    assert rated == Rated(1, finished["pickup"], 2, (208, 213), None, None, AT)
    assert table(store, "SELECT id, kind, ref, level, options, item, window, rated_at "
                        "FROM ratings") == [(1, "pickup", DEPOSIT, 2, "[208, 213]", None,
                                             None, AT)]
    # The event's exact payload: the reference, the channel, the level and the codes;
    # no identity of any kind.
    assert rating_events(store) == [("rating.submitted", PRIORITY_BUSINESS, {
        "event": {"kind": "pickup", "ref": DEPOSIT}, "channel": "terminal", "level": 2,
        "options": [208, 213], "item": None, "window": None, "at": AT})]
    assert table(store, "SELECT actor, action, subject, detail FROM audit_log") == [(
        "resident", "rating.submitted", "rating 1",
        json.dumps({"kind": "pickup", "level": 2, "options": [208, 213], "ref": DEPOSIT},
                   ensure_ascii=False, sort_keys=True))]


def test_the_item_and_the_window_go_with_the_rating_where_known(service, store, finished):
    service.submit(finished["notice"], 5)
    service.submit(finished["ticket"], 4, [411, 413])
    [notice, ticket] = [payload for _type, _priority, payload in rating_events(store)]
    assert notice == {"event": {"kind": "notice", "ref": "linyi-a2-003/2"},
                      "channel": "terminal", "level": 5, "options": [], "item": "linyi-a2-003",
                      "window": None, "at": AT}
    assert ticket == {"event": {"kind": "ticket", "ref": "A012/2026-12-05"},
                      "channel": "terminal", "level": 4, "options": [411, 413], "item": None,
                      "window": 2, "at": AT}


def test_a_second_rating_of_the_same_event_is_refused_politely(service, store, finished):
    assert isinstance(service.submit(finished["dropoff"], 5), Rated)

    again = service.submit(finished["dropoff"], 1, [115])

    assert again == RatingRefused(RatingRefusal.ALREADY_RATED, finished["dropoff"])
    assert service.offer(DroppedOff("261205001")) == again
    assert table(store, "SELECT level FROM ratings") == [(5,)]
    assert len(rating_events(store)) == 1
    # Another event is rated on its own.
    assert isinstance(service.submit(finished["pickup"], 3), Rated)


def test_two_ratings_racing_for_one_event_leave_one(service, store, finished, monkeypatch):
    """The unique key holds even if the check were passed by two at once."""
    assert isinstance(service.submit(finished["ticket"], 5), Rated)
    monkeypatch.setattr(ratings, "_rated", lambda _db, _event: False)

    again = service.submit(finished["ticket"], 2, [213])

    assert again == RatingRefused(RatingRefusal.ALREADY_RATED, finished["ticket"])
    assert table(store, "SELECT level FROM ratings") == [(5,)]
    assert len(rating_events(store)) == 1


# -- levels and options --------------------------------------------------------------------


@pytest.mark.parametrize(("level", "options"), [
    (0, []), (6, []), (-1, []), (True, []), ("2", []), (2.0, []),
    (2, [115]),             # 非常不满意's reason under 不满意
    (5, [207]),
    (1, [501]),             # a retired code
    (2, [207, 207]),
    (2, ["207"]),
    (3, [True]),
])
def test_a_level_or_option_outside_the_standard_is_an_error(service, store, finished, level,
                                                            options):
    with pytest.raises(ValueError, match=r"level|option"):
        service.submit(finished["pickup"], level, options)
    assert table(store, "SELECT * FROM ratings") == []
    assert rating_events(store) == []


def test_any_level_may_carry_its_own_options_or_none():
    assert check_rating(5, [517, 510]) == (510, 517)
    assert check_rating(3, []) == ()
    assert check_rating(1, range(108, 116)) == tuple(range(108, 116))


# -- one transaction -------------------------------------------------------------------


def test_the_row_the_audit_line_and_the_event_commit_together(service, store, finished,
                                                              monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ratings, "append_event", broken)
    with pytest.raises(OSError, match="disk full"):
        service.submit(finished["pickup"], 1, [110])

    assert table(store, "SELECT * FROM ratings") == []
    assert table(store, "SELECT * FROM audit_log WHERE action = 'rating.submitted'") == []
    monkeypatch.undo()
    # Nothing half-done stands in the way of the rating itself.
    assert isinstance(service.submit(finished["pickup"], 1, [110]), Rated)


def test_the_desk_answers_the_touch_screen_on_its_own_thread(service, finished):
    import threading

    desk = RatingDesk(service)
    seen: list[str] = []
    real_submit = service.submit

    def submit(*args):
        seen.append(threading.current_thread().name)
        return real_submit(*args)

    service.submit = submit      # type: ignore[method-assign]
    try:
        offer = desk.offer(Collected(7)).result(5)
        assert isinstance(offer, RatingOffer)
        assert isinstance(desk.submit(offer.event, 4, [413]).result(5), Rated)
    finally:
        desk.stop()
    assert seen
    assert seen[0].startswith("rating-desk")
    assert seen[0] != threading.main_thread().name


def test_the_contract_names_what_is_wrong_with_the_options():
    assert rating_options.options_problem(2, [208, 213]) is None
    assert "given twice" in rating_options.options_problem(2, [208, 208])
    assert "not one of level 3's" in rating_options.options_problem(3, [208])
    assert rating_options.options_problem(5, "510") == "the options are a list of codes"
