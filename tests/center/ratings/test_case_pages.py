"""The bad-rating cases' pages in Chromium, per role: a station manager takes a case of
their station from verification to the return visit and gets 404 for another station's; a
district administrator sees the overdue first, answers a case with no station and reviews
an appeal; a viewer reads with no form and is refused (403) when posting. The rows behind
each step are checked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.fleet.models import Station, Terminal
from center.ratings import cases
from center.ratings.escalation import working_days_late
from center.ratings.models import CaseState, CaseStep, RatingCase
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_people import make_people, sign_in
from tests.fixtures.rating_cases import case_of, keep_bad_rating

pytestmark = pytest.mark.django_db(transaction=True)


def terminal_at(station: Station | None, terminal_id: str = "xc-hsz-01") -> Terminal:
    return Terminal.objects.create(district="xc", terminal_id=terminal_id, station=station)


def save(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.get_by_text("已保存。这个差评件现在是").wait_for()


def test_a_station_manager_answers_a_case_step_by_step(page, live_server, client):
    people = make_people()
    rating = keep_bad_rating(terminal_at(people.station), "linyi-a2-003/4711", timezone.now(),
                             event_kind="notice", options=[208, 213], item="linyi-a2-003")
    case = case_of(rating)
    sign_in(page, live_server, "station-manager")
    page.get_by_role("link", name="差评件", exact=True).click()

    row = page.locator(f"tr[data-case='{case.number}']")
    assert "花山镇便民服务站" in row.inner_text()
    assert "不满意" in row.inner_text()
    assert "没有提供材料清单；窗口人员业务不熟练" in row.inner_text()
    assert "已受理，待核实" in row.inner_text()
    assert case.due_on is not None
    assert case.due_on.isoformat() in row.inner_text()
    row.get_by_role("link", name=case.number).click()

    page.get_by_role("heading", name=f"差评件 {case.number}").wait_for()
    facts = page.locator("#case-rating").inner_text()
    for words in ("不满意", "没有提供材料清单；窗口人员业务不熟练", "打印告知单",
                  "最低生活保障", "在自助终端上", "xc-hsz-01"):
        assert words in facts
    page.get_by_label("核实情况").fill("当天窗口人员请假，顶岗人员没有发材料清单")
    keep_screenshot(page, "rating-case-verify")
    save(page, "保存核实情况")

    page.get_by_label("限期整改").check()
    page.get_by_label("15 个工作日").check()
    page.get_by_label("处理说明").fill("组织窗口人员业务培训，补印材料清单")
    assert "将向社会公开：不要写姓名、电话、住址、证件号码" in \
        page.locator("#case-step").inner_text()
    page.get_by_label("对外公开的说明").fill("组织窗口人员业务培训，材料清单放在窗口")
    keep_screenshot(page, "rating-case-handle")
    save(page, "保存处理方式")
    assert "限期整改中" in page.locator("#case-deadline").inner_text()

    page.get_by_label("整改了什么").fill("培训已完成，材料清单放在窗口")
    save(page, "整改已完成")
    page.get_by_label("联系不上").check()
    page.get_by_label("反馈内容").fill("匿名评价，没有联系方式")
    save(page, "保存反馈情况")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("回访记录").fill("站点复查，窗口已按清单办理")
    save(page, "保存回访结果")

    assert "已办结" in page.locator("#case-deadline").inner_text()
    assert page.locator("#case-step").count() == 0
    steps = page.locator("#case-steps li")
    assert steps.count() == 6
    assert "处理 · 限期整改，15 个工作日内" in steps.nth(2).inner_text()
    assert "对外公开的说明\n组织窗口人员业务培训，材料清单放在窗口" in steps.nth(2).inner_text()
    assert "反馈群众 · 联系不上" in steps.nth(4).inner_text()
    assert "station-manager" in steps.nth(5).inner_text()
    keep_screenshot(page, "rating-case-closed")

    stored = RatingCase.objects.get()
    assert (stored.state, stored.handling, stored.revisit) == (CaseState.CLOSED, "fix_by",
                                                               "satisfied")
    assert list(CaseStep.objects.filter(case=stored).values_list("action", "username")) == [
        ("received", "system"), ("verified", "station-manager"), ("handled", "station-manager"),
        ("rectified", "station-manager"), ("fed_back", "station-manager"),
        ("revisited", "station-manager")]
    assert [step.detail.get("public") for step in CaseStep.objects.filter(
        case=stored, action__in=["handled", "rectified"])] == [
        "组织窗口人员业务培训，材料清单放在窗口", None]
    assert AuditEntry.objects.filter(username="station-manager",
                                     action__startswith="rating_case.").count() == 5

    # A form from an older page: refused in words, nothing changed.
    client.force_login(people.manager)
    answer = client.post(f"/ratings/cases/{case.pk}/step/",
                         {"step": "verify", "text": "再核实一次"}, follow=True)
    assert "这个差评件已经办结，没有改动。" in answer.content.decode()
    assert CaseStep.objects.count() == 6


def test_a_station_manager_gets_404_for_another_stations_case(page, live_server, client):
    people = make_people()
    elsewhere = Station.objects.create(district="xc", code="lqz", name="柳桥镇便民服务站")
    other = case_of(keep_bad_rating(terminal_at(elsewhere, "xc-lqz-01"), "d-1",
                                    timezone.now()))
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/ratings/cases/")
    page.get_by_text("没有符合条件的差评件。").wait_for()
    assert page.locator(f"tr[data-case='{other.number}']").count() == 0
    client.force_login(people.manager)
    assert client.get(f"/ratings/cases/{other.pk}/").status_code == 404
    assert client.post(f"/ratings/cases/{other.pk}/step/",
                       {"step": "verify", "text": "x"}).status_code == 404
    assert RatingCase.objects.get().state == CaseState.RECEIVED


def test_an_administrator_sees_the_overdue_first_and_reviews_an_appeal(page, live_server,
                                                                         client):
    people = make_people()
    nowhere = terminal_at(None, "xc-new-01")
    recent = case_of(keep_bad_rating(nowhere, "d-recent", timezone.now(), level=1))
    long_ago = datetime(2026, 11, 20, 2, tzinfo=UTC)
    late = case_of(keep_bad_rating(terminal_at(people.station), "d-late", long_ago))
    assert late.due_on is not None
    days_late = working_days_late(late.due_on, timezone.localdate())
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/ratings/cases/")

    rows = page.locator("table.rating-cases tbody tr")
    assert rows.nth(0).get_attribute("data-case") == late.number
    assert f"超期 {days_late} 个工作日" in rows.nth(0).inner_text()
    assert rows.nth(1).get_attribute("data-case") == recent.number
    assert "未归属站点" in rows.nth(1).inner_text()
    assert "非常不满意" in rows.nth(1).inner_text()
    counts = page.locator("#case-counts a")
    assert counts.filter(has_text="已超期").locator("strong").inner_text() == "1"
    assert counts.filter(has_text="未办结").locator("strong").inner_text() == "2"
    keep_screenshot(page, "rating-cases")

    rows.nth(1).get_by_role("link", name=recent.number).click()
    assert "由区管理员办理" in page.locator("#case-deadline").inner_text()
    page.get_by_label("核实情况").fill("评价人在屏幕上误点")
    save(page, "保存核实情况")
    page.get_by_label("申诉（误评或恶意差评）").check()
    page.get_by_label("处理说明").fill("监控显示评价人误点，申请复核")
    save(page, "保存处理方式")
    page.get_by_label("申诉成立").check()
    page.get_by_label("理由").fill("监控录像确认误点")
    save(page, "保存复核结果")
    assert "申诉成立：这条评价不计入公布的好差评率" in page.locator("#case-deadline").inner_text()

    stored = RatingCase.objects.get(pk=recent.pk)
    assert (stored.state, stored.handling, stored.appeal_upheld) == (CaseState.CLOSED,
                                                                     "appeal", True)
    # The manager never sees a case with no station.
    client.force_login(people.manager)
    assert client.get(f"/ratings/cases/{recent.pk}/").status_code == 404


def test_a_station_manager_waits_for_the_district_to_review_an_appeal(page, live_server,
                                                                      client):
    people = make_people()
    case = case_of(keep_bad_rating(terminal_at(people.station), "d-1", timezone.now()))
    cases.verify(case, people.manager, "误评")
    cases.handle(case, people.manager, "appeal", "申请复核")
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/ratings/cases/{case.pk}/")
    page.get_by_text("由区管理员复核").wait_for()
    assert page.get_by_role("button", name="保存复核结果").count() == 0
    client.force_login(people.manager)
    assert client.post(f"/ratings/cases/{case.pk}/step/",
                       {"step": "decide_appeal", "decision": "upheld",
                        "text": "自己复核"}).status_code == 403
    assert RatingCase.objects.get().state == CaseState.APPEALED


def test_a_viewer_reads_without_forms_and_is_refused_when_posting(page, live_server, client):
    people = make_people()
    case = case_of(keep_bad_rating(terminal_at(people.station), "d-1", timezone.now()))
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}/ratings/cases/")
    page.get_by_role("link", name=case.number).click()
    page.get_by_text("您可以查看这个差评件").wait_for()
    assert page.locator("#case-step").count() == 0
    assert page.get_by_role("button", name="保存核实情况").count() == 0
    keep_screenshot(page, "rating-case-viewer")
    client.force_login(people.viewer)
    assert client.post(f"/ratings/cases/{case.pk}/step/",
                       {"step": "verify", "text": "x"}).status_code == 403
    assert RatingCase.objects.get().state == CaseState.RECEIVED
    assert CaseStep.objects.count() == 1
