"""Queue tickets as residents take them and windows call them: a synthetic day through
the real window, the window API and the simulated ID-card reader and QR scanner."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices.idcard.simulator import make_card
from kiosk.api.window_client import WindowApiClient
from kiosk.services.queue.appointments import Appointment, make_appointment_code
from tests.fixtures.queue_ui import free_port, hours_closed_now, queue_settings
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui

def take(ui, category_id: str) -> None:
    ui.tap(ui.widget("queue"))
    button = next(b for b in ui.widget("categories").children if b.category_id == category_id)
    ui.tap(button)
    ui.wait_until(lambda: ui.screen == "ticket", what="the ticket screen")


def test_a_resident_takes_a_number_and_two_windows_call_in_order(queue_ui):
    ui = queue_ui()

    take(ui, "general")

    assert ui.widget("ticket_label").text == "A001"
    assert ui.widget("windows_line").text == "请到 1、2 号窗口办理"   # as the slip says it
    assert ui.widget("waiting_line").text == "前面没有人，无需等待"   # not "约 0 分钟"
    ui.wait_until(lambda: "没能打印" in ui.widget("print_line").text, what="the print result")
    image = ui.screenshot("queue-ticket")
    assert_shows(image, "A001", "无需等待", "号窗口办理")
    assert ui.widget("category_name").text == "综合受理"
    assert ui.widget("status_qr").data == \
        f"https://q.example.cn/test-01/{date.today().isoformat()}/A001"
    ui.tap(ui.widget("done"))
    ui.skip_rating()
    assert ui.app.screens.get_screen("ticket").label == ""

    take(ui, "general")
    assert ui.widget("ticket_label").text == "A002"
    assert ui.widget("waiting_line").text == "前面还有 1 人，约 4 分钟"
    ui.app.end_session("test")

    assert ui.windows.act(1, "next")["called"] == "A001"
    assert ui.windows.act(2, "next")["called"] == "A002"
    assert ui.windows.act(1, "next")["called"] is None


def test_an_elder_with_an_id_card_is_offered_priority(queue_ui):
    ui = queue_ui()
    ui.tap(ui.widget("queue"))
    ui.tap(ui.widget("real_name"))
    prompt = ui.app._identity_prompt

    ui.id_reader.place(make_card(name="李四", birth=date(1952, 11, 2)))
    ui.wait_until(lambda: ui.app._identity_prompt is None, what="the card read")

    assert ui.widget("identity_line").text == "正在为 李* 取号"
    assert prompt.confirmed
    ui.tap(ui.widget("priority"))
    ui.wait_until(lambda: ui.screen == "ticket", what="the ticket")
    assert ui.widget("ticket_label").text == "C001"
    assert ui.widget("windows_line").text == "请到 3 号窗口办理"
    assert ui.widget("note").text == "优先办理"
    assert "queue_identity" not in ui.app.session


def test_a_younger_resident_is_not_offered_priority_and_holds_one_ticket(queue_ui):
    ui = queue_ui()
    card = make_card(name="王小明", birth=date(1990, 5, 1))
    for expected in ("A001", "已经取了"):
        ui.tap(ui.widget("queue"))
        ui.tap(ui.widget("real_name"))
        ui.id_reader.place(card)
        ui.wait_until(lambda: ui.app._identity_prompt is None, what="the card read")
        ui.id_reader.remove()
        assert ui.widget("priority").opacity == 0
        button = next(b for b in ui.widget("categories").children if b.category_id == "general")
        ui.tap(button)
        ui.wait_until(lambda: ui.screen == "ticket", what="the ticket")
        shown = ui.widget("ticket_label").text or ui.widget("refusal").text
        assert expected in shown
        ui.tap(ui.widget("done"))
        if expected == "A001":                   # a ticket issued is offered a rating
            ui.skip_rating()


def test_an_appointment_scanned_at_home_checks_in_ahead_of_walk_ins(queue_ui):
    ui = queue_ui()
    take(ui, "general")
    ui.tap(ui.widget("done"))
    ui.skip_rating()
    code = make_appointment_code(Appointment(id="AP-77", category="general",
                                             day=date.today().isoformat(), slot="10:00",
                                             priority=False), ui.booking)

    ui.scanner.scan(code)

    ui.wait_until(lambda: ui.screen == "ticket", what="the check-in")
    assert ui.widget("ticket_label").text == "A002"
    assert ui.widget("note").text == "预约"
    ui.tap(ui.widget("done"))
    ui.skip_rating()
    assert ui.windows.act(1, "next")["called"] == "A002"
    ui.scanner.scan(code)
    ui.wait_until(lambda: ui.screen == "ticket", what="the second scan")
    assert ui.widget("refusal").text == "这个预约已经签到过了。"


def test_out_of_hours_the_screen_shows_the_hours_and_where_else_to_go(queue_ui):
    ui = queue_ui(hours=hours_closed_now())

    ui.tap(ui.widget("queue"))

    assert "现在不是办理时间" in ui.widget("closed_note").text
    image = ui.screenshot("queue-closed")
    assert_shows(image, "现在不是办理时间")
    ui.tap(ui.widget("to_guide"))
    assert ui.screen == "guide"
    ui.app.home()
    # A closed queue's card says when it opens, and a touch on it goes nowhere: no
    # empty 您的号码 screen.
    ui.tap(ui.widget("queue"))
    card = next(b for b in ui.widget("categories").children if b.category_id == "general")
    assert card.disabled
    assert "现在不办理" in card.text, card.text
    ui.touch_anyway(card)
    assert ui.screen == "queue"
    assert_widget_reads(ui.screenshot("queue-closed-card"), card, "综合受理")


def test_a_synthetic_day_with_two_windows(queue_ui, speaking_program):
    """Residents take numbers by touch, by ID card and by appointment; two windows work
    through them with the window client; the voice follows every call in order; the day's
    summary counts it all."""
    from devices.voice.command_announcer import CommandAnnouncer
    from kiosk.call_display.feed import CallFeed
    from kiosk.services.queue.announcements import call_text
    from tests.fixtures.voice import wait_for_lines

    ui = queue_ui()
    program, log = speaking_program(seconds=0.05)
    voice = CommandAnnouncer((str(program), "{text}"))
    voice.start()
    feed = CallFeed(ui.windows, lambda calls, fresh: [voice.say(call_text(c)) for c in calls
                                                      if fresh], lambda _linked: None)
    feed.start()
    try:
        for _ in range(3):                       # A001-A003 by touch
            take(ui, "general")
            ui.tap(ui.widget("done"))
            ui.skip_rating()
        ui.tap(ui.widget("queue"))               # an elder: C001, priority
        ui.tap(ui.widget("real_name"))
        ui.id_reader.place(make_card(name="李四", birth=date(1952, 11, 2)))
        ui.wait_until(lambda: ui.app._identity_prompt is None, what="the card read")
        ui.id_reader.remove()
        ui.tap(ui.widget("priority"))
        ui.wait_until(lambda: ui.screen == "ticket", what="the priority ticket")
        ui.tap(ui.widget("done"))
        ui.skip_rating()
        ui.scanner.scan(make_appointment_code(Appointment(     # A004, ahead of walk-ins
            id="AP-1", category="general", day=date.today().isoformat(), slot="10:00",
            priority=False), ui.booking))
        ui.wait_until(lambda: ui.screen == "ticket", what="the check-in")
        assert ui.widget("ticket_label").text == "A004"
        ui.tap(ui.widget("done"))
        ui.skip_rating()

        w1, w2 = ui.windows, WindowApiClient(ui.windows.base_url)
        assert w1.act(1, "open")["waiting"] == 4
        assert w1.act(1, "next")["called"] == "A004"      # the appointment first
        assert w2.act(2, "next")["called"] == "A001"
        w2.act(2, "recall")
        w2.act(2, "no-show")
        assert w2.act(2, "next")["called"] == "A002"
        w2.act(2, "transfer", {"category": "assisted"})   # A002 needs help instead
        assert w1.act(3, "next")["called"] == "C001"      # the elder, priority
        assert w1.act(3, "next")["called"] == "A002"      # then the transferred ticket
        assert w1.act(1, "next")["called"] == "A003"
        w1.act(1, "finish")
        assert w1.act(1, "next")["called"] is None

        spoken = [text for kind, _t, text in wait_for_lines(log, 14) if kind == "start"]
        assert spoken == ["请A004号到1号窗口办理", "请A001号到2号窗口办理",
                          "再次呼叫，请A001号到2号窗口办理", "请A002号到2号窗口办理",
                          "请C001号到3号窗口办理", "请A002号到3号窗口办理",
                          "请A003号到1号窗口办理"]
    finally:
        feed.stop()
        voice.stop()

    summary = ui.windows.request("GET", "/v1/summary")
    by_category = {c["category"]: c for c in summary["categories"]}
    assert (by_category["general"]["issued"], by_category["general"]["no_shows"]) == (3, 1)
    assert by_category["assisted"]["issued"] == 2      # C001 and the transferred A002
    assert by_category["general"]["served"] == 2       # A004 (by the next call) and A003


def test_an_appointment_shown_to_the_camera_checks_in(launch_ui, tmp_path):
    """The same check-in through the other scanner kind: a camera read by zbar, with the
    appointment's Chinese marker intact."""
    import tempfile
    from pathlib import Path

    from devices.qr.camera_simulator import CameraSimulator

    booking = Ed25519PrivateKey.generate()
    public = base64.b64encode(booking.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    # Unix socket paths are short: not under pytest's long tmp_path.
    with tempfile.TemporaryDirectory(prefix="qrcam-") as directory:
        camera = CameraSimulator(Path(directory) / "camera.sock", size=(320, 240))
        camera.start()
        try:
            settings = queue_settings(free_port(), public)
            settings["devices"] = {"qr_scanner": {"driver": "camera",
                                                  "capture_command": camera.command,
                                                  "hold_s": 0.5}}
            ui = launch_ui(settings)
            ui.wait_until(lambda: ui.terminal.qr_scanner.health.current.usable, timeout_s=10,
                          what="the camera")
            code = make_appointment_code(Appointment(
                id="AP-CAM-1", category="general", day=date.today().isoformat(),
                slot="14:30", priority=True), booking)

            camera.show(code.encode("utf-8"))

            ui.wait_until(lambda: ui.screen == "ticket", timeout_s=10, what="the check-in")
            assert ui.widget("ticket_label").text == "A001"
            assert ui.widget("note").text == "优先办理"
        finally:
            camera.stop()
