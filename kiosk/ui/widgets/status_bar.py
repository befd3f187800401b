"""The strip along the top: station name, date and time, link to the district center,
and on every screen the two buttons a resident may need anywhere: 重听 and 呼叫帮助."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.widgets import buttons  # noqa: F401  (KioskButton, used in the .kv)

WEEKDAYS_ZH = "一二三四五六日"


class StatusBar(BoxLayout):
    station = StringProperty("")
    clock_text = StringProperty("")
    online = BooleanProperty(False)
    voice_on = BooleanProperty(False)    # a voice is fitted and not muted: offer 重听

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._tick(0)
        self._ticker = Clock.schedule_interval(self._tick, 1)

    def stop(self) -> None:
        self._ticker.cancel()

    def _tick(self, _dt: float) -> None:
        from kivy.app import App

        now = datetime.now()
        app = App.get_running_app()
        language = getattr(app, "language", "zh_CN")
        if language == "zh_CN":
            self.clock_text = (f"{now.month}月{now.day}日 星期{WEEKDAYS_ZH[now.weekday()]} "
                               f"{now:%H:%M}")
        else:
            self.clock_text = f"{now:%a %d %b %H:%M}"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
