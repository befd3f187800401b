"""What the district center puts on screen: its announcement on the home screen, and the
opening hours it set on the home screen, the help page and the notice board."""

from __future__ import annotations

import pytest

from kiosk.config.schema import OpeningSession
from tests.ui.screen_checks import assert_shows

pytestmark = pytest.mark.ui


def test_the_centers_announcement_and_hours_show_on_the_home_screen(launch_ui):
    ui = launch_ui()
    settings = ui.terminal.station_settings
    assert ui.widget("announcement").opacity == 0

    # As the command thread does it: off the UI thread.
    settings.set_announcement("今天下午停水", None, "center:test")
    settings.set_staffed_hours([OpeningSession(days=(1, 2, 3, 4, 5, 6), start="08:30",
                                               end="17:30")], "center:test")
    ui.wait_until(lambda: ui.widget("announcement").text == "通知：今天下午停水")

    assert ui.widget("announcement").opacity == 1
    ui.wait_until(lambda: ui.widget("hours_line").text == "窗口办公时间：周一至周六 8:30–17:30",
                  what="the center's hours on the home screen")
    assert_shows(ui.screenshot("home-announcement"), "通知", "今天下午停水")
    ui.tap(ui.widget("help"))
    assert ui.widget("hours_step").text == "需要帮助，请到窗口问工作人员（周一至周六 8:30–17:30）。"

    settings.set_announcement("", None, "center:test")
    ui.wait_until(lambda: ui.widget("announcement", "home").text == "")
