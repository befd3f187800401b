"""The catalog editor in Chromium: an administrator starts from the shipped catalog, edits
an item's fee, sees the difference, keeps it and sends it to the demo terminal, whose
command carries the new file, signed; an invalid upload shows the terminal's own error and
keeps nothing; a roll-back; station managers and viewers only read."""

from __future__ import annotations

import base64
import json

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.catalog.models import CatalogVersion, VersionKind
from center.commands.models import Command
from center.fleet.models import Station, Terminal
from center.ingest.batch import ingest_batch
from contract.catalog import parse_catalog_document
from contract.command_signing import open_envelope
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_catalog import keep, small
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SHIPPED_VERSION = "2026.11.22-1"


def terminal(terminal_id: str, station: Station, district: str = "xc",
             catalog: str = SHIPPED_VERSION) -> None:
    """A terminal online at ``station``, reporting the catalog it runs in its heartbeat."""
    kiosk = FakeTerminal(terminal_id, district=district)
    now = timezone.now()
    ingest_batch([kiosk.birth(3, now), kiosk.heartbeat(3, now, catalog=catalog)], prefix=PREFIX)
    Terminal.objects.filter(terminal_id=terminal_id).update(station=station)


def test_an_administrator_edits_a_fee_sees_the_difference_keeps_and_sends_it(
        page, live_server, signing_key):
    people = make_people()
    terminal("xc-hsz-01", people.station)
    sign_in(page, live_server, "district-admin")

    page.get_by_role("link", name="办事指南目录").click()
    page.get_by_text("这个区还没有保存过目录。").wait_for()
    page.get_by_role("button", name="使用终端自带的目录").click()
    page.get_by_text("新增：189 个").wait_for()
    page.get_by_role("button", name=f"保存为版本 {SHIPPED_VERSION}").click()
    page.get_by_text(f"版本 {SHIPPED_VERSION} 已保存").wait_for()
    row = page.locator("tr[data-terminal='xc-hsz-01']")
    assert "当前" in row.locator(".runs").inner_text()

    page.get_by_role("link", name="事项", exact=True).click()
    page.get_by_label("按名称查找").fill("生育登记")
    page.get_by_role("button", name="查找").click()
    page.get_by_text("共 189 个事项，显示 3 个").wait_for()
    keep_screenshot(page, "catalog-items")
    page.get_by_role("link", name="一胎、二胎生育登记").click()
    assert page.locator("dd[data-element='fees']").inner_text() == "未公布"
    keep_screenshot(page, "catalog-item")
    page.get_by_role("link", name="修改这个事项").click()
    page.get_by_label("收费标准").fill("不收费")
    page.get_by_label("申请材料").fill("户口簿\n结婚证\n")
    assert page.get_by_label("新版本号").input_value() == "2026.11.22-2"
    page.get_by_label("改了什么、为什么改").fill("按卫健局通知补充收费和材料")
    keep_screenshot(page, "catalog-edit")
    page.get_by_role("button", name="检查并查看改动").click()

    page.get_by_text("终端会接受这份目录").wait_for()
    changed = page.locator("section[data-entry='chencang-a2-001']")
    fees = changed.locator("tr[data-element='fees']")
    assert fees.locator(".before").inner_text() == "（空）"
    assert fees.locator(".after").inner_text() == "不收费"
    assert "结婚证" in changed.locator("tr[data-element='materials'] .after").inner_text()
    assert page.locator("section.changed-entry").count() == 1
    keep_screenshot(page, "catalog-review")
    assert CatalogVersion.objects.count() == 1          # nothing kept before the decision
    page.get_by_role("link", name="返回修改").click()    # back to the form as it was left
    assert page.get_by_label("收费标准").input_value() == "不收费"
    page.get_by_role("button", name="检查并查看改动").click()
    page.get_by_role("button", name="保存为版本 2026.11.22-2").click()
    page.get_by_text("版本 2026.11.22-2 已保存").wait_for()
    kept = CatalogVersion.objects.get(version="2026.11.22-2")
    assert (kept.kind, kept.created_by, kept.note) == (
        VersionKind.EDIT, people.admin, "按卫健局通知补充收费和材料")
    assert "不是当前版本" in row.locator(".runs").inner_text()

    row.get_by_label("下发给 xc-hsz-01").check()
    page.get_by_role("button", name="下一步：核对选中的终端").click()
    page.get_by_text("把版本 2026.11.22-2 下发给 1 台终端？").wait_for()
    keep_screenshot(page, "catalog-push-confirm")
    assert not Command.objects.exists()
    page.get_by_role("button", name="下发给 1 台终端").click()
    page.get_by_text("版本 2026.11.22-2 已下发给 1 台终端").wait_for()
    assert "等待发送" in row.locator(".pushed").inner_text()
    keep_screenshot(page, "catalog-terminals")

    command = Command.objects.get()
    assert (command.type, command.terminal.terminal_id, command.issued_by) == (
        "guide.replace_catalog", "xc-hsz-01", people.admin)
    body = json.loads(open_envelope(bytes(command.envelope), signing_key.public_key()))
    sent = base64.b64decode(body["args"]["catalog"])
    assert sent == bytes(kept.toml)
    item = next(i for i in parse_catalog_document(sent, "sent").items
                if i.id == "chencang-a2-001")
    assert (item.fees, item.materials) == ("不收费", ("户口簿", "结婚证"))
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "catalog.version_kept", "catalog.version_kept", "command.issued", "catalog.pushed"]


def test_an_invalid_upload_shows_the_terminals_error_and_keeps_nothing(page, live_server):
    people = make_people()
    terminal("xc-hsz-01", people.station, catalog="xc-1")
    keep(people.admin, small("xc-1"))
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/catalog/xc/upload/")

    bad = small("xc-2", {'level = "village"': 'level = "town"'})
    page.get_by_label("目录文件（TOML）").set_input_files(
        files=[{"name": "services.toml", "mimeType": "application/toml", "buffer": bad}])
    page.get_by_role("button", name="检查并查看改动").click()

    refusal = page.locator("#refusal")
    refusal.wait_for()
    assert refusal.inner_text() == (
        "没有保存任何内容。 终端会拒收这份目录：replacement catalog: item t-002 (高龄老人生活保障"
        "补贴核发): level: 'town' is not allowed; choose one of 'village', 'township', "
        "'street', 'district'")
    keep_screenshot(page, "catalog-upload-refused")
    assert CatalogVersion.objects.count() == 1
    assert not AuditEntry.objects.exclude(action="catalog.version_kept").exists()

    added = small("xc-2").decode() + (
        '\n[[items]]\nid = "t-003"\nsource = "test-list"\nname = "老年人优待证办理"\n'
        'level = "village"\n')
    page.get_by_label("目录文件（TOML）").set_input_files(
        files=[{"name": "services.toml", "mimeType": "application/toml",
                "buffer": added.encode()}])
    page.get_by_label("改了什么、为什么改").fill("新增优待证")
    page.get_by_role("button", name="检查并查看改动").click()
    page.get_by_text("新增：1 个").wait_for()
    assert page.locator("li[data-added='t-003']").inner_text().startswith("老年人优待证办理")
    page.get_by_role("button", name="保存为版本 xc-2").click()
    page.get_by_text("版本 xc-2 已保存").wait_for()
    kept = CatalogVersion.objects.get(version="xc-2")
    assert (kept.kind, kept.items, kept.note) == (VersionKind.UPLOAD, 3, "新增优待证")


def test_rolling_back_makes_an_older_version_current_and_sends_it_to_a_station(
        page, live_server, signing_key):
    people = make_people()
    terminal("xc-hsz-01", people.station, catalog="xc-2")
    first = keep(people.admin, small("xc-1"))
    keep(people.admin, small("xc-2", {'fees = ""': 'fees = "每件10元"'}))
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/catalog/xc/versions/")

    page.locator(f"tr[data-version='{first.pk}']").get_by_role(
        "link", name="退回到这个版本").click()
    fees = page.locator("section[data-entry='t-001'] tr[data-element='fees']")
    assert (fees.locator(".before").inner_text(), fees.locator(".after").inner_text()) == (
        "每件10元", "（空）")
    keep_screenshot(page, "catalog-rollback")
    page.get_by_label("原因").fill("收费未经批准，先退回")
    page.get_by_role("button", name="退回到 xc-1").click()
    page.get_by_text("版本 xc-1 重新成为本区的目录").wait_for()

    versions = list(CatalogVersion.objects.order_by("pk"))
    assert [v.version for v in versions] == ["xc-1", "xc-2", "xc-1"]
    assert (versions[2].kind, versions[2].restores, versions[2].note) == (
        VersionKind.ROLLBACK, first, "收费未经批准，先退回")
    page.get_by_label("花山镇便民服务站").check()
    page.get_by_role("button", name="下一步：核对选中的终端").click()
    page.get_by_text("把版本 xc-1 下发给 1 台终端？").wait_for()
    page.get_by_role("button", name="下发给 1 台终端").click()
    page.get_by_text("版本 xc-1 已下发给 1 台终端").wait_for()
    command = Command.objects.get()
    body = json.loads(open_envelope(bytes(command.envelope), signing_key.public_key()))
    assert base64.b64decode(body["args"]["catalog"]) == bytes(first.toml)
    page.get_by_role("link", name="版本", exact=True).click()
    assert "退回旧版本 (xc-1)" in page.locator(
        f"tr[data-version='{versions[2].pk}']").inner_text()
    keep_screenshot(page, "catalog-versions")


def test_a_station_manager_reads_their_district_only_and_may_not_change_anything(
        page, live_server, client, signing_key):
    people = make_people()
    elsewhere = Station.objects.create(district="xc", code="ls", name="柳树村便民服务站")
    other_district = Station.objects.create(district="yt", code="yt", name="杨庄便民服务站")
    terminal("xc-hsz-01", people.station)
    terminal("xc-ls-01", elsewhere)
    terminal("yt-001", other_district, district="yt")
    older = keep(people.admin, small("xc-1"))
    keep(people.admin, small("xc-2", {'fees = ""': 'fees = "不收费"'}))
    sign_in(page, live_server, "station-manager")

    page.get_by_role("link", name="办事指南目录").click()
    page.get_by_role("link", name="一胎、二胎生育登记").click()
    assert page.locator("dd[data-element='fees']").inner_text() == "不收费"
    assert page.get_by_role("link", name="修改这个事项").count() == 0
    page.get_by_role("link", name="终端与下发").click()
    assert page.locator("tr[data-terminal]").count() == 1
    page.locator("tr[data-terminal='xc-hsz-01']").wait_for()
    assert page.locator("input[type=checkbox]").count() == 0
    assert page.get_by_role("link", name="上传文件").count() == 0
    keep_screenshot(page, "catalog-manager")

    client.force_login(people.manager)
    assert client.get("/catalog/yt/").status_code == 404
    assert client.get("/catalog/xc/items/t-001/edit/").status_code == 403
    _every_change_is_refused(client, older.pk, terminal_pk=Terminal.objects.get(
        terminal_id="xc-hsz-01").pk)


def test_a_viewer_reads_every_district_and_may_not_change_anything(page, live_server, client,
                                                                   signing_key):
    people = make_people()
    terminal("xc-hsz-01", people.station)
    terminal("yt-001", Station.objects.create(district="yt", code="yt", name="杨庄便民服务站"),
             district="yt")
    older = keep(people.admin, small("xc-1"))
    keep(people.admin, small("xc-2", {'fees = ""': 'fees = "不收费"'}))
    sign_in(page, live_server, "viewer")

    page.get_by_role("link", name="办事指南目录").click()
    page.get_by_role("link", name="yt", exact=True).wait_for()
    keep_screenshot(page, "catalog-districts")
    page.get_by_role("link", name="xc", exact=True).click()
    page.locator("#read-only").wait_for()
    page.get_by_role("link", name="版本", exact=True).click()
    page.locator(f"tr[data-version='{older.pk}']").wait_for()
    assert page.get_by_role("link", name="退回到这个版本").count() == 0
    page.get_by_role("link", name="终端与下发").click()
    page.locator("tr[data-terminal='xc-hsz-01']").wait_for()
    assert page.locator("input[type=checkbox]").count() == 0

    client.force_login(people.viewer)
    assert client.get(f"/catalog/xc/versions/{older.pk}/catalog.toml").content == bytes(
        older.toml)
    _every_change_is_refused(client, older.pk, terminal_pk=Terminal.objects.get(
        terminal_id="xc-hsz-01").pk)


def _every_change_is_refused(client, older_pk: int, terminal_pk: int) -> None:
    versions_before = CatalogVersion.objects.count()
    posts = {
        "/catalog/xc/items/t-001/edit/": {"fees": "5元", "version": "xc-9", "name": "x",
                                          "level": "street", "source": "test-list",
                                          "published": "2026-12-01"},
        "/catalog/xc/upload/": {},
        "/catalog/xc/shipped/": {},
        "/catalog/xc/review/": {"sha256": "0" * 64},
        f"/catalog/xc/versions/{older_pk}/rollback/": {},
        "/catalog/xc/push/": {"version": older_pk, "terminal": terminal_pk, "confirmed": "True"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert CatalogVersion.objects.count() == versions_before
    assert not Command.objects.exists()
