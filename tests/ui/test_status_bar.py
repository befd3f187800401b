"""The status bar tells staff at a glance whether the district center can see us."""

from __future__ import annotations

import pytest

from tests.ui.screen_checks import assert_shows

pytestmark = pytest.mark.ui


def test_online_while_the_broker_is_up_offline_when_it_goes(launch_ui, broker):
    ui = launch_ui({"mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port}})
    bar = ui.app.status_bar

    ui.wait_until(lambda: bar.online, timeout_s=10, what="online")
    assert_shows(ui.screenshot("status-online"), "测试社区便民服务站", "在线")

    broker.stop()
    ui.wait_until(lambda: not bar.online, timeout_s=15, what="offline")
    assert bar.ids.link.text == "离线"

    broker.start()
    ui.wait_until(lambda: bar.online, timeout_s=30, what="online again")


def test_clock_shows_date_and_weekday_in_chinese(launch_ui):
    ui = launch_ui()
    text = ui.app.status_bar.ids.clock.text
    assert "月" in text
    assert "日" in text
    assert "星期" in text
