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


class ProxyScreen(KioskScreen):
    message = StringProperty("")

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
