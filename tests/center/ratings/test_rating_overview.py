"""The ratings overview: the three published rates for a period (好评率, 差评率 and the
no-rating rate over the services the terminals reported), broken down by station, item,
window, channel and service, with flooded ratings counted apart; on both databases, and in
Chromium for each role (a station manager sees their own station's ratings only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from center.ratings.models import Rating
from center.ratings.overview import Period, overview, quarter_of
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_commands import other_station, people_on, terminal_at
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, T0
from tests.fixtures.center_people import sign_in

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)
ITEM = "chencang-a2-001"            # 一胎、二胎生育登记, in the shipped catalog
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))


def rating(kind: str, ref: str, level: int, options: list[int] | None = None, *,
           item: str | None = None, window: int | None = None,
           at: datetime = T0) -> dict:
    return {"event": {"kind": kind, "ref": ref}, "channel": "terminal", "level": level,
            "options": options or [], "item": item, "window": window,
            "at": at.isoformat()}


def services_and_ratings(using: str) -> None:
    """花山镇: 9 services (4 results collected, 2 drop-offs, 1 notice printed, 2 tickets;
    a notice shown but not printed is no service), 4 of them rated. 柳园街: 1 result, rated
    非常不满意. One more rating falls in November, outside December."""
    kiosk = terminal_at(people_on(using).station, "xc-hsz-01", using=using)
    there = terminal_at(other_station(using), "xc-lyj-01", using=using)
    services = [("locker.collected", {"deposit": f"d-{n}"}) for n in range(1, 5)] + [
        ("locker.dropoff", {"receipt": "R1"}), ("locker.dropoff", {"receipt": "R2"}),
        ("guide.notice", {"item_id": ITEM, "printed": True}),
        ("guide.notice", {"item_id": ITEM, "printed": False}),
        ("queue.ticket_issued", {"ticket": "A001"}), ("queue.ticket_issued", {"ticket": "A002"})]
    rated = [rating("pickup", "d-1", 5), rating("pickup", "d-2", 2, [208, 213]),
             rating("notice", f"{ITEM}/7", 3, item=ITEM),
             rating("ticket", "A001/2026-12-01", 4, window=3),
             rating("pickup", "d-old", 5, at=datetime(2026, 11, 20, 9, tzinfo=T0.tzinfo))]
    ingest_batch([kiosk.event(seq, kind, payload) for seq, (kind, payload)
                  in enumerate(services, start=1)]
                 + [kiosk.event(seq, "rating.submitted", payload) for seq, payload
                    in enumerate(rated, start=len(services) + 1)]
                 + [there.event(1, "locker.collected", {"deposit": "d-9"}),
                    there.event(2, "rating.submitted", rating("pickup", "d-9", 1, [115]))],
                 prefix=PREFIX, using=using)


def test_the_rates_and_their_breakdowns(using):
    services_and_ratings(using)
    figures = overview(Terminal.objects.using(using).all(), DECEMBER, using)

    assert (figures.totals.rated, figures.totals.good, figures.totals.bad,
            figures.totals.services) == (5, 2, 2, 10)
    assert figures.totals.unrated_rate == pytest.approx(5 / 10)
    assert figures.by_level == [(5, 1), (4, 1), (3, 1), (2, 1), (1, 1)]
    stations = {line.key: line.figures for line in figures.by_station}
    assert (stations["花山镇便民服务站"].rated, stations["花山镇便民服务站"].services) == (4, 9)
    assert stations["花山镇便民服务站"].unrated_rate == pytest.approx(5 / 9)
    assert stations["柳园街便民服务站"].bad_rate == 1.0
    assert [(line.key, line.figures.rated) for line in figures.by_item] == [(ITEM, 1)]
    assert [(line.key, line.figures.good) for line in figures.by_window] == [
        (("花山镇便民服务站", 3), 1)]
    assert {line.key: line.figures.rated for line in figures.by_kind} == {
        "pickup": 3, "notice": 1, "ticket": 1}
    assert [(line.key, line.figures.rated) for line in figures.by_channel] == [("terminal", 5)]


def test_a_flood_is_counted_apart_and_not_in_the_rates(using):
    services_and_ratings(using)
    Rating.objects.using(using).filter(event_ref="d-1").update(flooded=True)
    figures = overview(Terminal.objects.using(using).all(), DECEMBER, using)
    assert (figures.flooded, figures.totals.rated, figures.totals.good) == (1, 4, 1)


def test_quarters():
    assert quarter_of(date(2026, 12, 5)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 2, 28)) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2026, 6, 30)).last == date(2026, 6, 30)
    assert Period(date(2026, 12, 1), date(2026, 12, 31)).end == timezone.make_aware(
        datetime(2027, 1, 1))
    assert DECEMBER.start < DECEMBER.end - timedelta(days=30)


@pytest.mark.parametrize(("who", "stations"), [
    ("district-admin", ["花山镇便民服务站", "柳园街便民服务站"]),
    ("station-manager", ["花山镇便民服务站"]),
    ("viewer", ["花山镇便民服务站", "柳园街便民服务站"]),
])
def test_the_overview_page(page, live_server, who, stations):
    services_and_ratings("default")
    sign_in(page, live_server, who)
    page.get_by_role("link", name="评价", exact=True).click()
    page.get_by_label("从").fill("2026-12-01")
    page.get_by_label("到").fill("2026-12-31")
    page.get_by_role("button", name="显示").click()
    page.locator("#rating-period").filter(has_text="2026-12-01").wait_for()

    assert [row.split("\t")[0] for row in page.locator("#by-station tbody tr").all_inner_texts()
            ] == stations
    rates = page.locator("#rating-rates").inner_text()
    if who == "station-manager":
        assert "好评率\n50.0%" in rates
        assert "未评价率\n55.6%" in rates
    else:
        assert "差评率\n40.0%" in rates
        assert "未评价率\n50.0%" in rates
    assert "一胎、二胎生育登记" in page.locator("#by-item").inner_text()
    assert page.locator("#by-window tbody tr").all_inner_texts() == [
        "花山镇便民服务站\t3\t1\t100.0%\t0.0%"]
    assert "不满意" in page.locator("svg.chart title + text, svg.chart").first.inner_html()
    assert page.locator("form#rating-filters button").count() == 1     # reading only
    keep_screenshot(page, f"ratings-overview-{who}")
