"""The reports at their edges: names that a spreadsheet would run, clocks that disagree, a
unit with no record, the PDF made once, and dates no report can have."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import weasyprint
from django.core.cache import cache
from openpyxl import load_workbook

from center.alarms.models import Alarm
from center.publication import pdf as publication_pdf
from center.reports import exports
from center.reports.charts import report_charts
from center.reports.figures import compute, district_figures
from center.reports.making import PeriodTooEarly, make_district, make_one
from center.reports.models import Report
from center.reports.periods import period_of
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_people import make_people
from tests.fixtures.report_data import MADE_AT, NOVEMBER, build_november

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)
EXPORT = "/reports/xc/2026-11/"
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def november_kept():
    cache.clear()
    world = build_november()
    make_district("xc", NOVEMBER, MADE_AT)
    return world


def test_a_category_named_as_a_formula_stays_text(client, november_kept):
    report = Report.objects.get(station__isnull=True)
    report.figures["queue_categories"][0]["name"] = FORMULA
    report.save()
    client.force_login(november_kept.people.admin)

    lines = list(csv.reader(io.StringIO(
        client.get(EXPORT + "report.csv").content.decode("utf-8-sig"))))
    assert ["'" + FORMULA, "18", "18", "2", "1", "6.8", "30.0"] in lines

    book = load_workbook(io.BytesIO(client.get(EXPORT + "report.xlsx").content))
    cells = [row[0] for row in book["各队列排队情况"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells if "HYPERLINK" in str(c.value)] == [
        (FORMULA, "s")]
    assert cells[0].quotePrefix


def test_a_repair_cleared_before_it_was_raised_counts_as_none(using):
    build_november(using)
    # xc-lyj-01's printer: the terminal's clock ahead, its 4 hours read as -10 minutes.
    printer = Alarm.objects.using(using).get(kind="printer.offline")
    Alarm.objects.using(using).filter(pk=printer.pk).update(
        cleared_at=printer.raised_at - timedelta(minutes=10))
    figures = district_figures(compute("xc", None, NOVEMBER, MADE_AT, using))
    devices = figures["total"]["devices"]
    assert (devices["median_repair_s"], devices["average_repair_s"],
            devices["longest_repair_s"]) == (1800, (3600 + 1800 + 0) / 3, 3600)
    lyj = next(row for row in figures["rows"] if row["key"] == "lyj")
    assert lyj["devices"]["median_repair_s"] == 0


def test_a_unit_with_no_record_is_not_drawn_as_nothing_online():
    build_november()
    figures = district_figures(compute("xc", None, NOVEMBER, MADE_AT))
    for row in figures["rows"]:
        if row["key"] == "lyj":
            row["uptime"]["share"] = None
    uptime = report_charts(figures, figures["rows"])["uptime"][0]
    assert "花山镇便民服务站" in uptime
    assert "柳园街便民服务站" not in uptime
    assert ">0%<" not in uptime.replace(" ", "")


def test_the_pdf_is_made_once_per_person_seeing_the_same(client, november_kept, monkeypatch):
    made = []
    real = weasyprint.HTML

    def counted(*args, **kwargs):
        made.append(kwargs["url_fetcher"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", counted)
    people = november_kept.people
    client.force_login(people.admin)
    first = client.get(EXPORT + "report.pdf").content
    assert client.get(EXPORT + "report.pdf").content == first
    client.force_login(people.viewer)             # every row too: the same PDF
    assert client.get(EXPORT + "report.pdf").content == first
    assert len(made) == 1
    client.force_login(people.manager)            # their own station's rows only
    assert client.get(EXPORT + "report.pdf").status_code == 200
    assert len(made) == 2
    # One fetcher for every PDF of the center, and it fetches nothing.
    assert made[0] is exports.fetch_nothing is publication_pdf.fetch_nothing
    with pytest.raises(ValueError, match="fetches nothing"):
        made[0]("http://169.254.169.254/")


@pytest.mark.parametrize("address", [
    "/reports/xc/9999-12-31/", "/reports/xc/9999-W52/", "/reports/xc/9999-Q4/",
    "/reports/xc/1999-12-31/", "/reports/xc/2019-12/", "/reports/xc/2019-12/report.csv"])
def test_a_period_no_report_can_have_is_not_found(client, address):
    people = make_people()
    client.force_login(people.admin)
    assert client.get(address).status_code == 404
    assert client.post(address).status_code in (404, 405)
    assert not Report.objects.exists()


@pytest.mark.parametrize(("kind", "day", "words"), [
    ("quarter", "9999-12-01", "请选择 2000 至 2099 年之间的日期。"),
    ("day", "1999-06-01", "请选择 2000 至 2099 年之间的日期。"),
    ("month", "2019-06-01", "报表从 2020-01-01 开始：请选择更晚的日期。")])
def test_the_opener_refuses_a_day_no_report_can_have(client, kind, day, words):
    people = make_people()
    client.force_login(people.admin)
    response = client.get("/reports/", {"open_kind": kind, "open_day": day,
                                        "open_scope": "xc"})
    assert response.status_code == 200
    assert words in response.content.decode()


def test_no_report_is_made_of_a_period_before_the_first():
    people = make_people()
    with pytest.raises(PeriodTooEarly):
        make_one("xc", None, period_of("month", date(2019, 12, 1)), MADE_AT, people.admin)
    with pytest.raises(PeriodTooEarly):
        make_district("xc", period_of("quarter", date(2019, 10, 1)), MADE_AT)
    # The week that holds 1 January 2020 is not before it.
    assert make_district("xc", period_of("week", date(2020, 1, 1)), MADE_AT).made == 1
