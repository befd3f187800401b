"""A large numeric keypad: 0-9, delete one, clear. Big keys for unsteady fingers."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.widgets.key_entry import after_key


class NumericKeypad(GridLayout):
    """Edits ``value``; ``allow_x`` adds an X key (ID numbers end in X)."""

    value = StringProperty("")
    max_length = NumericProperty(8)
    allow_x = BooleanProperty(False)
    secret = BooleanProperty(False)

    def press(self, key: str) -> None:
        self.value = after_key(self.value, key, int(self.max_length))

    def shown(self) -> str:
        """What the display shows: digits in groups of four, or dots for a PIN."""
        text = "●" * len(self.value) if self.secret else self.value
        return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
