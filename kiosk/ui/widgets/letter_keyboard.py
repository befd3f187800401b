"""An on-screen keyboard for pinyin: the 26 letters in alphabetical order.

Alphabetical, not QWERTY: residents who never used a computer learnt the pinyin
alphabet at school in this order, and seven keys a row leaves each key wider than the
minimum touch target on the narrow portrait screen.
"""

from __future__ import annotations

from pathlib import Path
from string import ascii_lowercase

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.key_entry import CLEAR, DELETE, after_key

KEYS_PER_ROW = 7


class LetterKey(KioskButton):
    key = StringProperty("")


class LetterKeyboard(GridLayout):
    """Edits ``value``: letters, delete one, clear."""

    value = StringProperty("")
    max_length = NumericProperty(24)

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("cols", KEYS_PER_ROW)
        super().__init__(**kwargs)

    def on_kv_post(self, _base_widget: object) -> None:
        for letter in ascii_lowercase:
            key = LetterKey(key=letter, text=letter.upper())
            key.bind(on_release=lambda button: self.press(button.key))
            self.ids[f"key_{letter}"] = key
            self.add_widget(key)
        for name in (DELETE, CLEAR):
            key = LetterKey(key=name)
            key.bind(on_release=lambda button: self.press(button.key))
            self.ids[f"key_{name}"] = key
            self.add_widget(key)
        self._label_keys()

    def _label_keys(self) -> None:
        from kivy.app import App

        app = App.get_running_app()
        self.ids["key_del"].text = app.tr("Delete")
        self.ids["key_clear"].text = app.tr("Clear")

    def relabel(self) -> None:
        """Called when the language changes."""
        self._label_keys()

    def press(self, key: str) -> None:
        self.value = after_key(self.value, key, int(self.max_length))


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
