"""A terminal's page in Chromium: an administrator acknowledges an alarm and sends an
announcement; a viewer sees neither control and is refused if they post anyway."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from center.alarms.models import Alarm
from center.audit.models import AuditEntry
from center.commands.models import Command
from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/fleet/xc/xc-hsz-01/"


@pytest.fixture
def signing_key_file(tmp_path, settings):
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())
    path = tmp_path / "center-ed25519.key"
    path.write_text(base64.b64encode(raw).decode() + "\n")
    settings.CENTER_SIGNING_KEY_FILE = str(path)
    return path


def terminal_with_an_alarm(station) -> None:
    kiosk = FakeTerminal()
    now = timezone.now()
    ingest_batch([kiosk.birth(2, now), kiosk.heartbeat(2, now),
                  kiosk.alarm("door_jammed", "compartment 3", now)], prefix=PREFIX)
    Terminal.objects.update(station=station)


def test_an_administrator_acknowledges_an_alarm_and_sends_an_announcement(
        page, live_server, signing_key_file):
    people = make_people()
    terminal_with_an_alarm(people.station)
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")

    alarm = page.locator("tr[data-alarm='door_jammed/compartment 3']")
    alarm.get_by_label("备注").fill("已通知站长去看")
    alarm.get_by_role("button", name="确认").click()
    page.get_by_text("告警已确认").wait_for()
    assert "district-admin" in alarm.locator(".acknowledged").inner_text()
    stored = Alarm.objects.get()
    assert (stored.acknowledged_by, stored.comment) == (people.admin, "已通知站长去看")

    page.get_by_label("首页公告").fill("今天下午两点到四点停电，柜子照常可用。")
    page.get_by_role("button", name="发送公告").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    row = page.locator("tr[data-command='display.set_announcement']")
    assert "等待发送" in row.inner_text()
    command = Command.objects.get()
    assert command.args == {"text": "今天下午两点到四点停电，柜子照常可用。"}
    assert command.issued_by == people.admin
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "alarm.acknowledged", "command.issued"}
    keep_screenshot(page, "terminal-page")


def test_opening_a_compartment_needs_a_reason_and_confirmation(page, live_server,
                                                               signing_key_file):
    people = make_people()
    terminal_with_an_alarm(people.station)
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    page.get_by_label("柜格号").fill("3")
    page.get_by_label("原因").fill("门卡住了，居民在现场等")
    # Without the confirmation the browser itself refuses the form.
    page.get_by_role("button", name="打开柜格").click()
    assert not Command.objects.exists()
    page.get_by_label("我在站点").check()
    page.get_by_role("button", name="打开柜格").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    command = Command.objects.get()
    assert (command.type, command.args, command.reason) == (
        "locker.open", {"compartment": 3}, "门卡住了，居民在现场等")


def test_a_viewer_sees_no_controls_and_is_refused_when_posting(page, live_server, client,
                                                              signing_key_file):
    people = make_people()
    terminal_with_an_alarm(people.station)
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}{PAGE}")
    page.get_by_text("door_jammed").wait_for()
    assert page.get_by_role("button", name="确认").count() == 0
    assert page.get_by_role("button", name="发送公告").count() == 0
    client.force_login(people.viewer)
    refused = client.post(f"{PAGE}announce/", {"text": "不该发出"})
    assert refused.status_code == 403
    alarm = Alarm.objects.get()
    assert client.post(f"/alarms/{alarm.pk}/acknowledge/").status_code == 403
    assert not Command.objects.exists()
    assert Alarm.objects.get().acknowledged_at is None


def test_the_audit_trail_names_who_did_what_and_only_administrators_read_it(
        page, live_server, client, signing_key_file):
    people = make_people()
    terminal_with_an_alarm(people.station)
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    page.get_by_label("首页公告").fill("周六停电")
    page.get_by_role("button", name="发送公告").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    page.get_by_role("link", name="操作记录").click()
    entry = page.locator("tr[data-action='command.issued']")
    entry.wait_for()
    assert "district-admin" in entry.inner_text()
    assert "周六停电" in entry.inner_text()
    for other in (people.manager, people.viewer):
        client.force_login(other)
        assert client.get("/audit/").status_code == 403
