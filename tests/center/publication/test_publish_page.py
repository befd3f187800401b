"""The publication page in Chromium, for each role: a district administrator previews a
quarter and publishes it (after ticking that the preview was read), a station manager reads
the preview of their own district with no control, a viewer downloads the provincial export;
the others are refused when they post anyway."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from center.audit.models import AuditEntry
from center.fleet.models import Station
from center.publication.models import Publication
from center.publication.quarters import Quarter
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_people import make_people, sign_in
from tests.fixtures.publication_data import small_quarter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def district_name(settings):
    settings.DISTRICT_NAMES = {"xc": "新城区"}


def test_an_administrator_previews_and_publishes_a_quarter(page, live_server):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    sign_in(page, live_server, "district-admin")
    page.get_by_role("link", name="公开发布").click()
    page.get_by_role("heading", name="季度公开发布").wait_for()

    # The last quarter that is over is chosen and previewed.
    preview = page.locator("#preview")
    assert "预览：尚未发布" in preview.inner_text()
    assert preview.locator("[data-rate=good]").inner_text() == "60.0%"
    assert preview.locator("[data-rate=rectification]").inner_text() == "50.0%"
    assert "当场补给居民材料清单，并电话 ＊＊＊ 说明" in preview.inner_text()
    keep_screenshot(page, "publication-admin-preview")

    # Without the tick the browser itself refuses the form.
    publish = page.locator("#publish").get_by_role("button", name="公开发布")
    publish.click()
    assert not Publication.objects.exists()
    page.get_by_label("我已看过下面的预览，同意向社会公开").check()
    publish.click()
    with translation.override("zh-hans"):
        label = made.quarter.label()
    page.get_by_text(f"已发布{label}（第 1 版）：现在任何人都可以在").wait_for()
    stored = Publication.objects.get()
    assert (stored.district, stored.year, stored.quarter, stored.version) == (
        "xc", made.quarter.year, made.quarter.number, 1)
    assert (stored.published_by, stored.published_by_name) == (people.admin, "district-admin")
    assert stored.snapshot["totals"]["rated"] == 10
    assert AuditEntry.objects.get(action="publication.published").username == "district-admin"
    # Publishing again is offered as such.
    assert page.locator("#publish").get_by_role("button", name="再次发布").count() == 1
    keep_screenshot(page, "publication-admin-published")

    # The published page, for everyone.
    page.locator("#published-list").get_by_role("link").first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.locator("#published").inner_text().startswith("发布于 ")
    assert page.url.endswith(f"/public/xc/{made.quarter.slug}/")


def test_the_current_quarter_is_only_previewed(page, live_server, client):
    people = make_people()
    small_quarter(people.admin, people.station)
    current = Quarter.containing(timezone.now())
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/publication/")
    page.get_by_label("季度").select_option(current.slug)
    page.get_by_role("button", name="显示预览").click()
    page.get_by_text("这个季度还没有结束，只能预览；结束后才能发布。").wait_for()
    assert page.locator("#publish").get_by_role("button").count() == 0
    # Posted anyway, nothing is published.
    client.force_login(people.admin)
    client.post("/publication/publish/", {"district": "xc", "quarter": current.slug,
                                          "confirm": "on"})
    assert not Publication.objects.exists()


def test_a_station_manager_reads_the_preview_with_no_control(page, live_server, client):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    Station.objects.create(district="yh", code="lyj", name="柳园街便民服务站")
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/publication/")
    page.locator("#preview [data-rate=good]").wait_for()
    assert page.locator("#publish").count() == 0
    assert page.locator("#export").count() == 0
    assert page.get_by_role("button", name="公开发布").count() == 0
    keep_screenshot(page, "publication-manager")
    # Another district is not theirs.
    assert page.goto(f"{live_server.url}/publication/?district=yh").status == 404

    client.force_login(people.manager)
    refused = client.post("/publication/publish/", {
        "district": "xc", "quarter": made.quarter.slug, "confirm": "on"})
    assert refused.status_code == 403
    assert not Publication.objects.exists()


def test_a_viewer_downloads_the_export_and_cannot_publish(page, live_server, client):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}/publication/")
    assert page.locator("#publish").count() == 0
    export = page.locator("#export")
    assert "导出给省“好差评”系统" in export.inner_text()
    with page.expect_download() as download:
        export.get_by_role("link", name="CSV（可用 Excel 打开）").click()
    assert download.value.suggested_filename == f"haochaping-xc-{made.quarter.slug}.csv"
    with open(download.value.path(), "rb") as saved:
        assert saved.read(3) == b"\xef\xbb\xbf"

    client.force_login(people.viewer)
    refused = client.post("/publication/publish/", {
        "district": "xc", "quarter": made.quarter.slug, "confirm": "on"})
    assert refused.status_code == 403
    assert not Publication.objects.exists()


def test_a_post_without_the_tick_publishes_nothing(client):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    client.force_login(people.admin)
    response = client.post("/publication/publish/", {"district": "xc",
                                                      "quarter": made.quarter.slug},
                           follow=True)
    assert "没有发布：请先勾选“我已看过下面的预览”。" in response.content.decode()
    assert not Publication.objects.exists()
    assert client.post("/publication/publish/", {"district": "nowhere", "confirm": "on",
                                                 "quarter": made.quarter.slug}
                       ).status_code == 302
    assert not Publication.objects.exists()
