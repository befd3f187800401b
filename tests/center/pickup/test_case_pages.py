"""The case-number page in Chromium, per role: a district administrator uploads a GB18030
CSV export and looks a case up; a station manager uploads an XLSX workbook whose columns
are named otherwise and looks up a case whose number is due to be forgotten; a viewer is
refused (403) everywhere on it. The pages show numbers masked only; an upload past 20 MB
or one that cannot be read imports nothing; uploads and look-ups are audited."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from center.audit.models import AuditEntry
from center.fleet.models import Terminal
from center.pickup.models import CaseContact, Deposit, DepositState
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_people import make_people, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CSV_EXPORT = "\r\n".join([
    "花山镇便民服务站 2026年12月 办件清单,,,",
    "办件编号,申请人,手机号码,事项名称",
    "XC-2026-0001,张三,13800138000,居住证办理",
    "XC-2026-0002,李四,+86 139 0013 9000,营业执照",
    "XC-2026-0003,王五,010-62345678,社保卡",
    ",赵六,13700137000,医保",
]).encode("gb18030")


def full_numbers(html: str) -> list[str]:
    return re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", re.sub(r"[\s\-+]", "", html))


def upload(page, name: str, data: bytes, mime: str, columns: str = "") -> None:
    page.get_by_label("办件导出文件（CSV 或 XLSX，不超过 20 MB）").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data})
    if columns:
        page.get_by_label("列名（可不填）").fill(columns)
    page.get_by_role("button", name="导入", exact=True).click()


def look_up(page, case: str) -> None:
    page.get_by_label("要查询的办件编号").fill(case)
    page.get_by_role("button", name="查询", exact=True).click()
    page.locator("#lookup-result").wait_for()


def test_an_administrator_uploads_a_csv_and_looks_a_case_up(page, live_server, phone_key):
    make_people()
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/pickup/cases/import/")
    page.get_by_role("heading", name="办件编号与手机号码").wait_for()

    upload(page, "花山镇办件清单.csv", CSV_EXPORT, "text/csv")

    summary = page.locator("#import-summary")
    summary.wait_for()
    assert page.locator("#imported-count").inner_text() == "2"
    assert page.locator("#skipped-count").inner_text() == "2"
    assert "CSV (GB18030)" in summary.inner_text()
    assert page.locator("#skipped-rows li").all_inner_texts() == [
        "第 5 行：不是手机号码", "第 6 行：没有办件编号"]
    assert full_numbers(page.content()) == []
    keep_screenshot(page, "pickup-case-import")
    assert phone_key.open(bytes(CaseContact.objects.get(
        case_number="XC-2026-0002").phone_cipher)) == "13900139000"

    look_up(page, "XC-2026-0002")
    page.wait_for_url("**/pickup/cases/lookup/?case=XC-2026-0002")
    assert page.locator("#masked-mobile").inner_text() == "139****9000"
    assert "尚未确定" in page.locator("#forget-after").inner_text()
    assert "花山镇办件清单.csv" in page.locator("#lookup-result").inner_text()
    assert full_numbers(page.content()) == []
    keep_screenshot(page, "pickup-case-lookup")

    look_up(page, "XC-2026-0003")
    assert "该办件没有登记手机号码" in page.locator("#lookup-result").inner_text()

    entries = AuditEntry.objects.filter(username="district-admin").order_by("at", "pk")
    assert [e.action for e in entries] == ["pickup.cases_imported", "pickup.case_looked_up",
                                           "pickup.case_looked_up"]
    assert entries[0].detail["imported"] == 2
    assert entries[0].detail["skipped"] == 2
    assert entries[2].detail == {"case": "XC-2026-0003", "on_file": False}
    assert full_numbers(str([e.detail for e in entries])) == []


def test_a_station_manager_uploads_an_xlsx_with_other_headers(page, live_server, phone_key):
    people = make_people()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["窗口流水号", "申请人", "短信号码"])
    sheet.append(["HS-0001", "张三", 18800188000])
    sheet.append(["HS-0002", "李四", "１８６００１８６０００"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    terminal = Terminal.objects.create(district="xc", terminal_id="xc-hsz-01",
                                       station=people.station)
    now = timezone.now()
    Deposit.objects.create(terminal=terminal, deposit_id="d-1", case_number="HS-0001",
                           compartment=3, size="M", stored_at=now - timedelta(days=3),
                           expires_at=now - timedelta(days=1), state=DepositState.COLLECTED,
                           closed_at=now - timedelta(days=1))
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/pickup/cases/import/")

    upload(page, "export.xlsx", buffer.getvalue(),
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    page.locator("#refusal").wait_for()
    assert "找不到同时有办件编号列" in page.locator("#refusal").inner_text()
    assert not CaseContact.objects.exists()

    upload(page, "export.xlsx", buffer.getvalue(),
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           columns="case=窗口流水号,mobile=短信号码")
    page.locator("#import-summary").wait_for()
    assert page.locator("#imported-count").inner_text() == "2"
    assert "XLSX" in page.locator("#import-summary").inner_text()

    forget = timezone.localtime(now + timedelta(days=29)).replace(second=0, microsecond=0)
    CaseContact.objects.filter(case_number="HS-0001").update(forget_after=forget)
    look_up(page, "HS-0001")
    assert page.locator("#masked-mobile").inner_text() == "188****8000"
    assert page.locator("#forget-after").inner_text() == forget.strftime("%Y-%m-%d %H:%M")
    assert "1 件存入过柜子" in page.locator("#lookup-result").inner_text()
    assert full_numbers(page.content()) == []
    keep_screenshot(page, "pickup-case-lookup-manager")
    assert AuditEntry.objects.filter(username="station-manager",
                                     action="pickup.cases_imported").count() == 1


def test_a_viewer_is_refused_the_page(page, live_server, client, phone_key):
    people = make_people()
    CaseContact.objects.create(case_number="XC-1", phone_cipher=phone_key.seal("13800138000"),
                               phone_masked="138****8000", source="t",
                               updated_at=timezone.now())
    sign_in(page, live_server, "viewer")

    for path in ("/pickup/cases/import/", "/pickup/cases/lookup/?case=XC-1"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 403
        assert "138****8000" not in page.content()

    client.force_login(people.viewer)
    refused = client.post("/pickup/cases/import/", {
        "file": io.BytesIO(b"\xef\xbb\xbf" + "办件编号,手机号码\r\nXC-2,13900139000\r\n".encode())})
    assert refused.status_code == 403
    assert not CaseContact.objects.filter(case_number="XC-2").exists()
    assert not AuditEntry.objects.filter(action__startswith="pickup.").exists()


def test_an_upload_past_twenty_megabytes_imports_nothing(client, phone_key):
    people = make_people()
    client.force_login(people.admin)
    header = "办件编号,手机号码\r\nXC-1,13800138000\r\n".encode()
    big = io.BytesIO(header + b"," * (20 * 1024 * 1024))
    big.name = "big.csv"

    response = client.post("/pickup/cases/import/", {"file": big})

    assert response.status_code == 413
    assert "文件超过 20 MB" in response.content.decode()
    assert not CaseContact.objects.exists()
    # The cap counts every file of the request: two of 11 MB are refused too.
    halves = [io.BytesIO(header + b"," * (11 * 1024 * 1024)) for _ in range(2)]
    for number, half in enumerate(halves):
        half.name = f"half-{number}.csv"
    assert client.post("/pickup/cases/import/",
                       {"file": halves[0], "other": halves[1]}).status_code == 413
    assert not CaseContact.objects.exists()
    assert client.get("/pickup/cases/import/").status_code == 200
