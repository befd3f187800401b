"""How to use the terminal, in plain words."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class HelpScreen(KioskScreen):
    hotline = StringProperty("")
    opening_hours = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        settings = App.get_running_app().terminal.station_settings
        if settings is not None:
            # The hours the district center set, if it did (station.set_opening_hours).
            self.opening_hours = settings.opening_hours()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
