"""How to use the terminal, in plain words."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import mainthread
from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty

from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.station_settings import StationNotices
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class HelpScreen(KioskScreen):
    hotline = StringProperty("")
    staffed_hours = ObjectProperty(WeeklyHours())   # worded in the .kv, in the language shown

    def on_kv_post(self, _base_widget: object) -> None:
        # The district center may change the hours at any time, from the command thread.
        App.get_running_app().services.settings.subscribe(self._notices_changed)

    @mainthread
    def _notices_changed(self, notices: StationNotices) -> None:
        self.staffed_hours = notices.staffed_hours


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
