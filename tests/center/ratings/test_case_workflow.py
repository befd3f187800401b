"""A bad rating's case (差评件) step by step, on SQLite and PostgreSQL: the deadlines in working
days across National Day 2026 and the Saturday worked after it (调休), every way through,
the steps refused with the words the page shows, each step kept with who, when, what and
its audit entry, and a year the calendar does not know."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.db.models import QuerySet

from center.audit.models import AuditEntry
from center.fleet.models import Station, Terminal
from center.ingest.batch import ingest_batch
from center.ratings import cases
from center.ratings.cases import CaseRefused
from center.ratings.figures import figures
from center.ratings.models import CaseState, CaseStep, Handling, Rating, RatingCase
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.rating_cases import case_of, keep_bad_rating, rating_message

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


def at(day: str, hour: int = 3) -> datetime:
    """A moment of that day, 03:00 UTC by default: 11:00 in Beijing, the same date in both."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


def placed_terminal(using: str) -> tuple[Terminal, User]:
    station = Station.objects.using(using).create(district="xc", code="hsz",
                                                  name="花山镇便民服务站")
    terminal = Terminal.objects.using(using).create(district="xc", terminal_id="xc-hsz-01",
                                                    station=station)
    manager = User.objects.db_manager(using).create_user("station-manager")
    return terminal, manager


def opened(using: str, day: str = "2026-09-30", ref: str = "d-1") -> tuple[RatingCase, User]:
    terminal, manager = placed_terminal(using)
    rating = keep_bad_rating(terminal, ref, at(day), using=using)
    return case_of(rating, using), manager


def steps(case: RatingCase, using: str) -> QuerySet[CaseStep]:
    return CaseStep.objects.using(using).filter(case=case).order_by("at", "pk")


def test_the_whole_way_across_national_day_and_its_exchanged_saturday(using):
    case, manager = opened(using)
    # Received on Wednesday 30 September: 1 to 7 October are the holiday, so one working
    # day to verify ends on Thursday 8 October.
    assert (case.state, case.due_on, case.station.name) == (
        CaseState.RECEIVED, date(2026, 10, 8), "花山镇便民服务站")
    assert case.number == f"差评-2026-{case.pk:06d}"

    cases.verify(case, manager, "窗口人员当天请假，顶岗人员不熟悉业务", now=at("2026-10-08"),
                 using=using)
    # Five working days from Thursday 8 October: Fri 9, Sat 10 (worked, 调休), Mon 12,
    # Tue 13, Wed 14.
    assert (case.state, case.due_on) == (CaseState.VERIFIED, date(2026, 10, 14))

    cases.handle(case, manager, Handling.FIX_BY, "安排业务培训", days=15, now=at("2026-10-09"),
                 using=using)
    # Fifteen working days counted from the verification, not from the handling.
    assert (case.state, case.handling, case.due_on) == (
        CaseState.RECTIFYING, Handling.FIX_BY, date(2026, 10, 28))

    cases.rectified(case, manager, "培训已完成，增加了材料样本", now=at("2026-10-09", 8),
                    using=using)
    # One working day after Friday 9 October is the Saturday worked in exchange.
    assert (case.state, case.due_on) == (CaseState.RECTIFIED, date(2026, 10, 10))

    cases.feed_back(case, manager, "not reachable", "匿名评价，无法联系", now=at("2026-10-10"),
                    using=using)
    assert (case.state, case.due_on) == (CaseState.FED_BACK, date(2026, 10, 16))

    cases.revisit(case, manager, "unreachable", "再次尝试，仍无法联系", now=at("2026-10-12"),
                  using=using)
    stored = RatingCase.objects.using(using).get(pk=case.pk)
    assert (stored.state, stored.due_on, stored.revisit, stored.closed_at) == (
        CaseState.CLOSED, None, "unreachable", at("2026-10-12"))

    kept = list(steps(case, using).values_list("action", "username", "text", "due_on"))
    assert kept == [
        ("received", "system", "", date(2026, 10, 8)),
        ("verified", "station-manager", "窗口人员当天请假，顶岗人员不熟悉业务", date(2026, 10, 14)),
        ("handled", "station-manager", "安排业务培训", date(2026, 10, 28)),
        ("rectified", "station-manager", "培训已完成，增加了材料样本", date(2026, 10, 10)),
        ("fed_back", "station-manager", "匿名评价，无法联系", date(2026, 10, 16)),
        ("revisited", "station-manager", "再次尝试，仍无法联系", None)]
    handled = steps(case, using).get(action="handled")
    assert (handled.user_id, handled.at, handled.detail) == (
        manager.pk, at("2026-10-09"), {"handling": "fix_by", "days": 15})
    assert steps(case, using).get(action="fed_back").detail == {"how": "not reachable"}
    audit = list(AuditEntry.objects.using(using).order_by("pk").values_list(
        "username", "action", "detail__case"))
    assert audit == [("system", "rating_case.opened", case.number)] + [
        ("station-manager", f"rating_case.{action}", case.number)
        for action in ("verified", "handled", "rectified", "fed_back", "revisited")]


def test_the_days_are_the_local_dates_of_the_centers_time_zone(using, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    terminal, _ = placed_terminal(using)
    # 17:00 UTC on 29 September is already 01:00 on 30 September in Beijing.
    rating = keep_bad_rating(terminal, "d-1", at("2026-09-29", 17), using=using)
    assert case_of(rating, using).due_on == date(2026, 10, 8)


def test_rectified_on_the_spot_or_explained_waits_for_the_feedback(using):
    case, manager = opened(using, "2026-12-04")
    cases.verify(case, manager, "属实", now=at("2026-12-07"), using=using)
    cases.handle(case, manager, Handling.FIX_NOW, "当场补发材料清单", now=at("2026-12-07"),
                 using=using)
    assert (case.state, case.due_on) == (CaseState.RECTIFIED, date(2026, 12, 8))

    terminal = Terminal.objects.using(using).get()
    second = case_of(keep_bad_rating(terminal, "d-2", at("2026-12-04"), using=using), using)
    cases.verify(second, manager, "不属实", now=at("2026-12-07"), using=using)
    cases.handle(second, manager, Handling.EXPLAIN, "已按规定办理，向群众解释", days=15,
                 now=at("2026-12-07"), using=using)
    assert (second.state, second.due_on) == (CaseState.EXPLAINED, date(2026, 12, 8))
    # The days of a rectification by a deadline mean nothing to an explanation.
    assert steps(second, using).get(action="handled").detail == {"handling": "explain"}


def test_an_appeal_rejected_goes_back_and_one_upheld_leaves_the_rating_uncounted(using):
    case, manager = opened(using, "2026-12-04")
    admin = User.objects.db_manager(using).create_user("district-admin")
    cases.verify(case, manager, "评价人误点", now=at("2026-12-07"), using=using)
    cases.handle(case, manager, Handling.APPEAL, "监控显示评价人误点", now=at("2026-12-07"),
                 using=using)
    assert (case.state, case.due_on) == (CaseState.APPEALED, date(2026, 12, 14))

    cases.decide_appeal(case, admin, False, "证据不足", now=at("2026-12-08"), using=using)
    assert (case.state, case.handling, case.appeal_upheld, case.due_on) == (
        CaseState.VERIFIED, "", False, date(2026, 12, 15))

    cases.handle(case, manager, Handling.APPEAL, "补充了监控截图", now=at("2026-12-09"),
                 using=using)
    cases.decide_appeal(case, admin, True, "确属误评", now=at("2026-12-10"), using=using)
    assert (case.state, case.appeal_upheld, case.due_on) == (CaseState.CLOSED, True, None)
    assert [s.action for s in steps(case, using)] == [
        "received", "verified", "handled", "appeal_rejected", "handled", "appeal_upheld"]
    assert figures(Rating.objects.using(using).all()).bad == 0


def test_a_resident_still_dissatisfied_reopens_the_case(using):
    case, manager = opened(using, "2026-12-04")
    cases.verify(case, manager, "属实", now=at("2026-12-07"), using=using)
    cases.handle(case, manager, Handling.FIX_NOW, "已整改", now=at("2026-12-07"), using=using)
    cases.feed_back(case, manager, "phone", "电话告知整改情况", now=at("2026-12-08"),
                    using=using)
    cases.revisit(case, manager, "dissatisfied", "仍不满意，要求再整改", now=at("2026-12-09"),
                  using=using)
    assert (case.state, case.handling, case.revisit, case.due_on) == (
        CaseState.VERIFIED, "", "dissatisfied", date(2026, 12, 16))
    last = list(steps(case, using))[-2:]
    assert [(s.action, s.text, s.due_on) for s in last] == [
        ("revisited", "仍不满意，要求再整改", date(2026, 12, 16)),
        ("reopened", "", date(2026, 12, 16))]
    assert AuditEntry.objects.using(using).filter(action="rating_case.reopened").count() == 1
    # Another round: handled again, and the rectification counts from the reopening.
    cases.handle(case, manager, Handling.FIX_BY, "再整改", days=5, now=at("2026-12-10"),
                 using=using)
    assert case.due_on == date(2026, 12, 16)


@pytest.mark.parametrize(("verb", "words"), [
    ("verify", "这个差评件已经核实过了。现在是：已核实，待处理。"),
    ("rectified", "这个差评件还没到这一步。现在是：已核实，待处理。"),
    ("feed_back", "这个差评件还没到这一步。现在是：已核实，待处理。"),
])
def test_a_step_the_case_does_not_wait_for_is_refused_in_words(using, verb, words):
    case, manager = opened(using, "2026-12-04")
    cases.verify(case, manager, "属实", now=at("2026-12-07"), using=using)
    arguments = {"verify": ("again",), "rectified": ("done",),
                 "feed_back": ("phone", "told")}[verb]
    with pytest.raises(CaseRefused) as refused:
        getattr(cases, verb)(case, manager, *arguments, now=at("2026-12-08"), using=using)
    assert str(refused.value) == words
    assert RatingCase.objects.using(using).get(pk=case.pk).state == CaseState.VERIFIED
    assert steps(case, using).count() == 2


def test_nothing_changes_a_closed_case_and_wrong_choices_are_refused(using):
    case, manager = opened(using, "2026-12-04")
    cases.verify(case, manager, "属实", now=at("2026-12-07"), using=using)
    with pytest.raises(CaseRefused, match="整改期限"):
        cases.handle(case, manager, Handling.FIX_BY, "x", days=7, now=at("2026-12-07"),
                     using=using)
    with pytest.raises(CaseRefused):
        cases.handle(case, manager, "ignore", "x", now=at("2026-12-07"), using=using)
    cases.handle(case, manager, Handling.EXPLAIN, "已解释", now=at("2026-12-07"), using=using)
    with pytest.raises(CaseRefused, match="怎样告知"):
        cases.feed_back(case, manager, "telepathy", "x", now=at("2026-12-07"), using=using)
    cases.feed_back(case, manager, "sms", "短信告知", now=at("2026-12-08"), using=using)
    cases.revisit(case, manager, "satisfied", "满意", now=at("2026-12-09"), using=using)
    with pytest.raises(CaseRefused) as refused:
        cases.revisit(case, manager, "dissatisfied", "x", now=at("2026-12-10"), using=using)
    assert str(refused.value) == "这个差评件已经办结，没有改动。"
    assert RatingCase.objects.using(using).get(pk=case.pk).revisit == "satisfied"


def test_a_year_the_calendar_does_not_know_gives_no_deadline_and_never_stops_the_ingest(
        using):
    kiosk = FakeTerminal()
    # Received on the last day of 2026: one working day later is in 2027, whose holidays
    # this calendar does not have yet.
    ingest_batch([rating_message(kiosk, 1, "d-1", 1, at("2026-12-31"),
                                 arrived_at=at("2026-12-31"))], prefix=PREFIX, using=using)
    case = RatingCase.objects.using(using).get()
    assert (case.state, case.due_on, case.station) == (CaseState.RECEIVED, None, None)
    [step] = steps(case, using)
    assert "2027" in step.detail["no_deadline"]
    # The case goes on, still without a deadline.
    manager = User.objects.db_manager(using).create_user("district-admin")
    cases.verify(case, manager, "属实", now=at("2026-12-31", 6), using=using)
    assert (case.state, case.due_on) == (CaseState.VERIFIED, None)
