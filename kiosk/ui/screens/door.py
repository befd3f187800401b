"""One door operation as the person at the locker sees it: which door (its number and
where it is on the cabinet), what to do, how long before the staff are told, and what
went wrong and what to do now.

While a door stands open this screen stays: the idle wipe and the notice board wait
for the door to close, because a resident who walked away from an open door must not
leave the next person a blank home screen beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.config.cabinet import plan_cabinet
from kiosk.i18n import Translate
from kiosk.services.locker.model import OperationUpdate, Started
from kiosk.services.ratings import Collected
from kiosk.ui.door_text import (
    completed_text,
    countdown_text,
    help_line,
    not_opened_text,
    open_text,
)
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import buttons, cabinet_drawing  # noqa: F401  (classes used in the .kv)

# A finished operation's screen goes back home by itself after this long: the next person
# should not find the last one's compartment on the screen.
FINISHED_SCREEN_S = 30
RESIDENT_PURPOSES = ("pickup", "dropoff")


class DoorScreen(KioskScreen):
    operation_id = NumericProperty(0)
    compartment = NumericProperty(0)
    purpose = StringProperty("")
    state = StringProperty("")
    outcome = StringProperty("")
    headline = StringProperty("")
    detail = StringProperty("")
    countdown_text = StringProperty("")
    finished = BooleanProperty(False)
    problem = BooleanProperty(False)
    overdue = BooleanProperty(False)     # open longer than the door-left-open alarm allows
    lower_wanted = BooleanProperty(False)   # staff marked this result for a lower door
    placed_low = BooleanProperty(False)
    plan = ObjectProperty(None, allownone=True)
    _auto_done = None
    _opened_at: float | None = None
    _words: Callable[[Translate], tuple[str, str]] | None = None
    now: Callable[[], float] = staticmethod(time.monotonic)   # replaceable in tests

    def on_kv_post(self, _base_widget: object) -> None:
        locker = App.get_running_app().services.config.locker
        self.plan = plan_cabinet(locker.compartments)

    def on_compartment(self, *_args: object) -> None:
        # A jammed door's replacement is placed afresh.
        locker = App.get_running_app().services.locker
        self.placed_low = (locker is not None
                           and self.compartment in locker.lower_compartments)

    def door_may_be_open(self) -> bool:
        """True from the unlock until the door is seen shut (or never opened)."""
        return self.operation_id != 0 and self.state in ("unlock_sent", "open")

    def follow(self, started: Started, lower_wanted: bool = False) -> None:
        self.operation_id = started.operation_id
        self.lower_wanted = lower_wanted
        self.compartment = started.compartment
        self.purpose = started.purpose
        self.finished = self.problem = self.overdue = False
        self.countdown_text = self.outcome = ""
        self._show("unlock_sent", None, None)

    def update(self, update: OperationUpdate) -> None:
        if update.operation_id != self.operation_id:
            return
        if update.state == "jammed" and update.replacement_operation:
            # The terminal opened another compartment for the same document.
            self.operation_id = update.replacement_operation
            self.compartment = update.replacement or 0
            self.headline = App.get_running_app().tr(
                "Door {old} did not open. Compartment {new} is opening instead.").format(
                old=update.compartment, new=update.replacement)
            return
        self._show(update.state, update.outcome, update.receipt)

    def _show(self, state: str, outcome: str | None, receipt: str | None) -> None:
        app = App.get_running_app()
        n, purpose = self.compartment, self.purpose
        self.state = state
        self.outcome = outcome or ""
        hotline = app.services.config.station.hotline
        words: Callable[[Translate], tuple[str, str]]
        if state == "unlock_sent":
            def words(tr: Translate) -> tuple[str, str]:
                return tr("Opening door {number}…").format(number=n), ""
        elif state == "open":
            def words(tr: Translate) -> tuple[str, str]:
                return open_text(tr, purpose, n), ""
            self._start_countdown()
        elif state == "completed":
            self._stop_countdown()
            if outcome == "stored" and purpose == "dropoff" and receipt:
                # The receipt has its own screen: printed, and kept until they are done.
                app.show_dropoff_receipt(receipt, n)
                return
            self.finished = True
            self.problem = outcome in ("item_left", "empty")

            def words(tr: Translate) -> tuple[str, str]:
                return completed_text(tr, purpose, outcome, n, help_line(tr, hotline))
        else:  # jammed, failed, abandoned
            self._stop_countdown()
            self.finished = self.problem = True

            def words(tr: Translate) -> tuple[str, str]:
                return not_opened_text(tr, purpose, n, hotline)
        self._words = words
        self.headline, self.detail = words(app.tr)
        if self.manager is not None and self.manager.current == self.name:
            app.speak_screen()

    def spoken(self, tr: Translate) -> str:
        """The headline and what to do, for residents; staff at work hear nothing."""
        if self._words is None or self.purpose not in RESIDENT_PURPOSES:
            return ""
        return " ".join(part for part in self._words(tr) if part)

    # -- the door left open ---------------------------------------------------------------

    def _start_countdown(self) -> None:
        self._opened_at = self.now()
        self._tick()
        Clock.unschedule(self._tick)
        Clock.schedule_interval(self._tick, 1.0)

    def _stop_countdown(self) -> None:
        Clock.unschedule(self._tick)
        self._opened_at = None
        self.countdown_text = ""
        self.overdue = False

    def _tick(self, *_args: object) -> None:
        if self._opened_at is None:
            return
        app = App.get_running_app()
        alarm_min = app.services.config.locker.door_open_alarm_min
        limit_s = alarm_min * 60
        left_s = limit_s - (self.now() - self._opened_at)
        if left_s <= 0 and not self.overdue and self.purpose in RESIDENT_PURPOSES:
            app.say(lambda tr: countdown_text(tr, 0, alarm_min))
        self.overdue = left_s <= 0
        self.countdown_text = countdown_text(app.tr, max(0, round(left_s)), alarm_min)

    # -- leaving ------------------------------------------------------------------------

    def on_finished(self, _screen: object, finished: bool) -> None:
        self._cancel_auto_done()
        if finished:
            self._auto_done = Clock.schedule_once(lambda _dt: self._leave_if_shown(),
                                                  FINISHED_SCREEN_S)

    def on_leave(self, *_args: object) -> None:
        self._cancel_auto_done()

    def _cancel_auto_done(self) -> None:
        if self._auto_done is not None:
            self._auto_done.cancel()
            self._auto_done = None

    def _leave_if_shown(self) -> None:
        if self.manager is not None and self.manager.current == self.name and self.finished:
            self.done(rate=False)   # nobody touched it for a while: nobody to ask

    def try_again(self) -> None:
        """Nothing was put in: back to choosing a compartment."""
        app = App.get_running_app()
        app.go_to("staff_deposit" if self.purpose == "deposit" else "dropoff")

    def done(self, rate: bool = True) -> None:
        app = App.get_running_app()
        if self.purpose in ("deposit", "retrieve", "maintenance") and app.staff is not None:
            app.go_to("staff_menu")
        elif rate and self.purpose == "pickup" and self.outcome == "collected":
            app.offer_rating(Collected(self.operation_id), "done")    # 好差评, voluntary
        else:
            app.end_session("done")

    def reset(self) -> None:
        self._cancel_auto_done()
        self._stop_countdown()
        self.operation_id = self.compartment = 0
        self.headline = self.detail = self.state = self.outcome = ""
        self._words = None
        self.finished = self.problem = self.lower_wanted = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
