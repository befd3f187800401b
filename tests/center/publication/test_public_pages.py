"""The public pages in Chromium, signed in as nobody: a published quarter on a phone and on
a desktop, the list of published quarters, a quarter not published (404), and a page that
stays as it was published until the quarter is published again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from center.ingest.batch import ingest_batch
from center.publication.publishing import publish
from center.publication.quarters import Quarter
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people
from tests.fixtures.publication_data import PHONE_IN_A_NOTE, day_in, small_quarter

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def in_chinese(quarter: Quarter) -> str:
    with translation.override("zh-hans"):
        return quarter.label()


@pytest.fixture(autouse=True)
def district_name(settings):
    settings.DISTRICT_NAMES = {"xc": "新城区"}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                   viewport=PHONE, is_mobile=True, has_touch=True,
                                   device_scale_factor=2)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_published_quarter_on_a_phone_and_on_a_desktop(page, phone, live_server):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    publish(people.admin, "xc", made.quarter)
    address = f"{live_server.url}/public/xc/{made.quarter.slug}/"

    for browser, name in ((phone, "phone"), (page, "desktop")):
        assert browser.goto(address).status == 200
        title = browser.get_by_role("heading", level=1).inner_text()
        assert title == f"新城区{in_chinese(made.quarter)}政务服务“好差评”情况公开"
        rates = {tile.get_attribute("data-rate"): tile.inner_text()
                 for tile in browser.locator("#rates .value").all()}
        assert rates == {"good": "60.0%", "bad": "30.0%", "unrated": "37.5%",
                         "rectification": "50.0%", "revisit": "33.3%"}
        assert "差评整改率 = 已整改的差评" in browser.locator("#rectification-formula").inner_text()
        cases = browser.locator("#cases")
        fixed = cases.locator(f"[data-case='{made.fixed_now.number}']").inner_text()
        for words in ("花山镇便民服务站", "智能柜取件", "没有提供材料清单；窗口人员业务不熟练",
                      "当场整改", "当场补给居民材料清单，并电话 ＊＊＊ 说明"):
            assert words in fixed
        text = browser.locator("body").inner_text()
        # No phone number, no window staff, no time of day of a rating.
        assert PHONE_IN_A_NOTE not in text
        assert "manager" not in text
        assert timezone.localtime(made.fixed_now.rating.rated_at).strftime("%H:%M") not in text
        assert browser.get_by_role("link", name="下载 PDF（打印用）").get_attribute("href") == \
            f"/public/xc/{made.quarter.slug}.pdf"
        keep_screenshot(browser, f"publication-public-{name}")
    # Readable on the phone: nothing wider than its screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The list of published quarters leads to it.
    phone.get_by_role("link", name="← 全部已公开的季度").click()
    phone.get_by_role("link", name=in_chinese(made.quarter)).click()
    phone.locator("#rates").wait_for()
    assert phone.url == address


def test_only_a_published_quarter_is_shown(page, live_server):
    people = make_people()
    made = small_quarter(people.admin, people.station)

    page.goto(f"{live_server.url}/public/xc/")
    assert page.locator("#quarters").inner_text() == "还没有发布过。"
    keep_screenshot(page, "publication-public-list-empty")
    for address in (f"/public/xc/{made.quarter.slug}/", f"/public/xc/{made.quarter.slug}.pdf",
                    "/public/nowhere/", f"/public/yh/{made.quarter.slug}/"):
        assert page.goto(f"{live_server.url}{address}").status == 404, address
    publish(people.admin, "xc", made.quarter)
    assert page.goto(f"{live_server.url}/public/xc/{made.quarter.previous().slug}/").status \
        == 404


def test_the_page_stays_as_published_until_published_again(page, live_server):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    first_at = timezone.now() - timedelta(days=3)
    publish(people.admin, "xc", made.quarter, now=first_at)
    address = f"{live_server.url}/public/xc/{made.quarter.slug}/"

    # Ratings given in the quarter arrive late, from a terminal back after an outage.
    kiosk = FakeTerminal("xc-hsz-01")
    given = day_in(made.quarter, 50)
    ingest_batch([kiosk.event(200 + n, "rating.submitted", at=given, payload={
        "event": {"kind": "pickup", "ref": f"late-{n}"}, "channel": "terminal",
        "level": 5, "options": [], "item": None, "window": None,
        "at": (given + timedelta(minutes=n)).isoformat()}) for n in range(5)], prefix=PREFIX)

    page.goto(address)
    assert page.locator("[data-rate=good]").inner_text() == "60.0%"
    first_day = date_format(timezone.localtime(first_at), "DATE_FORMAT")
    assert page.locator("#published").inner_text() == f"发布于 {first_day}"

    publish(people.admin, "xc", made.quarter)
    page.goto(address)
    assert page.locator("[data-rate=good]").inner_text() == "73.3%"      # 11 of 15
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert page.locator("#published").inner_text() == \
        f"更新于 {today}（第 2 版，首次发布于 {first_day}）"
    page.goto(f"{live_server.url}/public/xc/")
    assert f"更新于 {today}" in page.locator("#quarters").inner_text()
    keep_screenshot(page, "publication-public-list")
