"""Buttons of a fixed height whose words shrink to fit them, for rows of buttons that must
not grow ("Normal text" or "Collect with your ID card" in large English)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import NumericProperty

from kiosk.ui import theme
from kiosk.ui.widgets.buttons import KioskButton, QuietButton


class FittingButton(KioskButton):
    # The size the words have when they fit, before large-text mode scales it.
    largest_font_size = NumericProperty(theme.TEXT_BUTTON)


class FittingQuietButton(QuietButton):
    largest_font_size = NumericProperty(theme.TEXT_BUTTON)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
