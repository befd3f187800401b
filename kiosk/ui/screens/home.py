"""The home screen: where every visit starts and every session ends."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class HomeScreen(KioskScreen):
    station_name = StringProperty("")
    opening_hours = StringProperty("")
    address = StringProperty("")
    hotline = StringProperty("")

    def on_kv_post(self, _base_widget: object) -> None:
        from kivy.app import App

        if not App.get_running_app().demo_mode:
            # Outside demo mode the panel's button does not exist at all.
            button = self.ids.simulator_panel
            button.parent.remove_widget(button)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
