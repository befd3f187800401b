"""放在低处柜格: staff mark a result for a wheelchair user or an elderly applicant, and the
door that opens is a lower one, or the staff are told plainly that none was free.

The fixture's cabinet: small doors 1-6 down column 1, large 7 over large 8 in column 2;
with seated_reach_rows = [3, 5] the lower compartments are 4, 5, 6 and 7.
"""

from __future__ import annotations

import pytest

from kiosk.services.locker.model import Started
from kiosk.ui import theme
from tests.fixtures.locker_ui import sign_in, type_digits, wait_door
from tests.ui.screen_checks import assert_shows

pytestmark = pytest.mark.ui

TOGGLE = "放在低处柜格（轮椅或年长群众）"


def lower_note(ui):
    return ui.app.screens.get_screen("door").ids.lower_note


def store_marked_in_the_ui(ui, case):
    ui.tap(ui.widget("deposit"))
    type_digits(ui, ui.widget("keypad"), case)
    toggle = ui.widget("lower")
    assert toggle.text == TOGGLE
    ui.tap(toggle)
    assert toggle.text == "✓ " + TOGGLE
    assert_shows(ui.screenshot("lower-compartment-marked"), "放在低处柜格")
    ui.tap(ui.widget("store"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    ui.wait_until(lambda: lower_note(ui).text, what="the lower-compartment note")
    return lower_note(ui)


def finish(ui, number):
    door = ui.app.screens.get_screen("door")
    ui.simulator.put_item(0, number)
    ui.simulator.close_door(0, number)
    ui.wait_until(lambda: door.finished, what="stored")


def test_a_marked_result_goes_into_a_lower_compartment(locker_ui):
    ui = locker_ui(seated_reach_rows=[3, 5])
    sign_in(ui)

    notice = store_marked_in_the_ui(ui, "2026120500042")

    wait_door(ui, 4, True)                        # lower: not door 1, the smallest free
    assert not ui.simulator.door(0, 1).open
    assert notice.text == "4号是低处柜格，坐轮椅也够得着。"
    assert_shows(ui.screenshot("lower-compartment-open"), "4号是低处柜格")
    finish(ui, 4)
    with ui.terminal.store.reading() as db:
        rows = db.execute("SELECT compartment, state, needs_lower FROM deposits").fetchall()
    assert rows == [(4, "stored", 1)]
    ui.tap(ui.app.screens.get_screen("door").ids.done)
    ui.tap(ui.widget("deposit"))
    assert ui.widget("lower").text == TOGGLE      # the next result starts unmarked


def test_with_every_lower_compartment_taken_staff_are_told(locker_ui):
    ui = locker_ui(seated_reach_rows=[3, 5])
    for n, number in enumerate((4, 5, 6, 7)):
        started = ui.terminal.locker.deposit("admin-1", f"LOW-{n}", None, lower=True).result(5)
        assert isinstance(started, Started)
        assert started.compartment == number
        wait_door(ui, number, True)
        ui.pump(0.3)
        ui.simulator.put_item(0, number)
        ui.simulator.close_door(0, number)
        wait_door(ui, number, False)
    ui.wait_until(lambda: len(ui.terminal.locker.stored()) == 4, what="four stored")
    sign_in(ui)

    notice = store_marked_in_the_ui(ui, "2026120500043")

    wait_door(ui, 1, True)                        # still stored, in a high one
    assert notice.text == (
        "没有空闲的低处柜格。1号柜格位置较高，群众来取件时请协助。")
    assert_shows(ui.screenshot("lower-compartment-none-free"), "没有空闲的低处柜格")
    finish(ui, 1)
    with ui.terminal.store.reading() as db:
        row = db.execute("SELECT compartment, needs_lower FROM deposits WHERE case_number = ?",
                         ["2026120500043"]).fetchone()
    assert tuple(row) == (1, 1)
    ui.app.screens.get_screen("door").done()
    ui.pump(0.2)
    assert ui.screen == "staff_menu"
    assert lower_note(ui).text == ""


def test_no_toggle_where_no_lower_compartments_are_configured(locker_ui):
    ui = locker_ui()
    ui.app.go("staff_deposit")
    ui.pump(0.3)
    screen = ui.app.screens.get_screen("staff_deposit")
    try:
        parent = screen.ids.lower.parent
    except ReferenceError:
        parent = None       # taken off the screen and already collected: kv ids are weak
    assert parent is None
    assert TOGGLE not in [getattr(w, "text", "") for w in screen.walk(restrict=True)]


@pytest.mark.parametrize("large_text", [False, True])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_deposit_screen_with_the_toggle_fits(locker_ui, large_text, orientation):
    """With the toggle there, nothing runs off the screen or under the back bar."""
    ui = locker_ui(seated_reach_rows=[3, 5])
    assert ui.app.screens.get_screen("staff_deposit").ids.lower.parent is not None
    if orientation == "landscape":
        from kivy.core.window import Window

        ui.app.landscape = True
        Window.size = (1920, 1080)
    ui.app.text_scale = 1.3 if large_text else 1.0
    ui.app.go("staff_deposit")
    screen = ui.app.screens.get_screen("staff_deposit")
    screen.lower = True
    bar = screen.ids.back_bar
    in_bar = set(bar.walk(restrict=True))

    def boxes():
        return [(w, *w.to_window(w.x, w.y), w.height) for w in screen.walk(restrict=True)
                if w not in in_bar and getattr(w, "text", "") and w.opacity and w.height]

    ui.pump(1.5)                  # the layout and the texts settle
    last = boxes()
    assert screen.ids.lower.font_size == theme.TEXT_SMALL * ui.app.text_scale
    ui.screenshot(f"lower-fit-{orientation}-{'large' if large_text else 'normal'}")
    bar_bottom = bar.to_window(bar.x, bar.y)[1]
    assert screen.ids.lower in [box[0] for box in last]
    for widget, _x, y, height in last:
        assert y >= -1, f"{widget.text[:20]!r} runs off the bottom ({y:.0f})"
        assert y + height <= bar_bottom + 1, (
            f"{widget.text[:20]!r} reaches under the back bar ({y + height:.0f} > "
            f"{bar_bottom:.0f})")
    for index, (one, x1, y1, h1) in enumerate(last):
        for other, x2, y2, h2 in last[index + 1:]:
            across = min(x1 + one.width, x2 + other.width) - max(x1, x2)
            up = min(y1 + h1, y2 + h2) - max(y1, y2)
            assert across <= 1 or up <= 1, (
                f"{one.text[:20]!r} and {other.text[:20]!r} overlap")
