"""Starts the Kivy app. Kivy reads its settings when first imported, so every Kivy
import happens here, after the display and the settings are ready."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import Any

from devices.progress import ProgressBeat
from kiosk.config.schema import DisplayConfig
from kiosk.ui.fonts import CjkFonts
from kiosk.ui.kivy_env import prepare_kivy_environment
from kiosk.ui.services import TerminalServices
from kiosk.ui.theme import SCREEN_SIZES

# How often the Kivy thread proves to the watchdog that its loop turns (kiosk/app/watchdog.py).
UI_BEAT_INTERVAL_S = 1.0


def configure_kivy(display: DisplayConfig, kivy_home: Path) -> None:
    prepare_kivy_environment(kivy_home)
    from kivy.config import Config

    # Kivy sets its logger's level on import; its INFO lines drown the operator's log.
    logging.getLogger("kivy").setLevel(max(logging.WARNING, logging.getLogger().level))

    width, height = SCREEN_SIZES[display.orientation]
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "borderless", "1" if display.fullscreen else "0")
    # Touch screens arrive as mouse events under X; right-click must not leave red
    # multitouch dots on the screen.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    # Scanners in keyboard mode can send Escape; that must never close the terminal.
    Config.set("kivy", "exit_on_escape", "0")


def run_app(services: TerminalServices, fonts: CjkFonts, kivy_home: Path,
            ui_progress: ProgressBeat | None = None) -> None:
    """Runs the terminal's UI until it stops; ``ui_progress`` is beaten from the Kivy
    thread every UI_BEAT_INTERVAL_S while its loop turns."""
    configure_kivy(services.config.display, kivy_home)
    from kivy.clock import Clock

    from kiosk.ui.app import KioskApp

    app = KioskApp(services, fonts)
    if ui_progress is not None:
        beat = ui_progress
        Clock.schedule_interval(lambda _dt: beat.beat(), UI_BEAT_INTERVAL_S)

    def request_stop(_signal: int, _frame: Any) -> None:
        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    app.run()
