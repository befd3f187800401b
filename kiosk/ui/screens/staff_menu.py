"""What a signed-in staff member can do at the locker."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.services.alarms import Alarm
from kiosk.services.locker.model import DepositView
from kiosk.ui.alarm_text import describe_alarm
from kiosk.ui.futures import on_result
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class StaffMenuScreen(KioskScreen):
    staff_id = StringProperty("")
    waiting = NumericProperty(0)
    alarms = StringProperty("")
    voice_muted = BooleanProperty(False)
    voice_fitted = BooleanProperty(False)

    def on_pre_enter(self, *_args: object) -> None:
        app = App.get_running_app()
        self.staff_id = app.staff.id if app.staff else ""
        locker = app.services.locker
        if locker is not None:
            on_result(locker.waiting_for_staff(), self._show_waiting)
        on_result(app.services.active_alarms(), self._show_alarms)
        self.voice_fitted = app.voice.available
        self.voice_muted = app.voice.muted

    def _show_waiting(self, waiting: list[DepositView] | Exception) -> None:
        self.waiting = 0 if isinstance(waiting, Exception) else len(waiting)

    def _show_alarms(self, alarms: list[Alarm] | Exception) -> None:
        tr = App.get_running_app().tr
        if isinstance(alarms, Exception):
            self.alarms = tr("The alarms could not be read: {error}").format(error=alarms)
            return
        self.alarms = "\n".join(describe_alarm(tr, a.kind, a.subject) for a in alarms)

    def toggle_voice(self) -> None:
        voice = App.get_running_app().voice
        if voice.muted:
            voice.unmute()
        else:
            voice.mute()
        self.voice_muted = voice.muted


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
