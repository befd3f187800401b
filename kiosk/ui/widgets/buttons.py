"""Large touch buttons."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.button import Button

from kiosk.ui import theme


class KioskButton(Button):
    """A button at least TOUCH_MIN tall, in the primary colour unless told otherwise."""

    fill = ColorProperty(theme.PRIMARY)
    fill_pressed = ColorProperty(theme.PRIMARY_PRESSED)
    base_font_size = NumericProperty(theme.TEXT_BUTTON)
    # Set this, not `height`: the button still grows when its text needs more room.
    min_height = NumericProperty(theme.BUTTON_HEIGHT)
    grow = BooleanProperty(True)   # False: exactly min_height (keypad keys)
    # False: the same size in large-text mode (keys, the status bar's buttons). A
    # property, not a font_size set in a rule: the class rule's binding to text_scale
    # would overwrite that as soon as the mode changed.
    scales = BooleanProperty(True)


class QuietButton(KioskButton):
    """A secondary action: outlined, not filled."""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
