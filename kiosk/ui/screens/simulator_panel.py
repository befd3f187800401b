"""Demo mode: make the simulated devices do things, and see what the terminal received.

Calls go through the simulator control socket on a worker thread, so a slow simulator
never freezes the screen.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.lang import Builder
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.simulation.center import DeliveredCode
from kiosk.ui.futures import on_result
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.buttons import KioskButton

MAX_EVENTS = 6


class SimulatedDevice(BoxLayout):
    device = StringProperty("")
    summary = StringProperty("")


class SimulatorPanelScreen(KioskScreen):
    control = ObjectProperty(None, allownone=True)
    result = StringProperty("")
    events = ListProperty([])
    codes = StringProperty("")

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()
        self.show_codes()

    def show_codes(self) -> None:
        """The pickup codes the (demo) district center would have texted to residents."""
        demo = App.get_running_app().services.demo
        if demo is None:
            self.codes = ""
            return
        on_result(demo.delivered_codes(), self._show_codes)

    def _show_codes(self, delivered: list[DeliveredCode] | Exception) -> None:
        self.codes = str(delivered) if isinstance(delivered, Exception) else "\n".join(
            f"{d.compartment}: {d.code}  ({d.case_number})" for d in delivered)

    def refresh(self) -> None:
        if self.control is None:
            self.result = App.get_running_app().tr("No simulators are running.")
            return
        threading.Thread(target=self._load, daemon=True, name="sim-panel").start()

    def note_event(self, text: str) -> None:
        self.events = [text, *self.events][:MAX_EVENTS]

    def _load(self) -> None:
        try:
            devices = self.control.devices()
        except (ConnectionError, OSError) as error:
            self._show_result(str(error))
            return
        self._build(devices)

    @mainthread
    def _build(self, devices: list[dict[str, Any]]) -> None:
        tr = App.get_running_app().tr
        box = self.ids.devices
        box.clear_widgets()
        for device in devices:
            status = device["status"]
            section = SimulatedDevice(
                device=device["device"],
                summary=tr("plugged in") if status["plugged"] else tr("unplugged"),
            )
            for action in device["actions"]:
                values = action["presets"] if action["params"] else [None]
                for value in values:
                    shown = value if value is None or len(value) <= 36 else value[:34] + "…"
                    label = tr(action["label"]) + (f": {shown}" if shown else "")
                    button = KioskButton(text=label, base_font_size=30,
                                         fill=(0.55, 0.15, 0.15, 1) if action["fault"]
                                         else (0.043, 0.361, 0.678, 1))
                    button.bind(on_release=lambda _b, d=device["device"], a=action, v=value:
                                self._perform(d, a, v))
                    section.ids.actions.add_widget(button)
            box.add_widget(section)

    def _perform(self, device: str, action: dict[str, Any], value: str | None) -> None:
        args = {action["params"][0]: value} if value is not None else {}

        def call() -> None:
            try:
                message = self.control.perform(device, action["name"], **args)
            except Exception as error:  # shown to the demo operator, never swallowed
                self._show_result(f"{device}: {error}")
                return
            self._show_result(f"{device}: {message}")
            Clock.schedule_once(lambda _dt: self.refresh(), 0.3)

        threading.Thread(target=call, daemon=True, name="sim-panel-action").start()

    @mainthread
    def _show_result(self, text: str) -> None:
        self.result = text


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
