"""The call display follows two windows' calls over the window API, shows them large and
speaks each once, in order."""

from __future__ import annotations

import pytest

from devices.voice.command_announcer import CommandAnnouncer
from kiosk.api.window import WindowApi
from kiosk.api.window_client import WindowApiClient
from kiosk.services.help_desk import HelpDesk
from tests.fixtures.queue import issue
from tests.fixtures.voice import wait_for_lines
from tests.ui.screen_checks import assert_shows

pytestmark = pytest.mark.ui


def test_calls_show_large_and_are_announced_in_order(launch_call_display, window_api, queue,
                                                     speaking_program):
    url = f"http://127.0.0.1:{window_api.port}"
    for _ in range(3):
        issue(queue, "general")
    windows = WindowApiClient(url)
    windows.act(1, "next")                       # before the display starts: shown, not said
    program, log = speaking_program(seconds=0.1)
    ui = launch_call_display(url, CommandAnnouncer((str(program), "{text}")),
                             {"display": {"orientation": "landscape"}})
    ui.wait_until(lambda: ui.app.display.latest_label == "A001", what="the first call shown")

    windows.act(2, "next")
    windows.act(1, "next")
    windows.act(1, "recall")

    ui.wait_until(lambda: ui.app.display.latest_label == "A003"
                  and ui.app.display.latest_recall, what="the recall shown")
    image = ui.screenshot("call-display-landscape")
    assert image.size == (1920, 1080)
    assert_shows(image, "A003", "请到1号窗口", "再次呼叫")
    listed = [(row.label, row.window) for row in reversed(ui.app.display.ids.recent.children)]
    assert listed == [("A002", "2"), ("A001", "1")]
    spoken = [text for kind, _t, text in wait_for_lines(log, 6) if kind == "start"]
    assert spoken == ["请A002号到2号窗口办理", "请A003号到1号窗口办理",
                      "再次呼叫，请A003号到1号窗口办理"]


def test_a_lost_terminal_is_shown_and_the_display_catches_up(launch_call_display, queue,
                                                            monkeypatch):
    # Short polls: a stopped server still answers the poll already in flight.
    monkeypatch.setattr("kiosk.call_display.feed.POLL_WAIT_S", 1.0)
    api = WindowApi(queue, "127.0.0.1", 0, "")
    api.start()
    port = api.port
    ui = launch_call_display(f"http://127.0.0.1:{port}")
    ui.wait_until(lambda: ui.app.display.linked, what="the link")
    api.stop()

    ui.wait_until(lambda: not ui.app.display.linked, timeout_s=15, what="the link lost")
    assert "连接中断" in ui.app.display.ids.link.text
    issue(queue, "general")
    WindowApi(queue, "127.0.0.1", port, "").start()   # the terminal is back
    WindowApiClient(f"http://127.0.0.1:{port}").act(1, "next")

    ui.wait_until(lambda: ui.app.display.latest_label == "A001", timeout_s=20,
                  what="the call after reconnecting")
    assert ui.app.display.linked


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_a_residents_call_for_help_shows_a_banner_until_a_window_answers(
        launch_call_display, queue, orientation):
    desk = HelpDesk(queue.store, 600)
    api = WindowApi(queue, "127.0.0.1", 0, "", help_desk=desk)
    api.start()
    try:
        url = f"http://127.0.0.1:{api.port}"
        ui = launch_call_display(url, None, {"display": {"orientation": orientation}})
        ui.wait_until(lambda: ui.app.display.linked, what="the link")
        banner = ui.app.display.ids.help_banner
        assert (banner.text, banner.height) == ("", 0)

        desk.request("pickup")

        ui.wait_until(lambda: banner.text == "自助终端有人需要帮助（取件）" and banner.height > 0,
                      what="the help banner")
        ui.pump(0.3)
        image = ui.screenshot(f"call-display-help-{orientation}")
        # The widget's text says which step (above); OCR proves the glyphs are drawn, and
        # reads the brackets' contents unreliably at this size.
        assert_shows(image, "自助终端有人需要帮助")

        WindowApiClient(url).answer_help(1, window=2)

        ui.wait_until(lambda: banner.text == "" and banner.height == 0,
                      what="the banner cleared")
    finally:
        api.stop()
        desk.close()
