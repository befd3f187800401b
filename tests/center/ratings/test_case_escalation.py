"""Overdue bad-rating cases escalated by the notifier, on SQLite and PostgreSQL: once per
missed deadline, to the district administrators, by page and by mail over real SMTP, again
when a later deadline is missed; never a closed case or one without a deadline, whose
deadline is set once the calendar knows its year; "overdue since" a deadline missed by no
working day yet; and two `manage.py notify --once` processes started together tell it
once."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from center.audit.models import AuditEntry
from center.notifications.models import Delivery, Notice, NoticeKind
from center.notifications.notifier import run_once
from center.notifications.wording import describe
from center.ratings import case_views, cases, working_days
from center.ratings.escalation import escalate_overdue
from center.ratings.models import CaseState, CaseStep, RatingCase
from tests.fixtures.center_alarms import make_staff, place_terminal, terminal
from tests.fixtures.center_db import DATABASES
from tests.fixtures.ingest_worker import MANAGE, REPO, center_environment, database_environment
from tests.fixtures.rating_cases import case_of, keep_bad_rating
from tests.fixtures.smtp_server import smtp_server

__all__ = ["smtp_server"]
pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


def at(day: str, hour: int = 2) -> datetime:
    """10:00 in Beijing (02:00 UTC) of that day."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


def told(using: str) -> list[tuple[str, str]]:
    return sorted(Delivery.objects.using(using).filter(
        notice__kind=NoticeKind.RATING_CASE_OVERDUE).values_list("notice__key",
                                                                 "user__username"))


def a_case(using: str, opened_on: str = "2026-12-04") -> tuple[RatingCase, object]:
    staff = make_staff(using)
    place_terminal(staff.station, at(opened_on), using=using)
    rating = keep_bad_rating(terminal(using=using), "d-1", at(opened_on), using=using)
    return case_of(rating, using), staff


def test_an_overdue_case_is_escalated_once_per_missed_deadline(using, smtp_server):
    case, staff = a_case(using)
    assert case.due_on == date(2026, 12, 7)          # opened on a Friday: due Monday

    assert run_once(at("2026-12-07", 9), using=using).rating_cases == 0   # 17:00, the day
    first = run_once(at("2026-12-08"), using=using)
    again = run_once(at("2026-12-09"), using=using)
    assert (first.rating_cases, again.rating_cases) == (1, 0)

    key = f"rating_case.overdue:{case.pk}:2026-12-07"
    assert told(using) == [(key, "district-admin")]
    stored = RatingCase.objects.using(using).get(pk=case.pk)
    assert (stored.state, stored.escalated_on) == (CaseState.RECEIVED, date(2026, 12, 8))
    step = CaseStep.objects.using(using).get(action="escalated")
    assert (step.username, step.user_id, step.at, step.due_on, step.detail) == (
        "system", None, at("2026-12-08"), date(2026, 12, 7), {"late": 1, "state": "received"})
    assert AuditEntry.objects.using(using).filter(action="rating_case.escalated").count() == 1

    [mail] = smtp_server.wait_for(1)
    assert mail.to == ["district-admin@xc.example"]
    assert mail.subject == (f"[区中心] 差评件 {case.number} 超期未办："
                            "xc-hsz-01，花山镇便民服务站")
    assert mail.body.splitlines()[:7] == [
        mail.subject.removeprefix("[区中心] "), "", f"差评件：{case.number}",
        "站点：花山镇便民服务站", "终端：xc-hsz-01", "现在：已受理，待核实", "期限：2026-12-07"]
    assert "超期 1 个工作日" in mail.body
    assert f"http://127.0.0.1:8000/ratings/cases/{case.pk}/" in mail.body
    notice = Notice.objects.using(using).get(key=key)
    assert describe(notice).path == f"/ratings/cases/{case.pk}/"

    # Verified late: a new deadline, not escalated yet; missing it is told again.
    cases.verify(stored, staff.manager, "属实", now=at("2026-12-09"), using=using)
    assert (stored.due_on, stored.escalated_on) == (date(2026, 12, 16), None)
    assert run_once(at("2026-12-16"), using=using).rating_cases == 0
    assert run_once(at("2026-12-17"), using=using).rating_cases == 1
    assert [k for k, _ in told(using)] == [key, f"rating_case.overdue:{case.pk}:2026-12-16"]


def test_closed_cases_and_cases_without_a_deadline_are_not_escalated(using):
    case, staff = a_case(using)
    for verb, arguments in (("verify", ("属实",)), ("handle", ("explain", "已解释")),
                            ("feed_back", ("phone", "已告知")),
                            ("revisit", ("satisfied", "满意"))):
        getattr(cases, verb)(case, staff.admin, *arguments, now=at("2026-12-07"),
                             using=using)
    no_deadline = keep_bad_rating(terminal(using=using), "d-2", at("2026-12-31"), using=using)
    assert case_of(no_deadline, using).due_on is None

    assert escalate_overdue(date(2027, 3, 1), using, at("2027-03-01")) == 0
    assert not Notice.objects.using(using).exists()


def test_two_notifiers_at_once_escalate_a_case_once(using, smtp_server, tmp_path):
    case, _ = a_case(using)
    # Long overdue by the machine's clock, whatever today is.
    RatingCase.objects.using(using).filter(pk=case.pk).update(
        due_on=timezone.localdate() - timedelta(days=30))
    env = {**center_environment(database_environment(connections[using].settings_dict), 0,
                                tmp_path), **smtp_server.center_environment()}
    notifiers = [subprocess.Popen([sys.executable, str(MANAGE), "notify", "--once"], cwd=REPO,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [n.communicate(timeout=120) for n in notifiers]
    assert [n.returncode for n in notifiers] == [0, 0], outputs

    smtp_server.wait_for(1)
    assert len(smtp_server.mails) == 1
    assert Notice.objects.using(using).filter(kind=NoticeKind.RATING_CASE_OVERDUE).count() == 1
    assert CaseStep.objects.using(using).filter(action="escalated").count() == 1
    assert sum("1 overdue bad-rating cases" in out for out, _ in outputs) == 1


def test_a_deadline_the_calendar_could_not_count_is_set_once_it_knows_the_year(
        using, monkeypatch):
    # The calendar as it is on 2026-12-05 (2026 only), until an update brings 2027: in the
    # fake, 2027's working days are Monday to Friday but New Year's Day.
    knows_2027 = False
    real = working_days.is_working_day

    def is_working_day(day: date) -> bool:
        if day.year < 2027:
            return real(day)
        if not knows_2027:
            raise working_days.CalendarUnknown(f"{day.year} is not known")
        return day.weekday() < 5 and day != date(2027, 1, 1)

    monkeypatch.setattr(working_days, "is_working_day", is_working_day)
    case, _ = a_case(using, opened_on="2026-12-31")          # a Thursday: due in 2027
    opened = CaseStep.objects.using(using).get(case=case, action="received")
    assert (case.due_on, opened.due_on) == (None, None)
    assert (opened.detail["due_from"], opened.detail["due_days"]) == ("2026-12-31", 1)

    assert escalate_overdue(date(2026, 12, 31), using, at("2026-12-31", 9)) == 0
    assert RatingCase.objects.using(using).get(pk=case.pk).due_on is None

    knows_2027 = True
    assert escalate_overdue(date(2027, 1, 4), using, at("2027-01-04")) == 0
    assert RatingCase.objects.using(using).get(pk=case.pk).due_on == date(2027, 1, 4)
    assert CaseStep.objects.using(using).get(pk=opened.pk).due_on == date(2027, 1, 4)
    entry = AuditEntry.objects.using(using).get(action="rating_case.deadline_set")
    assert (entry.username, entry.detail["due_on"], entry.detail["due_from"]) == (
        "system", "2027-01-04", "2026-12-31")
    # Set once; missed, it is escalated as any deadline is.
    assert escalate_overdue(date(2027, 1, 5), using, at("2027-01-05")) == 1
    assert AuditEntry.objects.using(using).filter(
        action="rating_case.deadline_set").count() == 1
    assert CaseStep.objects.using(using).get(action="escalated").detail["late"] == 1


def test_overdue_by_no_working_day_yet_says_since_when(client):
    case, staff = a_case("default", opened_on="2026-12-03")      # a Thursday: due Friday
    assert case.due_on == date(2026, 12, 4)
    assert escalate_overdue(date(2026, 12, 5), "default", at("2026-12-05")) == 1  # Saturday
    assert CaseStep.objects.get(action="escalated").detail["late"] == 0
    assert case_views._row(case, date(2026, 12, 6)).late == 0

    client.force_login(staff.admin)
    page = client.get(f"/ratings/cases/{case.pk}/").content.decode()
    assert "已过期限（2026-12-04）" in page
    assert "超期 0 个工作日" not in page
