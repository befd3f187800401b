"""Nothing a resident typed or a reader read stays behind, whichever way they leave.

Each case walks to a screen with a keyboard by real taps, types into it, leaves by one
of the ways out (首页, 返回, walking away until the idle timeout, or 首页 and then the
notice board taking over), and then reads every widget of every screen, the pop-ups
and the app's session for what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from devices.idcard.simulator import make_card
from tests.fixtures.clock import FakeClock
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.fixtures.locker_ui import sign_in, type_digits

pytestmark = pytest.mark.ui

DIGITS = "9731"       # typed on every numeric keypad
LETTERS = "zqxj"      # typed on the pinyin keyboard


def to_pickup(ui: Any) -> Any:
    ui.tap(ui.widget("pickup", "home"))
    return ui.widget("keypad", "pickup")


def to_proxy(ui: Any) -> Any:
    ui.tap(ui.widget("pickup", "home"))
    ui.tap(ui.widget("for_someone_else", "pickup"))
    return ui.widget("keypad", "proxy")


def to_guide_search(ui: Any) -> Any:
    ui.tap(ui.widget("guide", "home"))
    ui.tap(ui.widget("search", "guide"))
    return ui.widget("keyboard", "guide_search")


def to_staff_sign_in(ui: Any) -> Any:
    ui.tap(ui.widget("staff", "home"))
    return ui.widget("keypad", "staff_sign_in")


def to_staff_deposit(ui: Any) -> Any:
    sign_in(ui)
    ui.tap(ui.widget("deposit", "staff_menu"))
    return ui.widget("keypad", "staff_deposit")


ROUTES: dict[str, Callable[[Any], Any]] = {
    "pickup": to_pickup,
    "proxy": to_proxy,
    "guide_search": to_guide_search,
    "staff_sign_in": to_staff_sign_in,
    "staff_deposit": to_staff_deposit,
}


def type_into(ui: Any, keyboard: Any) -> str:
    if hasattr(keyboard.ids, "key_1"):
        type_digits(ui, keyboard, DIGITS)
        return DIGITS
    for letter in LETTERS:
        ui.tap(keyboard.ids[f"key_{letter}"])
    return LETTERS


def texts_on_every_screen(ui: Any) -> Iterator[tuple[str, str]]:
    """(where, text) for every string a widget holds, shown or not."""
    from kivy.core.window import Window

    roots = [(screen.name, screen) for screen in ui.app.screens.screens]
    roots += [("pop-up", child) for child in Window.children if child is not ui.app.root]
    for where, root in roots:
        for widget in root.walk(restrict=True):
            for attribute in ("text", "value", "hint_text"):
                value = getattr(widget, attribute, None)
                if isinstance(value, str) and value:
                    yield f"{where}: {type(widget).__name__}.{attribute}", value


def assert_no_trace(ui: Any, typed: str) -> None:
    found = [where for where, text in texts_on_every_screen(ui)
             if typed in text.replace(" ", "").casefold()]
    assert not found, f"{typed!r} is still held by {found}"
    assert ui.app.session == {}, f"the session still holds {sorted(ui.app.session)}"


def leave(ui: Any, way: str, clock: FakeClock) -> None:
    screen = ui.app.screens.current_screen
    if way == "home":
        ui.tap(screen.ids.back_bar.ids.home)
    elif way == "back":
        ui.tap(screen.ids.back_bar.ids.back)
    elif way == "idle":
        clock.advance(ui.terminal.config.display.idle_timeout_s + 1)
        ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the idle prompt")
        clock.advance(ui.terminal.config.display.idle_warning_s + 1)
        ui.wait_until(lambda: ui.screen == "home", timeout_s=15, what="the idle wipe")
    elif way == "notice_board":
        ui.tap(screen.ids.back_bar.ids.home)
        clock.advance(ui.terminal.config.guide.signage_after_s + 1)
        ui.wait_until(lambda: ui.screen == "signage", timeout_s=5, what="the notice board")
        ui.tap(ui.app.screens.get_screen("signage"))
        assert ui.screen == "home"


@pytest.mark.parametrize("way", ["home", "back", "idle", "notice_board"])
def test_nothing_typed_survives_leaving(locker_ui, way):
    ui = locker_ui()
    clock = use_fake_idle_clock(ui)
    for name, route in ROUTES.items():
        keyboard = route(ui)
        typed = type_into(ui, keyboard)
        assert keyboard.value.casefold() == typed, f"{name}: typing did not land"
        leave(ui, way, clock)
        assert_no_trace(ui, typed)
        # And coming back the same way finds the field empty.
        go_home(ui)
        assert route(ui).value == "", f"{name}: the typed text came back"
        go_home(ui)
        assert ui.app.staff is None, "首页 left the staff member signed in"


def go_home(ui: Any) -> None:
    ids = ui.app.screens.current_screen.ids
    if "back_bar" in ids:
        ui.tap(ids.back_bar.ids.home)
    elif "sign_out" in ids:
        ui.tap(ids.sign_out)
    assert ui.screen == "home"


def test_a_proxy_identity_read_from_a_card_does_not_survive_home(locker_ui):
    ui = locker_ui()
    to_proxy(ui)
    ui.tap(ui.widget("read_card", "proxy"))
    card = make_card(name="欧阳明月")
    ui.id_reader.place(card)
    ui.wait_until(lambda: ui.screen == "pickup" and "proxy_id_number" in ui.app.session,
                  timeout_s=10, what="the proxy's card read")
    ui.id_reader.remove()
    id_number = ui.app.session["proxy_id_number"]

    ui.tap(ui.widget("back_bar", "pickup").ids.home)

    assert_no_trace(ui, id_number.casefold())
    assert_no_trace(ui, "欧阳")
    ui.tap(ui.widget("pickup", "home"))
    assert not ui.app.screens.get_screen("pickup").proxy, "the next person is still a proxy"
