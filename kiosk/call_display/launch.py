"""Starts the call display's Kivy app, with Kivy configured the way the terminal's is."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from devices.voice.port import Announcer
from kiosk.api.window_client import WindowApiClient
from kiosk.config.schema import KioskConfig
from kiosk.ui.fonts import CjkFonts
from kiosk.ui.launch import configure_kivy


def run_call_display_app(config: KioskConfig, fonts: CjkFonts, kivy_home: Path,
                         client: WindowApiClient, announcer: Announcer | None) -> None:
    configure_kivy(config.display, kivy_home)
    from kivy.clock import Clock

    from kiosk.call_display.app import CallDisplayApp

    app = CallDisplayApp(config, fonts, client, announcer)

    def request_stop(_signal: int, _frame: Any) -> None:
        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    app.run()
