"""存件: after hours, a resident leaves papers for the staff (容缺受理 materials, forms)."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.services.locker.model import Started
from kiosk.ui.futures import on_result
from kiosk.ui.refusal_text import refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class DropoffScreen(KioskScreen):
    free_s = NumericProperty(0)
    free_m = NumericProperty(0)
    free_l = NumericProperty(0)
    message = StringProperty("")
    busy = BooleanProperty(False)

    def on_pre_enter(self, *_args: object) -> None:
        locker = App.get_running_app().services.locker
        if locker is not None:
            on_result(locker.free_compartments(), self._show_free)

    def _show_free(self, free: dict[str, int] | Exception) -> None:
        if isinstance(free, Exception):
            return      # the sizes stay offered; a full locker still answers "none free"
        self.free_s, self.free_m, self.free_l = free["S"], free["M"], free["L"]

    def choose(self, size: str) -> None:
        app = App.get_running_app()
        if self.busy:
            return
        self.busy = True
        on_result(app.services.locker.dropoff(size), self._answered)

    def _answered(self, result: object) -> None:
        app = App.get_running_app()
        self.busy = False
        if isinstance(result, Started):
            app.show_door(result)
        else:
            self.message = refusal_text(app.tr, result)  # type: ignore[arg-type]

    def reset(self) -> None:
        self.message = ""
        self.busy = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
