"""The reports pages in Chromium, one test per role: a district administrator opens a past
month's report, has it made and reads it (its incomplete terminals named, its late data
noted); a station manager makes their own station's report, reads the district's with their
own station's rows only, and gets 404 for another station's; a viewer reads, sees no
control, and is refused (403) a post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.reports.late import scan_late_events
from center.reports.making import make_district
from center.reports.models import Report
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_people import sign_in
from tests.fixtures.report_data import MADE_AT, NOVEMBER, bj, build_november, deposit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def test_an_administrator_has_a_past_month_made_and_reads_it(page, live_server):
    world = build_november()
    sign_in(page, live_server, "district-admin")
    page.get_by_role("link", name="报表").click()
    form = page.locator("#open-report")
    form.get_by_label("时段", exact=True).select_option("month")
    form.get_by_label("时段内任一天").fill("2026-11-18")
    form.get_by_label("范围").select_option("xc")
    form.get_by_role("button", name="打开").click()
    page.get_by_text("这份报表还没有生成。").wait_for()
    assert page.url.endswith("/reports/xc/2026-11/")
    page.get_by_role("button", name="现在生成并保存这份报表").click()

    page.locator("#table-uptime").wait_for()
    assert page.locator("h1").inner_text() == "xc 区全部站点 · 2026年11月"
    assert "district-admin" in page.locator("#report-facts").inner_text()
    incomplete = page.locator("#incomplete")
    assert "不完整：xc-lyj-01、xc-hsz-02" in incomplete.inner_text()
    assert "缺序号 3 至 4 的事件" in incomplete.locator("[data-terminal='xc-hsz-02']").inner_text()
    assert "终端上还有 12 条事件没有上传" in incomplete.inner_text()
    total = page.locator("#table-uptime tr.total").inner_text()
    assert total.split("\t") == ["合计", "3", "1734.0", "66.0", "360.0", "96.3"]
    assert page.locator("#section-uptime svg.chart").count() == 1
    assert page.locator("#section-locker svg.chart").count() == 2      # buckets, days
    report = Report.objects.get(station__isnull=True)
    assert (report.kind, report.made_by) == ("month", "district-admin")
    assert AuditEntry.objects.get(action="report.made").username == "district-admin"
    keep_screenshot(page, "report-district-month")

    # Late data: a result of 15 November arrives now; the kept figures stay, with a note.
    # (Counted to the minute: events of the minute the report was made in are its own.)
    deposit(world.kiosks["xc-hsz-01"], "d-late", bj(11, 15, 10), bj(11, 18, 10),
            received=timezone.now() + timedelta(minutes=2))
    scan_late_events(timezone.now() + timedelta(minutes=5))
    page.reload()
    assert "生成后又收到 1 条属于这个时段的事件" in page.locator("#late-data").inner_text()
    assert page.locator("#section-locker .headline li").first.inner_text().split() == [
        "存入", "6"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel 表格（XLSX）").click()
    assert download.value.suggested_filename == "report-xc-2026-11.xlsx"


def test_a_station_manager_reads_their_own_station_and_the_district(page, live_server,
                                                                    client):
    world = build_november()
    make_district("xc", NOVEMBER, MADE_AT)
    Report.objects.filter(station=world.hsz).delete()
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/reports/xc/2026-11/hsz/")
    page.get_by_role("button", name="现在生成并保存这份报表").click()
    page.locator("#table-uptime").wait_for()
    rows = page.locator("#table-uptime tbody tr")
    assert [r.inner_text().split("\t")[0] for r in rows.all()] == [
        "xc-hsz-01", "xc-hsz-02", "合计"]
    assert Report.objects.get(station=world.hsz).made_by == "station-manager"
    keep_screenshot(page, "report-station-month")

    page.goto(f"{live_server.url}/reports/")
    listed = page.locator("#reports tbody tr")
    assert listed.count() == 2          # the district's and their station's, not 柳园街's
    page.goto(f"{live_server.url}/reports/xc/2026-11/")
    stations = [r.inner_text().split("\t")[0]
                for r in page.locator("#table-uptime tbody tr").all()]
    assert stations == ["花山镇便民服务站", "合计"]
    assert "不是你负责的站点" in page.locator("#section-uptime .hidden-rows").inner_text()
    assert "另有其他站点的 1 台终端" in page.locator("#incomplete").inner_text()
    assert page.get_by_role("button", name="现在生成并保存这份报表").count() == 0
    keep_screenshot(page, "report-district-as-manager")

    client.force_login(world.people.manager)
    assert client.get("/reports/xc/2026-11/lyj/").status_code == 404
    assert client.get("/reports/xc/2026-11/lyj/report.pdf").status_code == 404
    assert client.post("/reports/xc/2026-10/").status_code == 403
    assert client.post("/reports/xc/2026-10/lyj/").status_code == 404
    assert not Report.objects.filter(first_day__month=10).exists()


def test_a_viewer_reads_and_may_not_have_reports_made(page, live_server, client):
    world = build_november()
    make_district("xc", NOVEMBER, MADE_AT)
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}/reports/?kind=month")
    page.get_by_role("link", name="2026年11月").first.click()
    page.locator("#table-locker").wait_for()
    assert page.locator("#table-locker tr.total").inner_text().split("\t")[:2] == ["合计", "6"]
    page.goto(f"{live_server.url}/reports/xc/2026-10/")
    page.get_by_text("你的角色可以查看报表，但不能生成报表。").wait_for()
    assert page.get_by_role("button", name="现在生成并保存这份报表").count() == 0
    keep_screenshot(page, "report-missing-as-viewer")

    client.force_login(world.people.viewer)
    assert client.post("/reports/xc/2026-10/").status_code == 403
    assert client.post("/reports/xc/2026-10/hsz/").status_code == 403
    assert client.get("/reports/xc/2026-11/report.csv").status_code == 200
    assert Report.objects.count() == 3
