"""Staff store a finished result: scan or type the case number, pick a size, load.

For a wheelchair user or an elderly applicant, staff mark the result for a lower
compartment; the door screen then says whether the door that opened is a lower one, or
that none was free.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.services.locker.model import Started
from kiosk.ui.futures import on_result
from kiosk.ui.refusal_text import refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons, keypad  # noqa: F401  (classes used in the .kv)


class StaffDepositScreen(KioskScreen):
    size_choice = StringProperty("")   # "" = the smallest free one
    message = StringProperty("")
    busy = BooleanProperty(False)
    case_number = StringProperty("")
    applicant = StringProperty("")     # the applicant's ID number: optional, never stored
    editing = StringProperty("case")   # which field the keypad types into
    lower = BooleanProperty(False)     # 放在低处柜格: a wheelchair user or an elderly applicant

    def on_kv_post(self, _base_widget: object) -> None:
        if not App.get_running_app().services.locker.lower_compartments:
            toggle = self.ids.lower      # none configured (locker.seated_reach_rows)
            toggle.parent.remove_widget(toggle)

    def edit(self, field: str) -> None:
        pad = self.ids.keypad
        self.editing = field
        pad.max_length = 32 if field == "case" else 18
        pad.allow_x = field == "applicant"
        pad.value = self.case_number if field == "case" else self.applicant

    def typed(self, value: str) -> None:
        if self.editing == "case":
            self.case_number = value
        else:
            self.applicant = value

    def handle_scan(self, text: str) -> bool:
        # A case slip's barcode or QR holds the case number.
        self.edit("case")
        self.ids.keypad.value = text.strip()[:32]
        return True

    def submit(self) -> None:
        app = App.get_running_app()
        if self.busy or app.staff is None:
            return
        self.busy = True
        future = app.services.locker.deposit(app.staff.id, self.case_number,
                                             self.size_choice or None, self.applicant or None,
                                             lower=self.lower)
        on_result(future, self._answered)

    def _answered(self, result: object) -> None:
        app = App.get_running_app()
        self.busy = False
        if isinstance(result, Started):
            lower = self.lower
            self.reset()
            app.show_door(result, lower_wanted=lower)
        else:
            self.message = refusal_text(app.tr, result)  # type: ignore[arg-type]

    def reset(self) -> None:
        self.edit("case")
        self.ids.keypad.value = ""
        self.case_number = self.applicant = ""
        self.size_choice = ""
        self.message = ""
        self.busy = False
        self.lower = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
