"""代领: someone collects for the applicant and gives their own ID number, which is kept
only as a keyed hash with the pickup record."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.services.identity import Identity
from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons, keypad  # noqa: F401  (classes used in the .kv)

# How an ID number is read out: region (6), date of birth (8), sequence and check (4).
ID_NUMBER_GROUPS = (6, 8, 4)


class ProxyScreen(KioskScreen):
    message = StringProperty("")

    @staticmethod
    def shown_id_number(typed: str) -> str:
        """The digits typed so far, then a blank for each digit still to come, in the
        groups the number is read in: 110105 1949____ ____."""
        slots = typed.ljust(sum(ID_NUMBER_GROUPS), "_")
        groups, start = [], 0
        for size in ID_NUMBER_GROUPS:
            groups.append(slots[start:start + size])
            start += size
        return " ".join(groups)

    def on_pre_enter(self, *_args: object) -> None:
        # Coming back here (返回 from the code) starts the proxy's part afresh.
        App.get_running_app().session.pop("proxy_id_number", None)

    def submit(self) -> None:
        app = App.get_running_app()
        try:
            number = validate_id_number(self.ids.keypad.value)
        except InvalidIdNumber:
            self.message = app.tr("That ID number is not valid. Please check it.")
            return
        app.session["proxy_id_number"] = number
        self.reset()
        app.go("pickup")

    def ask_for_card(self) -> None:
        app = App.get_running_app()
        app.ask_identity(app.tr("Collecting for someone else"), self._identified)

    def _identified(self, identity: Identity) -> None:
        app = App.get_running_app()
        app.session["proxy_id_number"] = identity.id_number
        self.reset()
        app.go("pickup")

    def reset(self) -> None:
        self.ids.keypad.value = ""
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
