"""How to use the terminal, in plain words."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)


class HelpScreen(KioskScreen):
    hotline = StringProperty("")
    opening_hours = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
