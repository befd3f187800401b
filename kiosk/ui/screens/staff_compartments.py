"""Every compartment at a glance; open one for maintenance, or take it out of service."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from kiosk.services.locker.desk import CompartmentStates
from kiosk.services.locker.model import Started
from kiosk.ui import theme
from kiosk.ui.futures import on_result
from kiosk.ui.refusal_text import refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.buttons import QuietButton

CHECK_FILL = (1.0, 0.94, 0.84, 1)     # a pale amber behind the warning colour: look here


class StaffCompartmentsScreen(KioskScreen):
    selected = NumericProperty(0)
    message = StringProperty("")
    _states = CompartmentStates({}, frozenset(), frozenset())

    def on_pre_enter(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        locker = App.get_running_app().services.locker
        if locker is not None:
            on_result(locker.compartment_states(), self._show)

    def _show(self, states: CompartmentStates | Exception) -> None:
        app = App.get_running_app()
        locker = app.services.locker
        grid = self.ids.grid
        grid.clear_widgets()
        if locker is None or isinstance(states, Exception):
            self.message = str(states) if isinstance(states, Exception) else ""
            return
        self._states = states
        stored, out, unchecked = states.stored, states.out_of_service, states.needing_check
        for number, compartment in sorted(locker.compartments.items()):
            if number in unchecked:
                # A restart left its contents unknown: look inside, then put it back.
                state = app.tr("check inside")
            elif number in out:
                state = app.tr("out of service")
            elif number in stored:
                state = app.tr("in use")
            else:
                state = app.tr("free")
            tile = QuietButton(text=f"{number}  {compartment.size}\n{state}", base_font_size=30)
            if number in unchecked:
                tile.color, tile.fill = theme.WARNING, CHECK_FILL
            if number == self.selected:
                tile.fill = (0.80, 0.88, 0.97, 1)
            tile.bind(on_release=lambda _t, n=number: self.select(n))
            grid.add_widget(tile)

    def select(self, number: int) -> None:
        self.selected = number
        self.message = ""
        self.refresh()

    def open_door(self) -> None:
        app = App.get_running_app()
        if not self.selected or app.staff is None:
            return
        if not app.staff.is_admin:
            self.message = app.tr("Only an administrator may open a compartment for maintenance.")
            return
        on_result(app.services.locker.open_for_maintenance(app.staff.id, self.selected),
                  self._opened)

    def _opened(self, result: object) -> None:
        app = App.get_running_app()
        if isinstance(result, Started):
            app.show_door(result)
        else:
            self.message = refusal_text(app.tr, result)  # type: ignore[arg-type]

    def toggle_service(self) -> None:
        app = App.get_running_app()
        if not self.selected or app.staff is None:
            return
        # What the grid shows is what staff decided on: the selected door's state there.
        in_service = self.selected in self._states.out_of_service
        on_result(app.services.locker.set_in_service(app.staff.id, self.selected, in_service),
                  lambda _r: self.refresh())

    def reset(self) -> None:
        self.selected = 0
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
