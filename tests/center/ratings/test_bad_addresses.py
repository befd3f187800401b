"""Addresses the ratings pages must survive, through Django's client: a period far in the
past or the future, backwards or too long, answered in words with this quarter shown (no
500, no scan of every rating); a case number with digits that are not ASCII digits or too
many of them, matching nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.fleet.models import Terminal
from center.ratings.overview import quarter_of
from tests.fixtures.center_people import make_people
from tests.fixtures.rating_cases import case_of, keep_bad_rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    people = make_people()
    client.force_login(people.admin)
    client.people = people
    return client


@pytest.mark.parametrize(("query", "words"), [
    ("last=9999-12-31", "之间的日期"),
    ("first=1900-01-01", "之间的日期"),
    ("first=1900-01-01&last=1900-02-01", "之间的日期"),
    ("first=2026-06-01&last=2026-01-01", "结束日期早于开始日期，请重新选择日期。"),
    ("first=2024-01-01&last=2026-01-01", "一次最多选一年。"),
])
def test_a_period_out_of_bounds_is_refused_in_words(admin_client, query, words):
    response = admin_client.get(f"/ratings/?{query}")

    assert response.status_code == 200
    page = response.content.decode()
    assert words in page
    # This quarter is shown instead: never every rating there is.
    assert response.context["period"] == quarter_of(timezone.localdate())


def test_the_bounds_are_2020_to_a_year_from_today(admin_client):
    latest = timezone.localdate() + timedelta(days=366)
    page = admin_client.get("/ratings/?last=9999-12-31").content.decode()
    assert f"请选 2020-01-01 到 {latest.isoformat()} 之间的日期。" in page

    first = latest - timedelta(days=30)
    response = admin_client.get(f"/ratings/?first={first.isoformat()}&last={latest.isoformat()}")
    assert (response.context["period"].first, response.context["period"].last) == (first,
                                                                                     latest)


def test_one_date_given_takes_the_other_from_this_quarter(admin_client):
    quarter = quarter_of(timezone.localdate())
    response = admin_client.get(f"/ratings/?first={quarter.first - timedelta(days=10)}")
    assert response.context["period"].first == quarter.first - timedelta(days=10)
    assert response.context["period"].last == quarter.last


@pytest.mark.parametrize("number", ["²", "差评-2026-²", "４２", "1" * 40, "差评-2026-" + "9" * 19])
def test_a_case_number_that_is_not_ascii_digits_matches_nothing(admin_client, number):
    terminal = Terminal.objects.create(district="xc", terminal_id="xc-hsz-01",
                                       station=admin_client.people.station)
    case = case_of(keep_bad_rating(terminal, "d-1", timezone.now()))

    response = admin_client.get("/ratings/cases/", {"number": number[:30], "state": "all"})

    assert response.status_code == 200
    assert case.number not in response.content.decode()
    found = admin_client.get("/ratings/cases/", {"number": str(case.pk), "state": "all"})
    assert case.number in found.content.decode()
