"""The home screen as a resident sees it, driven by real taps on a real window."""

from __future__ import annotations

import pytest

from kiosk.ui import theme
from tests.ui.screen_checks import (
    assert_distinct_glyphs,
    assert_not_blank,
    assert_shows,
    assert_widget_reads,
    widget_box,
)

pytestmark = pytest.mark.ui


def test_home_screen_is_chinese_with_real_glyphs(launch_ui):
    ui = launch_ui()

    image = ui.screenshot("home-portrait")

    assert image.size == (1080, 1920)
    assert_not_blank(image)
    assert_shows(image, "您好，欢迎来到", "测试社区便民服务站", "自助服务终端")
    assert_widget_reads(image, ui.widget("help"), "怎么使用本机")
    assert_widget_reads(image, ui.widget("large_text"), "大字模式")
    assert_distinct_glyphs(image, ui.widget("title"))


def test_landscape_layout_from_config(launch_ui):
    ui = launch_ui({"display": {"orientation": "landscape"}})

    image = ui.screenshot("home-landscape")

    assert image.size == (1920, 1080)
    assert_shows(image, "测试社区便民服务站")
    assert_widget_reads(image, ui.widget("help"), "怎么使用本机")


def test_language_switches_to_english_and_back_by_touch(launch_ui):
    ui = launch_ui()

    ui.tap(ui.widget("language"))

    assert ui.widget("greeting").text == "Welcome"
    image = ui.screenshot("home-english")
    assert_shows(image, "Welcome")
    assert_widget_reads(image, ui.widget("help"), "How to use this terminal")
    ui.tap(ui.widget("language"))
    assert ui.widget("greeting").text == "您好，欢迎来到"


def test_large_text_mode_enlarges_every_text(launch_ui):
    ui = launch_ui()
    normal = ui.widget("title").font_size

    ui.tap(ui.widget("large_text"))

    assert ui.widget("title").font_size == pytest.approx(normal * theme.LARGE_TEXT_SCALE)
    assert ui.widget("large_text").text == "标准字号"
    image = ui.screenshot("home-large-text")
    assert_shows(image, "测试社区便民服务站")
    assert_widget_reads(image, ui.widget("large_text"), "标准字号")


def test_touch_targets_are_large(launch_ui):
    ui = launch_ui()
    for name in ("help", "large_text", "language"):
        assert ui.widget(name).height >= theme.TOUCH_MIN


def test_help_has_a_way_back_and_a_way_home(launch_ui):
    ui = launch_ui()

    ui.tap(ui.widget("help"))
    assert ui.screen == "help"
    back_bar = ui.app.screens.get_screen("help").ids.back_bar
    image = ui.screenshot("help")
    assert_shows(image, "使用帮助", "用一根手指轻轻点按钮就可以")
    assert_widget_reads(image, back_bar.ids.back, "返回")
    assert_widget_reads(image, back_bar.ids.home, "首页")
    ui.tap(back_bar.ids.back)
    assert ui.screen == "home"

    ui.tap(ui.widget("help"))
    ui.tap(back_bar.ids.home)
    assert ui.screen == "home"


def test_demo_panel_button_only_in_demo_mode(launch_ui):
    ui = launch_ui()
    home = ui.app.screens.get_screen("home")
    assert not [w for w in home.walk() if "模拟器" in str(getattr(w, "text", ""))]


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_every_service_fits_on_the_home_screen(launch_ui, tmp_path, large_text):
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from devices.locker.port import BoardConfig
    from devices.locker.simulator import LockerBusSimulator
    from tests.fixtures.queue_ui import ALL_DAY, free_port, queue_settings

    bus = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16",
                             (BoardConfig(address=0, locks=8),))
    bus.start()
    center = base64.b64encode(X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    settings = queue_settings(free_port(), "", hours=ALL_DAY)
    settings.update({
        "display": {"large_text": large_text},
        "simulation": {"panel": True, "start": False, "dir": str(tmp_path / "sim")},
        "locker": {"enabled": True, "buses": {"main": {
            "protocol": "kerong-cu16", "port": bus.path,
            "boards": [{"address": 0, "locks": 8}]}},
            "compartments": [{"first_number": 1, "count": 8, "bus": "main", "board": 0,
                              "size": "S"}]},
        "security": {"center_public_key": center, "key_file": str(tmp_path / "key")},
    })
    try:
        ui = launch_ui(settings)
        image = ui.screenshot(f"home-every-service-{'large' if large_text else 'normal'}")
        visible = ("greeting", "title") if not large_text else ("title",)
        for widget_id in (*visible, "queue", "guide", "pickup", "dropoff", "help", "large_text",
                          "language", "staff", "simulator_panel"):
            _left, top, _right, bottom = widget_box(ui.widget(widget_id))
            assert top >= theme.STATUS_BAR_HEIGHT, f"{widget_id} is cut off at the top"
            assert bottom <= image.size[1], f"{widget_id} is cut off at the bottom"
        for tile in ("queue", "guide", "pickup", "dropoff"):
            widget = ui.widget(tile)
            assert widget.texture_size[1] <= widget.height, f"the {tile} tile's text spills"
        assert_widget_reads(image, ui.widget("queue"), "取号排队")
    finally:
        bus.stop()
