"""Every screen fits, in every mode: Chinese and English, normal and large text, portrait and
landscape (issue 12, defect 5), with physical sizes checked in millimetres at the
configured display.dpi.

One terminal per mode (a locker, a queue, the service guide, an ID-card reader, a QR
scanner and a receipt printer out of paper, so every print failure shows its longest
words); each screen is filled with what a resident or a member of staff would see on it,
then checked from Kivy's widget tree by tests/ui/fit_checks.py. Screens with a problem
are kept as screenshots in test-artifacts/fit-*.png.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from devices.idcard.simulator import make_card
from kiosk.services.locker.model import OperationUpdate, Started
from kiosk.services.locker.model import Refused as LockerRefused
from kiosk.services.queue.model import Refused
from kiosk.services.ratings import DroppedOff
from kiosk.ui import theme
from tests.fixtures.ui import UiDriver
from tests.ui.fit_checks import Problem, check_screen, signature, window_box

pytestmark = pytest.mark.ui

# What the district center might put on the home screen.
ANNOUNCEMENT = "本周六上午 9:00–12:00 系统升级，窗口暂停受理，自助终端照常使用"
# FIT_SCREENSHOTS=1 keeps a picture of every screen checked, not only of those that fail.
EVERY_SCREENSHOT = bool(os.environ.get("FIT_SCREENSHOTS"))
MODES = [(orientation, language, large)
         for orientation in ("portrait", "landscape")
         for language in ("zh_CN", "en")
         for large in (False, True)]


# -- visiting ------------------------------------------------------------------------


class Visit:
    """Shows each screen, waits for its layout to settle and checks it."""

    def __init__(self, ui: UiDriver, mode: str) -> None:
        self.ui = ui
        self.app = ui.app
        self.mode = mode
        self.dpi = ui.terminal.config.display.dpi
        self.problems: list[Problem] = []
        self.seen: set[str] = set()
        self.language_and_size = (ui.app.language, ui.app.text_scale)

    def settle(self) -> None:
        """Pumps until nothing moves: a text's size feeds its height, which feeds its
        parent's, a frame at a time."""
        root = self.app.root
        before = signature(root)
        for _ in range(40):
            self.ui.pump(0.03)
            now = signature(root)
            if now == before:
                return
            before = now
        raise AssertionError(f"{self.mode}: {self.app.screens.current} never settles")

    def check(self, label: str | None = None) -> None:
        assert (self.app.language, self.app.text_scale) == self.language_and_size, (
            f"{self.mode}: the language or text size changed on the way")
        self.settle()
        screen = self.app.screens.current_screen
        name = f"{screen.name}" + (f" ({label})" if label else "")
        found = check_screen(name, screen, dpi=self.dpi, area=window_box(self.app.screens),
                             back_bar=screen.ids.get("back_bar"))
        self.seen.add(screen.name)
        if found or EVERY_SCREENSHOT:
            self.ui.screenshot(f"fit-{self.mode}-{name.replace(' ', '-')}")
        self.problems += found

    def check_prompt(self) -> None:
        """The ID card prompt, over whatever screen asked for it."""
        from kivy.core.window import Window

        prompt = self.app._identity_prompt
        self.settle()
        found = check_screen("identity prompt", prompt, dpi=self.dpi,
                             area=(0, 0, Window.width, Window.height))
        if found or EVERY_SCREENSHOT:
            self.ui.screenshot(f"fit-{self.mode}-identity-prompt")
        self.problems += found

    def check_status_bar(self) -> None:
        bar = self.app.status_bar
        self.problems += check_screen("status bar", bar, dpi=self.dpi, area=window_box(bar))

    def show(self, screen: str, label: str | None = None) -> None:
        self.app.go(screen)
        self.check(label)

    def wait(self, predicate: Callable[[], bool], what: str) -> None:
        self.ui.wait_until(predicate, timeout_s=10, what=f"{self.mode}: {what}")


def screen(ui: UiDriver, name: str) -> Any:
    return ui.app.screens.get_screen(name)


def visit_resident_screens(visit: Visit) -> None:
    ui, app = visit.ui, visit.app
    ui.terminal.station_settings.set_announcement(ANNOUNCEMENT, None, "center:test")
    visit.wait(lambda: screen(ui, "home").announcement == ANNOUNCEMENT, "the announcement")
    visit.check()
    visit.check_status_bar()
    visit.show("help")

    app.home()
    visit.show("guide")
    screen(ui, "guide_search").ids.keyboard.value = "dbsq"
    visit.show("guide_search")
    screen(ui, "guide").browse("owner")
    visit.check()
    groups = screen(ui, "guide_groups").ids.groups.children
    groups[-1].dispatch("on_release")
    visit.check()
    catalog = ui.terminal.guide.catalog
    app.open_guide_item(max(catalog.items, key=lambda item: len(item.name)))
    visit.check()
    screen(ui, "guide_item").print_notice()    # out of paper: the notice comes on screen
    visit.wait(lambda: app.screens.current == "slip", "the notice on screen")
    visit.check()

    app.home()
    queue = screen(ui, "queue")
    visit.show("queue")
    queue.use_id_card()                    # what "Use my ID card" does
    visit.wait(lambda: app._identity_prompt is not None, "the ID card prompt")
    visit.check_prompt()
    ui.id_reader.place(make_card(name="欧阳秀英", birth=date(1950, 3, 8)))
    visit.wait(lambda: queue.offer_priority, "priority offered to an elder")
    ui.id_reader.remove()
    visit.check("an elder's ID card read")
    queue.choose_priority()
    visit.wait(lambda: screen(ui, "ticket").print_line not in ("", app.tr("Printing…")),
               "the ticket's print result")
    visit.check("a priority ticket")
    app.show_ticket(Refused("has_ticket", category_name="帮办代办", ticket_label="C001"))
    visit.check("refused")

    app.home()
    app.screens.current = "signage"    # as the app does on an untouched home screen
    visit.check()

    app.home()
    pickup, proxy = screen(ui, "pickup"), screen(ui, "proxy")
    app.go("pickup")
    pickup.ids.keypad.value = "12345678"
    pickup.submit()
    visit.wait(lambda: not pickup.checking, "the wrong code refused")
    visit.check("a wrong code")
    proxy.ids.keypad.value = "11010519491231002"
    visit.show("proxy")
    proxy.ids.keypad.value = "11010519491231002X"
    proxy.submit()                         # back to the pickup, noted as a proxy
    visit.wait(lambda: app.screens.current == "pickup" and pickup.proxy, "the proxy noted")
    pickup._answered(LockerRefused("expired"))     # the longest refusal
    visit.check("a proxy, a long refusal")
    app.home()
    visit.show("dropoff")


def visit_locker_operation(visit: Visit) -> None:
    """A resident's drop-off through the real locker: the door open, then its receipt;
    then a door that did not open."""
    ui, app = visit.ui, visit.app
    app.home()
    started = ui.terminal.locker.dropoff("S").result(5)
    app.show_door(started)
    door = screen(ui, "door")
    visit.wait(lambda: door.state == "open", "the door open")
    visit.check("open")
    ui.locker.put_item(0, started.compartment)
    ui.locker.close_door(0, started.compartment)
    receipt = screen(ui, "dropoff_receipt")
    visit.wait(lambda: app.screens.current == "dropoff_receipt" and receipt.print_failed,
               "the receipt, not printed")
    visit.check()
    app.offer_rating(DroppedOff(receipt.receipt), "done")     # what 完成 does
    visit.wait(lambda: app.screens.current == "rating", "the rating offered")
    visit.check("faces")

    app.home()
    failed = Started(operation_id=10**6, compartment=3, purpose="pickup")
    app.show_door(failed)
    door.update(OperationUpdate(failed.operation_id, 3, "pickup", "failed"))
    visit.check("did not open")
    app.home()     # not end_session(), which would also put back the language and size


def visit_staff_screens(visit: Visit) -> None:
    ui, app = visit.ui, visit.app
    sign_in = screen(ui, "staff_sign_in")
    visit.show("staff_sign_in")
    sign_in.ids.keypad.value = "123456"
    sign_in.submit()
    visit.wait(lambda: app.screens.current == "staff_menu", "the staff menu")
    visit.check()      # with the printer's alarm
    deposit = screen(ui, "staff_deposit")
    app.go("staff_deposit")
    deposit.ids.keypad.value = "330106202406110042"
    visit.check("a case number typed")
    app.go_to("staff_menu")
    visit.show("staff_retrieve")
    app.go_to("staff_menu")
    visit.show("staff_compartments")


@pytest.mark.parametrize(("orientation", "language", "large_text"), MODES,
                         ids=[f"{o}-{lang}-{'large' if big else 'normal'}"
                              for o, lang, big in MODES])
def test_every_screen_fits_and_is_large_enough(everything_ui, orientation, language, large_text):
    """No text cut or spilling out of its box, nothing off the screen or under the back
    bar, no two texts over each other; touch targets 15 mm and text 5 mm at display.dpi."""
    ui = everything_ui(orientation)
    ui.app.set_language(language)
    ui.app.text_scale = theme.LARGE_TEXT_SCALE if large_text else 1.0
    mode = f"{orientation}-{language}-{'large' if large_text else 'normal'}"
    visit = Visit(ui, mode)

    visit_resident_screens(visit)
    visit_locker_operation(visit)
    visit_staff_screens(visit)

    missed = set(ui.app.screens.screen_names) - visit.seen
    assert not missed, f"screens this test does not visit yet: {sorted(missed)}"
    if visit.problems:
        pytest.fail(f"{len(visit.problems)} problems in {mode} (display.dpi {visit.dpi:g}):\n"
                    + "\n".join(f"  {problem}" for problem in visit.problems), pytrace=False)


def test_the_checks_find_each_fault_they_look_for(launch_ui):
    """A screen built to break every rule, and the real home screen on a panel too dense
    for its buttons: each check must speak, so the test above can fail."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.button import Button
    from kivy.uix.floatlayout import FloatLayout
    from kivy.uix.label import Label
    from kivy.uix.screenmanager import Screen
    from kivy.uix.scrollview import ScrollView

    ui = launch_ui()
    app = ui.app
    area = window_box(app.screens)
    top = area[3] - area[1]

    def label(text: str, x: float, y: float, w: float, h: float, **options: Any) -> Label:
        return Label(text=text, size_hint=(None, None), pos=(x, y), size=(w, h),
                     color=theme.TEXT, **options)

    layout = FloatLayout()
    bar = label("返回  标题  首页", 0, top - 150, 1080, 150)
    list_view = ScrollView(size_hint=(None, None), pos=(600, 400), size=(400, 40))
    rows = BoxLayout(orientation="vertical", size_hint_y=None, height=300)
    rows.add_widget(Label(text="列表第一行", color=theme.TEXT))
    list_view.add_widget(rows)
    for widget in (
        bar,
        label("存件：给工作人员留材料", 0, 1500, 200, 80, font_size=52, shorten=True,
              text_size=(200, 80)),
        label("Welcome to the station", 0, 1300, 200, 100, font_size=64),
        label("第一行\n第二行\n第三行", 0, 1100, 400, 60, font_size=40, valign="top",
              text_size=(400, 60)),
        label("在返回栏下面", 300, top - 100, 300, 60, font_size=40),
        label("掉出屏幕底部", 0, -30, 300, 60, font_size=40),
        label("压在一起甲", 0, 700, 300, 60, font_size=40),
        label("压在一起乙", 100, 720, 300, 60, font_size=40),
        label("字太小", 0, 500, 300, 60, font_size=10),
        label("Delete", 400, 500, 90, 120, font_size=40, text_size=(90, None)),
        label("放得下的一行字", 0, 200, 600, 80, font_size=40),
        Button(text="OK", size_hint=(None, None), pos=(800, 200), size=(30, 30),
               font_size=20),
        list_view,
    ):
        layout.add_widget(widget)
    broken = Screen(name="broken")
    broken.add_widget(layout)
    app.screens.add_widget(broken)
    app.screens.current = "broken"
    Visit(ui, "broken").settle()

    found = {(problem.text, problem.what.split(" (")[0].split(":")[0])
             for problem in check_screen("broken", broken, dpi=69, area=area, back_bar=bar)}
    assert found == {
        ("存件：给工作人员留材料", "is cut"),
        ("Welcome to the station", "overflows its box"),
        ("第一行 第二行 第三行", "is cut"),
        ("在返回栏下面", "reaches under the back bar"),
        ("返回 标题 首页", "overlaps '在返回栏下面'"),
        ("掉出屏幕底部", "runs off the bottom"),
        ("压在一起甲", "overlaps '压在一起乙'"),
        ("字太小", "is text 3.7 mm high"),
        ("Delete", "breaks Delete across lines"),
        ("OK", "is a touch target of 11.0 x 11.0 mm"),
        ("列表第一行", "heads a list squeezed to 40 px"),
    }, found

    app.screens.current = "home"
    Visit(ui, "home").settle()
    dense = check_screen("home", app.screens.get_screen("home"), dpi=400, area=area)
    assert any(p.what.startswith("is a touch target of") for p in dense), dense
    assert not check_screen("home", app.screens.get_screen("home"), dpi=69, area=area)
