"""No touch waits on the disk: the concurrency contract of kiosk/services/worker.py.

A resident and a member of staff walk the terminal by real taps (the guide, a ticket, a
wrong pickup code, the help button, the drop-off, the staff menu and its lists) while every
use of the database is watched; none may happen on the Kivy thread, where a slow disk
would freeze the screen under the finger.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

import pytest

from tests.fixtures.locker_ui import sign_in, type_digits

pytestmark = pytest.mark.ui


def watch_the_kivy_thread(store: Any) -> list[str]:
    """Where the database was used on the Kivy (main) thread, from now on."""
    seen: list[str] = []

    def watched(method: Callable[[], Any]) -> Callable[[], Any]:
        def use() -> Any:
            if threading.current_thread() is threading.main_thread():
                frames = traceback.extract_stack(limit=12)[:-1]
                seen.append(" <- ".join(f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:"
                                        f"{f.lineno})" for f in reversed(frames)
                                        if "/kiosk/" in f.filename))
            return method()
        return use

    store.transaction = watched(store.transaction)
    store.reading = watched(store.reading)
    return seen


def home(ui: Any) -> None:
    ui.tap(ui.app.screens.current_screen.ids.back_bar.ids.home)
    ui.wait_until(lambda: ui.screen == "home", what="home")


def test_no_touch_waits_on_the_disk(everything_ui):
    ui = everything_ui("portrait")
    on_kivy_thread = watch_the_kivy_thread(ui.terminal.store)

    # The guide: its front page's most-asked list, an item (counted), the search.
    ui.tap(ui.widget("guide", "home"))
    ui.wait_until(lambda: ui.screen == "guide" and len(ui.widget("popular").children) > 0,
                  what="the guide's most asked items")
    ui.tap(ui.widget("popular").children[-1])
    ui.wait_until(lambda: ui.screen == "guide_item", what="the item")
    home(ui)

    # A ticket: the queues with their waits, then a number.
    ui.tap(ui.widget("queue", "home"))
    ui.wait_until(lambda: ui.screen == "queue" and len(ui.widget("categories").children) > 0,
                  what="the queues")
    ui.tap(ui.widget("categories").children[-1])
    ui.wait_until(lambda: ui.screen == "ticket" and ui.widget("ticket_label", "ticket").text,
                  what="the ticket")
    home(ui)

    # A wrong pickup code, and a call for help from there.
    ui.tap(ui.widget("pickup", "home"))
    ui.wait_until(lambda: ui.screen == "pickup", what="the pickup screen")
    type_digits(ui, ui.widget("keypad"), "00000000")
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.widget("message").text != "", what="the refusal")
    ui.tap(ui.app.status_bar.ids.call_help)
    ui.wait_until(lambda: ui.app.aids.help_called is not None, what="the help pop-up")
    ui.app.aids.forget()
    home(ui)

    # Staff: the menu (waiting results, alarms), the list to take out, the compartments.
    sign_in(ui)
    for button, screen in (("retrieve", "staff_retrieve"),
                           ("compartments", "staff_compartments")):
        ui.tap(ui.widget(button, "staff_menu"))
        ui.wait_until(lambda s=screen: ui.screen == s, what=screen)
        ui.tap(ui.app.screens.current_screen.ids.back_bar.ids.back)
        ui.wait_until(lambda: ui.screen == "staff_menu", what="the staff menu")
    ui.pump(0.5)

    assert on_kivy_thread == [], "the Kivy thread used the database:\n" + "\n".join(
        on_kivy_thread)
