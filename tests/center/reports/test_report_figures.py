"""A report's figures on both databases, from a district's November made through the real
ingest (tests/fixtures/report_data.py): uptime from births and deaths, the locker, the
queue's day summaries, device alarms, pickup notices and the terminals whose events may be
incomplete, for the district (a row per station) and for a station (a row per terminal),
in Beijing time."""

from __future__ import annotations

from datetime import date

import pytest

from center.reports.figures import compute, district_figures, station_figures
from center.reports.periods import period_of
from tests.fixtures.center_db import DATABASES
from tests.fixtures.report_data import DAY, MADE_AT, NOVEMBER, bj, build_november

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


@pytest.fixture(autouse=True)
def beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def rows_by_name(figures):
    return {row["name"]: row for row in figures["rows"]}


def test_the_district_month(using):
    build_november(using)
    figures = district_figures(compute("xc", None, NOVEMBER, MADE_AT, using))
    total = figures["total"]

    month = 30 * DAY
    # xc-hsz-01 offline one day; xc-hsz-02 unknown for 15 days, silent 21,450 s and dead
    # for the last 36 hours; xc-lyj-01 online throughout.
    assert total["uptime"]["online_s"] == (month - DAY) + (15 * DAY - 21450 - 36 * 3600) + month
    assert total["uptime"]["offline_s"] == DAY + 21450 + 36 * 3600
    assert total["uptime"]["unknown_s"] == 15 * DAY
    assert total["uptime"]["share"] == pytest.approx(6242550 / 6480000)
    assert (total["locker"]["deposits"], total["locker"]["collected"],
            total["locker"]["within_1d"], total["locker"]["within_3d"],
            total["locker"]["within_7d"], total["locker"]["overdue"],
            total["locker"]["retrieved"], total["locker"]["waiting"]) == (6, 4, 2, 3, 4, 2, 1, 1)
    # Collected after 30 min, 5 h, 2 days and 5 days: the median is between the middle two.
    assert total["locker"]["median_collect_s"] == (5 * 3600 + 2 * DAY) / 2
    assert (total["queue"]["issued"], total["queue"]["served"], total["queue"]["no_shows"],
            total["queue"]["expired"], total["queue"]["longest_wait_min"]) == (22, 22, 2, 1, 30)
    # Weighted by the tickets called each day; the terminal's "long" wait counts as nothing.
    assert total["queue"]["average_wait_min"] == pytest.approx(124 / 21)
    assert (total["devices"]["paper_outs"], total["devices"]["jams"],
            total["devices"]["faults"], total["devices"]["cleared"],
            total["devices"]["standing"]) == (1, 2, 1, 3, 1)
    assert (total["devices"]["median_repair_s"], total["devices"]["average_repair_s"],
            total["devices"]["longest_repair_s"]) == (3600, 6600, 14400)
    assert {key: total["notices"][key] for key in (
        "notices", "sent", "delivered", "failed", "no_contact", "waiting", "cancelled")} == {
        "notices": 7, "sent": 4, "delivered": 3, "failed": 1, "no_contact": 1, "waiting": 0,
        "cancelled": 1}

    stations = rows_by_name(figures)
    assert list(stations) == ["柳园街便民服务站", "花山镇便民服务站"]
    hsz, lyj = stations["花山镇便民服务站"], stations["柳园街便民服务站"]
    assert (hsz["key"], hsz["uptime"]["terminals"], lyj["uptime"]["share"]) == ("hsz", 2, 1.0)
    assert hsz["locker"]["median_collect_s"] == 2 * DAY
    assert lyj["locker"]["median_collect_s"] == 1800
    assert (hsz["devices"]["median_repair_s"], lyj["devices"]["median_repair_s"]) == (2700, 14400)
    assert (hsz["notices"]["notices"], lyj["notices"]["cancelled"]) == (5, 1)
    categories = {c["key"]: c for c in figures["queue_categories"]}
    assert (categories["general"]["name"], categories["general"]["issued"]) == ("综合窗口", 18)
    assert categories["general"]["average_wait_min"] == pytest.approx(116 / 17)
    assert [k["key"] for k in figures["device_kinds"]] == [
        "device.fault", "door_jammed", "printer.offline", "printer.paper_out"]
    assert dict(figures["daily"]["deposits"])["2026-11-30"] == 1
    assert len(figures["daily"]["deposits"]) == 30


def test_the_incomplete_terminals_are_named_with_why(using):
    build_november(using)
    figures = district_figures(compute("xc", None, NOVEMBER, MADE_AT, using))
    incomplete = {entry["terminal"]: entry["reasons"] for entry in figures["incomplete"]}
    # xc-hsz-01 is complete; xc-lyj-01's October gap is not November's.
    assert set(incomplete) == {"xc-hsz-02", "xc-lyj-01"}
    assert {"why": "gap", "first": 3, "last": 4} in incomplete["xc-hsz-02"]
    assert any(r["why"] == "offline" and r["since"].startswith("2026-11-29T04:00")
               for r in incomplete["xc-hsz-02"])
    assert incomplete["xc-lyj-01"] == [{"why": "backlog", "unsent": 12}]


def test_a_station_has_a_row_per_terminal(using):
    world = build_november(using)
    computed = compute("xc", world.hsz, NOVEMBER, MADE_AT, using)
    figures = station_figures(computed, world.hsz)
    assert figures["station"]["code"] == "hsz"
    assert figures["units"] == "terminal"
    terminals = rows_by_name(figures)
    assert list(terminals) == ["xc-hsz-01", "xc-hsz-02"]
    assert terminals["xc-hsz-01"]["uptime"]["share"] == pytest.approx(29 / 30)
    assert terminals["xc-hsz-02"]["uptime"]["unknown_s"] == 15 * DAY
    assert terminals["xc-hsz-02"]["uptime"]["known_share"] == pytest.approx(0.5)
    assert terminals["xc-hsz-01"]["locker"]["median_collect_s"] is None     # per station only
    assert terminals["xc-hsz-01"]["locker"]["average_collect_s"] == 207600
    assert figures["total"]["locker"]["median_collect_s"] == 2 * DAY
    assert figures["total"]["locker"]["deposits"] == 4
    assert figures["total"]["queue"]["issued"] == 22
    assert [e["terminal"] for e in figures["incomplete"]] == ["xc-hsz-02"]
    # The same figures whether the pass was the district's or the station's alone.
    whole = station_figures(compute("xc", None, NOVEMBER, MADE_AT, using), world.hsz)
    assert whole["total"] == figures["total"]
    assert whole["rows"] == figures["rows"]


def test_days_are_beijing_days(using):
    build_november(using)
    last = compute("xc", None, period_of("day", date(2026, 11, 30)), MADE_AT, using)
    first = compute("xc", None, period_of("day", date(2026, 12, 1)), bj(12, 2), using)
    # d4 was stored at 23:30 on the 30th (15:30 UTC), d6 at 00:30 on 1 December.
    assert district_figures(last)["total"]["locker"]["deposits"] == 1
    assert district_figures(first)["total"]["locker"]["deposits"] == 1
    # The 30th's queue summary, written after midnight, is the 30th's.
    assert district_figures(last)["total"]["queue"]["issued"] == 2
    assert district_figures(first)["total"]["queue"]["issued"] == 0
    assert period_of("week", date(2026, 12, 5)).token == "2026-W49"
