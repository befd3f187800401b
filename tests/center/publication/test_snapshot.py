"""A quarter's publication made from the database: the figures, the rows and the cases
anonymised; publishing keeps it as a version that later ratings never change. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.ingest.batch import ingest_batch
from center.publication.display import shown
from center.publication.models import Publication
from center.publication.publishing import NotPublishable, newest_publication, publish
from center.publication.quarters import Quarter
from center.publication.snapshot import build_snapshot
from center.ratings.models import CaseState, RatingCase
from tests.fixtures.center_commands import people_on
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.publication_data import day_in, small_quarter

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


def test_the_quarters_figures_rows_and_cases(using):
    people = people_on(using)
    made = small_quarter(people.admin, people.station, using)
    snapshot = build_snapshot("xc", made.quarter, "新城区", using)

    assert snapshot["totals"] == {
        "services": 16, "rated": 10, "good": 6, "bad": 3, "flooded": 1, "cases": 4,
        "appeals_upheld": 1, "explained": 1, "needing": 2, "rectified": 1,
        "revisit_base": 3, "revisited": 1}
    assert [(row["level"], row["count"]) for row in snapshot["levels"]] == [
        (5, 3), (4, 3), (3, 1), (2, 2), (1, 1)]
    assert snapshot["channels"] == [{"channel": "terminal", "count": 9},
                                    {"channel": "qr", "count": 1}]
    assert snapshot["items"] == [{"name": "一胎、二胎生育登记", "count": 3, "bad": 1},
                                 {"name": "高龄老人生活保障补贴核发", "count": 1, "bad": 1}]
    assert snapshot["stations"] == [
        {"name": "花山镇便民服务站", "rated": 7, "good": 4, "bad": 2},
        {"name": "柳湾街道便民服务站", "rated": 3, "good": 2, "bad": 1}]
    rates = shown(snapshot)["rates"]
    assert (rates.good, rates.bad, rates.unrated, rates.rectification, rates.revisit) == (
        "60.0%", "30.0%", "37.5%", "50.0%", "33.3%")


def test_a_published_case_says_only_what_the_public_may_read(using):
    people = people_on(using)
    made = small_quarter(people.admin, people.station, using)
    cases = {row["number"]: row
             for row in build_snapshot("xc", made.quarter, "新城区", using)["cases"]}

    assert len(cases) == 4
    fixed = cases[made.fixed_now.number]
    assert fixed == {
        "number": made.fixed_now.number,
        "day": timezone.localdate(made.fixed_now.rating.rated_at).isoformat(),
        "station": "花山镇便民服务站", "kind": "pickup",
        "reasons": ["没有提供材料清单", "窗口人员业务不熟练"],
        "handling": "fix_now", "rectified": True, "appeal_upheld": None,
        # The handling's text, its phone number masked; not what the verification or the
        # return visit wrote.
        "answers": ["当场补给居民材料清单，并电话 ＊＊＊ 说明"]}
    # An appeal's grounds speak of the resident: only its outcome is published.
    assert cases[made.upheld.number]["answers"] == []
    assert cases[made.upheld.number]["appeal_upheld"] is True


def test_publishing_keeps_a_version_each_time_and_audits_it(using):
    people = people_on(using)
    made = small_quarter(people.admin, people.station, using)
    first = publish(people.admin, "xc", made.quarter, using)
    second = publish(people.admin, "xc", made.quarter, using)

    assert [(p.version, p.published_by_name) for p in Publication.objects.using(using)
            .order_by("version")] == [(1, "district-admin"), (2, "district-admin")]
    assert newest_publication("xc", made.quarter, using) == second
    assert first.snapshot == second.snapshot
    entry = AuditEntry.objects.using(using).filter(
        action="publication.published").order_by("pk").last()
    assert entry is not None
    assert entry.username == "district-admin"
    assert entry.detail == {"district": "xc", "quarter": made.quarter.slug, "version": 2,
                            "rated": 10, "cases": 4}


def test_the_current_quarter_is_only_previewed(using):
    people = people_on(using)
    with pytest.raises(NotPublishable, match="还没有结束"):
        publish(people.admin, "xc", Quarter.containing(timezone.now()), using)
    assert not Publication.objects.using(using).exists()


def test_ratings_arriving_late_leave_the_published_snapshot_as_it_was(using):
    people = people_on(using)
    made = small_quarter(people.admin, people.station, using)
    published = publish(people.admin, "xc", made.quarter, using)
    kept = published.snapshot

    # A terminal back after an outage sends two ratings given in the quarter, and a case
    # moves on: the published page must not change.
    kiosk = FakeTerminal("xc-hsz-01")
    given = day_in(made.quarter, 40)
    ingest_batch([kiosk.event(100 + n, "rating.submitted", at=given, payload={
        "event": {"kind": "pickup", "ref": f"late-{n}"}, "channel": "terminal", "level": 5,
        "options": [], "item": None, "window": None,
        "at": (given + timedelta(minutes=n)).isoformat()}) for n in range(2)],
        prefix=PREFIX, using=using)
    RatingCase.objects.using(using).filter(pk=made.fixed_now.pk).update(
        state=CaseState.VERIFIED, handling="")

    assert newest_publication("xc", made.quarter, using).snapshot == kept
    assert build_snapshot("xc", made.quarter, "新城区", using)["totals"]["rated"] == 12
    again = publish(people.admin, "xc", made.quarter, using)
    assert (again.version, again.snapshot["totals"]["rated"],
            again.snapshot["totals"]["rectified"]) == (2, 12, 0)
    assert Publication.objects.using(using).get(version=1).snapshot == kept
