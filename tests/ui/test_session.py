"""A resident walks away: the terminal asks, then clears everything they did."""

from __future__ import annotations

import pytest

from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui


def walk_away_from_help_in_english(ui) -> None:
    ui.tap(ui.widget("language"))
    ui.tap(ui.widget("large_text"))
    ui.tap(ui.widget("help"))
    assert (ui.screen, ui.app.language, ui.app.text_scale > 1) == ("help", "en", True)


def test_idle_terminal_asks_then_clears_the_session(launch_ui):
    ui = launch_ui({"display": {"idle_timeout_s": 60, "idle_warning_s": 2}})
    clock = use_fake_idle_clock(ui)
    walk_away_from_help_in_english(ui)

    clock.advance(61)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the 'still there?' prompt")
    prompt = ui.app.idle.prompt
    image = ui.screenshot("idle-prompt")
    assert_shows(image, "Are you still there?")
    assert_widget_reads(image, prompt.ids.keep_going, "I am still here")

    ui.wait_until(lambda: ui.app.idle.prompt is None, timeout_s=5, what="the session to clear")

    assert ui.screen == "home"
    assert ui.app.language == "zh_CN"
    assert ui.app.text_scale == 1.0
    image = ui.screenshot("after-idle-clear")
    assert_shows(image, "您好，欢迎来到")
    assert_widget_reads(image, ui.widget("large_text"), "大字模式")


def test_a_touch_on_the_prompt_keeps_the_session(launch_ui):
    ui = launch_ui({"display": {"idle_timeout_s": 60, "idle_warning_s": 30}})
    clock = use_fake_idle_clock(ui)
    walk_away_from_help_in_english(ui)
    clock.advance(61)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the prompt")

    ui.tap(ui.app.idle.prompt.ids.keep_going)

    assert ui.app.idle.prompt is None
    assert (ui.screen, ui.app.language) == ("help", "en")
    clock.advance(59)  # the wait starts again from the touch
    ui.pump(1.0)
    assert ui.app.idle.prompt is None


def test_touches_postpone_the_prompt(launch_ui):
    ui = launch_ui({"display": {"idle_timeout_s": 60}})
    clock = use_fake_idle_clock(ui)
    ui.tap(ui.widget("help"))
    clock.advance(50)
    ui.tap(ui.app.screens.get_screen("help").ids.back_bar.ids.back)
    ui.tap(ui.widget("help"))
    clock.advance(50)
    ui.pump(1.0)
    assert ui.app.idle.prompt is None


def test_untouched_home_never_prompts(launch_ui):
    ui = launch_ui({"display": {"idle_timeout_s": 60}})
    clock = use_fake_idle_clock(ui)
    clock.advance(3600)
    ui.pump(1.5)
    assert ui.app.idle.prompt is None
    # Left alone, home gives way to the notice board, which is no session either.
    assert ui.screen == "signage"
    assert not ui.app.in_use()


def test_no_warning_clears_at_once(launch_ui):
    ui = launch_ui({"display": {"idle_timeout_s": 60, "idle_warning_s": 0}})
    clock = use_fake_idle_clock(ui)
    ui.tap(ui.widget("help"))
    clock.advance(61)
    ui.wait_until(lambda: ui.screen == "home", what="home")
