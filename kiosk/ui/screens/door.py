"""One door operation as the person at the locker sees it: opening, open, done, or what
went wrong and what to do now."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.services.locker.model import OperationUpdate, Started
from kiosk.ui.door_text import help_line, not_opened_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)

# A finished operation's screen goes back home by itself after this long: the next person
# should not find the last one's compartment or receipt on the screen.
FINISHED_SCREEN_S = 30


class DoorScreen(KioskScreen):
    operation_id = NumericProperty(0)
    compartment = NumericProperty(0)
    purpose = StringProperty("")
    state = StringProperty("")
    headline = StringProperty("")
    detail = StringProperty("")
    receipt = StringProperty("")
    finished = BooleanProperty(False)
    problem = BooleanProperty(False)
    _auto_done = None

    def follow(self, started: Started) -> None:
        self.operation_id = started.operation_id
        self.compartment = started.compartment
        self.purpose = started.purpose
        self.finished = self.problem = False
        self.receipt = ""
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
        tr = app.tr
        n = self.compartment
        self.state = state
        hotline = app.terminal.config.station.hotline
        call = help_line(tr, hotline)
        if state == "unlock_sent":
            self.headline = tr("Opening door {number}…").format(number=n)
            self.detail = ""
        elif state == "open":
            self.headline = {
                "pickup": tr("Door {number} is open. Please take your document and close the "
                             "door."),
                "deposit": tr("Door {number} is open. Put the document in and close the door."),
                "dropoff": tr("Door {number} is open. Put your papers in and close the door."),
                "retrieve": tr("Door {number} is open. Take the item out and close the door."),
                "maintenance": tr("Door {number} is open for maintenance. Close it when done."),
            }[self.purpose].format(number=n)
            self.detail = ""
        elif state == "completed":
            self.finished = True
            self.problem = outcome in ("item_left", "empty")
            self.headline, self.detail = self._completed_text(outcome, receipt, call)
        else:  # jammed, failed, abandoned
            self.finished = self.problem = True
            self.headline, self.detail = not_opened_text(tr, self.purpose, n, hotline)

    def _completed_text(self, outcome: str | None, receipt: str | None,
                        call: str) -> tuple[str, str]:
        tr = App.get_running_app().tr
        n = self.compartment
        if outcome == "collected":
            return tr("Done. Please take your document with you."), ""
        if outcome == "item_left":
            return (tr("Something is still in compartment {number}.").format(number=n),
                    tr("If it is yours, enter your code again to reopen the door.") + " " + call)
        if outcome == "stored" and self.purpose == "dropoff":
            self.receipt = receipt or ""
            return (tr("Stored in compartment {number}.").format(number=n),
                    tr("Please note the receipt number or take a photo of it. The staff will "
                       "deal with your papers during staffed hours."))
        if outcome == "stored":
            return (tr("Stored in compartment {number}.").format(number=n),
                    tr("The district service center sends the pickup code to the applicant."))
        if outcome == "empty":
            return (tr("No document was detected, so nothing was stored."),
                    tr("Please try again."))
        if outcome == "retrieved":
            return tr("Taken out of compartment {number}.").format(number=n), ""
        return tr("Door {number} is closed.").format(number=n), ""

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
            self.done()

    def done(self) -> None:
        app = App.get_running_app()
        if self.purpose in ("deposit", "retrieve", "maintenance") and app.staff is not None:
            app.go_to("staff_menu")
        else:
            app.end_session("done")

    def reset(self) -> None:
        self._cancel_auto_done()
        self.operation_id = 0
        self.headline = self.detail = self.receipt = ""
        self.finished = self.problem = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
