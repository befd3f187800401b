"""The home screen: where every visit starts and every session ends."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import mainthread
from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty

from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.station_settings import StationNotices
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class HomeScreen(KioskScreen):
    station_name = StringProperty("")
    staffed_hours = ObjectProperty(WeeklyHours())   # worded in the .kv, in the language shown
    address = StringProperty("")
    hotline = StringProperty("")
    announcement = StringProperty("")

    def on_kv_post(self, _base_widget: object) -> None:
        from kivy.app import App

        app = App.get_running_app()
        # What this terminal lacks has no button at all, rather than a hidden one.
        if not app.demo_mode:
            self._remove("simulator_panel")
        if not app.has_queue:
            self._remove("queue")
        if not app.has_guide:
            self._remove("guide")
        if not app.has_locker:
            self._remove("pickup")
            self._remove("dropoff")
            self._remove("staff")
        # The district center may change both at any time, from the command thread.
        app.services.settings.subscribe(self._notices_changed)

    def on_pre_enter(self, *_args: object) -> None:
        # An announcement with an end time ends without a change to announce it.
        from kivy.app import App

        self._notices_changed(App.get_running_app().services.settings.current())

    @mainthread
    def _notices_changed(self, notices: StationNotices) -> None:
        self.announcement = notices.announcement
        self.staffed_hours = notices.staffed_hours

    def _remove(self, widget_id: str) -> None:
        widget = self.ids[widget_id]
        widget.parent.remove_widget(widget)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
