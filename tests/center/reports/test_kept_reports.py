"""Reports made on schedule and kept, on both databases: `manage.py make_reports` keeps the
district's and each station's report of the periods just closed, once; a kept report does
not change when its period's data arrives late, and says how much did; `--again` makes it
anew. And one report's exports: the CSV's and the workbook's cells, and the PDF's text."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from openpyxl import load_workbook

from center.audit.models import AuditEntry
from center.reports.late import late_events, scan_late_events
from center.reports.making import PeriodNotClosed, make_district, make_one
from center.reports.models import Report
from center.reports.periods import just_closed, period_of
from tests.fixtures.center_db import DATABASES
from tests.fixtures.report_data import MADE_AT, NOVEMBER, bj, build_november, deposit

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


@pytest.fixture(autouse=True)
def beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def test_the_periods_just_closed():
    assert [(p.kind, p.first_day, p.last_day) for p in just_closed(bj(12, 5, 1))] == [
        ("day", date(2026, 12, 4), date(2026, 12, 4)),
        ("week", date(2026, 11, 23), date(2026, 11, 29)),
        ("month", date(2026, 11, 1), date(2026, 11, 30)),
        ("quarter", date(2026, 7, 1), date(2026, 9, 30))]
    # Just after midnight, Beijing time (still the 4th in UTC), yesterday is the 4th.
    assert just_closed(bj(12, 5, 0, 10))[0].first_day == date(2026, 12, 4)


def test_a_district_pass_keeps_the_district_and_each_station_once(using):
    world = build_november(using)
    made = make_district("xc", NOVEMBER, MADE_AT, using=using)
    assert (made.made, made.kept_already) == (3, 0)
    kept = Report.objects.using(using).order_by(F("station__code").asc(nulls_first=True))
    assert [(r.station.code if r.station else None, r.kind, r.first_day) for r in kept] == [
        (None, "month", date(2026, 11, 1)), ("hsz", "month", date(2026, 11, 1)),
        ("lyj", "month", date(2026, 11, 1))]
    district = kept.get(station__isnull=True)
    assert (district.start, district.end) == (bj(11, 1), bj(12, 1))
    assert (district.generated_at, district.format_version, district.made_by) == (MADE_AT, 1, "")
    assert district.figures["total"]["locker"]["deposits"] == 6
    assert kept.get(station=world.hsz).figures["total"]["locker"]["deposits"] == 4
    again = make_district("xc", NOVEMBER, MADE_AT + timedelta(hours=1), using=using)
    assert (again.made, again.kept_already) == (0, 3)
    assert Report.objects.using(using).count() == 3


def test_a_kept_report_keeps_its_figures_when_data_arrives_late(using):
    world = build_november(using)
    scan_late_events(MADE_AT, using)
    make_district("xc", NOVEMBER, MADE_AT, using=using)
    # A result stored on 15 November reaches the center on 2 December.
    deposit(world.kiosks["xc-hsz-01"], "d-late", bj(11, 15, 10), bj(11, 18, 10),
            received=bj(12, 2, 10))
    assert scan_late_events(bj(12, 2, 10, 5), using) == 1

    district = Report.objects.using(using).get(station__isnull=True)
    hsz = Report.objects.using(using).get(station=world.hsz)
    lyj = Report.objects.using(using).get(station=world.lyj)
    assert district.figures["total"]["locker"]["deposits"] == 6     # as it was made
    assert (late_events(district, using), late_events(hsz, using),
            late_events(lyj, using)) == (1, 1, 0)
    # Asking for it again finds the kept one.
    assert make_one("xc", None, NOVEMBER, bj(12, 3), world.people.admin,
                    using=using).figures["total"]["locker"]["deposits"] == 6
    # An operator makes it anew.
    made = make_district("xc", NOVEMBER, bj(12, 3), again=True, using=using)
    assert made.made_again == 3
    district.refresh_from_db(using=using)
    assert district.figures["total"]["locker"]["deposits"] == 7
    assert district.generated_at == bj(12, 3)
    assert late_events(district, using) == 0
    assert AuditEntry.objects.using(using).filter(action="report.made_again").count() == 3


def test_a_report_asked_for_is_kept_and_audited(using):
    world = build_november(using)
    report = make_one("xc", world.hsz, NOVEMBER, MADE_AT, world.people.manager, using=using)
    assert (report.station, report.made_by) == (world.hsz, "station-manager")
    entry = AuditEntry.objects.using(using).get(action="report.made")
    assert (entry.username, entry.detail) == ("station-manager", {
        "district": "xc", "station": "hsz", "period": "2026-11"})
    assert make_one("xc", world.hsz, NOVEMBER, MADE_AT, world.people.admin,
                    using=using).pk == report.pk
    with pytest.raises(PeriodNotClosed, match="2026-12"):
        make_one("xc", None, period_of("month", date(2026, 12, 1)), MADE_AT,
                 world.people.admin, using=using)


def test_make_reports_keeps_the_periods_just_closed_and_only_once():
    build_november()
    out = io.StringIO()
    call_command("make_reports", stdout=out)
    # Four periods, each for the district and its two stations.
    assert Report.objects.count() == 12
    assert sorted(set(Report.objects.values_list("kind", flat=True))) == [
        "day", "month", "quarter", "week"]
    assert "3 made" in out.getvalue()
    out = io.StringIO()
    call_command("make_reports", stdout=out)
    assert Report.objects.count() == 12
    assert "0 made, 0 made again, 3 kept already" in out.getvalue()
    call_command("make_reports", "--for", "2026-11-10", "--kind", "month", stdout=out)
    november = Report.objects.get(station__isnull=True, kind="month",
                                  first_day=date(2026, 11, 1))
    assert november.figures["total"]["locker"]["deposits"] == 6


@pytest.fixture
def november_kept():
    world = build_november()
    make_district("xc", NOVEMBER, MADE_AT)
    return world


EXPORT = "/reports/xc/2026-11/"


def test_the_csv_holds_every_table_with_chinese_headers(client, november_kept):
    client.force_login(november_kept.people.viewer)
    response = client.get(EXPORT + "report.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["报表", "xc 区全部站点"]
    assert lines[3:5] == [
        ["不完整", "xc-lyj-01：终端上还有 12 条事件没有上传"],
        ["不完整", "xc-hsz-02：2026-11-29 12:00 起离线，之后的事件可能还在终端上；"
                   "缺序号 3 至 4 的事件"]]
    header = lines.index(["站点", "终端数", "在线（小时）", "离线（小时）", "无记录（小时）",
                          "在线率（%）"])
    assert lines[header + 1] == ["柳园街便民服务站", "1", "720.0", "0.0", "0.0", "100.0"]
    assert lines[header + 3] == ["合计", "3", "1734.0", "66.0", "360.0", "96.3"]
    assert ["综合窗口", "18", "18", "2", "1", "6.8", "30.0"] in lines


def test_the_workbook_has_a_sheet_per_table(client, november_kept):
    client.force_login(november_kept.people.admin)
    response = client.get(EXPORT + "report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概要", "在线率", "柜内办件结果", "排队", "各队列排队情况",
                               "设备", "各类设备告警", "取件通知"]
    locker = book["柜内办件结果"]
    assert [c.value for c in locker[1]][:3] == ["站点", "存入", "1 天内取走"]
    totals = [c.value for c in locker[locker.max_row]]
    assert totals[:9] == ["合计", 6, 2, 3, 4, 2, 1, 1, 26.5]
    uptime = book["在线率"]
    assert [c.value for c in uptime[uptime.max_row]] == ["合计", 3, 1734.0, 66.0, 360.0, 96.3]
    summary = [[c.value for c in row] for row in book["概要"].iter_rows()]
    assert summary[:3] == [["报表", "xc 区全部站点"],
                           ["时段", "2026年11月 (2026-11-01 – 2026-11-30)"],
                           ["生成时间", "2026-12-01 02:00"]]


def test_the_pdf_reads_as_the_page(client, november_kept, tmp_path):
    client.force_login(november_kept.people.admin)
    response = client.get(EXPORT + "report.pdf")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "xc 区全部站点 · 2026年11月" in text
    assert "不完整：xc-lyj-01、xc-hsz-02" in text
    for words in ("花山镇便民服务站", "柳园街便民服务站", "96.3", "1734.0", "综合窗口",
                  "打印机缺纸", "缺序号 3 至 4 的事件"):
        assert words in text, words
