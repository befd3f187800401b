"""The public notice board (电子公示屏) shown while nobody uses the terminal: opening
hours, the windows and the items asked for most, readable from two metres. A touch
anywhere starts a visit."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty

from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.guide.catalog import ServiceItem
from kiosk.ui.futures import on_result
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import buttons  # noqa: F401  (classes used in the .kv)


class SignageScreen(KioskScreen):
    station_name = StringProperty("")
    staffed_hours = ObjectProperty(WeeklyHours())   # worded in the .kv, in the language shown

    def on_pre_enter(self, *_args: object) -> None:
        app = App.get_running_app()
        station = app.services.config.station
        self.station_name = station.name
        # The staffed hours in force: the district center may have set them.
        self.staffed_hours = app.services.settings.staffed_hours()
        windows = self.ids.windows
        windows.clear_widgets()
        for window in station.windows:
            windows.add_widget(Factory.BoardLine(
                text=app.tr("Window {number}: {name}").format(number=window.number,
                                                              name=window.name)))
        self.ids.popular_items.clear_widgets()
        if app.services.guide is not None:
            on_result(app.services.guide.most_asked(limit=5), self._show_popular)

    def _show_popular(self, most_asked: list[ServiceItem] | Exception) -> None:
        items = self.ids.popular_items
        items.clear_widgets()
        for rank, item in enumerate(most_asked if not isinstance(most_asked, Exception)
                                    else [], start=1):
            items.add_widget(Factory.BoardLine(text=f"{rank}. {item.name}"))

    def on_touch_down(self, touch: object) -> bool:
        # The touch that wakes the terminal only wakes it: taken here whole, it cannot
        # also press whatever is under the finger on the home screen.
        return True

    def on_touch_up(self, touch: object) -> bool:
        App.get_running_app().home()
        return True


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
